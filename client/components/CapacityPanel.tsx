/** The quick capacity panel of one service: three big status buttons, optional places / wait / note, "Still accurate". */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { CapacityStatus } from '@shared/capacity';
import { CapacityBody } from '@shared/schemas/directory';
import { ApiError, sendJson } from '../api/client';
import type { CapacityDto, CapacityHistoryEntry, ServiceSummaryDto } from '../api/directory';
import { CAPACITY_EXPLANATIONS, CAPACITY_SHORT_LABELS, capacitySummary, formatDateTime } from '../capacity/format';
import { useSession } from '../hooks/useSession';
import { CapacityBadge, CapacityIcon } from './CapacityBadge';
import { CapacityHistoryChart } from './CapacityHistoryChart';

/** Props of CapacityPanel. */
export interface CapacityPanelProps {
  /** The service, as listed under its organisation. */
  service: ServiceSummaryDto;
  /** Called with the new capacity after a save or confirmation. */
  onSaved(capacity: CapacityDto): void;
}

const QUICK_STATUSES: CapacityStatus[] = ['accepting', 'waitlist', 'not_accepting'];
type WaitUnit = 'days' | 'weeks';

function waitFields(waitDays: number | null): { wait: string; unit: WaitUnit } {
  if (waitDays == null) return { wait: '', unit: 'weeks' };
  return waitDays % 7 === 0 && waitDays > 0
    ? { wait: String(waitDays / 7), unit: 'weeks' }
    : { wait: String(waitDays), unit: 'days' };
}

const toNumber = (text: string): number | null | typeof NaN => (text.trim() === '' ? null : Number(text.trim()));

