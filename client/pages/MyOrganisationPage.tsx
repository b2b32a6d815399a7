/** Route `/my-organisation`: a VCSE editor's organisations, their services with capacity badges and the quick capacity panel. */
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, sendJson } from '../api/client';
import type { CapacityDto, ClaimWithOrganizationDto, MyOrganizationDto, OrganizationDto } from '../api/directory';
import { CapacityBadge } from '../components/CapacityBadge';
import { CapacityPanel } from '../components/CapacityPanel';
import { HighDemandWarning } from '../components/demand/HighDemandWarning';
import { ConcernList, RaiseConcernForm, type ConcernDto } from '../components/Concerns';
import { OrganisationForm, organisationValues, type OrganisationValues } from '../components/OrganisationForm';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';
import { mayManageOrganisations, VcseEditorsOnly } from '../components/VcseEditorsOnly';

type Load =
  { status: 'loading' } | { status: 'ready'; organizations: MyOrganizationDto[] } | { status: 'error'; detail: string };

/** My organisation: prompt to sign in, or the signed-in user's organisations and services. */
export function MyOrganisationPage() {
  usePageTitle('My organisation');
  const session = useSession();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  return (
    <>
      <PageHeading caption="For VCSE organisations">My organisation</PageHeading>
      {flash && (
        <div className="nhsuk-inset-text signpost-flash" role="status">
          <span className="nhsuk-u-visually-hidden">Success: </span>
          <p>{flash}</p>
        </div>
      )}
      {session.status === 'loading' ? (
        <p className="nhsuk-body">Loading…</p>
      ) : session.user ? (
        <Organisations />
      ) : (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <p className="nhsuk-lede-text">
              Publish your organisation’s services and say how many more people each one can take on.
            </p>
            <p>When you keep your capacity up to date, link workers only refer people to services that can see them.</p>
            <p>
              <Link to={`${SIGN_IN_PATH}?next=/my-organisation`}>Sign in</Link> to manage your organisation.
            </p>
            <p>
              Not on Signpost yet? Once signed in you can <Link to="/organisations/new">add your organisation</Link> or{' '}
              <Link to="/organisations/claim">claim one that is already listed</Link>.
            </p>
          </div>
        </div>
      )}
    </>
  );
}

const CLAIM_STATUS: Record<string, { label: string; className: string }> = {
  pending: { label: 'Pending', className: 'nhsuk-tag--blue' },
  approved: { label: 'Approved', className: 'nhsuk-tag--green' },
  rejected: { label: 'Not approved', className: 'nhsuk-tag--red' },
};

