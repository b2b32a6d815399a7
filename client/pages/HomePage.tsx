/** Route `/`: what Signpost is and the three journeys. */
import { Link } from 'react-router';
import { JourneyCard } from '../components/JourneyCard';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { JOURNEYS } from '../journeys';

/** Home page: a short explanation and one card per journey. */
export function HomePage() {
  usePageTitle('');
  return (
    <>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading size="xl">Signpost</PageHeading>
          <p className="nhsuk-lede-text">
            The shared map of social prescribing in England: which community services exist, who has space now, and
            where people need more.
          </p>
          <p>
            Social prescribing connects people to local groups and services for practical, social and emotional support.
            Voluntary, community and social enterprise (VCSE) organisations publish their services here, link workers
            find the right one for the person they are supporting, and integrated care boards (ICBs) see where services
            are missing.
          </p>
        </div>
      </div>
      <h2 className="nhsuk-heading-m">What do you want to do?</h2>
      <ul className="nhsuk-grid-row nhsuk-card-group">
        {JOURNEYS.map((journey) => (
          <li className="nhsuk-grid-column-one-third nhsuk-card-group__item" key={journey.path}>
            <JourneyCard journey={journey} />
          </li>
        ))}
      </ul>
      <h2 className="nhsuk-heading-m">Run a community organisation?</h2>
      <p>
        <Link to="/organisations/new">Add your organisation</Link> to Signpost, or{' '}
        <Link to="/organisations/claim">claim your organisation</Link> if it is already listed. An administrator checks
        each one first.
      </p>
    </>
  );
}
