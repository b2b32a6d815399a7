/** An NHS.UK textarea with its label, optional hint and error message wired up for assistive technology. */
import type { TextareaHTMLAttributes } from 'react';
import { FormField } from './FormField';

/** Props of TextArea; other textarea attributes (rows, maxLength…) pass through. */
export interface TextAreaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'name' | 'className'> {
  /** Id of the textarea, also used to derive hint and error ids. */
  id: string;
  /** Form field name. Default: the id. */
  name?: string;
  /** Visible label text. */
  label: string;
  /** Help text under the label. Default none. */
  hint?: string;
  /** Error message to show; the field is marked invalid when set. Default none. */
  error?: string;
}

/** Labelled textarea in an nhsuk-form-group, showing the error state when `error` is set. */
export function TextArea({ id, name, label, hint, error, rows = 5, ...props }: TextAreaProps) {
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <textarea
          {...props}
          rows={rows}
          className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
          id={id}
          name={name ?? id}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        />
      )}
    </FormField>
  );
}