/** The signed-in person's claims that are not yet (or not) approved; approved ones are listed as organisations. */
function Claims({ claims }: { claims: ClaimWithOrganizationDto[] }) {
  const open = claims.filter((c) => c.status !== 'approved');
  if (open.length === 0) return null;
  return (
    <section aria-labelledby="my-claims" className="nhsuk-u-margin-bottom-7">
      <h2 className="nhsuk-heading-m" id="my-claims">
        Your claims
      </h2>
      <ul className="nhsuk-list nhsuk-list--border">
        {open.map((c) => {
          const status = CLAIM_STATUS[c.status] ?? { label: c.status, className: 'nhsuk-tag--grey' };
          return (
            <li key={c.id}>
              {c.organizationName} <strong className={`nhsuk-tag ${status.className}`}>{status.label}</strong>
              <span className="nhsuk-body-s nhsuk-u-display-block">
                {c.status === 'pending'
                  ? 'An administrator will check your claim.'
                  : 'An administrator did not approve this claim. Contact them if you think this is wrong.'}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function AddOrClaim({ intro }: { intro: string }) {
  return (
    <p className="nhsuk-body">
      {intro} <Link to="/organisations/new">Add your organisation</Link> or{' '}
      <Link to="/organisations/claim">claim an organisation that is already listed</Link>.
    </p>
  );
}

/** Fields that are text even when empty (the name is required; an empty description is ''). */
const REQUIRED_TEXT = new Set(['name', 'description']);

const PROFILE_ROWS: [keyof OrganisationValues, string][] = [
  ['alternateName', 'Other name'],
  ['description', 'Description'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['website', 'Website'],
  ['legalStatus', 'Legal status'],
  ['charityNumber', 'Charity number'],
];

/** An organisation's details, with an edit form for its editors (PATCH, inline field errors, success message). */
function Profile({
  org,
  canEdit,
  onSaved,
}: {
  org: MyOrganizationDto;
  canEdit: boolean;
  onSaved(org: OrganizationDto): void;
}) {
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const isReturningFocus = useRef(false);
  const closeForm = () => {
    isReturningFocus.current = true;
    setEditing(false);
  };
  // Back to where the person was, once React has committed the button again (a timer could run before that).
  useEffect(() => {
    if (editing || !isReturningFocus.current) return;
    isReturningFocus.current = false;
    editButton.current?.focus();
  }, [editing]);
  if (editing) {
    return (
      <section aria-labelledby={`org-edit-${org.id}`} className="nhsuk-u-margin-bottom-5">
        <h3 className="nhsuk-heading-m" id={`org-edit-${org.id}`}>
          Edit organisation details<span className="nhsuk-u-visually-hidden"> of {org.name}</span>
        </h3>
        <OrganisationForm
          idPrefix={`org-${org.id}`}
          initial={organisationValues(org)}
          submitLabel="Save organisation details"
          onSubmit={async (values) => {
            // Empty optional fields are sent as null so that clearing a field clears it.
            const patch = Object.fromEntries(
              Object.entries(values).map(([k, v]) => [k, v.trim() === '' && !REQUIRED_TEXT.has(k) ? null : v]),
            );
            const { body } = await sendJson<OrganizationDto>('PATCH', `/api/organizations/${org.id}`, patch, {
              csrfToken: session.csrfToken,
            });
            onSaved(body);
            setSaved(true);
            closeForm();
          }}
          secondaryAction={
            <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={closeForm}>
              Cancel
            </button>
          }
        />
      </section>
    );
  }
  return (
    <>
      {saved && (
        <div className="nhsuk-inset-text signpost-flash" role="status">
          <span className="nhsuk-u-visually-hidden">Success: </span>
          <p>The details of {org.name} have been saved.</p>
        </div>
      )}
      <dl className="nhsuk-summary-list">
        {PROFILE_ROWS.map(([key, label]) => (
          <div className="nhsuk-summary-list__row" key={key}>
            <dt className="nhsuk-summary-list__key">{label}</dt>
            <dd className="nhsuk-summary-list__value">{org[key] || 'Not given'}</dd>
          </div>
        ))}
      </dl>
      {canEdit && (
        <button
          type="button"
          ref={editButton}
          className="nhsuk-button nhsuk-button--secondary"
          onClick={() => {
            setSaved(false);
            setEditing(true);
          }}
        >
          Edit organisation details<span className="nhsuk-u-visually-hidden"> of {org.name}</span>
        </button>
      )}
    </>
  );
}

function Organisations() {
  const session = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [concerns, setConcerns] = useState<ConcernDto[] | null>(null);
  const [claims, setClaims] = useState<ClaimWithOrganizationDto[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    sendJson<{ organizations: MyOrganizationDto[] }>('GET', '/api/my/organizations', undefined, {
      signal: controller.signal,
    })
      .then(({ body }) => setLoad({ status: 'ready', organizations: body.organizations }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoad({ status: 'error', detail: error instanceof ApiError ? error.detail : 'Something went wrong' });
      });
    sendJson<{ claims: ClaimWithOrganizationDto[] }>('GET', '/api/my/claims', undefined, { signal: controller.signal })
      .then(({ body }) => setClaims(body.claims))
      .catch(() => undefined);
    sendJson<{ concerns: ConcernDto[] }>('GET', '/api/my/concerns', undefined, { signal: controller.signal })
      .then(({ body }) => setConcerns(body.concerns))
      .catch(() => {
        if (!controller.signal.aborted) setConcerns([]);
      });
    return () => controller.abort();
  }, []);
  const upsertConcern = (concern: ConcernDto) =>
    setConcerns((list) => [concern, ...(list ?? []).filter((c) => c.id !== concern.id)]);

  if (load.status === 'loading') return <p className="nhsuk-body">Loading your organisations…</p>;
  if (load.status === 'error') {
    return (
      <div className="nhsuk-error-summary" role="alert">
        <h2 className="nhsuk-error-summary__heading">Your organisations could not be loaded</h2>
        <p className="nhsuk-error-summary__body">{load.detail}</p>
      </div>
    );
  }
  if (load.organizations.length === 0) {
    const role = session.user?.role;
    return (
      <>
        <Claims claims={claims} />
        {role && !mayManageOrganisations(role, 'add') ? (
          <VcseEditorsOnly action="add" role={role} />
        ) : (
          <AddOrClaim intro="You are not a member of any organisation yet." />
        )}
      </>
    );
  }
  const role = session.user?.role;
  const canEdit = role === 'vcse_editor' || role === 'admin';
  const handleProfileSaved = (saved: OrganizationDto) =>
    setLoad({
      status: 'ready',
      organizations: load.organizations.map((o) => (o.id === saved.id ? { ...o, ...saved } : o)),
    });

  const handleSaved = (orgId: string, serviceId: string, capacity: CapacityDto) =>
    setLoad({
      status: 'ready',
      organizations: load.organizations.map((o) =>
        o.id !== orgId
          ? o
          : {
              ...o,
              services: o.services.map((s) => (s.id === serviceId ? { ...s, capacity, version: capacity.version } : s)),
            },
      ),
    });

  return (
    <>
      <Claims claims={claims} />
      {load.organizations.map((org) => (
        <section key={org.id} className="nhsuk-u-margin-bottom-7" aria-labelledby={`org-${org.id}`}>
          <h2 className="nhsuk-heading-l" id={`org-${org.id}`}>
            {org.name}
            {org.status !== 'approved' && (
              <strong className="nhsuk-tag nhsuk-tag--grey signpost-heading-tag">Awaiting approval</strong>
            )}
          </h2>
          <Profile org={org} canEdit={canEdit} onSaved={handleProfileSaved} />
          <h3 className="nhsuk-heading-m">Services</h3>
          <p className="nhsuk-body">
            <Link to={`/my-organisation/services/new?org=${org.id}`}>
              Add a service<span className="nhsuk-u-visually-hidden"> to {org.name}</span>
            </Link>
          </p>
          {org.services.length === 0 && <p className="nhsuk-body">This organisation has no services yet.</p>}
          <ul className="nhsuk-list signpost-service-list">
            {org.services.map((service) => (
              <li key={service.id} className="nhsuk-card signpost-service-card">
                <div className="nhsuk-card__content">
                  <h4 className="nhsuk-card__heading nhsuk-heading-m" id={`service-${service.id}`}>
                    {service.name}
                  </h4>
                  <p className="nhsuk-body">
                    <CapacityBadge capacity={service.capacity} />
                  </p>
                  {service.pressure === 'high' && <HighDemandWarning audience="organisation" />}
                  {service.fundingEndingSoon && (
                    <div className="nhsuk-warning-callout">
                      <h5 className="nhsuk-warning-callout__label">
                        <span role="text">
                          <span className="nhsuk-u-visually-hidden">Important: </span>
                          Funding ends within 90 days
                        </span>
                      </h5>
                      <p>Tell your commissioner if the service may stop: raise a funding concern below.</p>
                    </div>
                  )}
                  <p className="nhsuk-body-s signpost-links">
                    <Link to={`/services/${service.id}`}>
                      View public page<span className="nhsuk-u-visually-hidden"> for {service.name}</span>
                    </Link>{' '}
                    <Link to={`/my-organisation/services/${service.id}/edit`}>
                      Edit details<span className="nhsuk-u-visually-hidden"> of {service.name}</span>
                    </Link>
                  </p>
                  <h5 className="nhsuk-heading-s nhsuk-u-margin-bottom-3 signpost-panel-heading">
                    Update capacity<span className="nhsuk-u-visually-hidden"> of {service.name}</span>
                  </h5>
                  <CapacityPanel service={service} onSaved={(c) => handleSaved(org.id, service.id, c)} />
                  <h5 className="nhsuk-heading-s nhsuk-u-margin-top-5 nhsuk-u-margin-bottom-3">
                    Concerns<span className="nhsuk-u-visually-hidden"> about {service.name}</span>
                  </h5>
                  {concerns === null ? (
                    <p className="nhsuk-body-s">Loading concerns…</p>
                  ) : (
                    <ConcernList
                      concerns={concerns.filter((c) => c.serviceId === service.id)}
                      onUpdated={upsertConcern}
                    />
                  )}
                  <details className="nhsuk-details">
                    <summary className="nhsuk-details__summary">
                      <span className="nhsuk-details__summary-text">
                        Raise a concern<span className="nhsuk-u-visually-hidden"> about {service.name}</span>
                      </span>
                    </summary>
                    <div className="nhsuk-details__text">
                      <RaiseConcernForm service={service} onRaised={upsertConcern} />
                    </div>
                  </details>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <AddOrClaim intro="Run another organisation?" />
    </>
  );
}
