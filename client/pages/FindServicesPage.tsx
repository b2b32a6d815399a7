/**
 * Route `/find`: link workers search services near a person by postcode, filter them, and see who can take people on.
 * The results list is the primary, accessible view; the Leaflet map (loaded lazily) is an enhancement synchronised
 * with it. The URL holds the search (see client/find/searchView.ts and docs/find.md), so Back works and links can be
 * shared; the form edits a local draft that is written to the URL on submit. Pinned services go on the shortlist.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { MapResponseDto, SearchResultDto } from '@shared/schemas/search';
import { SEARCH_RADIUS } from '@shared/schemas/search';
import { postcodeDistrict } from '@shared/postcode';
import type { ApiError } from '../api/client';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { FIELD_IDS, FindForm, type TaxonomyNode } from '../components/find/FindForm';
import { MapLegend } from '../components/find/MapLegend';
import { ResultCard } from '../components/find/ResultCard';
import { ShortlistPanel } from '../components/find/ShortlistPanel';
import { UnmetNeedForm } from '../components/demand/UnmetNeedForm';
import { LoadError } from '../components/LoadError';
import { PageHeading } from '../components/PageHeading';
import {
  findViewToParams,
  mapApiPath,
  parseFindView,
  searchApiPath,
  type Bounds,
  type FindView,
} from '../find/searchView';
import { preloadAppConfig } from '../hooks/useAppConfig';
import { useApiResource } from '../hooks/useApiResource';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { useServiceSearch } from '../hooks/useServiceSearch';
import { useShortlist } from '../hooks/useShortlist';
import type { MappedResult, MapViewport, ServicesMap as ServicesMapComponent } from '../map/ServicesMap';
import '../styles/find.css';
import '../styles/markers.css';

let mapModule: Promise<typeof import('../map/ServicesMap')> | undefined;

/** Starts loading the map (Leaflet) once; the page calls it early so it arrives with the results. */
function preloadServicesMap() {
  mapModule ??= import('../map/ServicesMap');
  return mapModule;
}

const ServicesMap = lazy(() =>
  preloadServicesMap().then((m) => ({ default: m.ServicesMap })),
) as unknown as typeof ServicesMapComponent;

/** Width from which list and map sit side by side (NHS.UK desktop breakpoint). */
const WIDE_QUERY = '(min-width: 769px)';

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}

const FIELD_LABELS: Record<keyof typeof FIELD_IDS, string> = {
  postcode: 'Postcode',
  radiusKm: 'Distance',
  category: 'Type of support',
  q: 'Keyword',
  age: 'Age',
  language: 'Language',
  openOn: 'Open on',
  mode: 'How it is delivered',
};

/** The field of a search error (API field names are the URL's), falling back to the postcode box. */
function fieldOf(apiField: string): keyof typeof FIELD_IDS {
  const key = apiField.split('.')[0] ?? '';
  if (key === 'include' || key === 'capacity' || key === 'unconfirmed' || key === 'free') return 'postcode';
  return key in FIELD_IDS ? (key as keyof typeof FIELD_IDS) : 'postcode';
}

/** A field message as a sentence: "Postcode must be …" when the API gives a bare reason, else the API's own words. */
function sentence(field: keyof typeof FIELD_IDS, message: string): string {
  return /^[a-z]/.test(message) ? `${FIELD_LABELS[field]} ${message}` : message;
}

/** The problems of a failed search, one per field, as the API named them. */
function problemsOf(error: ApiError): Partial<Record<keyof typeof FIELD_IDS, string>> {
  if (error.status < 400 || error.status >= 500) return {};
  const out: Partial<Record<keyof typeof FIELD_IDS, string>> = {};
  for (const e of error.errors) {
    const field = fieldOf(e.field);
    out[field] ??= sentence(field, e.message);
  }
  if (Object.keys(out).length === 0) out.postcode = error.detail;
  return out;
}

/** A stable empty list, so the map is not redrawn on every render before results arrive. */
const NO_RESULTS: SearchResultDto[] = [];

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

