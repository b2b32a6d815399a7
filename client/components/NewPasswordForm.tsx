/** Form for choosing a new password with an emailed token (password reset and invite acceptance). */
import { useState, type FormEvent } from 'react';
import { passwordProblem, PASSWORD_MIN_LENGTH } from '@shared/schemas/accounts';
import { ApiError } from '../api/client';
import { ErrorSummary, type FormProblem } from './ErrorSummary';
import { TextInput } from './TextInput';

/** Props of NewPasswordForm. */
export interface NewPasswordFormProps {
  /** Text of the submit button. */
  submitLabel: string;
  /** Sends the password; throws ApiError on failure (a `token` field problem means the link is no good). */
  onSubmit(password: string): Promise<void>;
}

/** New password + confirmation, checked with the shared password policy before sending. */
export function NewPasswordForm({ submitLabel, onSubmit }: NewPasswordFormProps) {
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [isBusy, setIsBusy] = useState(false);
  const show = (found: FormProblem[]) => {
    setProblems(found);
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('new-password') ?? '');
    const confirm = String(form.get('confirm-password') ?? '');
    const found: FormProblem[] = [];
    const problem = password ? passwordProblem(password) : 'is required';
    if (problem) found.push({ fieldId: 'new-password', message: `Password ${problem}` });
    else if (password !== confirm) found.push({ fieldId: 'confirm-password', message: 'Passwords do not match' });
    if (found.length) return show(found);
    setIsBusy(true);
    try {
      await onSubmit(password);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) {
        show(
          error.errors.map((p) => ({
            fieldId: 'new-password',
            message: p.field === 'token' ? `This link ${p.message}` : `Password ${p.message}`,
          })),
        );
      } else show([{ fieldId: 'new-password', message: error instanceof ApiError ? error.detail : 'Try again' }]);
    } finally {
      setIsBusy(false);
    }
  };
  const problemFor = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  return (
    <>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <form onSubmit={handleSubmit} noValidate>
        <TextInput
          id="new-password"
          label="New password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong password.`}
          type="password"
          autoComplete="new-password"
          inputClassName="nhsuk-input--width-20"
          error={problemFor('new-password')}
        />
        <TextInput
          id="confirm-password"
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          inputClassName="nhsuk-input--width-20"
          error={problemFor('confirm-password')}
        />
        <button className="nhsuk-button" type="submit" disabled={isBusy}>
          {submitLabel}
        </button>
      </form>
    </>
  );
}

/** The `token` in a `#token=…` fragment (kept out of server logs and Referer headers), or null. */
export function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token');
}
