/** An NHS.UK text input with its label, optional hint and error message wired up for assistive technology. */
import type { InputHTMLAttributes } from 'react';
import { FormField } from './FormField';

/** Props of TextInput; other input attributes (type, autoComplete, spellCheck…) pass through. */
export interface TextInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'className'> {
  /** Id of the input, also used to derive hint and error ids. */
  id: string;
  /** Form field name. Default: the id. */
  name?: string;
  /** Visible label text. */
  label: string;
  /** Help text under the label. Default none. */
  hint?: string;
  /** Error message to show; the field is marked invalid when set. Default none. */
  error?: string;
  /** Extra classes for the input, e.g. a width class `nhsuk-input--width-20`. Default none. */
  inputClassName?: string;
}

/** Labelled text input in an nhsuk-form-group, showing the error state when `error` is set. */
export function TextInput({ id, name, label, hint, error, inputClassName, ...inputProps }: TextInputProps) {
  const inputClasses = ['nhsuk-input', error ? 'nhsuk-input--error' : undefined, inputClassName]
    .filter(Boolean)
    .join(' ');
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <input
          {...inputProps}
          className={inputClasses}
          id={id}
          name={name ?? id}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        />
      )}
    </FormField>
  );
}
