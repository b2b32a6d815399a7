/** Concerns on My organisation: raise a concern about a service, list the organisation's concerns with replies, reply. */
import { useState, type FormEvent } from 'react';
import { CONCERN_KINDS, ConcernBody, ConcernMessageBody } from '@shared/schemas/directory';
import { ApiError, sendJson } from '../api/client';
import { formatDateTime } from '../capacity/format';
import { useSession } from '../hooks/useSession';
import { ErrorSummary, type FormProblem } from './ErrorSummary';

/** A concern as the API presents it. */
export interface ConcernDto {
  id: string;
  organizationId: string;
  serviceId: string | null;
  kind: (typeof CONCERN_KINDS)[number];
  summary: string;
  details: string;
  fundingEndsOn: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  raisedBy: string | null;
  createdAt: string;
  updatedAt: string;
  messages: { id: string; authorId: string | null; body: string; createdAt: string }[];
}

/** Words for each kind of concern. */
export const CONCERN_KIND_LABELS: Record<ConcernDto['kind'], string> = {
  capacity: 'Capacity',
  funding: 'Funding',
  demand_surge: 'Demand surge',
  other: 'Something else',
};

/** Words and tag colour of each status (the words carry the meaning; the colour only repeats it). */
export const CONCERN_STATUS_TAGS: Record<ConcernDto['status'], { label: string; className: string }> = {
  open: { label: 'Open', className: 'nhsuk-tag--blue' },
  acknowledged: { label: 'Acknowledged', className: 'nhsuk-tag--yellow' },
  resolved: { label: 'Resolved', className: 'nhsuk-tag--green' },
};

const FIELD_NAMES: Record<string, string> = {
  summary: 'Summary',
  details: 'Details',
  fundingEndsOn: 'Funding end date',
  body: 'Reply',
};

/** An NHS.UK error message for a field problem from the shared schema or the API. */
function messageFor(field: string, message: string): string {
  if (field === 'kind') return 'Select what the concern is about';
  if (field === 'summary' && /empty|required/.test(message)) return 'Enter a summary of the concern';
  if (field === 'fundingEndsOn' && /required/.test(message)) return 'Enter the date the funding ends';
  if (field === 'body' && /empty|required/.test(message)) return 'Enter your reply';
  return `${FIELD_NAMES[field] ?? field} ${message}`;
}

/** Field problems, first per field, in form order. */
function problemsOf(issues: { field: string; message: string }[], order: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of order) {
    const issue = issues.find((i) => i.field === field);
    if (issue) out[field] = messageFor(field, issue.message);
  }
  return out;
}

/** A date such as 31 March 2099. */
export const formatConcernDate = (isoDate: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {message}
    </span>
  );
}

/** Props of RaiseConcernForm. */
export interface RaiseConcernFormProps {
  /** The service the concern is about. */
  service: { id: string; name: string };
  /** Called with the concern the API created. */
  onRaised(concern: ConcernDto): void;
}

const CONCERN_FIELDS = ['kind', 'summary', 'details', 'fundingEndsOn'];

