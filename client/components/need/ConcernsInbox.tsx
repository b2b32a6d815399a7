/**
 * A commissioner's inbox of concerns raised by community (VCSE) organisations about services covering their ICB
 * (admins: every ICB, or one): filters by status, kind and ICB live in the URL, and `?concern=ID` opens one concern
 * to read its thread, reply, and acknowledge or resolve it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CONCERN_KINDS, CONCERN_STATUSES, ConcernMessageBody } from '@shared/schemas/directory';
import { icbListPath, type AreaProfileDto } from '../../api/areas';
import { ApiError, sendJson } from '../../api/client';
import { formatDateTime } from '../../capacity/format';
import { useApiResource } from '../../hooks/useApiResource';
import { useSession } from '../../hooks/useSession';
import { CONCERN_KIND_LABELS, CONCERN_STATUS_TAGS, formatConcernDate, type ConcernDto } from '../Concerns';
import { LoadError } from '../LoadError';

/** A concern as GET /api/concerns presents it: with its service, organisation and the PCNs the service covers. */
export interface InboxConcernDto extends ConcernDto {
  serviceName: string | null;
  organizationName: string | null;
  pcns: { code: string; name: string; icbCode: string }[];
}

type Status = (typeof CONCERN_STATUSES)[number];
type Kind = (typeof CONCERN_KINDS)[number];

/** Filters of the inbox as the URL holds them. */
interface InboxFilters {
  status: Status | '';
  kind: Kind | '';
  icb: string;
}

function filtersOf(params: URLSearchParams): InboxFilters {
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  return {
    status: (CONCERN_STATUSES as readonly string[]).includes(status) ? (status as Status) : '',
    kind: (CONCERN_KINDS as readonly string[]).includes(kind) ? (kind as Kind) : '',
    icb: (params.get('icb') ?? '').trim().toUpperCase(),
  };
}

function listPath(filters: InboxFilters, isAdmin: boolean): string {
  const q = new URLSearchParams();
  if (filters.status) q.set('status', filters.status);
  if (filters.kind) q.set('kind', filters.kind);
  if (isAdmin && filters.icb) q.set('icb', filters.icb);
  const s = q.toString();
  return `/api/concerns${s ? `?${s}` : ''}`;
}

function StatusTag({ status }: { status: Status }) {
  const tag = CONCERN_STATUS_TAGS[status];
  return (
    <strong className={`nhsuk-tag ${tag.className}`}>
      <span className="nhsuk-u-visually-hidden">Status: </span>
      {tag.label}
    </strong>
  );
}

function KindText({ concern }: { concern: ConcernDto }) {
  return (
    <>
      {CONCERN_KIND_LABELS[concern.kind]}
      {concern.fundingEndsOn && <> (funding ends {formatConcernDate(concern.fundingEndsOn)})</>}
    </>
  );
}

function PcnLinks({ concern }: { concern: InboxConcernDto }) {
  if (!concern.pcns.length) return <>Not known (the service covers a wider area)</>;
  return (
    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
      {concern.pcns.map((p) => (
        <li key={p.code}>
          <Link to={`/need?icb=${encodeURIComponent(p.icbCode)}&pcn=${encodeURIComponent(p.code)}`}>
            {p.name}
            <span className="nhsuk-u-visually-hidden"> on the need map</span>
          </Link>{' '}
          ({p.code})
        </li>
      ))}
    </ul>
  );
}

