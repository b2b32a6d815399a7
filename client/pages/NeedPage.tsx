/**
 * Route `/need`: ICB commissioners compare need with link-worker resource per PCN on a choropleth and in a table.
 * The URL holds the whole view (`?icb=QOP&indicator=imd2025_score&sort=need&dir=desc&pcn=U12345&lsoa=1`), so Back
 * works and links can be shared. Only the map (Leaflet) loads lazily: the key and the table never wait for it.
 */
import { useCallback, useEffect, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { icbListPath, type AreaProfileDto } from '../api/areas';
import { LoadError } from '../components/LoadError';
import { EquityView } from '../components/need/EquityView';
import { NeedExplorer, preloadChoroplethMap } from '../components/need/NeedExplorer';
import { PageHeading } from '../components/PageHeading';
import { preloadAppConfig } from '../hooks/useAppConfig';
import { clearApiResourceCache, useApiResource } from '../hooks/useApiResource';
import { usePageTitle } from '../hooks/usePageTitle';
import { shortIcbName } from '../need/format';
import { useSession } from '../hooks/useSession';
import { needViewToParams, parseNeedView, type NeedView } from '../need/needView';
import '../styles/markers.css';
import '../styles/need.css';

/** How often the page checks again while reference data is still loading, in milliseconds. */
const EMPTY_RECHECK_MS = 15_000;

/** URL parameters owned by sections outside the need view (equity section, map layers). */
const KEPT_PARAMS = ['equity', 'esort', 'edir', 'services', 'atrisk'];

/** Need and gaps page: loading, error and empty states around the explorer. */
export function NeedPage() {
  usePageTitle('Need and gaps');
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => parseNeedView(searchParams), [searchParams]);
  const icbs = useApiResource<AreaProfileDto[]>(icbListPath());
  const { user } = useSession();

  // Fetch the map code and its tile settings alongside the first data rather than after it.
  useEffect(() => {
    preloadChoroplethMap().catch(() => undefined);
    preloadAppConfig();
  }, []);

  const isEmpty = icbs.status === 'ready' && icbs.data.length === 0;
  const { retry } = icbs;
  useEffect(() => {
    if (!isEmpty) return;
    const timer = setInterval(() => {
      clearApiResourceCache();
      retry();
    }, EMPTY_RECHECK_MS);
    return () => clearInterval(timer);
  }, [isEmpty, retry]);

  const paramsFor = useCallback(
    (changes: Partial<NeedView>) => {
      const params = needViewToParams({ ...view, ...changes });
      // The equity section and map layers keep their own parameters across view changes.
      for (const key of KEPT_PARAMS) {
        const value = searchParams.get(key);
        if (value !== null) params.set(key, value);
      }
      return params;
    },
    [view, searchParams],
  );
  const handleChange = useCallback(
    (changes: Partial<NeedView>) => setSearchParams(paramsFor(changes)),
    [paramsFor, setSearchParams],
  );
  const hrefFor = useCallback(
    (changes: Partial<NeedView>) => {
      const search = paramsFor(changes).toString();
      return search ? `?${search}` : '?';
    },
    [paramsFor],
  );

  const icb = icbs.status === 'ready' ? (icbs.data.find((i) => i.code === view.icb) ?? null) : null;
  const isUnknownIcb = icbs.status === 'ready' && !isEmpty && view.icb !== null && icb === null;

  return (
    <div className="signpost-need">
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading caption="For ICB commissioners">Need and gaps</PageHeading>
          <p className="nhsuk-lede-text">
            See where the need for social prescribing is highest, how many link workers and community services each
            primary care network (PCN) has, and where the gap between them is widest.
          </p>
          {(user?.role === 'icb_commissioner' || user?.role === 'admin') && (
            <p className="nhsuk-body">
              <Link to="/need/concerns">Concerns from community services</Link>: capacity, funding ending and demand
              surges raised about services in {user.role === 'admin' ? 'every ICB' : 'your ICB'}.
            </p>
          )}
        </div>
      </div>
      {icbs.status === 'loading' && (
        <p className="nhsuk-body" role="status">
          Loading need figures…
        </p>
      )}
      {icbs.status === 'error' && (
        <LoadError what="Need figures could not be loaded" error={icbs.error} onRetry={icbs.retry} />
      )}
      {isEmpty && (
        <div className="nhsuk-card signpost-empty-state" role="status">
          <div className="nhsuk-card__content">
            <h2 className="nhsuk-card__heading nhsuk-heading-m">Reference data is still loading</h2>
            <p className="nhsuk-card__description">
              Reference data is still loading — this page fills in when it is ready. Signpost imports England’s
              practices, PCNs, deprivation and Census figures on its first start, which takes a few minutes.
            </p>
          </div>
        </div>
      )}
      {isUnknownIcb && (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>No ICB has the code {view.icb}
            </span>
          </h2>
          <p>The page shows all of England instead. Choose an ICB from the list below.</p>
        </div>
      )}
      {icbs.status === 'ready' && !isEmpty && (
        <NeedExplorer icbs={icbs.data} view={view} icb={icb} onChange={handleChange} hrefFor={hrefFor} />
      )}
      {icbs.status === 'ready' && !isEmpty && (
        <EquityView icb={icb?.code ?? null} areaName={icb ? shortIcbName(icb.name) : 'England'} />
      )}
    </div>
  );
}