/** "Raise a concern" form of one service, validated with the shared schema and then by the API. */
export function RaiseConcernForm({ service, onRaised }: RaiseConcernFormProps) {
  const { csrfToken } = useSession();
  const id = (name: string) => `concern-${service.id}-${name}`;
  const [kind, setKind] = useState<ConcernDto['kind'] | ''>('');
  const [summary, setSummary] = useState('');
  const [details, setDetails] = useState('');
  const [fundingEndsOn, setFundingEndsOn] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState('');
  const [message, setMessage] = useState('');
  const [isBusy, setIsBusy] = useState(false);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage('');
    setFailure('');
    const body = {
      kind: kind || undefined,
      summary,
      details,
      fundingEndsOn: kind === 'funding' && fundingEndsOn ? fundingEndsOn : null,
    };
    const parsed = ConcernBody.safeParse(body);
    if (!parsed.success) {
      setErrors(
        problemsOf(
          parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message })),
          CONCERN_FIELDS,
        ),
      );
      return;
    }
    setErrors({});
    setIsBusy(true);
    try {
      const { body: concern } = await sendJson<ConcernDto>('POST', `/api/services/${service.id}/concerns`, body, {
        csrfToken,
      });
      onRaised(concern);
      setKind('');
      setSummary('');
      setDetails('');
      setFundingEndsOn('');
      setMessage(`Concern raised: ${concern.summary}`);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) setErrors(problemsOf(error.errors, CONCERN_FIELDS));
      else setFailure(error instanceof ApiError ? error.detail : 'Something went wrong: try again');
    } finally {
      setIsBusy(false);
    }
  };

  const problems: FormProblem[] = Object.entries(errors).map(([field, text]) => ({
    fieldId: field === 'kind' ? id(`kind-${CONCERN_KINDS[0]}`) : id(field),
    message: text,
  }));
  const groupClass = (name: string) => `nhsuk-form-group${errors[name] ? ' nhsuk-form-group--error' : ''}`;

  return (
    <form
      noValidate
      onSubmit={(event) => void handleSubmit(event)}
      aria-label={`Raise a concern about ${service.name}`}
    >
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The concern was not raised</h2>
          <p className="nhsuk-error-summary__body">{failure}</p>
        </div>
      )}
      <div className={groupClass('kind')}>
        <fieldset className="nhsuk-fieldset" aria-describedby={errors.kind ? id('kind-error') : undefined}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What is the concern about?</legend>
          <FieldError id={id('kind-error')} message={errors.kind} />
          <div className="nhsuk-radios">
            {CONCERN_KINDS.map((k) => (
              <div key={k}>
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id={id(`kind-${k}`)}
                    name={id('kind')}
                    type="radio"
                    value={k}
                    checked={kind === k}
                    onChange={() => setKind(k)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={id(`kind-${k}`)}>
                    {CONCERN_KIND_LABELS[k]}
                  </label>
                </div>
                {k === 'funding' && kind === 'funding' && (
                  <div className="nhsuk-radios__conditional">
                    <div className={groupClass('fundingEndsOn')}>
                      <label className="nhsuk-label" htmlFor={id('fundingEndsOn')}>
                        Date the funding ends
                      </label>
                      <div className="nhsuk-hint" id={id('fundingEndsOn-hint')}>
                        For example, 31 March 2026
                      </div>
                      <FieldError id={id('fundingEndsOn-error')} message={errors.fundingEndsOn} />
                      <input
                        className={`nhsuk-input nhsuk-input--width-10${errors.fundingEndsOn ? ' nhsuk-input--error' : ''}`}
                        id={id('fundingEndsOn')}
                        type="date"
                        value={fundingEndsOn}
                        onChange={(event) => setFundingEndsOn(event.target.value)}
                        aria-describedby={`${id('fundingEndsOn-hint')}${errors.fundingEndsOn ? ` ${id('fundingEndsOn-error')}` : ''}`}
                        aria-invalid={errors.fundingEndsOn ? true : undefined}
                      />
                    </div>
                  </div>
                )}
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className={groupClass('summary')}>
        <label className="nhsuk-label" htmlFor={id('summary')}>
          Summary
        </label>
        <FieldError id={id('summary-error')} message={errors.summary} />
        <input
          className={`nhsuk-input${errors.summary ? ' nhsuk-input--error' : ''}`}
          id={id('summary')}
          type="text"
          value={summary}
          onChange={(event) => setSummary(event.target.value)}
          aria-describedby={errors.summary ? id('summary-error') : undefined}
          aria-invalid={errors.summary ? true : undefined}
        />
      </div>
      <div className={groupClass('details')}>
        <label className="nhsuk-label" htmlFor={id('details')}>
          Details (optional)
        </label>
        <FieldError id={id('details-error')} message={errors.details} />
        <textarea
          className={`nhsuk-textarea${errors.details ? ' nhsuk-textarea--error' : ''}`}
          id={id('details')}
          rows={4}
          value={details}
          onChange={(event) => setDetails(event.target.value)}
          aria-describedby={errors.details ? id('details-error') : undefined}
          aria-invalid={errors.details ? true : undefined}
        />
      </div>
      <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={isBusy}>
        Raise concern<span className="nhsuk-u-visually-hidden"> about {service.name}</span>
      </button>
      <div role="status" className="signpost-live">
        {message && <p className="nhsuk-body">{message}</p>}
      </div>
    </form>
  );
}

/** Props of ConcernList. */
export interface ConcernListProps {
  /** Concerns to list, newest first. */
  concerns: ConcernDto[];
  /** Called with a concern the API returned after a reply. */
  onUpdated(concern: ConcernDto): void;
}

/** The organisation's concerns with their status in words, replies and a reply box each. */
export function ConcernList({ concerns, onUpdated }: ConcernListProps) {
  if (concerns.length === 0) return <p className="nhsuk-body">No concerns raised.</p>;
  return (
    <ul className="nhsuk-list signpost-concern-list">
      {concerns.map((concern) => (
        <li key={concern.id} className="nhsuk-card signpost-concern">
          <div className="nhsuk-card__content">
            <ConcernItem concern={concern} onUpdated={onUpdated} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function ConcernItem({ concern, onUpdated }: { concern: ConcernDto; onUpdated(concern: ConcernDto): void }) {
  const { csrfToken, user } = useSession();
  const tag = CONCERN_STATUS_TAGS[concern.status];
  const replyId = `concern-${concern.id}-reply`;
  const [reply, setReply] = useState('');
  const [error, setError] = useState('');
  const [failure, setFailure] = useState('');
  const [isBusy, setIsBusy] = useState(false);

  const handleReply = async (event: FormEvent) => {
    event.preventDefault();
    setFailure('');
    const parsed = ConcernMessageBody.safeParse({ body: reply });
    if (!parsed.success) {
      setError(messageFor('body', parsed.error.issues[0]?.message ?? 'is not valid'));
      return;
    }
    setError('');
    setIsBusy(true);
    try {
      const { body } = await sendJson<ConcernDto>(
        'POST',
        `/api/concerns/${concern.id}/messages`,
        { body: reply },
        { csrfToken },
      );
      setReply('');
      onUpdated(body);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length)
        setError(messageFor(err.errors[0]!.field, err.errors[0]!.message));
      else setFailure(err instanceof ApiError ? err.detail : 'Something went wrong: try again');
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <>
      <h6 className="nhsuk-card__heading nhsuk-heading-s">
        {concern.summary}{' '}
        <strong className={`nhsuk-tag ${tag.className}`}>
          <span className="nhsuk-u-visually-hidden">Status: </span>
          {tag.label}
        </strong>
      </h6>
      <p className="nhsuk-body-s">
        {CONCERN_KIND_LABELS[concern.kind]} · raised {formatDateTime(concern.createdAt)}
        {concern.fundingEndsOn && <> · funding ends {formatConcernDate(concern.fundingEndsOn)}</>}
      </p>
      {concern.details && <p className="nhsuk-body">{concern.details}</p>}
      {concern.messages.length > 0 && (
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
      <form noValidate onSubmit={(event) => void handleReply(event)}>
        {failure && (
          <p className="nhsuk-error-message" role="alert">
            {failure}
          </p>
        )}
        <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor={replyId}>
            Reply<span className="nhsuk-u-visually-hidden"> to {concern.summary}</span>
          </label>
          <FieldError id={`${replyId}-error`} message={error} />
          <textarea
            className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
            id={replyId}
            rows={2}
            value={reply}
            onChange={(event) => setReply(event.target.value)}
            aria-describedby={error ? `${replyId}-error` : undefined}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={isBusy}>
          Send reply<span className="nhsuk-u-visually-hidden"> to {concern.summary}</span>
        </button>
      </form>
    </>
  );
}
