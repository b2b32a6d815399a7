/**
 * The gap part of a PCN's profile (GET /api/gaps/pcns/:code): the gap score and what drives it, VCSE supply and
 * demand against ICB and England averages, services by category and capacity, provision at risk, the recent capacity trend, and, for
 * commissioners and admins, the PCN's flags and the "Flag as under-served" form.
 */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import {
  assignFlagOwner,
  commentOnFlag,
  createFlag,
  updateFlagStatus,
  type FlagDto,
  type FlagStatus,
  type GapProfileDto,
  type CapacityTrendWeekDto,
} from '../../api/gaps';
import type { ApiResource } from '../../hooks/useApiResource';
import { formatCount, formatOrNoData, formatRate, formatSigned, NO_DATA } from '../../need/format';
import { LoadError } from '../LoadError';
import { TableHead } from '../TableHead';

/** Props of GapPanel. */
export interface GapPanelProps {
  /** Code of the PCN. */
  code: string;
  /** The gap profile request. */
  profile: ApiResource<GapProfileDto> & { retry: () => void };
  /** The chosen service category, or null. */
  category: string | null;
  /** Top-level categories (code and name), or null while they load. */
  categories: readonly { code: string; name: string }[] | null;
  /** Whether the user may see and raise flags (commissioner or admin). */
  canFlag: boolean;
  /** CSRF token of the session. */
  csrfToken: string | null;
  /** Id of the signed-in user (for "Assign to me"), or null. */
  userId?: string | null;
  /** Flags of this PCN (any status), or null while they load or when the user may not see them. */
  flags: readonly FlagDto[] | null;
  /** Called after a flag was created or changed. */
  onFlagsChanged: () => void;
}

/** Human names of flag statuses. */
export const FLAG_STATUS_NAMES: Record<FlagStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};

/** Where each status may go next (docs/gaps.md). */
const NEXT_STATUSES: Record<FlagStatus, FlagStatus[]> = {
  open: ['in_progress', 'resolved', 'dismissed'],
  in_progress: ['resolved', 'dismissed'],
  resolved: ['open'],
  dismissed: ['open'],
};

const CAPACITY_NAMES: Record<string, string> = {
  accepting: 'Accepting',
  limited: 'Limited places',
  waitlist: 'Waiting list',
  not_accepting: 'Not accepting',
  unset: 'Capacity not given',
};

const COMPARED: { key: string; label: string; format: (v: number) => string }[] = [
  { key: 'gapScore', label: 'Gap score', format: formatSigned },
  { key: 'needIndex', label: 'Need index', format: formatSigned },
  { key: 'splwFtePer10k', label: 'Link workers per 10k', format: formatRate },
  { key: 'vcsePer10k', label: 'VCSE supply per 10k', format: formatRate },
];

const problemText = (error: unknown) =>
  error instanceof ApiError
    ? [error.detail, ...error.errors.map((f) => `${f.field}: ${f.message}`)].filter(Boolean).join(' — ')
    : 'Something went wrong. Try again.';

/** See GapPanelProps. */
export function GapPanel(props: GapPanelProps) {
  const { profile } = props;
  return (
    <div className="signpost-gap-panel" data-testid="gap-panel">
      <h3 className="nhsuk-heading-s">Gap between need and resource</h3>
      {profile.status === 'loading' && (
        <p className="nhsuk-body-s" role="status">
          Loading the gap analysis…
        </p>
      )}
      {profile.status === 'error' && (
        <LoadError
          what="The gap analysis of this PCN could not be loaded"
          error={profile.error}
          onRetry={profile.retry}
          headingLevel={3}
        />
      )}
      {profile.status === 'ready' && <GapBody data={profile.data} {...props} />}
      {props.canFlag && <Flags {...props} />}
    </div>
  );
}

