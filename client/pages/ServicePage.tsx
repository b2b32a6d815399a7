/** Route `/services/:id`: the public page of one service — what it is, who runs it, capacity "as of" a time, how to refer. */
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { languageName } from '@shared/schemas/directory';
import { ApiError, sendJson } from '../api/client';
import type { ServiceDto } from '../api/directory';
import { CAPACITY_EXPLANATIONS, formatDateTime } from '../capacity/format';
import { CapacityBadge } from '../components/CapacityBadge';
import { weekdayName } from '@shared/weekdays';
import { HighDemandWarning } from '../components/demand/HighDemandWarning';
import { ServiceDemandActions } from '../components/demand/ServiceDemandActions';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { NotFoundPage } from './NotFoundPage';

type Load = { status: 'loading' } | { status: 'ready'; service: ServiceDto } | { status: 'error'; error: ApiError };

const ORDINALS: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '5': 'fifth',
  '-1': 'last',
};
const REFERRAL: Record<string, string> = {
  self: 'People can refer themselves',
  professional: 'Referral by a professional (for example a link worker)',
  either: 'People can refer themselves, or be referred by a professional',
};
const DELIVERY: Record<string, string> = { in_person: 'In person', phone: 'By phone', online: 'Online' };

function days(byday: string | null, freq: string): string {
  if (!byday) return freq === 'MONTHLY' ? 'Monthly' : 'Every week';
  const names = byday.split(',').map((d) => {
    const m = /^(-?\d)?([A-Z]{2})$/.exec(d);
    if (!m) return d;
    const day = weekdayName(m[2]!);
    return m[1] ? `${ORDINALS[m[1]] ?? m[1]} ${day} of the month` : `${day}s`;
  });
  return names.join(', ');
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/** Public service page; anyone may read an approved organisation's service. */
export function ServicePage() {
  const { id = '' } = useParams();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  usePageTitle(load.status === 'ready' ? load.service.name : 'Service');

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    sendJson<ServiceDto>('GET', `/api/services/${encodeURIComponent(id)}`, undefined, { signal: controller.signal })
      .then(({ body }) => setLoad({ status: 'ready', service: body }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoad({
          status: 'error',
          error: error instanceof ApiError ? error : new ApiError({ status: 0, code: 'client_error', detail: 'Error' }),
        });
      });
    return () => controller.abort();
  }, [id]);

  if (load.status === 'loading') return <p className="nhsuk-body">Loading the service…</p>;
  if (load.status === 'error') {
    if (load.error.status === 404 || load.error.status === 400) return <NotFoundPage />;
    return (
      <>
        <PageHeading>Service</PageHeading>
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The service could not be loaded</h2>
          <p className="nhsuk-error-summary__body">{load.error.detail}</p>
        </div>
      </>
    );
  }
  const s = load.service;
  const c = s.capacity;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading caption={s.organization.name}>{s.name}</PageHeading>
        {s.alternateName && <p className="nhsuk-body-l">Also known as {s.alternateName}</p>}
        {s.alert && (
          <div className="nhsuk-warning-callout">
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>Alert
              </span>
            </h2>
            <p>{s.alert}</p>
          </div>
        )}
        {s.pressure === 'high' && <HighDemandWarning audience="link_worker" />}
        <div className="nhsuk-card signpost-capacity-card">
          <div className="nhsuk-card__content">
            <h2 className="nhsuk-card__heading nhsuk-heading-m" id="capacity-heading">
              Capacity
            </h2>
            {c.status ? (
              <>
                <p className="nhsuk-body-l nhsuk-u-margin-bottom-2">
                  <CapacityBadge capacity={c} showAsOf={false} />
                </p>
                <p className="nhsuk-body">{CAPACITY_EXPLANATIONS[c.status]}.</p>
                {c.note && <p className="nhsuk-body">“{c.note}”</p>}
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                  {c.asOf ? <>As of {formatDateTime(c.asOf)}. </> : null}
                  {c.freshness === 'confirmed'
                    ? 'Confirmed recently by the organisation.'
                    : 'Not confirmed recently: check with the service before referring.'}
                </p>
              </>
            ) : (
              <p className="nhsuk-body nhsuk-u-margin-bottom-0">
                This service has not said how many people it can take. Check with them before referring.
              </p>
            )}
          </div>
        </div>
        <ServiceDemandActions serviceId={s.id} serviceName={s.name} capacityStatus={c.status} />
        {s.description && (
          <>
            <h2 className="nhsuk-heading-m">About this service</h2>
            {s.description.split(/\n{2,}/).map((para, i) => (
              <p key={i}>{para}</p>
            ))}
          </>
        )}
        <h2 className="nhsuk-heading-m">How to refer</h2>
        <dl className="nhsuk-summary-list">
          <Row label="Who can refer">{s.referralMethod ? REFERRAL[s.referralMethod] : 'Contact the service'}</Row>
          {s.referralInstructions && <Row label="How">{s.referralInstructions}</Row>}
          {s.referralUrl && (
            <Row label="Referral form">
              <a href={s.referralUrl}>{s.referralUrl}</a>
            </Row>
          )}
          {s.eligibilityDescription && <Row label="Who it is for">{s.eligibilityDescription}</Row>}
          {(s.minimumAge != null || s.maximumAge != null) && (
            <Row label="Ages">
              {s.minimumAge ?? 0} to {s.maximumAge ?? 'any age'}
            </Row>
          )}
          <Row label="How it is delivered">{s.deliveryModes.map((m) => DELIVERY[m] ?? m).join(', ')}</Row>
          <Row label="Cost">
            {s.isFree === true ? 'Free' : s.isFree === false ? 'There is a cost' : 'Not stated: ask the service'}
            {s.feesDescription ? `. ${s.feesDescription}` : ''}
            {s.costOptions.length > 0 && (
              <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                {s.costOptions.map((o) => (
                  <li key={o.id}>
                    {[o.option, o.amount != null ? `£${Number(o.amount).toFixed(2)}` : null, o.amountDescription]
                      .filter(Boolean)
                      .join(' – ')}
                  </li>
                ))}
              </ul>
            )}
          </Row>
          {s.languages.length > 0 && (
            <Row label="Languages">{s.languages.map((l) => l.name || languageName(l.code) || l.code).join(', ')}</Row>
          )}
          {s.accessibility && <Row label="Accessibility">{s.accessibility}</Row>}
        </dl>
        <h2 className="nhsuk-heading-m">Contact</h2>
        <dl className="nhsuk-summary-list">
          {s.email && (
            <Row label="Email">
              <a href={`mailto:${s.email}`}>{s.email}</a>
            </Row>
          )}
          {s.url && (
            <Row label="Website">
              <a href={s.url}>{s.url}</a>
            </Row>
          )}
          {s.contacts.map((contact) => (
            <Row key={contact.id} label={contact.name ?? 'Contact'}>
              {contact.title && <span className="nhsuk-u-display-block">{contact.title}</span>}
              {contact.phone && (
                <span className="nhsuk-u-display-block">
                  Phone: <a href={`tel:${contact.phone.replace(/[^\d+]/g, '')}`}>{contact.phone}</a>
                </span>
              )}
              {contact.email && (
                <span className="nhsuk-u-display-block">
                  Email: <a href={`mailto:${contact.email}`}>{contact.email}</a>
                </span>
              )}
            </Row>
          ))}
          {!s.email && !s.url && s.contacts.length === 0 && (
            <Row label="Organisation">
              {s.organization.website ? (
                <a href={s.organization.website}>{s.organization.name}</a>
              ) : (
                s.organization.name
              )}
            </Row>
          )}
        </dl>
        {s.schedules.length > 0 && (
          <>
            <h2 className="nhsuk-heading-m">Opening times</h2>
            <ul className="nhsuk-list nhsuk-list--bullet">
              {s.schedules.map((x) => (
                <li key={x.id}>
                  {/* A description-only schedule is opening times as the source wrote them (not read as days and hours). */}
                  {!x.byday && !x.opensAt && x.description ? (
                    <span className="signpost-pre-line">{x.description}</span>
                  ) : (
                    days(x.byday, x.freq)
                  )}
                  {x.opensAt && x.closesAt ? `, ${x.opensAt} to ${x.closesAt}` : x.opensAt ? `, from ${x.opensAt}` : ''}
                  {x.locationIndex != null && s.locations[x.locationIndex]
                    ? ` at ${s.locations[x.locationIndex]!.name ?? s.locations[x.locationIndex]!.postcode}`
                    : ''}
                  {x.description && (x.byday || x.opensAt) ? ` – ${x.description}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        {s.locations.length > 0 && (
          <>
            <h2 className="nhsuk-heading-m">Where</h2>
            <ul className="nhsuk-list">
              {s.locations.map((l) => (
                <li key={l.id}>
                  <address className="signpost-address">
                    {[l.name, l.address1, l.city, l.postcode].filter(Boolean).map((line, i) => (
                      <span key={i} className="nhsuk-u-display-block">
                        {line}
                      </span>
                    ))}
                  </address>
                  {l.transportation && <p className="nhsuk-body-s">Getting there: {l.transportation}</p>}
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="nhsuk-body-s">
          Run by {s.organization.name}. <Link to="/find">Find other services</Link>
        </p>
        {s.provenance && (
          <p className="nhsuk-body-s" data-testid="provenance">
            Source: {s.provenance.source}
            {s.provenance.lastSeenAt ? <>, last checked {formatDateTime(s.provenance.lastSeenAt)}</> : null}
            {s.provenance.missingSince ? (
              <> (no longer listed there since {formatDateTime(s.provenance.missingSince)})</>
            ) : null}
            .
          </p>
        )}
      </div>
    </div>
  );
}