/** The inbox: filters, the list, or one concern when `?concern=` names it. */
export function ConcernsInbox() {
  const { user } = useSession();
  const isAdmin = user?.role === 'admin';
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const openId = params.get('concern');
  const concerns = useApiResource<{ concerns: InboxConcernDto[] }>(listPath(filters, isAdmin), { cache: false });
  const icbs = useApiResource<AreaProfileDto[]>(isAdmin ? icbListPath() : null);
  const [updated, setUpdated] = useState<Record<string, InboxConcernDto>>({});
  const [draft, setDraft] = useState(filters);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [focusList, setFocusList] = useState(false);

  useEffect(() => setDraft(filtersOf(params)), [params]);
  useEffect(() => {
    if (focusList && !openId && concerns.status !== 'loading') {
      listHeading.current?.focus();
      setFocusList(false);
    }
  }, [focusList, openId, concerns.status]);

  const setUrl = (changes: Partial<InboxFilters> & { concern?: string | null }) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  const hrefOf = (concernId: string | null) => {
    const next = new URLSearchParams(params);
    if (concernId) next.set('concern', concernId);
    else next.delete('concern');
    return `?${next.toString()}`;
  };

  if (concerns.status === 'loading' || concerns.status === 'idle')
    return (
      <p className="nhsuk-body" role="status">
        Loading concerns…
      </p>
    );
  if (concerns.status === 'error')
    return <LoadError what="Concerns could not be loaded" error={concerns.error} onRetry={concerns.retry} />;

  const list = concerns.data.concerns.map((c) => (updated[c.id] ? { ...c, ...updated[c.id] } : c));
  const open = openId ? (list.find((c) => c.id === openId) ?? updated[openId]) : undefined;

  if (openId) {
    return (
      <>
        <p className="nhsuk-body">
          <Link
            to={hrefOf(null)}
            onClick={() => {
              setFocusList(true);
              concerns.retry();
            }}
          >
            Back to all concerns
          </Link>
        </p>
        {open ? (
          <ConcernThread key={open.id} concern={open} onUpdated={(c) => setUpdated((u) => ({ ...u, [c.id]: c }))} />
        ) : (
          <p className="nhsuk-body">This concern is not in your inbox with the current filters.</p>
        )}
      </>
    );
  }

  const handleFilter = (event: FormEvent) => {
    event.preventDefault();
    setUrl({ status: draft.status, kind: draft.kind, icb: isAdmin ? draft.icb : '' });
  };
  const isFiltered = Boolean(filters.status || filters.kind || (isAdmin && filters.icb));

  return (
    <>
      <form className="signpost-concern-filters" aria-label="Filter concerns" onSubmit={handleFilter}>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="concern-filter-status">
              Status
            </label>
            <select
              className="nhsuk-select"
              id="concern-filter-status"
              value={draft.status}
              onChange={(e) => setDraft({ ...draft, status: e.target.value as Status | '' })}
            >
              <option value="">Any status</option>
              {CONCERN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {CONCERN_STATUS_TAGS[s].label}
                </option>
              ))}
            </select>
          </div>
          <div className="nhsuk-grid-column-one-third nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="concern-filter-kind">
              Kind
            </label>
            <select
              className="nhsuk-select"
              id="concern-filter-kind"
              value={draft.kind}
              onChange={(e) => setDraft({ ...draft, kind: e.target.value as Kind | '' })}
            >
              <option value="">Any kind</option>
              {CONCERN_KINDS.map((k) => (
                <option key={k} value={k}>
                  {CONCERN_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          {isAdmin && (
            <div className="nhsuk-grid-column-one-third nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="concern-filter-icb">
                ICB
              </label>
              <select
                className="nhsuk-select"
                id="concern-filter-icb"
                value={draft.icb}
                onChange={(e) => setDraft({ ...draft, icb: e.target.value })}
              >
                <option value="">All ICBs</option>
                {icbs.status === 'ready' &&
                  icbs.data.map((i) => (
                    <option key={i.code} value={i.code}>
                      {i.name}
                    </option>
                  ))}
              </select>
            </div>
          )}
        </div>
        <button type="submit" className="nhsuk-button nhsuk-button--secondary">
          Apply filters
        </button>
      </form>
      <h2 className="nhsuk-heading-m" ref={listHeading} tabIndex={-1}>
        {list.length === 1 ? '1 concern' : `${list.length} concerns`}
        {isFiltered ? ' matching the filters' : ''}
        {list.length === 500 ? ' (the newest 500)' : ''}
      </h2>
      {list.length === 0 ? (
        <div className="nhsuk-inset-text" role="status">
          <p>
            {isFiltered
              ? 'No concerns match these filters. Choose "Any status" and "Any kind" to see them all.'
              : isAdmin
                ? 'No community organisation has raised a concern yet.'
                : 'No community organisation has raised a concern about a service in your ICB yet.'}
          </p>
        </div>
      ) : (
        <ul className="nhsuk-list signpost-concern-inbox">
          {list.map((c) => (
            <li key={c.id} className="nhsuk-card signpost-concern">
              <div className="nhsuk-card__content">
                <h3 className="nhsuk-card__heading nhsuk-heading-s">
                  <Link to={hrefOf(c.id)}>{c.summary}</Link> <StatusTag status={c.status} />
                </h3>
                <ConcernFacts concern={c} />
                {c.details && <p className="nhsuk-body-s">{c.details}</p>}
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                  {c.messages.length === 1 ? '1 reply' : `${c.messages.length} replies`}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ConcernFacts({ concern }: { concern: InboxConcernDto }) {
  return (
    <dl className="nhsuk-summary-list nhsuk-u-margin-bottom-3">
      {(
        [
          ['Service', concern.serviceName ?? 'Not known'],
          ['Organisation', concern.organizationName ?? 'Not known'],
          ['Kind', <KindText key="k" concern={concern} />],
          ['PCNs it affects', <PcnLinks key="p" concern={concern} />],
          ['Raised', formatDateTime(concern.createdAt)],
        ] as const
      ).map(([key, value]) => (
        <div className="nhsuk-summary-list__row" key={key}>
          <dt className="nhsuk-summary-list__key">{key}</dt>
          <dd className="nhsuk-summary-list__value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One concern: facts, the thread, and a reply that may also acknowledge or resolve it. */
function ConcernThread({ concern, onUpdated }: { concern: InboxConcernDto; onUpdated(c: InboxConcernDto): void }) {
  const { csrfToken, user } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const confirmation = useRef<HTMLDivElement>(null);
  const [reply, setReply] = useState('');
  const [nextStatus, setNextStatus] = useState<Status | ''>(concern.status === 'open' ? 'acknowledged' : '');
  const [error, setError] = useState('');
  const [failure, setFailure] = useState('');
  const [done, setDone] = useState('');
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (done) confirmation.current?.focus();
  }, [done]);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure('');
    setDone('');
    const body = { body: reply, ...(nextStatus && nextStatus !== concern.status ? { status: nextStatus } : {}) };
    const parsed = ConcernMessageBody.safeParse(body);
    if (!parsed.success) {
      setError('Enter your reply');
      document.getElementById('concern-reply')?.focus();
      return;
    }
    setError('');
    setIsBusy(true);
    try {
      const { body: saved } = await sendJson<ConcernDto>('POST', `/api/concerns/${concern.id}/messages`, body, {
        csrfToken,
      });
      setReply('');
      setNextStatus('');
      onUpdated({ ...concern, ...saved });
      setDone(
        saved.status !== concern.status
          ? `Reply sent and concern marked as ${CONCERN_STATUS_TAGS[saved.status].label.toLowerCase()}`
          : 'Reply sent',
      );
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        setError(`${err.errors[0]!.field === 'body' ? 'Reply' : err.errors[0]!.field} ${err.errors[0]!.message}`);
        document.getElementById('concern-reply')?.focus();
      } else setFailure(err instanceof ApiError ? err.detail : 'Something went wrong: try again');
    } finally {
      setIsBusy(false);
    }
  };

  const statusChoices: { value: Status | ''; label: string }[] = [
    { value: '', label: `Keep as ${CONCERN_STATUS_TAGS[concern.status].label.toLowerCase()}` },
    ...CONCERN_STATUSES.filter((s) => s !== concern.status && s !== 'open').map((s) => ({
      value: s,
      label: `Mark as ${CONCERN_STATUS_TAGS[s].label.toLowerCase()}`,
    })),
  ];

  return (
    <section aria-labelledby="concern-heading">
      <h2 className="nhsuk-heading-m" id="concern-heading" ref={heading} tabIndex={-1}>
        {concern.summary} <StatusTag status={concern.status} />
      </h2>
      <div ref={confirmation} tabIndex={-1} role="status" className="signpost-live">
        {done && (
          <div className="nhsuk-inset-text">
            <p>{done}.</p>
          </div>
        )}
      </div>
      <ConcernFacts concern={concern} />
      {concern.details && <p className="nhsuk-body">{concern.details}</p>}
      <h3 className="nhsuk-heading-s">Replies</h3>
      {concern.messages.length === 0 ? (
        <p className="nhsuk-body">No replies yet.</p>
      ) : (
        <ol className="nhsuk-list signpost-concern-messages" aria-label={`Replies to ${concern.summary}`}>
          {concern.messages.map((m) => (
            <li key={m.id} className="nhsuk-inset-text">
              <p className="nhsuk-body-s">
                <strong>{m.authorId && m.authorId === user?.id ? 'You' : 'Reply'}</strong>,{' '}
                {formatDateTime(m.createdAt)}
              </p>
              <p className="nhsuk-body">{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form noValidate onSubmit={(event) => void handleSubmit(event)} aria-label="Reply to the organisation">
        {failure && (
          <div className="nhsuk-error-summary" role="alert">
            <h3 className="nhsuk-error-summary__heading">The reply was not sent</h3>
            <p className="nhsuk-error-summary__body">{failure}</p>
          </div>
        )}
        <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor="concern-reply">
            Your reply to the organisation
          </label>
          {error && (
            <span className="nhsuk-error-message" id="concern-reply-error">
              <span className="nhsuk-u-visually-hidden">Error: </span>
              {error}
            </span>
          )}
          <textarea
            className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
            id="concern-reply"
            rows={4}
            value={reply}
            onChange={(event) => setReply(event.target.value)}
            aria-describedby={error ? 'concern-reply-error' : undefined}
            aria-invalid={error ? true : undefined}
          />
        </div>
        {statusChoices.length > 1 && (
          <div className="nhsuk-form-group">
            <fieldset className="nhsuk-fieldset">
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Status</legend>
              <div className="nhsuk-radios nhsuk-radios--small">
                {statusChoices.map((choice) => (
                  <div className="nhsuk-radios__item" key={choice.value || 'keep'}>
                    <input
                      className="nhsuk-radios__input"
                      id={`concern-status-${choice.value || 'keep'}`}
                      name="concern-status"
                      type="radio"
                      value={choice.value}
                      checked={nextStatus === choice.value}
                      onChange={() => setNextStatus(choice.value)}
                    />
                    <label
                      className="nhsuk-label nhsuk-radios__label"
                      htmlFor={`concern-status-${choice.value || 'keep'}`}
                    >
                      {choice.label}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
        )}
        <button type="submit" className="nhsuk-button" disabled={isBusy}>
          Send reply
        </button>
      </form>
    </section>
  );
}
