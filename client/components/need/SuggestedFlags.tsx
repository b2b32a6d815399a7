/**
 * Suggested flags for commissioners and admins: PCNs in the widest tenth of gaps in their ICB with no open flag
 * (GET /api/gaps/suggestions), each with "Accept" (creates an open flag) and "Dismiss" (with a reason).
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { acceptSuggestion, dismissSuggestion, suggestionsPath, type SuggestionDto } from '../../api/gaps';
import { useApiResource } from '../../hooks/useApiResource';
import { formatOrNoData, formatSigned } from '../../need/format';
import { LoadError } from '../LoadError';

/** Props of SuggestedFlags. */
export interface SuggestedFlagsProps {
  /** ICB shown (null: the commissioner's own ICB, or all for an admin). */
  icbCode: string | null;
  /** CSRF token of the session. */
  csrfToken: string | null;
  /** Called after a suggestion was accepted or dismissed. */
  onChanged: () => void;
  /** Link target that selects a PCN. */
  hrefFor: (code: string) => string;
  /** A count of flag changes made elsewhere on the page; the list reloads when it changes. Default 0. */
  changes?: number;
}

/** See SuggestedFlagsProps. */
export function SuggestedFlags({ icbCode, csrfToken, onChanged, hrefFor, changes = 0 }: SuggestedFlagsProps) {
  const suggestions = useApiResource<{ suggestions: SuggestionDto[] }>(suggestionsPath(icbCode), { cache: false });
  const [message, setMessage] = useState<string | null>(null);
  const { retry } = suggestions;
  const firstChanges = useRef(changes);
  useEffect(() => {
    if (changes !== firstChanges.current) retry();
  }, [changes, retry]);
  const changed = (text: string) => {
    setMessage(text);
    onChanged(); // bumps `changes`, which reloads the list
  };
  return (
    <details className="nhsuk-details" data-testid="suggested-flags">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">
          Suggested flags
          {suggestions.status === 'ready' ? ` (${suggestions.data.suggestions.length})` : ''}
        </span>
      </summary>
      <div className="nhsuk-details__text">
        <p className="nhsuk-body-s">
          PCNs in the widest tenth of gaps in their ICB that have no open flag. Accept to open a flag, or dismiss with a
          reason (the PCN is not suggested again).
        </p>
        {suggestions.status === 'loading' && (
          <p className="nhsuk-body-s" role="status">
            Loading suggestions…
          </p>
        )}
        {suggestions.status === 'error' && (
          <LoadError
            what="Suggestions could not be loaded"
            error={suggestions.error}
            onRetry={retry}
            headingLevel={3}
          />
        )}
        {suggestions.status === 'ready' && suggestions.data.suggestions.length === 0 && (
          <p className="nhsuk-body-s">
            No suggestions: every PCN with one of the widest gaps has a flag or was reviewed.
          </p>
        )}
        {suggestions.status === 'ready' && suggestions.data.suggestions.length > 0 && (
          <ul className="signpost-flag-list">
            {suggestions.data.suggestions.map((s) => (
              <Suggestion key={s.pcnCode} suggestion={s} csrfToken={csrfToken} onDone={changed} hrefFor={hrefFor} />
            ))}
          </ul>
        )}
        <p className="nhsuk-body-s" role="status">
          {message}
        </p>
      </div>
    </details>
  );
}

function Suggestion({
  suggestion: s,
  csrfToken,
  onDone,
  hrefFor,
}: {
  suggestion: SuggestionDto;
  csrfToken: string | null;
  onDone: (message: string) => void;
  hrefFor: (code: string) => string;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setIsBusy(true);
    setError(null);
    try {
      await action();
      onDone(done);
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : 'Something went wrong. Try again.');
    } finally {
      setIsBusy(false);
    }
  };
  const id = `suggestion-${s.pcnCode}`;
  return (
    <li>
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
        <Link to={hrefFor(s.pcnCode)}>{s.pcnName}</Link> ({s.pcnCode}) · gap {formatOrNoData(s.gapScore, formatSigned)}
        {s.icbRank !== null ? ` · rank ${s.icbRank} in its ICB` : ''}
      </p>
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
        disabled={isBusy}
        onClick={() => void run(() => acceptSuggestion(s.pcnCode, csrfToken), `${s.pcnName} flagged.`)}
      >
        Accept<span className="nhsuk-u-visually-hidden"> the suggestion to flag {s.pcnName}</span>
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason.trim()) {
            setError('Enter a reason to dismiss the suggestion');
            return;
          }
          void run(
            () => dismissSuggestion(s.pcnCode, reason.trim(), csrfToken),
            `Suggestion for ${s.pcnName} dismissed.`,
          );
        }}
      >
        <label className="nhsuk-label nhsuk-body-s" htmlFor={`${id}-reason`}>
          Reason to dismiss the suggestion for {s.pcnName}
        </label>
        <input
          className="nhsuk-input nhsuk-input--width-20"
          id={`${id}-reason`}
          type="text"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />{' '}
        <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" disabled={isBusy}>
          Dismiss
        </button>
      </form>
      {error && (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {error}
        </p>
      )}
    </li>
  );
}