/** Find services page. */
export function FindServicesPage() {
  const { user } = useSession();
  const isLinkWorker = user?.role === 'link_worker';
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => parseFindView(searchParams), [searchParams]);
  const viewKey = findViewToParams(view).toString();

  // The form edits a draft; the URL (and so the search) changes on submit. Back/links reset the draft to the URL.
  const [draft, setDraft] = useState<FindView>(view);
  useEffect(() => setDraft(parseFindView(new URLSearchParams(viewKey))), [viewKey]);
  const [missingPostcode, setMissingPostcode] = useState(false);

  const path = searchApiPath(view);
  const { search, loadMore, retry } = useServiceSearch(path);
  const taxonomy = useApiResource<{ terms: TaxonomyNode[] }>('/api/taxonomy');
  const shortlist = useShortlist();
  const isWide = useMediaQuery(WIDE_QUERY);
  const [isMapShownOnPhone, setMapShownOnPhone] = useState(false);
  const isMapShown = isWide || isMapShownOnPhone;
  const [activeId, setActiveId] = useState<string | null>(null);
  const [viewport, setViewport] = useState<(Bounds & { zoom: number }) | null>(null);
  const listRef = useRef<HTMLOListElement | null>(null);

  const fieldErrors = useMemo(() => {
    if (missingPostcode) return { postcode: 'Enter a postcode' };
    return search.status === 'error' ? problemsOf(search.error) : {};
  }, [missingPostcode, search]);
  // Memoised: the summary takes focus whenever it gets a new list, which must not happen on every keystroke.
  const problems = useMemo<FormProblem[]>(
    () =>
      Object.entries(fieldErrors).map(([key, message]) => ({
        fieldId: FIELD_IDS[key as keyof typeof FIELD_IDS],
        message,
      })),
    [fieldErrors],
  );
  const isFieldError = problems.length > 0;

  usePageTitle(
    `${isFieldError ? 'Error: ' : ''}${view.postcode ? `Services near ${view.postcode.toUpperCase()}` : 'Find services'}`,
  );

  useEffect(() => {
    preloadAppConfig();
    if (window.matchMedia(WIDE_QUERY).matches) preloadServicesMap().catch(() => undefined);
  }, []);

  const handleSubmit = () => {
    if (!draft.postcode?.trim()) {
      setMissingPostcode(true);
      return;
    }
    setMissingPostcode(false);
    const next = findViewToParams({ ...draft, postcode: draft.postcode.trim() });
    if (next.toString() === viewKey) retry();
    else setSearchParams(next);
  };
  const handleSort = (sort: FindView['sort']) => {
    setDraft((d) => ({ ...d, sort }));
    setSearchParams(findViewToParams({ ...view, sort }));
  };

  const results = search.status === 'ready' ? search.results : NO_RESULTS;
  const mapped = useMemo<MappedResult[]>(
    () =>
      results.flatMap((r) =>
        r.location && !r.remote
          ? [
              {
                serviceId: r.serviceId,
                name: r.name,
                lat: r.location.lat,
                lng: r.location.lng,
                status: r.capacity.status,
                freshness: r.capacity.freshness,
              },
            ]
          : [],
      ),
    [results],
  );
  const centre = search.status === 'ready' ? search.first.centre : null;
  const fitKey = search.status === 'ready' ? `${path ?? ''}` : '';

  const mapPath = isMapShown && viewport ? mapApiPath(view, viewport, viewport.zoom) : null;
  const mapFeatures = useApiResource<MapResponseDto>(mapPath);
  const handleViewport = useCallback(
    (v: MapViewport) => setViewport({ west: v.west, south: v.south, east: v.east, north: v.north, zoom: v.zoom }),
    [],
  );

  const selectCard = useCallback((id: string) => {
    const card = document.getElementById(`result-${id}`);
    if (!card) return;
    card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    card.focus({ preventScroll: true });
    setActiveId(id);
  }, []);

  const shortlistIds = useMemo(() => new Set(shortlist.items.map((i) => i.id)), [shortlist.items]);
  const toggleShortlist = useCallback(
    (r: SearchResultDto) => shortlist.toggle({ id: r.serviceId, name: r.name }),
    [shortlist],
  );

  // Focus the first new result after "Load more", so keyboard and screen reader users carry on where the list grew.
  // Done in an effect once the longer list is committed: a timer or animation frame after the fetch can run before
  // React has rendered the new cards, and then focus silently stays put.
  const firstNewIndex = useRef<number | null>(null);
  useEffect(() => {
    const index = firstNewIndex.current;
    if (index === null || results.length <= index) return;
    firstNewIndex.current = null;
    listRef.current?.querySelectorAll<HTMLElement>('article')[index]?.focus();
  }, [results]);
  const handleLoadMore = async () => {
    firstNewIndex.current = results.length;
    if ((await loadMore()) === 0) firstNewIndex.current = null;
  };

  const radius = search.status === 'ready' ? (search.first.radiusKm ?? view.radiusKm ?? SEARCH_RADIUS.default) : null;
  const where = search.status === 'ready' ? (search.first.centre?.label ?? view.postcode ?? '') : '';
  const announcement =
    search.status === 'loading'
      ? 'Searching…'
      : search.status === 'ready'
        ? results.length === 0
          ? `No services found within ${radius} km of ${where}.`
          : `${plural(results.length, 'service', 'services')} found within ${radius} km of ${where}${
              search.nextCursor ? ', and more to load' : ''
            }.`
        : '';

  const seen = new Set<string>();
  const mapStatus =
    mapFeatures.status === 'loading'
      ? 'Loading services in view…'
      : mapFeatures.status === 'error'
        ? 'Services in view could not be loaded'
        : null;

  return (
    <div className="signpost-find">
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-full">
          <PageHeading caption="For link workers">Find services</PageHeading>
          <p className="nhsuk-lede-text signpost-find-lede">
            Find community and voluntary services near the person you are supporting, and see which ones can take people
            on now.
          </p>
          <p className="nhsuk-body-s signpost-find-privacy">
            Do not enter anything about the person: search by postcode only. Nothing you search for is saved with their
            details.
          </p>
        </div>
      </div>
      {isFieldError && <ErrorSummary problems={problems} />}
      <FindForm
        draft={draft}
        onDraftChange={(changes) => {
          if (changes.postcode) setMissingPostcode(false);
          setDraft((d) => ({ ...d, ...changes }));
        }}
        onSubmit={handleSubmit}
        taxonomy={taxonomy.status === 'ready' ? taxonomy.data.terms : []}
        errors={fieldErrors}
      />

      <p className="nhsuk-body signpost-find-count" role="status" aria-live="polite">
        {announcement}
      </p>

      <div className="signpost-find-layout">
        <div className="signpost-find-layout__results">
          {search.status === 'error' && !isFieldError && (
            <LoadError what="The search could not be completed" error={search.error} onRetry={retry} />
          )}
          {search.status === 'idle' && (
            <p className="nhsuk-body">Enter a postcode to see services near the person you are supporting.</p>
          )}
          {search.status === 'ready' && (
            <>
              <div className="signpost-find-results__header">
                <h2 className="nhsuk-heading-m nhsuk-u-margin-bottom-2">Results</h2>
                <div className="nhsuk-form-group nhsuk-u-margin-bottom-2">
                  <label className="nhsuk-label" htmlFor="find-sort">
                    Sort by
                  </label>
                  <select
                    className="nhsuk-select"
                    id="find-sort"
                    value={draft.sort}
                    onChange={(e) => handleSort(e.target.value as FindView['sort'])}
                  >
                    <option value="relevance">Best match (can take people, then nearest)</option>
                    <option value="distance">Nearest first</option>
                    <option value="updated">Capacity updated most recently</option>
                  </select>
                </div>
              </div>
              {results.length === 0 ? (
                <div className="nhsuk-inset-text signpost-find-empty">
                  <span className="nhsuk-u-visually-hidden">Information: </span>
                  <p>No services match — widen the radius or include waitlist.</p>
                  <p className="nhsuk-body-s">
                    You could also remove some filters, or include services whose capacity has not been confirmed.
                  </p>
                </div>
              ) : (
                <ol className="nhsuk-list signpost-find-results" ref={listRef} aria-label="Services found">
                  {results.map((r) => {
                    const isFirst = !seen.has(r.serviceId);
                    seen.add(r.serviceId);
                    return (
                      <ResultCard
                        key={`${r.serviceId}:${r.location?.id ?? 'remote'}`}
                        result={r}
                        elementId={isFirst ? `result-${r.serviceId}` : `result-${r.serviceId}-${r.location?.id ?? ''}`}
                        isActive={activeId === r.serviceId}
                        isShortlisted={shortlistIds.has(r.serviceId)}
                        onActivate={setActiveId}
                        onToggleShortlist={toggleShortlist}
                      />
                    );
                  })}
                </ol>
              )}
              {search.nextCursor && (
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary"
                  onClick={() => void handleLoadMore()}
                  disabled={search.isLoadingMore}
                >
                  {search.isLoadingMore ? 'Loading more…' : 'Load more results'}
                </button>
              )}
              {search.moreError && (
                <LoadError
                  what="More results could not be loaded"
                  error={search.moreError}
                  onRetry={() => void handleLoadMore()}
                  headingLevel={3}
                />
              )}
              {isLinkWorker && (
                <details className="nhsuk-details signpost-find-unmet">
                  <summary className="nhsuk-details__summary">
                    <span className="nhsuk-details__summary-text">Nothing suitable? Record why</span>
                  </summary>
                  <div className="nhsuk-details__text">
                    <p className="nhsuk-body-s">
                      Commissioners see these counts by PCN, category and reason (only the postcode district is kept).
                    </p>
                    <UnmetNeedForm
                      key={`${view.postcode ?? ''}|${view.category.join(',')}`}
                      category={view.category}
                      postcodeDistrict={view.postcode ? postcodeDistrict(view.postcode) : undefined}
                    />
                  </div>
                </details>
              )}
            </>
          )}
        </div>

        <div className="signpost-find-layout__side">
          <ShortlistPanel items={shortlist.items} onRemove={shortlist.remove} onClear={shortlist.clear} />
          {!isWide && (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary signpost-find-map-toggle"
              aria-expanded={isMapShownOnPhone}
              aria-controls="find-map"
              onClick={() => setMapShownOnPhone((v) => !v)}
            >
              {isMapShownOnPhone ? 'Hide map' : 'Show map'}
            </button>
          )}
          <div id="find-map" hidden={!isMapShown}>
            {isMapShown && (
              <>
                <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-2">Map</h2>
                <ErrorBoundary
                  fallback={() => (
                    <p className="nhsuk-body">The map could not be shown. The list of results has everything.</p>
                  )}
                >
                  <Suspense fallback={<p className="nhsuk-body-s">Loading the map…</p>}>
                    <ServicesMap
                      results={mapped}
                      features={mapFeatures.status === 'ready' ? mapFeatures.data.features : null}
                      centre={centre}
                      fitKey={fitKey}
                      activeId={activeId}
                      onActivate={setActiveId}
                      onSelect={selectCard}
                      onViewportChange={handleViewport}
                      status={mapStatus}
                    />
                  </Suspense>
                </ErrorBoundary>
                <MapLegend />
              </>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
