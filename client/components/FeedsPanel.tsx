/**
 * Registered ORUK feeds on the admin Imports page: the list (schedule, on/off, last and next sync) and a form to
 * register a council's live ORUK API. Each feed is synced by a background job when due.
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import {
  FEED_SCHEDULES,
  changeFeed,
  fetchFeeds,
  registerFeed,
  removeFeed,
  type FeedDto,
  type FeedSchedule,
} from '../api/feeds';
import { formatDateTime } from '../capacity/format';
import { ErrorSummary, type FormProblem } from './ErrorSummary';
import { TableHead } from './TableHead';
import { TextInput } from './TextInput';

const FIELD_IDS: Record<string, string> = {
  name: 'feed-name',
  url: 'feed-url',
  schedule: 'feed-schedule',
};

const SCHEDULE_LABELS: Record<FeedSchedule, string> = {
  hourly: 'Every hour',
  daily: 'Every day',
  weekly: 'Every week',
};

/** Props of FeedsPanel. */
export interface FeedsPanelProps {
  /** The session's CSRF token. */
  csrfToken: string | null;
  /** Extra actions per feed (e.g. "Sync now"), rendered after the built-in ones. Default none. */
  actions?: (feed: FeedDto, reload: () => void) => ReactNode;
}

/** The feeds section: table and registration form, with named field errors and a live status line. */
export function FeedsPanel({ csrfToken, actions }: FeedsPanelProps) {
  const [feeds, setFeeds] = useState<FeedDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    const controller = new AbortController();
    fetchFeeds(controller.signal).then(
      (list) => {
        setFeeds(list);
        setLoadError(null);
      },
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setLoadError((err as Error).message);
      },
    );
    return () => controller.abort();
  }, []);
  useEffect(reload, [reload]);

  const handleRegister = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get('feed-name') ?? '').trim();
    const url = String(form.get('feed-url') ?? '').trim();
    const schedule = String(form.get('feed-schedule') ?? 'daily') as FeedSchedule;
    const found: FormProblem[] = [];
    if (!name) found.push({ fieldId: 'feed-name', message: 'Enter a name for the feed' });
    if (!url) found.push({ fieldId: 'feed-url', message: 'Enter the feed’s URL' });
    if (found.length) {
      setProblems(found);
      return;
    }
    setBusy(true);
    try {
      const feed = await registerFeed({ name, url, schedule }, csrfToken);
      setProblems([]);
      setStatus(`Registered ${feed.name}. Its first sync starts within a minute.`);
      formElement.reset();
      reload();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        setProblems(
          err.errors.map((e) => ({ fieldId: FIELD_IDS[e.field] ?? 'feed-url', message: `${e.field}: ${e.message}` })),
        );
      } else setProblems([{ fieldId: 'feed-url', message: (err as Error).message }]);
    } finally {
      setBusy(false);
    }
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setStatus(done);
      reload();
    } catch (err) {
      setStatus(`That did not work: ${(err as Error).message}`);
    }
  };

  const problemOf = (id: string) => problems.find((p) => p.fieldId === id)?.message;

  return (
    <section aria-labelledby="feeds-heading">
      <h2 id="feeds-heading">Registered ORUK feeds</h2>
      <p>
        Signpost syncs each feed on its schedule: new and changed services are applied, and services that vanish from
        the feed are marked “not in source” and hidden from search after a set number of days (MISSING_HIDE_DAYS).
        Nothing is deleted.
      </p>
      <p role="status" aria-live="polite" className="nhsuk-body">
        {status}
      </p>
      {loadError && <p className="nhsuk-error-message">Could not load the feeds: {loadError}</p>}
      {feeds && feeds.length === 0 && <p>No feeds are registered yet.</p>}
      {feeds && feeds.length > 0 && (
        <table className="nhsuk-table" data-testid="feeds-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Registered feeds</caption>
          <TableHead columns={['Feed', 'Schedule', 'Last sync', 'Next sync', 'Actions']} />
          <tbody className="nhsuk-table__body">
            {feeds.map((f) => (
              <tr className="nhsuk-table__row" key={f.id} data-feed-id={f.id}>
                <td className="nhsuk-table__cell">
                  <strong>{f.name}</strong>
                  <br />
                  <span className="nhsuk-body-s">{f.url}</span>
                </td>
                <td className="nhsuk-table__cell">
                  {SCHEDULE_LABELS[f.schedule]}
                  {f.enabled ? '' : ' (turned off)'}
                </td>
                <td className="nhsuk-table__cell">{f.lastRunAt ? formatDateTime(f.lastRunAt) : 'Never'}</td>
                <td className="nhsuk-table__cell">{f.nextRunAt ? formatDateTime(f.nextRunAt) : 'None (turned off)'}</td>
                <td className="nhsuk-table__cell">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                    onClick={() =>
                      void act(
                        () => changeFeed(f.id, { enabled: !f.enabled }, csrfToken),
                        f.enabled ? `Turned off ${f.name}.` : `Turned on ${f.name}.`,
                      )
                    }
                  >
                    {f.enabled ? 'Turn off' : 'Turn on'}
                    <span className="nhsuk-u-visually-hidden"> {f.name}</span>
                  </button>{' '}
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--warning nhsuk-button--small"
                    onClick={() => void act(() => removeFeed(f.id, csrfToken), `Removed ${f.name}.`)}
                  >
                    Remove<span className="nhsuk-u-visually-hidden"> {f.name}</span>
                  </button>{' '}
                  {actions?.(f, reload)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Register a feed</h3>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <form onSubmit={(e) => void handleRegister(e)} noValidate>
        <TextInput
          id="feed-name"
          label="Name"
          hint="For example, North Lincolnshire Council directory"
          error={problemOf('feed-name')}
        />
        <TextInput
          id="feed-url"
          label="Feed URL"
          hint="The ORUK API's root or its /services address, starting with https://"
          type="url"
          spellCheck={false}
          error={problemOf('feed-url')}
        />
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="feed-schedule">
            How often to sync
          </label>
          <select className="nhsuk-select" id="feed-schedule" name="feed-schedule" defaultValue="daily">
            {FEED_SCHEDULES.map((s) => (
              <option key={s} value={s}>
                {SCHEDULE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="nhsuk-button" disabled={busy}>
          Register feed
        </button>
      </form>
    </section>
  );
}
