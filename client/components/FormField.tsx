/** The NHS.UK form-group frame shared by text inputs, textareas and selects (label, optional hint and error, wired up for assistive technology), and its hint and error pieces. */
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

/** The value of `aria-describedby` for the control `id`: its hint and error, when there are any. */
export function describedBy(id: string, hint?: ReactNode, error?: string): string | undefined {
  return [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ') || undefined;
}

/** The hint of the control `id` (id `<id>-hint`), or nothing when there is no hint. */
export function Hint({ id, hint, className }: { id: string; hint?: ReactNode; className?: string }) {
  return hint ? (
    <div className={className ? `nhsuk-hint ${className}` : 'nhsuk-hint'} id={`${id}-hint`}>
      {hint}
    </div>
  ) : null;
}

/** The error message of the control `id` (id `<id>-error`), or nothing when there is no error. */
export function ErrorMessage({ id, error }: { id: string; error?: string }) {
  return error ? (
    <span className="nhsuk-error-message" id={`${id}-error`}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {error}
    </span>
  ) : null;
}

/** Label, hint and error around the control that `children` renders. */
export function FormField({ id, label, hint, error, children }: FormFieldProps) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <ErrorMessage id={id} error={error} />
      {children(describedBy(id, hint, error))}
    </div>
  );
}
