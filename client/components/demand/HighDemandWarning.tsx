/** "High demand — consider alternatives": shown when a service's recent referrals exceed what it can take. Text, not colour. */
import { Link } from 'react-router';

/** Props of HighDemandWarning. */
export interface HighDemandWarningProps {
  /** Who reads it: link workers (consider alternatives) or the organisation (tell us / update capacity). */
  audience: 'link_worker' | 'organisation';
}

/** A warning callout; the words carry the meaning, the colour only repeats it. */
export function HighDemandWarning({ audience }: HighDemandWarningProps) {
  // Its own section on the service page; inside a service card (h4) on My organisation.
  const Heading = audience === 'link_worker' ? 'h2' : 'h5';
  return (
    <div className="nhsuk-warning-callout signpost-high-demand">
      <Heading className="nhsuk-warning-callout__label">
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          {audience === 'link_worker' ? 'High demand — consider alternatives' : 'High demand'}
        </span>
      </Heading>
      <p>
        {audience === 'link_worker'
          ? 'Link workers have referred more people here in the last 28 days than it said it can take. Consider other services too. '
          : 'Link workers have referred more people to this service in the last 28 days than its capacity says it can take. Check its capacity is up to date, or raise a concern.'}
        {audience === 'link_worker' && <Link to="/find">Find other services</Link>}
      </p>
    </div>
  );
}
