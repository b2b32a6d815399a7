/** Route `/sign-in`: the sign-in form, with NHS.UK error summary and inline errors from the form and the API. */
import { useEffect, useState, type FormEvent } from 'react';
import type { Role } from '@shared/roles';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { fetchAreas, type PcnDetailDto } from '../api/areas';
import { fetchDemo, postDemoSignIn, type DemoAccountDto } from '../api/demo';
import type { SessionUser } from '../api/accounts';
import { districtOf, landingPath } from '../journeys';
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

/**
 * Where to go after signing in: a same-site path from ?next=, else where the person's work starts (landingPath);
 * a link worker's Find opens on their PCN's area (the postcode district of its first practice) when they have one.
 */
async function afterSignIn(next: string | null, user: SessionUser): Promise<string> {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  if (user.role === 'link_worker' && user.pcnCode) {
    try {
      const pcn = await fetchAreas<PcnDetailDto>(`/api/areas/pcns/${encodeURIComponent(user.pcnCode)}`);
      const district = districtOf(pcn.practices.find((p) => p.postcode)?.postcode);
      if (district) return `/find?postcode=${encodeURIComponent(district)}`;
    } catch {
      // No reference data for the PCN: Find without an area.
    }
  }
  return landingPath(user);
}

/** Names of the roles on the one-click demo buttons. */
const DEMO_ROLE_LABEL: Record<Role, string> = {
  link_worker: 'link worker',
  vcse_editor: 'VCSE editor',
  icb_commissioner: 'ICB commissioner',
  admin: 'admin',
};

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
  const { signIn, user, csrfToken, adopt } = useSession();
  const [demoAccounts, setDemoAccounts] = useState<DemoAccountDto[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    fetchDemo({ signal: controller.signal })
      .then((demo) => setDemoAccounts(demo.on ? demo.accounts : []))
      .catch(() => setDemoAccounts([]));
    return () => controller.abort();
  }, []);
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
      void navigate(await afterSignIn(searchParams.get('next'), signedIn));
    } catch (error) {
      showProblems(problemsFrom(error));
    } finally {
      setIsBusy(false);
    }
  };

  const signInAsDemo = async (role: Role) => {
    setIsBusy(true);
    try {
      const answer = await postDemoSignIn(role, csrfToken);
      adopt(answer);
      setProblems([]);
      void navigate(await afterSignIn(searchParams.get('next'), answer.user!));
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
              You are signed in as {user.name}. <Link to={landingPath(user)}>Continue</Link>
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
        {demoAccounts.length > 0 && (
          <section aria-labelledby="demo-sign-in" className="nhsuk-card">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading nhsuk-heading-m" id="demo-sign-in">
                Try the demo
              </h2>
              <p>Sign in with one click as a demo account. The demo is made-up data about Trafford.</p>
              <ul className="nhsuk-list">
                {demoAccounts.map((account) => (
                  <li key={account.role}>
                    <button
                      className="nhsuk-button nhsuk-button--secondary"
                      type="button"
                      disabled={isBusy}
                      onClick={() => void signInAsDemo(account.role)}
                    >
                      Sign in as demo {DEMO_ROLE_LABEL[account.role]}
                    </button>{' '}
                    <span className="nhsuk-body-s">{account.name}</span>
                  </li>
                ))}
              </ul>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}
