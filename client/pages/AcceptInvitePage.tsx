/** Route `/accept-invite`: an invited person (link with `#token=`) chooses a password and is signed in. */
import { useLocation, useNavigate } from 'react-router';
import { sendJson } from '../api/client';
import type { SessionAnswer } from '../api/accounts';
import { NewPasswordForm, tokenFromHash } from '../components/NewPasswordForm';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';

/** Invite acceptance page. */
export function AcceptInvitePage() {
  usePageTitle('Accept your invitation');
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  const { adopt } = useSession();
  const navigate = useNavigate();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Accept your invitation</PageHeading>
        {token ? (
          <>
            <p>Choose a password to finish setting up your Signpost account.</p>
            <NewPasswordForm
              submitLabel="Create account"
              onSubmit={async (password) => {
                const { body } = await sendJson<SessionAnswer>('POST', '/api/auth/invite/accept', { token, password });
                adopt(body);
                void navigate(body.user?.role === 'admin' ? '/admin' : '/my-organisation');
              }}
            />
          </>
        ) : (
          <p>This page needs the link from your invitation email. Open the link from the email again.</p>
        )}
      </div>
    </div>
  );
}
