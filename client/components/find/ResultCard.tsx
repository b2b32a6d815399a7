/** One search result: name, organisation, distance, capacity "as of", why it matched, and the shortlist toggle. */
import type { FocusEvent } from 'react';
import { Link } from 'react-router';
import type { SearchResultDto } from '@shared/schemas/search';
import { distanceText } from '../../find/searchView';
import { CapacityBadge } from '../CapacityBadge';

/** Props of ResultCard. */
export interface ResultCardProps {
  result: SearchResultDto;
  /** Id of the card element (the map scrolls to and focuses it). */
  elementId: string;
  /** Its marker is highlighted on the map. */
  isActive: boolean;
  /** On the shortlist. */
  isShortlisted: boolean;
  /** Pointer or focus entered (id) or left (null) the card. */
  onActivate: (id: string | null) => void;
  /** Toggles the shortlist. */
  onToggleShortlist: (result: SearchResultDto) => void;
}

/** A result card in the list. */
export function ResultCard({
  result,
  elementId,
  isActive,
  isShortlisted,
  onActivate,
  onToggleShortlist,
}: ResultCardProps) {
  const headingId = `${elementId}-heading`;
  const handleBlur = (event: FocusEvent<HTMLElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onActivate(null);
  };
  const address = result.location ? [result.location.address, result.location.postcode].filter(Boolean).join(', ') : '';
  return (
    <li className="signpost-find-results__item">
      <article
        id={elementId}
        tabIndex={-1}
        aria-labelledby={headingId}
        className={`nhsuk-card signpost-find-result${isActive ? ' is-active' : ''}`}
        onMouseEnter={() => onActivate(result.serviceId)}
        onMouseLeave={() => onActivate(null)}
        onFocus={() => onActivate(result.serviceId)}
        onBlur={handleBlur}
        data-service-id={result.serviceId}
      >
        <div className="nhsuk-card__content">
          <h3 className="nhsuk-card__heading nhsuk-heading-s nhsuk-u-margin-bottom-1" id={headingId}>
            <Link to={`/services/${result.serviceId}`}>{result.name}</Link>
          </h3>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">{result.organization.name}</p>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 signpost-find-result__distance">
            <strong>{distanceText(result)}</strong>
            {address && !result.remote ? ` · ${address}` : ''}
          </p>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
            <CapacityBadge capacity={result.capacity} />
          </p>
          {result.pressure === 'high' && (
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
              <strong className="nhsuk-tag nhsuk-tag--orange">High demand — consider alternatives</strong>
            </p>
          )}
          {result.summary && <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">{result.summary}</p>}
          {result.matched.length > 0 && (
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 signpost-find-result__why">
              <span className="signpost-find-result__why-label">Why it matched: </span>
              {result.matched.map((m) => m.text).join(' · ')}
            </p>
          )}
          <button
            type="button"
            className={`nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0 signpost-shortlist-toggle${
              isShortlisted ? ' is-pressed' : ''
            }`}
            onClick={() => onToggleShortlist(result)}
          >
            {isShortlisted ? (
              <>
                <span className="signpost-shortlist-toggle__tick" aria-hidden="true">
                  ✓{' '}
                </span>
                On shortlist — remove<span className="nhsuk-u-visually-hidden"> {result.name}</span>
              </>
            ) : (
              <>
                Add <span className="nhsuk-u-visually-hidden">{result.name} </span>
                to shortlist
              </>
            )}
          </button>
        </div>
      </article>
    </li>
  );
}
