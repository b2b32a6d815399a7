/**
 * Route `/need/concerns?status=&kind=&icb=&concern=ID`: ICB commissioners (admins: every ICB) read, answer,
 * acknowledge and resolve concerns community organisations raise about services covering their ICB.
 */
import { Link } from 'react-router';
import { ConcernsInbox } from '../components/need/ConcernsInbox';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';

/** The page: who may see it, then the inbox. */
export function NeedConcernsPage() {
  usePageTitle('Concerns from community services');
  const { status, user } = useSession();
  const canSee = user?.role === 'icb_commissioner' || user?.role === 'admin';
  return (
    <div className="signpost-need">
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading caption="Need and gaps">Concerns from community services</PageHeading>
          <p className="nhsuk-body">
            Community (VCSE) organisations raise these about their services: running out of capacity, funding ending, or
            a surge in demand. You see the concerns about services that cover your ICB. Reply to let the organisation
            know you have seen it, and mark it as acknowledged or resolved.
          </p>
          <p className="nhsuk-body-s">
            <Link to="/need">Back to need and gaps</Link>
          </p>
        </div>
      </div>
      {status === 'loading' ? (
        <p className="nhsuk-body" role="status">
          Loading…
        </p>
      ) : !user ? (
        <p className="nhsuk-body">
          <Link to={`${SIGN_IN_PATH}?next=${encodeURIComponent('/need/concerns')}`}>Sign in</Link> as an ICB
          commissioner to see concerns.
        </p>
      ) : !canSee ? (
        <p className="nhsuk-body">Only ICB commissioners and administrators can see concerns raised to ICBs.</p>
      ) : (
        <ConcernsInbox />
      )}
    </div>
  );
}
