/**
 * Route `/find/print?ids=…`: a plain, patient-friendly handout of shortlisted services — what each is, how to get
 * there, when, how to get in touch or be referred, and what it costs — with print CSS that drops the site's chrome.
 * The ids come from the URL (the shortlist's "Print handout" link), so the page holds nothing about the person.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, getJson } from '../api/client';
import type { LocationDto, ScheduleDto, ServiceDto } from '../api/directory';
import { PageHeading } from '../components/PageHeading';
import { parsePrintIds } from '../find/shortlist';
import { weekdayName } from '@shared/weekdays';
import { usePageTitle } from '../hooks/usePageTitle';
import '../styles/find.css';
import '../styles/markers.css';

type Loaded = { id: string; service: ServiceDto } | { id: string; error: ApiError };
type Load = { status: 'loading' } | { status: 'ready'; items: Loaded[] };

const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' };
const DELIVERY: Record<string, string> = { in_person: 'in person', phone: 'by phone', online: 'online' };

/** A schedule in plain words, e.g. "Mondays and Wednesdays, 10:00 to 11:30". */
function when(x: ScheduleDto, locations: LocationDto[]): string {
  const days = x.byday
    ? x.byday
        .split(',')
        .map((d) => {
          const m = /^(-?\d)?([A-Z]{2})$/.exec(d);
          if (!m) return d;
          const day = weekdayName(m[2]!);
          return m[1] ? `the ${ORDINALS[m[1]] ?? m[1]} ${day} of the month` : `${day}s`;
        })
        .join(' and ')
    : x.freq === 'MONTHLY'
      ? 'Once a month'
      : 'Every week';
  const time = x.opensAt && x.closesAt ? `, ${x.opensAt} to ${x.closesAt}` : '';
  const place = x.locationIndex != null ? locations[x.locationIndex] : undefined;
  const at = place ? ` at ${place.name ?? place.postcode ?? 'the venue'}` : '';
  return `${days}${time}${at}${x.description ? ` (${x.description})` : ''}`;
}

function addressOf(l: LocationDto): string {
  return [l.name, l.address1, l.city, l.postcode].filter(Boolean).join(', ');
}

