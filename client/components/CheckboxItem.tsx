/** One NHS.UK checkbox with its label and optional hint, for use inside an `nhsuk-checkboxes` list. */
import type { InputHTMLAttributes, ReactNode } from 'react';
import { describedBy, Hint } from './FormField';

/** Props of CheckboxItem; other input attributes (name, value, checked, disabled, onChange…) pass through. */
export interface CheckboxItemProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'className'> {
  /** Id of the input, also used to derive the hint id. */
  id: string;
  /** Visible label text. */
  label: ReactNode;
  /** Help text under the label, linked by `aria-describedby`. Default none. */
  hint?: ReactNode;
}

/** An `nhsuk-checkboxes__item`: the input, its label and, when given, its hint. */
export function CheckboxItem({ id, label, hint, ...inputProps }: CheckboxItemProps) {
  return (
    <div className="nhsuk-checkboxes__item">
      <input
        {...inputProps}
        className="nhsuk-checkboxes__input"
        id={id}
        type="checkbox"
        aria-describedby={describedBy(id, hint)}
      />
      <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} className="nhsuk-checkboxes__hint" />
    </div>
  );
}