/** Capacity editor for one service: reads its ETag, sends If-Match, explains a 412 and lets the user retry. */
export function CapacityPanel({ service, onSaved }: CapacityPanelProps) {
  const { csrfToken } = useSession();
  const baseId = useId().replace(/:/g, '');
  const id = (name: string) => `${baseId}-${name}`;
  const current = service.capacity;
  const [status, setStatus] = useState<CapacityStatus | null>(current.status);
  const [places, setPlaces] = useState(current.places == null ? '' : String(current.places));
  const [{ wait, unit }, setWait] = useState(waitFields(current.waitDays));
  const [note, setNote] = useState(current.note ?? '');
  const [etag, setEtag] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>('');
  const [conflict, setConflict] = useState<CapacityDto | null>(null);
  const [failure, setFailure] = useState<string>('');
  const [isBusy, setIsBusy] = useState(false);
  const [history, setHistory] = useState<CapacityHistoryEntry[] | null>(null);

  const loadHistory = useCallback(async () => {
    try {
      const { body } = await sendJson<{ history: CapacityHistoryEntry[] }>(
        'GET',
        `/api/services/${service.id}/capacity/history`,
      );
      setHistory(body.history);
    } catch {
      setHistory([]);
    }
  }, [service.id]);

  useEffect(() => {
    const controller = new AbortController();
    sendJson<unknown>('GET', `/api/services/${service.id}`, undefined, { signal: controller.signal })
      .then(({ etag: tag }) => setEtag(tag))
      .catch(() => undefined);
    void loadHistory();
    return () => controller.abort();
  }, [service.id, loadHistory]);

  const handleFailure = (error: unknown) => {
    if (error instanceof ApiError && error.status === 412) {
      setEtag(error.etag ?? null);
      setConflict((error.current as CapacityDto | undefined) ?? null);
      return;
    }
    if (error instanceof ApiError && error.errors.length) {
      setErrors(Object.fromEntries(error.errors.map((p) => [p.field, `${fieldName(p.field)} ${p.message}`])));
      return;
    }
    setFailure(error instanceof ApiError ? error.detail : 'Something went wrong. Try again.');
  };

  const succeed = (capacity: CapacityDto, newEtag: string | null, verb: string) => {
    setEtag(newEtag);
    setConflict(null);
    setMessage(
      `${verb}: ${capacitySummary(capacity)}, as of ${formatDateTime(capacity.asOf ?? new Date().toISOString())}.`,
    );
    onSaved(capacity);
    void loadHistory();
  };

  const handleSave = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMessage('');
    setFailure('');
    if (!status) {
      setErrors({ status: 'Choose Accepting, Waitlist or Full' });
      return;
    }
    const waitNumber = status === 'waitlist' ? toNumber(wait) : null;
    const body = {
      status,
      places: status === 'accepting' ? toNumber(places) : null,
      waitDays: waitNumber == null ? null : unit === 'weeks' ? waitNumber * 7 : waitNumber,
      note: note.trim() || null,
    };
    const parsed = CapacityBody.safeParse(body);
    if (!parsed.success) {
      setErrors(
        Object.fromEntries(
          parsed.error.issues.map((issue) => [
            String(issue.path[0]),
            `${fieldName(String(issue.path[0]))} ${issue.message}`,
          ]),
        ),
      );
      return;
    }
    setErrors({});
    setIsBusy(true);
    try {
      const answer = await sendJson<CapacityDto>('PUT', `/api/services/${service.id}/capacity`, parsed.data, {
        csrfToken,
        ifMatch: etag,
      });
      succeed(answer.body, answer.etag, 'Capacity saved');
    } catch (error) {
      handleFailure(error);
    } finally {
      setIsBusy(false);
    }
  };

  const handleConfirm = async () => {
    setMessage('');
    setFailure('');
    setIsBusy(true);
    try {
      const answer = await sendJson<CapacityDto>('POST', `/api/services/${service.id}/capacity/confirm`, undefined, {
        csrfToken,
        ifMatch: etag,
      });
      succeed(answer.body, answer.etag, 'Confirmed still accurate');
    } catch (error) {
      handleFailure(error);
    } finally {
      setIsBusy(false);
    }
  };

  const groupClass = (name: string) => `nhsuk-form-group${errors[name] ? ' nhsuk-form-group--error' : ''}`;
  const errorLine = (name: string) =>
    errors[name] ? (
      <span className="nhsuk-error-message" id={id(`${name}-error`)}>
        <span className="nhsuk-u-visually-hidden">Error: </span>
        {errors[name]}
      </span>
    ) : null;

  return (
    <div className="signpost-capacity-panel">
      <div role="status" className="signpost-live">
        {message && (
          <div className="nhsuk-inset-text signpost-success nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-3">
            <span className="nhsuk-u-visually-hidden">Success: </span>
            <p>{message}</p>
          </div>
        )}
      </div>
      {conflict && (
        <div className="nhsuk-warning-callout" role="alert">
          <h5 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Someone else updated this service just now
            </span>
          </h5>
          <p>
            It now says <CapacityBadge capacity={conflict} />. Your change was not saved.
          </p>
          <p>Check your choices below, then save again to replace it, or leave it as it is.</p>
        </div>
      )}
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h5 className="nhsuk-error-summary__heading">Capacity was not saved</h5>
          <p className="nhsuk-error-summary__body">{failure}</p>
        </div>
      )}
      <form onSubmit={handleSave} noValidate>
        <div className={groupClass('status')}>
          <fieldset className="nhsuk-fieldset" aria-describedby={errors.status ? id('status-error') : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Can you take new referrals?</legend>
            {errorLine('status')}
            <div className="signpost-status-buttons">
              {QUICK_STATUSES.map((s) => (
                <button
                  key={s}
                  type="button"
                  className={`signpost-status-button signpost-status-button--${s}`}
                  aria-pressed={status === s}
                  onClick={() => setStatus(s)}
                >
                  <CapacityIcon status={s} />
                  <span className="signpost-status-button__label">{CAPACITY_SHORT_LABELS[s]}</span>
                  <span className="signpost-status-button__hint">{CAPACITY_EXPLANATIONS[s]}</span>
                </button>
              ))}
            </div>
          </fieldset>
        </div>
        {status === 'accepting' && (
          <div className={groupClass('places')}>
            <label className="nhsuk-label" htmlFor={id('places')}>
              Places available (optional)
            </label>
            {errorLine('places')}
            <input
              className={`nhsuk-input nhsuk-input--width-4${errors.places ? ' nhsuk-input--error' : ''}`}
              id={id('places')}
              inputMode="numeric"
              value={places}
              onChange={(e) => setPlaces(e.target.value)}
              aria-describedby={errors.places ? id('places-error') : undefined}
            />
          </div>
        )}
        {status === 'waitlist' && (
          <div className={groupClass('waitDays')}>
            <fieldset
              className="nhsuk-fieldset"
              aria-describedby={`${id('wait-hint')}${errors.waitDays ? ` ${id('waitDays-error')}` : ''}`}
            >
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Typical wait (optional)</legend>
              <div className="nhsuk-hint" id={id('wait-hint')}>
                How long someone referred today usually waits to start
              </div>
              {errorLine('waitDays')}
              <div className="signpost-inline-fields">
                <div className="nhsuk-form-group nhsuk-u-margin-bottom-0">
                  <label className="nhsuk-label" htmlFor={id('wait')}>
                    Wait
                  </label>
                  <input
                    className={`nhsuk-input nhsuk-input--width-3${errors.waitDays ? ' nhsuk-input--error' : ''}`}
                    id={id('wait')}
                    inputMode="numeric"
                    value={wait}
                    onChange={(e) => setWait({ wait: e.target.value, unit })}
                  />
                </div>
                <div className="nhsuk-form-group nhsuk-u-margin-bottom-0">
                  <label className="nhsuk-label" htmlFor={id('unit')}>
                    Unit
                  </label>
                  <select
                    className="nhsuk-select"
                    id={id('unit')}
                    value={unit}
                    onChange={(e) => setWait({ wait, unit: e.target.value as WaitUnit })}
                  >
                    <option value="days">days</option>
                    <option value="weeks">weeks</option>
                  </select>
                </div>
              </div>
            </fieldset>
          </div>
        )}
        <div className={groupClass('note')}>
          <label className="nhsuk-label" htmlFor={id('note')}>
            Note for link workers (optional)
          </label>
          {errorLine('note')}
          <input
            className={`nhsuk-input${errors.note ? ' nhsuk-input--error' : ''}`}
            id={id('note')}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={isBusy || etag === null}>
            Save capacity
          </button>
          {current.status && (
            <button
              className="nhsuk-button nhsuk-button--secondary"
              type="button"
              onClick={handleConfirm}
              disabled={isBusy || etag === null}
            >
              Still accurate
            </button>
          )}
        </div>
      </form>
      <h5 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">Capacity history</h5>
      {history === null ? (
        <p className="nhsuk-body-s">Loading history…</p>
      ) : (
        <CapacityHistoryChart entries={history} serviceName={service.name} />
      )}
    </div>
  );
}

function fieldName(field: string): string {
  return { status: 'Status', places: 'Places', waitDays: 'Wait', note: 'Note' }[field] ?? 'This field';
}
