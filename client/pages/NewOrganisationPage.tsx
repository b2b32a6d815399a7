/** Route `/organisations/new`: a signed-in person adds their organisation; it waits for an administrator's approval. */
import { useState } from 'react';
import { Link } from 'react-router';
import { sendJson } from '../api/client';
import type { OrganizationDto } from '../api/directory';
import { OrganisationForm, organisationValues, type OrganisationValues } from '../components/OrganisationForm';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';
import { ApprovalConfirmation } from '../components/ApprovalConfirmation';
import { mayManageOrganisations, VcseEditorsOnly } from '../components/VcseEditorsOnly';

const TITLE = 'Add your organisation';

/** The body POST /api/organizations expects: empty optional fields are left out. */
export function organisationBody(values: OrganisationValues): Partial<OrganisationValues> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}

/** Add your organisation: sign-in prompt, the form, then a confirmation that it awaits approval. */
export function NewOrganisationPage() {
  const session = useSession();
  const [hasProblems, setHasProblems] = useState(false);
  const [created, setCreated] = useState<OrganizationDto | null>(null);
  usePageTitle(created ? 'Organisation sent for approval' : hasProblems ? `Error: ${TITLE}` : TITLE);

  if (session.status === 'loading') return <p className="nhsuk-body">Loading…</p>;
  if (created) {
    return (
      <ApprovalConfirmation
        title="Organisation sent for approval"
        summary={<>{created.name} is waiting for an administrator to approve it</>}
      >
        <p>
          An administrator will check {created.name}. Until they approve it, it is not shown to link workers or the
          public, and it shows as <strong>Awaiting approval</strong> on My organisation.
        </p>
        <p>You can start adding its services on My organisation while you wait.</p>
      </ApprovalConfirmation>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading caption="For VCSE organisations">{TITLE}</PageHeading>
        <p className="nhsuk-lede-text">
          List your voluntary, community or social enterprise organisation so you can publish its services.
        </p>
        <p>
          An administrator checks every new organisation before it is shown to link workers. If your organisation is
          already listed, <Link to="/organisations/claim">claim it</Link> instead.
        </p>
        {session.user && !mayManageOrganisations(session.user.role, 'add') ? (
          <VcseEditorsOnly action="add" role={session.user.role} />
        ) : session.user ? (
          <OrganisationForm
            idPrefix="org"
            initial={organisationValues()}
            submitLabel="Send for approval"
            onProblemsChange={setHasProblems}
            onSubmit={async (values) => {
              const { body } = await sendJson<OrganizationDto>('POST', '/api/organizations', organisationBody(values), {
                csrfToken: session.csrfToken,
              });
              setCreated(body);
            }}
          />
        ) : (
          <p>
            You need a Signpost account to add an organisation.{' '}
            <Link to={`${SIGN_IN_PATH}?next=${encodeURIComponent('/organisations/new')}`}>
              Sign in to add your organisation
            </Link>
            . If you do not have an account, ask your local Signpost administrator for an invitation.
          </p>
        )}
      </div>
    </div>
  );
}
