/**
 * The shortlist beside the results: pinned services (ids and names only), remove, "Copy summary" for clinical notes
 * (clipboard, or a text box to copy from when the browser refuses) and "Print handout".
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { printPath, shortlistSummary, type ShortlistItem } from '../../find/shortlist';

/** Props of ShortlistPanel. */
export interface ShortlistPanelProps {
  items: readonly ShortlistItem[];
  onRemove: (id: string) => void;
  onClear: () => void;
}

/** The shortlist panel. */
export function ShortlistPanel({ items, onRemove, onClear }: ShortlistPanelProps) {
  const [message, setMessage] = useState('');
  const [fallbackText, setFallbackText] = useState<string | null>(null);
  const fallbackRef = useRef<HTMLTextAreaElement | null>(null);

  useEffect(() => {
    if (fallbackText === null) return;
    fallbackRef.current?.focus();
    fallbackRef.current?.select();
  }, [fallbackText]);

  const copy = async () => {
    const text = shortlistSummary(items, window.location.origin, new Date());
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setFallbackText(null);
      setMessage(`Summary of ${items.length === 1 ? '1 service' : `${items.length} services`} copied.`);
    } catch {
      setFallbackText(text);
      setMessage('Your browser did not allow copying. Select the text below and copy it.');
    }
  };

  return (
    <section className="nhsuk-card signpost-shortlist" aria-labelledby="shortlist-heading">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-2" id="shortlist-heading">
          Shortlist <span className="signpost-shortlist__count">({items.length})</span>
        </h2>
        {items.length === 0 ? (
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
            Use “Add to shortlist” on a result to collect services, then print a handout or copy a summary into your
            notes. Only service names are kept, in this browser tab.
          </p>
        ) : (
          <>
            <ul className="nhsuk-list signpost-shortlist__list">
              {items.map((item) => (
                <li key={item.id}>
                  <Link to={`/services/${item.id}`}>{item.name}</Link>{' '}
                  <button type="button" className="signpost-link-button" onClick={() => onRemove(item.id)}>
                    Remove<span className="nhsuk-u-visually-hidden"> {item.name} from the shortlist</span>
                  </button>
                </li>
              ))}
            </ul>
            <div className="signpost-shortlist__actions">
              <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={() => void copy()}>
                Copy summary
              </button>
              <Link className="nhsuk-button" to={printPath(items)}>
                Print handout
              </Link>
            </div>
            <button type="button" className="signpost-link-button nhsuk-body-s" onClick={onClear}>
              Clear shortlist
            </button>
          </>
        )}
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-0" role="status">
          {message}
        </p>
        {fallbackText !== null && items.length > 0 && (
          <div className="nhsuk-form-group nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
            <label className="nhsuk-label nhsuk-label--s" htmlFor="shortlist-summary">
              Summary to copy
            </label>
            <textarea
              className="nhsuk-textarea"
              id="shortlist-summary"
              rows={Math.min(8, items.length + 2)}
              readOnly
              value={fallbackText}
              ref={fallbackRef}
            />
          </div>
        )}
      </div>
    </section>
  );
}
