/**
 * Route `/unmet-need?category=a,b&district=M16`: hosts the "nothing suitable found" form for a search's categories
 * and postcode district (the Find page embeds the same form after a search).
 */
import { Link, useSearchParams } from 'react-router';
import { parsePostcodeQuery } from '@shared/postcode';
import { UnmetNeedForm } from '../components/demand/UnmetNeedForm';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';

/** Reads the categories (repeated or comma-separated) and the district from the URL. */
function searchOf(params: URLSearchParams) {
  const category = [
    ...new Set(
      params
        .getAll('category')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const parsed = parsePostcodeQuery((params.get('district') ?? '').trim());
  const district = parsed ? (parsed.kind === 'district' ? parsed.key : parsed.label.split(' ')[0]) : undefined;
  return { category, district };
}

/** The page. */
export function UnmetNeedPage() {
  usePageTitle('Nothing suitable found');
  const [params] = useSearchParams();
  const session = useSession();
  const { category, district } = searchOf(params);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading caption="For link workers">Nothing suitable found</PageHeading>
        <dl className="nhsuk-summary-list">
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Categories searched</dt>
            <dd className="nhsuk-summary-list__value">{category.length ? category.join(', ') : 'None given'}</dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Postcode district</dt>
            <dd className="nhsuk-summary-list__value">{district ?? 'None given'}</dd>
          </div>
        </dl>
        {session.status === 'loading' ? (
          <p className="nhsuk-body">Loading…</p>
        ) : session.user ? (
          <UnmetNeedForm category={category} postcodeDistrict={district} />
        ) : (
          <p className="nhsuk-body">
            <Link to={`${SIGN_IN_PATH}?next=${encodeURIComponent(`/unmet-need?${params.toString()}`)}`}>Sign in</Link>{' '}
            as a link worker to record this.
          </p>
        )}
        <p className="nhsuk-body-s">
          <Link to="/find">Back to find services</Link>
        </p>
      </div>
    </div>
  );
}
