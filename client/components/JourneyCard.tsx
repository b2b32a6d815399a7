/** A clickable NHS.UK card leading to one of Signpost's journeys. */
import { Link } from 'react-router';
import type { Journey } from '../journeys';

/** Props of JourneyCard. */
export interface JourneyCardProps {
  /** The journey the card links to. */
  journey: Journey;
}

/** Card whose whole area follows the heading link (nhsuk-card--clickable). */
export function JourneyCard({ journey }: JourneyCardProps) {
  return (
    <div className="nhsuk-card nhsuk-card--clickable">
      <div className="nhsuk-card__content">
        <p className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-2">{journey.audience}</p>
        <h3 className="nhsuk-card__heading nhsuk-heading-m">
          <Link className="nhsuk-card__link" to={journey.path}>
            {journey.title}
          </Link>
        </h3>
        <p className="nhsuk-card__description">{journey.description}</p>
      </div>
    </div>
  );
}
