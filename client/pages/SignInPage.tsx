/** Route `/sign-in`: the sign-in form, with NHS.UK error summary and inline errors from the form and the API. */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { TextInput } from '../components/TextInput';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkSignIn(email: string, password: string): FormProblem[] {
  const problems: FormProblem[] = [];
  if (!email) problems.push({ fieldId: 'email', message: 'Enter your email address' });
  else if (!EMAIL_SHAPE.test(email)) {
    problems.push({ fieldId: 'email', message: 'Enter an email address in the correct format, like name@example.com' });
  }
  if (!password) problems.push({ fieldId: 'password', message: 'Enter your password' });
  return problems;
}

/** Where to go after signing in: a same-site path from ?next=, else My organisation (or Admin for admins). */
function safeNext(next: string | null, role: string): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return role === 'admin' ? '/admin' : '/my-organisation';
}

/** The API's answer as form problems: field problems inline, anything else against the email field. */
function problemsFrom(error: unknown): FormProblem[] {
  if (error instanceof ApiError && error.errors.length) {
    return error.errors.map((p) => ({
      fieldId: p.field === 'password' ? 'password' : 'email',
      message: `${p.field === 'password' ? 'Password' : 'Email address'} ${p.message}`,
    }));
  }
  if (error instanceof ApiError && error.status === 401) {
    return [{ fieldId: 'email', message: 'Enter a correct email address and password' }];
  }
  return [
    {
      fieldId: 'email',
      message: error instanceof ApiError ? error.detail : 'Something went wrong. Try again.',
    },
  ];
}

/** Sign-in page: checks the fields, signs in through the API, then goes to ?next= or My organisation. */
export function SignInPage() {
  const { signIn, user } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [isBusy, setIsBusy] = useState(false);
  usePageTitle(problems.length ? 'Error: Sign in' : 'Sign in');

  const showProblems = (found: FormProblem[]) => {
    setProblems(found);
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const found = checkSignIn(email, password);
    if (found.length) return showProblems(found);
    setIsBusy(true);
    try {
      const signedIn = await signIn(email, password);
      setProblems([]);
      void navigate(safeNext(searchParams.get('next'), signedIn.role));
    } catch (error) {
      showProblems(problemsFrom(error));
    } finally {
      setIsBusy(false);
    }
  };

  const problemFor = (fieldId: string) => problems.find((problem) => problem.fieldId === fieldId)?.message;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {problems.length > 0 && <ErrorSummary problems={problems} />}
        <PageHeading>Sign in</PageHeading>
        {user && (
          <div className="nhsuk-inset-text">
            <p>
              You are signed in as {user.name}. <Link to="/my-organisation">Go to My organisation</Link>
            </p>
          </div>
        )}
        <p>Sign in to manage your organisation’s services and capacity.</p>
        <form onSubmit={handleSubmit} noValidate>
          <TextInput
            id="email"
            label="Email address"
            type="email"
            autoComplete="email"
            spellCheck={false}
            inputClassName="nhsuk-input--width-30"
            error={problemFor('email')}
          />
          <TextInput
            id="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            inputClassName="nhsuk-input--width-20"
            error={problemFor('password')}
          />
          <button className="nhsuk-button" type="submit" disabled={isBusy}>
            Sign in
          </button>
        </form>
        <p>
          <Link to="/reset-password">Forgotten your password?</Link>
        </p>
      </div>
    </div>
  );
}