function GapBody({ data, categories }: GapPanelProps & { data: GapProfileDto }) {
  const { pcn } = data;
  const categoryName = (code: string) => categories?.find((c) => c.code === code)?.name ?? code;
  const byCategory = Object.entries(data.servicesByCategory).sort(([a], [b]) =>
    categoryName(a).localeCompare(categoryName(b), 'en-GB'),
  );
  const capacityKeys = [...new Set(byCategory.flatMap(([, counts]) => Object.keys(counts)))].sort();
  const capacityName = (key: string) => {
    const [cls, unconfirmed] = key.endsWith('_unconfirmed') ? [key.slice(0, -12), true] : [key, false];
    return `${CAPACITY_NAMES[cls] ?? cls}${unconfirmed ? ' (not re-confirmed)' : ''}`;
  };
  return (
    <>
      <p className="nhsuk-body" data-testid="gap-summary">
        <strong>Gap score: {formatOrNoData(pcn.gap.score, formatSigned)}</strong>
        {pcn.gap.icbRank !== null && ` · rank ${formatCount(pcn.gap.icbRank)} in its ICB`}
        {pcn.gap.rank !== null && `, ${formatCount(pcn.gap.rank)} in England`}
        {pcn.gap.topDecileInIcb && ' · in the widest tenth of gaps in its ICB'}
      </p>
      <p className="nhsuk-body-s">{pcn.gap.summary}</p>
      <ul className="nhsuk-list nhsuk-list--bullet nhsuk-body-s" aria-label="What drives the gap, largest first">
        {pcn.gap.drivers.map((d) => (
          <li key={d.component}>
            {d.text}
            {d.contribution !== null && ` (adds ${formatSigned(d.contribution)})`}
          </li>
        ))}
      </ul>

      <table className="nhsuk-table signpost-profile__figures">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s">Gap figures compared with averages</caption>
        <TableHead
          columns={['Figure', 'This PCN', 'ICB average', 'England average']}
          numericFrom={1}
          rowClassName="nhsuk-table__row"
        />
        <tbody className="nhsuk-table__body">
          {COMPARED.map((c) => (
            <tr key={c.key} className="nhsuk-table__row">
              <th scope="row" className="nhsuk-table__header">
                {c.label}
              </th>
              {(['pcn', 'icb', 'england'] as const).map((k) => (
                <td key={k} className="nhsuk-table__cell nhsuk-table__cell--numeric">
                  {formatOrNoData(data.comparison[k][c.key], c.format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="nhsuk-body-s">
        Demand (last 90 days): {formatOrNoData(pcn.demand.referralsPer10k, formatRate)} referrals and{' '}
        {formatOrNoData(pcn.demand.unmetNeedPer10k, formatRate)} “nothing suitable” records per 10,000 patients. Online
        or phone services covering the area: {formatCount(pcn.vcse.remote.services)} (not in the score).
      </p>

      <h4 className="nhsuk-heading-xs">Services within reach, by category and capacity</h4>
      {byCategory.length === 0 ? (
        <p className="nhsuk-body-s">No services in the directory are reachable in person from this catchment.</p>
      ) : (
        <div
          className="signpost-table-scroll"
          role="region"
          aria-label="Services by category (scrolls sideways)"
          tabIndex={0}
        >
          <table className="nhsuk-table" data-testid="services-by-category">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
              Services reachable in person, by category and capacity
            </caption>
            <TableHead
              columns={['Category', ...capacityKeys.map((k) => capacityName(k))]}
              numericFrom={1}
              rowClassName="nhsuk-table__row"
            />
            <tbody className="nhsuk-table__body">
              {byCategory.map(([code, counts]) => (
                <tr key={code} className="nhsuk-table__row">
                  <th scope="row" className="nhsuk-table__header">
                    {categoryName(code)}
                  </th>
                  {capacityKeys.map((k) => (
                    <td key={k} className="nhsuk-table__cell nhsuk-table__cell--numeric">
                      {formatCount(counts[k] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h4 className="nhsuk-heading-xs">Provision at risk</h4>
      {data.atRisk.length === 0 ? (
        <p className="nhsuk-body-s" data-testid="at-risk">
          No reachable service’s funding ends in the next {data.atRiskWithinMonths} months.
        </p>
      ) : (
        <ul className="nhsuk-list nhsuk-list--bullet nhsuk-body-s" data-testid="at-risk">
          {data.atRisk.map((s) => (
            <li key={s.id}>
              {s.name} ({s.organizationName}): funding ends {formatDate(s.fundingEndsOn)}
            </li>
          ))}
        </ul>
      )}

      <table className="nhsuk-table signpost-pcn-table" data-testid="pcn-capacity-trend">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s">
          Capacity of reachable services, last {data.capacityTrend.weeks.length} weeks
        </caption>
        <TableHead
          columns={['Week ending', ...TREND_COLUMNS.map(([, label]) => label)]}
          numericFrom={1}
          rowClassName="nhsuk-table__row"
        />
        <tbody className="nhsuk-table__body">
          {data.capacityTrend.weeks.map((w) => (
            <tr key={w.weekEnding} className="nhsuk-table__row">
              <th scope="row" className="nhsuk-table__header">
                {formatDate(w.weekEnding)}
              </th>
              {TREND_COLUMNS.map(([k]) => (
                <td key={k} className="nhsuk-table__cell nhsuk-table__cell--numeric">
                  {formatCount(w[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>

      {data.services.length > 0 && (
        <table className="nhsuk-table signpost-profile__services" data-testid="reachable-services">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">
            Services within reach ({formatCount(data.services.length)})
          </caption>
          <TableHead columns={['Service', 'Capacity', 'Counts as']} numericFrom={2} rowClassName="nhsuk-table__row" />
          <tbody className="nhsuk-table__body">
            {data.services.map((s) => (
              <tr key={s.id} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">
                  <a href={`/services/${encodeURIComponent(s.id)}`}>{s.name}</a>
                  <span className="signpost-pcn-table__meta">
                    {s.organizationName} · {s.mode === 'in_person' ? 'in person' : s.mode}
                  </span>
                </td>
                <td className="nhsuk-table__cell">
                  {CAPACITY_NAMES[s.capacity] ?? s.capacity}
                  {s.capacity !== 'unset' && !s.confirmed ? ' (not re-confirmed)' : ''}
                </td>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                  {s.mode === 'in_person' ? formatRate(s.weight) : NO_DATA}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.unmetNeedReasons && (
        <>
          <h3 className="nhsuk-heading-s" id="pcn-unmet-heading">
            Unmet-need reasons ({data.unmetNeedReasons.period})
          </h3>
          {data.unmetNeedReasons.reasons.length === 0 ? (
            <p className="nhsuk-body-s" data-testid="pcn-unmet-reasons">
              No link worker of this PCN recorded &ldquo;nothing suitable&rdquo; in this period.
            </p>
          ) : (
            <table
              className="nhsuk-table signpost-pcn-table"
              aria-labelledby="pcn-unmet-heading"
              data-testid="pcn-unmet-reasons"
            >
              <TableHead
                columns={['Why nothing suitable was found', 'Records']}
                numericFrom={1}
                rowClassName="nhsuk-table__row"
              />
              <tbody className="nhsuk-table__body">
                {data.unmetNeedReasons.reasons.map((r) => (
                  <tr key={r.reason} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">{r.label}</td>
                    <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(r.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}

/** The capacity trend's count columns, in table order. */
const TREND_COLUMNS: [Exclude<keyof CapacityTrendWeekDto, 'weekEnding'>, string][] = [
  ['accepting', 'Accepting'],
  ['limited', 'Limited'],
  ['waitlist', 'Waitlist'],
  ['not_accepting', 'Not accepting'],
  ['unknown', 'Unknown'],
];

const formatDate = (iso: string) =>
  new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

function Flags({ code, category, categories, csrfToken, userId, flags, onFlagsChanged }: GapPanelProps) {
  return (
    <section aria-labelledby="pcn-flags-heading" data-testid="pcn-flags">
      <h3 className="nhsuk-heading-s" id="pcn-flags-heading">
        Flags
      </h3>
      {flags === null ? (
        <p className="nhsuk-body-s" role="status">
          Loading flags…
        </p>
      ) : flags.length === 0 ? (
        <p className="nhsuk-body-s">This PCN has not been flagged.</p>
      ) : (
        <ul className="signpost-flag-list">
          {flags.map((f) => (
            <FlagItem
              key={f.id}
              flag={f}
              csrfToken={csrfToken}
              userId={userId ?? null}
              onChanged={onFlagsChanged}
              categories={categories}
            />
          ))}
        </ul>
      )}
      <FlagForm
        code={code}
        category={category}
        categories={categories}
        csrfToken={csrfToken}
        onCreated={onFlagsChanged}
      />
    </section>
  );
}

function FlagItem({
  flag,
  csrfToken,
  userId,
  onChanged,
  categories,
}: {
  flag: FlagDto;
  csrfToken: string | null;
  userId: string | null;
  onChanged: () => void;
  categories: GapPanelProps['categories'];
}) {
  const [status, setStatus] = useState<FlagStatus>(NEXT_STATUSES[flag.status][0]!);
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setIsBusy(true);
    setError(null);
    setMessage(null);
    try {
      await action();
      setMessage(done);
      onChanged();
    } catch (e) {
      setError(problemText(e));
    } finally {
      setIsBusy(false);
    }
  };
  const categoryName = flag.category
    ? (categories?.find((c) => c.code === flag.category)?.name ?? flag.category)
    : null;
  const prefix = `flag-${flag.id}`;
  return (
    <li data-flag-id={flag.id}>
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
        <strong className="nhsuk-tag nhsuk-tag--orange">{FLAG_STATUS_NAMES[flag.status]}</strong> Flagged as
        under-served{categoryName ? ` for ${categoryName}` : ''}
        {flag.origin === 'suggestion' ? ' (from a suggestion)' : ''} on {formatDate(flag.createdAt)}
      </p>
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
        <strong>Reason:</strong> {flag.reason}
      </p>
      {flag.evidence && (
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
          <strong>Evidence:</strong> {flag.evidence}
        </p>
      )}
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1" data-testid="flag-owner">
        <strong>Owner:</strong>{' '}
        {flag.owner ? (flag.owner.id === userId ? 'you' : (flag.owner.name ?? 'a commissioner')) : 'nobody yet'}
        {userId && flag.owner?.id !== userId && (
          <>
            {' '}
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              disabled={isBusy}
              onClick={() => void run(() => assignFlagOwner(flag.id, userId, csrfToken), 'Assigned to you.')}
            >
              Assign to me
            </button>
          </>
        )}
      </p>
      <form
        className="nhsuk-u-margin-bottom-2"
        onSubmit={(event) => {
          event.preventDefault();
          void run(
            () => updateFlagStatus(flag.id, status, csrfToken),
            `Status changed to ${FLAG_STATUS_NAMES[status]}.`,
          );
        }}
      >
        <label className="nhsuk-label nhsuk-body-s" htmlFor={`${prefix}-status`}>
          Change status
        </label>
        <select
          className="nhsuk-select"
          id={`${prefix}-status`}
          value={status}
          onChange={(e) => setStatus(e.target.value as FlagStatus)}
        >
          {NEXT_STATUSES[flag.status].map((s) => (
            <option key={s} value={s}>
              {FLAG_STATUS_NAMES[s]}
            </option>
          ))}
        </select>{' '}
        <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" disabled={isBusy}>
          Change status
        </button>
      </form>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!comment.trim()) {
            setError('Enter a comment');
            return;
          }
          void run(async () => {
            await commentOnFlag(flag.id, comment, csrfToken);
            setComment('');
          }, 'Comment added.');
        }}
      >
        <label className="nhsuk-label nhsuk-body-s" htmlFor={`${prefix}-comment`}>
          Comment
        </label>
        <textarea
          className="nhsuk-textarea"
          id={`${prefix}-comment`}
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" disabled={isBusy}>
          Add comment
        </button>
      </form>
      <p className="nhsuk-body-s" role="status">
        {message}
      </p>
      {error && (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {error}
        </p>
      )}
    </li>
  );
}

function FlagForm({
  code,
  category,
  categories,
  csrfToken,
  onCreated,
}: {
  code: string;
  category: string | null;
  categories: GapPanelProps['categories'];
  csrfToken: string | null;
  onCreated: () => void;
}) {
  const [chosenCategory, setChosenCategory] = useState(category ?? '');
  const [reason, setReason] = useState('');
  const [evidence, setEvidence] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    if (!reason.trim()) {
      setError('Enter a reason for the flag');
      return;
    }
    setIsBusy(true);
    setError(null);
    try {
      await createFlag(
        { pcnCode: code, category: chosenCategory || null, reason: reason.trim(), evidence: evidence.trim() },
        csrfToken,
      );
      setReason('');
      setEvidence('');
      setMessage('Flag saved. It shows in the table and on the map.');
      onCreated();
    } catch (e) {
      setError(problemText(e));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="flag-form-heading">
      <h4 className="nhsuk-heading-xs" id="flag-form-heading">
        Flag as under-served
      </h4>
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor="flag-category">
          Category (optional)
        </label>
        <select
          className="nhsuk-select"
          id="flag-category"
          value={chosenCategory}
          onChange={(e) => setChosenCategory(e.target.value)}
        >
          <option value="">All services</option>
          {(categories ?? []).map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor="flag-reason">
          Reason
        </label>
        {error && (
          <p className="nhsuk-error-message" id="flag-reason-error" role="alert">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {error}
          </p>
        )}
        <input
          className={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
          id="flag-reason"
          type="text"
          maxLength={500}
          value={reason}
          aria-describedby={error ? 'flag-reason-error' : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="flag-evidence">
          Evidence note (optional)
        </label>
        <div className="nhsuk-hint" id="flag-evidence-hint">
          What you know that the figures do not show. Never include anything that identifies a patient.
        </div>
        <textarea
          className="nhsuk-textarea"
          id="flag-evidence"
          rows={3}
          maxLength={5000}
          aria-describedby="flag-evidence-hint"
          value={evidence}
          onChange={(e) => setEvidence(e.target.value)}
        />
      </div>
      <button type="submit" className="nhsuk-button nhsuk-button--small" disabled={isBusy}>
        Flag as under-served
      </button>
      <p className="nhsuk-body-s" role="status">
        {message}
      </p>
    </form>
  );
}
