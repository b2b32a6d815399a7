/** The NHS.UK form-group frame shared by text inputs and textareas: label, optional hint and error, wired up for assistive technology. */
import type { ReactNode } from 'react';

/** Props of FormField. */
export interface FormFieldProps {
  /** Id of the control, also used to derive hint and error ids. */
  id: string;
  /** Visible label text. */
  label: string;
  /** Help text under the label. Default none. */
  hint?: string;
  /** Error message to show; the group is marked as in error when set. Default none. */
  error?: string;
  /** Renders the control, given the value for its `aria-describedby`. */
  children: (describedBy: string | undefined) => ReactNode;
}

/** Label, hint and error around the control that `children` renders. */
export function FormField({ id, label, hint, error, children }: FormFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <span className="nhsuk-error-message" id={errorId}>
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {error}
        </span>
      )}
      {children(describedBy)}
    </div>
  );
}
