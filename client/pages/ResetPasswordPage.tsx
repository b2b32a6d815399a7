/** Route `/reset-password`: ask for a reset link by email, or (with `#token=` from the email) choose a new password. */
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, sendJson } from '../api/client';
import { ErrorSummary } from '../components/ErrorSummary';
import { NewPasswordForm, tokenFromHash } from '../components/NewPasswordForm';
import { PageHeading } from '../components/PageHeading';
import { TextInput } from '../components/TextInput';
import { usePageTitle } from '../hooks/usePageTitle';

/** Password reset: request form without a token, new-password form with one. */
export function ResetPasswordPage() {
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  usePageTitle(token ? 'Choose a new password' : 'Reset your password');
  const [state, setState] = useState<'form' | 'requested' | 'done'>('form');
  const [error, setError] = useState('');

  const handleRequest = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    if (!email) return setError('Enter your email address');
    try {
      await sendJson('POST', '/api/auth/password-reset/request', { email });
      setState('requested');
    } catch (e) {
      setError(e instanceof ApiError && e.errors[0] ? `Email address ${e.errors[0].message}` : 'Try again');
    }
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {token ? (
          <>
            <PageHeading>Choose a new password</PageHeading>
            {state === 'done' ? (
              <div className="nhsuk-inset-text" role="status">
                <p>
                  Your password has been changed. <Link to="/sign-in">Sign in</Link> with your new password.
                </p>
              </div>
            ) : (
              <NewPasswordForm
                submitLabel="Change password"
                onSubmit={async (password) => {
                  await sendJson('POST', '/api/auth/password-reset/complete', { token, password });
                  setState('done');
                }}
              />
            )}
          </>
        ) : (
          <>
            {error && <ErrorSummary problems={[{ fieldId: 'email', message: error }]} />}
            <PageHeading>Reset your password</PageHeading>
            {state === 'requested' ? (
              <div className="nhsuk-inset-text" role="status">
                <p>If an account has this email, we have sent it a link to reset the password. Check your email.</p>
              </div>
            ) : (
              <form onSubmit={handleRequest} noValidate>
                <TextInput
                  id="email"
                  label="Email address"
                  hint="We will email you a link to choose a new password"
                  type="email"
                  autoComplete="email"
                  inputClassName="nhsuk-input--width-30"
                  error={error || undefined}
                />
                <button className="nhsuk-button" type="submit">
                  Send reset link
                </button>
              </form>
            )}
          </>
        )}
      </div>
    </div>
  );
}
