/** Route `/my-organisation`: a VCSE editor's organisations, their services with capacity badges and the quick capacity panel. */
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, sendJson } from '../api/client';
import type { CapacityDto, MyOrganizationDto } from '../api/directory';
import { CapacityBadge } from '../components/CapacityBadge';
import { CapacityPanel } from '../components/CapacityPanel';
import { HighDemandWarning } from '../components/demand/HighDemandWarning';
import { ConcernList, RaiseConcernForm, type ConcernDto } from '../components/Concerns';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';

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
          </div>
        </div>
      )}
    </>
  );
}

function Organisations() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [concerns, setConcerns] = useState<ConcernDto[] | null>(null);
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
    return (
      <p className="nhsuk-body">
        You are not a member of any organisation yet. Ask an administrator to add you, or claim your organisation.
      </p>
    );
  }

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
      {load.organizations.map((org) => (
        <section key={org.id} className="nhsuk-u-margin-bottom-7" aria-labelledby={`org-${org.id}`}>
          <h2 className="nhsuk-heading-l" id={`org-${org.id}`}>
            {org.name}
            {org.status !== 'approved' && (
              <strong className="nhsuk-tag nhsuk-tag--grey signpost-heading-tag">Awaiting approval</strong>
            )}
          </h2>
          <dl className="nhsuk-summary-list">
            {[
              ['Description', org.description || 'Not given'],
              ['Email', org.email ?? 'Not given'],
              ['Phone', org.phone ?? 'Not given'],
              ['Website', org.website ?? 'Not given'],
              ['Charity number', org.charityNumber ?? 'Not given'],
            ].map(([key, value]) => (
              <div className="nhsuk-summary-list__row" key={key}>
                <dt className="nhsuk-summary-list__key">{key}</dt>
                <dd className="nhsuk-summary-list__value">{value}</dd>
              </div>
            ))}
          </dl>
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
    </>
  );
}