function directionsUrl(l: LocationDto): string {
  const destination = l.lat != null && l.lng != null ? `${l.lat},${l.lng}` : addressOf(l);
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(destination)}`;
}

/** What it costs in plain words: "Free", or the fees and any priced options; never the same words twice. */
function cost(s: ServiceDto): string {
  const priced = s.costOptions
    .filter((o) => o.amount != null && Number(o.amount) > 0)
    .map(
      (o) =>
        `${o.option ?? 'Cost'}: £${Number(o.amount).toFixed(2)}${o.amountDescription ? ` (${o.amountDescription})` : ''}`,
    );
  const fees = s.feesDescription?.trim() ?? '';
  const parts =
    s.isFree === true
      ? ['Free', ...(fees && !/^free\.?$/i.test(fees) ? [fees] : [])]
      : [
          fees || (s.isFree === false ? 'There is a cost: ask the service' : 'Cost not stated: ask the service'),
          ...priced,
        ];
  return parts.join('. ');
}

/** One service on the handout. */
function HandoutService({ s }: { s: ServiceDto }) {
  const phone = s.contacts.find((c) => c.phone)?.phone ?? null;
  const email = s.email ?? s.contacts.find((c) => c.email)?.email ?? null;
  return (
    <section className="signpost-handout__service" aria-labelledby={`handout-${s.id}`}>
      <h2 className="nhsuk-heading-m nhsuk-u-margin-bottom-1" id={`handout-${s.id}`}>
        {s.name}
      </h2>
      <p className="nhsuk-body-s">Run by {s.organization.name}</p>
      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">What it is</h3>
      <p className="nhsuk-body">{s.description || 'Ask the service what it offers.'}</p>
      {s.eligibilityDescription && <p className="nhsuk-body">Who it is for: {s.eligibilityDescription}</p>}

      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">How to get there</h3>
      {s.locations.length > 0 ? (
        <ul className="nhsuk-list">
          {s.locations.map((l) => (
            <li key={l.id}>
              {addressOf(l) || 'Address: ask the service'}
              {l.transportation && <span className="nhsuk-u-display-block">{l.transportation}</span>}
              {l.accessibility && <span className="nhsuk-u-display-block">Access: {l.accessibility}</span>}
              <span className="nhsuk-u-display-block signpost-handout__directions">
                <a href={directionsUrl(l)}>Directions to {l.name ?? l.postcode ?? 'this place'}</a>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="nhsuk-body">
          No building to visit: this service works {s.deliveryModes.map((m) => DELIVERY[m] ?? m).join(' and ')}.
        </p>
      )}

      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">When</h3>
      {s.schedules.length > 0 ? (
        <ul className="nhsuk-list">
          {s.schedules.map((x) => (
            <li key={x.id}>{when(x, s.locations)}</li>
          ))}
        </ul>
      ) : (
        <p className="nhsuk-body">Contact the service for times.</p>
      )}

      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">How to get in touch</h3>
      <ul className="nhsuk-list">
        {phone && <li>Phone: {phone}</li>}
        {email && <li>Email: {email}</li>}
        {s.url && <li>Website: {s.url}</li>}
        {s.referralMethod === 'professional' && <li>Your link worker or another professional refers you.</li>}
        {s.referralMethod === 'self' && <li>You can contact them yourself.</li>}
        {s.referralMethod === 'either' && <li>You can contact them yourself, or your link worker can refer you.</li>}
        {s.referralInstructions && <li>{s.referralInstructions}</li>}
        {s.referralUrl && <li>Referral form: {s.referralUrl}</li>}
        {!phone && !email && !s.url && !s.referralInstructions && <li>Ask your link worker how to contact them.</li>}
      </ul>

      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">Cost</h3>
      <p className="nhsuk-body">{cost(s)}</p>
    </section>
  );
}

/** The printable handout. */
export function FindPrintPage() {
  usePageTitle('Services handout');
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const idsKey = parsePrintIds(searchParams).join(',');
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  useEffect(() => {
    const ids = idsKey ? idsKey.split(',') : [];
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    Promise.all(
      ids.map((id) =>
        getJson<ServiceDto>(`/api/services/${id}`, { signal: controller.signal }).then(
          (service): Loaded => ({ id, service }),
          (error: unknown): Loaded => ({
            id,
            error:
              error instanceof ApiError ? error : new ApiError({ status: 0, code: 'client_error', detail: 'Error' }),
          }),
        ),
      ),
    ).then((items) => {
      if (!controller.signal.aborted) setLoad({ status: 'ready', items });
    });
    return () => controller.abort();
  }, [idsKey]);

  const canGoBack = typeof window !== 'undefined' && ((window.history.state as { idx?: number } | null)?.idx ?? 0) > 0;
  const today = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
  const services = load.status === 'ready' ? load.items.flatMap((i) => ('service' in i ? [i.service] : [])) : [];
  const missing = load.status === 'ready' ? load.items.filter((i) => 'error' in i).length : 0;

  return (
    <div className="signpost-handout">
      <div className="signpost-no-print signpost-handout__tools">
        {canGoBack ? (
          <button type="button" className="signpost-link-button nhsuk-body" onClick={() => void navigate(-1)}>
            Back to your search
          </button>
        ) : (
          <Link to="/find">Find services</Link>
        )}
        <button
          type="button"
          className="nhsuk-button nhsuk-u-margin-bottom-0"
          onClick={() => window.print()}
          disabled={services.length === 0}
        >
          Print
        </button>
      </div>
      <PageHeading caption={`Suggested on ${today}`}>Services that could help you</PageHeading>
      {!idsKey && (
        <p className="nhsuk-body">
          There is nothing to print yet. <Link to="/find">Find services</Link> and add them to your shortlist.
        </p>
      )}
      {load.status === 'loading' && idsKey && (
        <p className="nhsuk-body" role="status">
          Loading the services…
        </p>
      )}
      {missing > 0 && (
        <div className="nhsuk-warning-callout signpost-no-print">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>Not included
            </span>
          </h2>
          <p>
            {missing === 1 ? '1 service' : `${missing} services`} on the shortlist could not be loaded (it may no longer
            be listed), so {missing === 1 ? 'it is' : 'they are'} left out of the handout.
          </p>
        </div>
      )}
      {services.map((s) => (
        <HandoutService key={s.id} s={s} />
      ))}
      {services.length > 0 && (
        <p className="nhsuk-body-s signpost-handout__footer">
          Details can change: please check with the service before you go. From Signpost, a directory of community
          services.
        </p>
      )}
    </div>
  );
}
