/**
 * The working part of the need page once reference data exists: area and figure choices, the choropleth with its
 * key, LSOA detail, the selected PCN's profile and the sortable PCN table. All state comes from the URL (`view`).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  icbGeoJsonPath,
  lsoaGeoJsonPath,
  pcnDetailPath,
  pcnGeoJsonPath,
  pcnListPath,
  type AreaProfileDto,
  type IcbFeatureCollection,
  type LsoaFeatureCollection,
  type LsoaFeatureProperties,
  type PcnDetailDto,
  type PcnFeatureCollection,
  type PcnFeatureProperties,
} from '../../api/areas';
import {
  flagListPath,
  gapListPath,
  gapProfilePath,
  type FlagDto,
  type GapListDto,
  type GapProfileDto,
} from '../../api/gaps';
import type { TaxonomyNodeDto } from '@shared/directoryDto';
import { useApiResource } from '../../hooks/useApiResource';
import { useSession } from '../../hooks/useSession';
import type { ChoroplethMap as ChoroplethMapComponent, MapViewport, TooltipContent } from '../../map/ChoroplethMap';
import {
  figuresOfFeature,
  figuresOfGapRow,
  figuresOfProfile,
  findIndicator,
  INDICATORS,
  type PcnFigures,
} from '../../need/indicators';
import { formatCount, formatOrNoData, shortIcbName } from '../../need/format';
import { buildNeedLegend, classOf, NO_DATA_COLOR } from '../../need/legend';
import { bboxOfFeatures, isLsoaBboxAllowed, lsoaRequestBbox } from '../../need/lsoaDetail';
import { defaultDirection, sortPcnRows, type NeedView, type PcnRow, type SortKey } from '../../need/needView';
import { ErrorBoundary } from '../ErrorBoundary';
import { LoadError } from '../LoadError';
import { ChoroplethLegend } from './ChoroplethLegend';
import { NeedControls } from './NeedControls';
import { useNeedMapLayers } from './NeedMapLayers';
import { NeedScatter } from './NeedScatter';
import { PcnProfile } from './PcnProfile';
import { GapPanel } from './GapPanel';
import { PcnTable } from './PcnTable';
import { SuggestedFlags } from './SuggestedFlags';
import { useUrlBackedState } from '../../hooks/useUrlBackedState';

/** Props of NeedExplorer. */
export interface NeedExplorerProps {
  /** Every ICB (non-empty). */
  icbs: readonly AreaProfileDto[];
  /** The view from the URL. */
  view: NeedView;
  /** The chosen ICB when `view.icb` names a known one, else null (England). */
  icb: AreaProfileDto | null;
  /** Applies changes to the view (a new history entry, so Back undoes it). */
  onChange: (changes: Partial<NeedView>) => void;
  /** Link target (search string) of the view with these changes. */
  hrefFor: (changes: Partial<NeedView>) => string;
}

/** Name of the performance mark set each time the PCN layer has been drawn (read by the browser tests). */
export const MAP_RENDERED_MARK = 'signpost:need-map-rendered';

/** Figures the tooltip always shows, besides the mapped one. */
const TOOLTIP_KEYS = ['gap_score', 'need', 'imd2025_score', 'splw_fte_per_10k', 'vcse_per_10k', 'list_size'];

let mapModule: Promise<typeof import('../../map/ChoroplethMap')> | undefined;

/** Starts loading the map (Leaflet, about 50 kB gzipped) once; the page calls it early so it arrives with the data. */
export function preloadChoroplethMap(): Promise<typeof import('../../map/ChoroplethMap')> {
  mapModule ??= import('../../map/ChoroplethMap');
  return mapModule;
}

// The map is an enhancement: the key and table render without waiting for Leaflet.
const ChoroplethMap = lazy(() =>
  preloadChoroplethMap().then((m) => ({ default: m.ChoroplethMap })),
) as unknown as typeof ChoroplethMapComponent;

/** See NeedExplorerProps. */
export function NeedExplorer({ icbs, view, icb, onChange, hrefFor }: NeedExplorerProps) {
  const icbCode = icb?.code ?? null;
  const areaName = icb ? shortIcbName(icb.name) : 'England';
  const { indicator } = view;
  const [lsoaChecked, setLsoaChecked] = useUrlBackedState(view.lsoa);

  const pcns = useApiResource<AreaProfileDto[]>(pcnListPath(icbCode ?? undefined));
  const geo = useApiResource<PcnFeatureCollection>(pcnGeoJsonPath(icbCode ?? undefined));
  const boundaries = useApiResource<IcbFeatureCollection>(icbGeoJsonPath());
  const profile = useApiResource<PcnDetailDto>(view.pcn ? pcnDetailPath(view.pcn) : null);
  const gaps = useApiResource<GapListDto>(gapListPath({ icb: icbCode, category: view.category }));
  const gapProfile = useApiResource<GapProfileDto>(view.pcn ? gapProfilePath(view.pcn, view.category) : null);
  const taxonomy = useApiResource<{ terms: TaxonomyNodeDto[] }>('/api/taxonomy');
  const categories = useMemo(
    () => (taxonomy.status === 'ready' ? taxonomy.data.terms.map((t) => ({ code: t.code, name: t.name })) : null),
    [taxonomy],
  );

  // Flags are for commissioners (their own ICB) and admins; nobody else may see them.
  const { user, csrfToken } = useSession();
  const canFlag = user?.role === 'icb_commissioner' || user?.role === 'admin';
  const flags = useApiResource<{ flags: FlagDto[] }>(canFlag ? flagListPath(icbCode) : null, { cache: false });
  // While flags reload after a change, keep showing the last list (so the forms and their messages stay put).
  const [flagList, setFlagList] = useState<{ icb: string | null; flags: FlagDto[] } | null>(null);
  useEffect(() => {
    if (flags.status === 'ready') setFlagList({ icb: icbCode, flags: flags.data.flags });
  }, [flags, icbCode]);
  const shownFlags = canFlag && flagList && flagList.icb === icbCode ? flagList.flags : null;
  const openFlagsByPcn = useMemo(() => {
    const map = new Map<string, FlagDto[]>();
    for (const f of shownFlags ?? []) {
      if (f.status === 'open' || f.status === 'in_progress') map.set(f.pcnCode, [...(map.get(f.pcnCode) ?? []), f]);
    }
    return map;
  }, [shownFlags]);
  const flaggedCodes = useMemo(() => [...openFlagsByPcn.keys()], [openFlagsByPcn]);
  const { retry: retryFlags } = flags;
  const { retry: retryGapProfile } = gapProfile;
  // Counts flag changes, so the suggestions list reloads too (a flagged PCN is no longer suggested).
  const [flagChanges, setFlagChanges] = useState(0);
  const handleFlagsChanged = useCallback(() => {
    setFlagChanges((n) => n + 1);
    retryFlags();
    retryGapProfile();
  }, [retryFlags, retryGapProfile]);
  const gapData = gaps.status === 'ready' ? gaps.data : null;
  const gapFiguresByCode = useMemo(
    () => new Map((gapData?.rows ?? []).map((r) => [r.code, figuresOfGapRow(r)])),
    [gapData],
  );

  const pcnData = pcns.status === 'ready' ? pcns.data : null;
  const geoData = geo.status === 'ready' ? geo.data : null;
  const icbNames = useMemo(() => new Map(icbs.map((i) => [i.code, shortIcbName(i.name)])), [icbs]);

  // One source of figures for the table, the key and the map: the PCN list, or the map's own properties until it arrives.
  const rows = useMemo<PcnRow[] | null>(() => {
    const withGaps = (code: string, figures: PcnFigures): PcnFigures => ({
      ...figures,
      ...gapFiguresByCode.get(code),
    });
    if (pcnData) {
      return pcnData.map((p) => ({
        code: p.code,
        name: p.name,
        icbCode: p.icbCode,
        figures: withGaps(p.code, figuresOfProfile(p)),
      }));
    }
    if (geoData) {
      return geoData.features.map((f) => ({
        code: f.properties.code,
        name: f.properties.name,
        icbCode: f.properties.icbCode,
        figures: withGaps(f.properties.code, figuresOfFeature(f.properties)),
      }));
    }
    return null;
  }, [pcnData, geoData, gapFiguresByCode]);
  const figuresByCode = useMemo(() => new Map((rows ?? []).map((r) => [r.code, r.figures])), [rows]);

  const legend = useMemo(
    () =>
      buildNeedLegend(
        (rows ?? []).map((r) => indicator.value(r.figures)),
        indicator.format,
      ),
    [rows, indicator],
  );
  const { classes } = legend;

  const sortedRows = useMemo(() => (rows ? sortPcnRows(rows, view.sort, view.dir) : []), [rows, view.sort, view.dir]);

  // Map: value and tooltip of a catchment read the same figures as the table.
  const figuresOf = useCallback(
    (p: PcnFeatureProperties): PcnFigures => figuresByCode.get(p.code) ?? figuresOfFeature(p),
    [figuresByCode],
  );
  const areaValue = useCallback((p: PcnFeatureProperties) => indicator.value(figuresOf(p)), [indicator, figuresOf]);
  const describeArea = useCallback(
    (p: PcnFeatureProperties): TooltipContent => {
      const figures = figuresOf(p);
      const mapped = indicator.value(figures);
      const rank = classOf(mapped, classes);
      const others = TOOLTIP_KEYS.filter((k) => k !== indicator.key).flatMap((k) => findIndicator(k) ?? []);
      return {
        title: p.name,
        subtitle: `${p.code}${icb ? '' : ` · ${icbNames.get(p.icbCode ?? '') ?? ''}`} · approximate catchment`,
        rows: [
          { label: indicator.shortLabel, value: formatOrNoData(mapped, indicator.format), isEmphasised: true },
          ...(rank === undefined ? [] : [{ label: 'Key class', value: `${rank + 1} of ${classes.length}` }]),
          ...others.map((o) => ({ label: o.shortLabel, value: formatOrNoData(o.value(figures), o.format) })),
          ...(openFlagsByPcn.has(p.code) ? [{ label: 'Flag', value: 'Flagged as under-served' }] : []),
        ],
      };
    },
    [figuresOf, indicator, classes, icb, icbNames, openFlagsByPcn],
  );

  // LSOA detail: offered for an ICB; loads for the part of the viewport inside the ICB when small enough.
  const [viewport, setViewport] = useState<MapViewport | null>(null);
  const areaBbox = useMemo(() => (geoData ? bboxOfFeatures(geoData) : null), [geoData]);
  const isLsoaOffered = icbCode !== null;
  const isLsoaWanted = isLsoaOffered && view.lsoa && indicator.lsoaProperty !== undefined;
  const lsoaBbox = isLsoaWanted && viewport ? lsoaRequestBbox(viewport, areaBbox) : null;
  const layers = useNeedMapLayers(icbCode, viewport);
  const isLsoaTooLarge = lsoaBbox !== null && !isLsoaBboxAllowed(lsoaBbox);
  const lsoas = useApiResource<LsoaFeatureCollection>(lsoaBbox && !isLsoaTooLarge ? lsoaGeoJsonPath(lsoaBbox) : null);
  const pcnNames = useMemo(() => new Map((rows ?? []).map((r) => [r.code, r.name])), [rows]);
  const lsoaProperty = indicator.lsoaProperty;
  const lsoaValue = useCallback(
    (p: LsoaFeatureProperties) => {
      const v = lsoaProperty ? p[lsoaProperty] : undefined;
      return typeof v === 'number' ? v : null;
    },
    [lsoaProperty],
  );
  const describeLsoa = useCallback(
    (p: LsoaFeatureProperties): TooltipContent => ({
      title: p.name,
      subtitle: `LSOA ${p.code}${p.pcnCode ? ` · in ${pcnNames.get(p.pcnCode) ?? p.pcnCode}` : ''}`,
      rows: [
        { label: indicator.shortLabel, value: formatOrNoData(lsoaValue(p), indicator.format), isEmphasised: true },
      ],
    }),
    [indicator, lsoaValue, pcnNames],
  );
  const lsoaParent = useCallback((p: LsoaFeatureProperties) => p.pcnCode, []);
  // Only the LSOAs of the chosen ICB's catchments: the request box also catches some of its neighbours'.
  const lsoaData = lsoas.status === 'ready' ? lsoas.data : null;
  const lsoasInArea = useMemo(
    () =>
      lsoaData && {
        ...lsoaData,
        features: lsoaData.features.filter((f) => f.properties.pcnCode && figuresByCode.has(f.properties.pcnCode)),
      },
    [lsoaData, figuresByCode],
  );
  const detail = useMemo(
    () =>
      isLsoaWanted && lsoasInArea
        ? { data: lsoasInArea, value: lsoaValue, describe: describeLsoa, parentCode: lsoaParent }
        : null,
    [isLsoaWanted, lsoasInArea, lsoaValue, describeLsoa, lsoaParent],
  );

  const areas = useMemo(
    () => (geoData ? { data: geoData, value: areaValue, describe: describeArea } : null),
    [geoData, areaValue, describeArea],
  );

  // Selection: from the table, focus moves to the profile; from the map, it stays on the map.
  const profileHeading = useRef<HTMLHeadingElement>(null);
  const pendingFocus = useRef<'profile' | string | null>(null);
  const handleSelectFromTable = useCallback(
    (code: string) => {
      pendingFocus.current = 'profile';
      onChange({ pcn: code });
    },
    [onChange],
  );
  const handleSelectFromMap = useCallback((code: string) => onChange({ pcn: code }), [onChange]);
  const handleCloseProfile = useCallback(() => {
    pendingFocus.current = view.pcn;
    onChange({ pcn: null });
  }, [onChange, view.pcn]);
  useEffect(() => {
    const target = pendingFocus.current;
    if (!target) return;
    pendingFocus.current = null;
    if (target === 'profile') profileHeading.current?.focus();
    else document.querySelector<HTMLElement>(`[data-pcn-code="${target}"] a`)?.focus();
  }, [view.pcn]);

  const [highlighted, setHighlighted] = useState<string | null>(null);
  const handleSort = useCallback(
    (sort: SortKey) =>
      onChange({ sort, dir: sort === view.sort ? (view.dir === 'asc' ? 'desc' : 'asc') : defaultDirection(sort) }),
    [onChange, view.sort, view.dir],
  );
  const handleRendered = useCallback((count: number) => {
    performance.mark(MAP_RENDERED_MARK, { detail: { count } });
  }, []);

  const mapStatus = geo.status === 'loading' ? 'Loading PCN catchments…' : geo.status === 'error' ? null : lsoaStatus();
  function lsoaStatus(): string | null {
    return isLsoaWanted && lsoas.status === 'loading' ? 'Loading LSOA detail…' : null;
  }

  const pcnCount = rows?.length ?? 0;

  return (
    <>
      <NeedControls
        icbs={icbs}
        icbCode={icbCode}
        onIcbChange={(code) => onChange({ icb: code, pcn: null, lsoa: false })}
        indicators={INDICATORS}
        indicator={indicator}
        onIndicatorChange={(key) => onChange({ indicator: findIndicator(key) ?? indicator })}
        categories={categories}
        category={view.category}
        onCategoryChange={(category) => onChange({ category })}
      />
      {gaps.status === 'error' && (
        <LoadError
          what="The gap figures could not be loaded; need and link-worker figures are still shown"
          error={gaps.error}
          onRetry={gaps.retry}
        />
      )}

      <h2 className="nhsuk-heading-m signpost-need-map-heading">
        {indicator.label}
        <span className="nhsuk-caption-m">
          <span className="nhsuk-u-visually-hidden"> – </span>
          PCNs in {areaName}
        </span>
      </h2>
      <div className="nhsuk-grid-row signpost-need-map-row">
        <div className="nhsuk-grid-column-two-thirds">
          {geo.status === 'error' ? (
            <LoadError what="The map could not be loaded" error={geo.error} onRetry={geo.retry} headingLevel={3} />
          ) : (
            <ErrorBoundary fallback={() => <MapUnavailable />}>
              <Suspense fallback={<MapPlaceholder />}>
                <ChoroplethMap
                  ariaLabel={`Map of approximate PCN catchments in ${areaName}, shaded by ${indicator.shortLabel}`}
                  areas={areas}
                  classes={classes}
                  noDataColor={NO_DATA_COLOR}
                  onSelect={handleSelectFromMap}
                  selectedCode={view.pcn}
                  highlightedCode={highlighted}
                  boundaries={boundaries.status === 'ready' ? boundaries.data : null}
                  emphasisedBoundaryCode={icbCode}
                  flaggedCodes={flaggedCodes}
                  detail={detail}
                  status={mapStatus}
                  onViewportChange={setViewport}
                  onRendered={handleRendered}
                  points={layers.points}
                />
              </Suspense>
            </ErrorBoundary>
          )}
        </div>
        <div className="nhsuk-grid-column-one-third signpost-need-sidebar">
          {rows ? (
            <ChoroplethLegend
              title={indicator.shortLabel}
              subtitle={`${legend.quantileName} of the ${formatCount(pcnCount - legend.noDataCount)} PCNs in ${areaName} with data`}
              classes={classes}
              counts={legend.counts}
              noDataCount={legend.noDataCount}
              noDataColor={NO_DATA_COLOR}
              format={indicator.format}
              areaNoun={['PCN', 'PCNs']}
            />
          ) : (
            <p className="nhsuk-body-s" role="status">
              Loading the key…
            </p>
          )}
          {shownFlags && (
            <p className="nhsuk-body-s signpost-flag-key" data-testid="flag-key">
              <span className="signpost-flag-key__swatch" aria-hidden="true" />
              Dashed orange outline: flagged as under-served ({formatCount(flaggedCodes.length)}{' '}
              {flaggedCodes.length === 1 ? 'PCN' : 'PCNs'} with an open flag)
            </p>
          )}
          <p className="nhsuk-body-s signpost-need-sidebar__description">{indicator.description}</p>
          {layers.controls}
          {isLsoaOffered && (
            <div className="nhsuk-form-group signpost-lsoa-toggle">
              <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
                <div className="nhsuk-checkboxes__item">
                  <input
                    className="nhsuk-checkboxes__input"
                    id="need-lsoa"
                    name="lsoa"
                    type="checkbox"
                    checked={lsoaChecked}
                    aria-describedby="need-lsoa-hint"
                    onChange={(event) => {
                      setLsoaChecked(event.target.checked);
                      onChange({ lsoa: event.target.checked });
                    }}
                  />
                  <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="need-lsoa">
                    Show LSOA detail
                  </label>
                  <div className="nhsuk-hint nhsuk-checkboxes__hint" id="need-lsoa-hint" aria-live="polite">
                    {lsoaHint()}
                  </div>
                </div>
              </div>
            </div>
          )}
          <div className="nhsuk-inset-text signpost-need-sidebar__approximate">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p className="nhsuk-body-s">
              PCN catchments are approximate: England publishes no PCN boundaries, so Signpost builds each one from the
              small areas (LSOAs) nearest its GP practices.
            </p>
          </div>
        </div>
      </div>

      {view.pcn && (
        <PcnProfile
          code={view.pcn}
          profile={profile}
          indicators={INDICATORS}
          onClose={handleCloseProfile}
          headingRef={profileHeading}
        >
          <GapPanel
            code={view.pcn}
            profile={gapProfile}
            category={view.category}
            categories={categories}
            canFlag={canFlag}
            csrfToken={csrfToken}
            userId={user?.id ?? null}
            flags={shownFlags ? shownFlags.filter((f) => f.pcnCode === view.pcn) : null}
            onFlagsChanged={handleFlagsChanged}
          />
        </PcnProfile>
      )}

      {canFlag && (
        <SuggestedFlags
          changes={flagChanges}
          icbCode={icbCode}
          csrfToken={csrfToken}
          onChanged={handleFlagsChanged}
          hrefFor={(code) => hrefFor({ pcn: code })}
        />
      )}

      {rows && rows.length > 0 && (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">Need against link workers: scatter plot</span>
          </summary>
          <div className="nhsuk-details__text">
            <NeedScatter rows={rows} selectedCode={view.pcn} areaName={areaName} />
          </div>
        </details>
      )}

      <h2 className="nhsuk-heading-m" id="pcn-table-heading">
        PCNs in {areaName}
        {rows && <span className="nhsuk-caption-m">{formatCount(pcnCount)} primary care networks</span>}
      </h2>
      <p className="nhsuk-body-s">
        Select a PCN to see its profile. Sort by any column with its heading. Missing figures show as “no data”, never
        as 0.
      </p>
      <p className="nhsuk-body-s signpost-gap-exports">
        Download the gap analysis{view.category ? ` for ${categoryName(view.category)}` : ''} in {areaName}:{' '}
        <a href={gapListPath({ icb: icbCode, category: view.category }, '.csv')} download>
          CSV<span className="nhsuk-u-visually-hidden"> spreadsheet of the PCN gap analysis</span>
        </a>{' '}
        ·{' '}
        <a href={gapListPath({ icb: icbCode, category: view.category }, '.geojson')} download>
          GeoJSON<span className="nhsuk-u-visually-hidden"> map data of the PCN gap analysis</span>
        </a>
      </p>
      {pcns.status === 'error' && !rows && (
        <LoadError what="The PCN figures could not be loaded" error={pcns.error} onRetry={pcns.retry} />
      )}
      {!rows && pcns.status !== 'error' && (
        <p className="nhsuk-body" role="status">
          Loading PCN figures…
        </p>
      )}
      {rows && rows.length === 0 && <p className="nhsuk-body">{areaName} has no PCNs in the reference data.</p>}
      {rows && rows.length > 0 && (
        <PcnTable
          key={icbCode ?? 'england'}
          caption={`PCNs in ${areaName}`}
          rows={sortedRows}
          columns={INDICATORS}
          sort={view.sort}
          dir={view.dir}
          onSort={handleSort}
          mappedKey={indicator.key}
          selectedCode={view.pcn}
          hrefFor={(code) => hrefFor({ pcn: code })}
          onSelect={handleSelectFromTable}
          onHighlight={setHighlighted}
          icbLabel={icb ? undefined : (code) => (code ? icbNames.get(code) : undefined)}
          flagsOf={canFlag ? (code) => openFlagsByPcn.get(code) ?? [] : undefined}
        />
      )}
    </>
  );

  function categoryName(code: string): string {
    return categories?.find((c) => c.code === code)?.name ?? code;
  }

  function lsoaHint(): string {
    if (!view.lsoa) return 'Small areas of about 1,500 residents, shaded on the same scale as the PCNs.';
    if (!indicator.lsoaProperty) {
      return `LSOA figures cover deprivation and Census figures; ${indicator.shortLabel} is only known for whole PCNs.`;
    }
    if (viewport && !lsoaBbox) return `Move the map over ${areaName} to see its LSOAs.`;
    if (isLsoaTooLarge) {
      return 'Zoom in to see LSOA detail: the map shows too large an area (at most about 70 km across).';
    }
    if (lsoas.status === 'error') return `LSOA detail could not be loaded: ${lsoas.error.detail}`;
    if (lsoasInArea) {
      return `Showing ${formatCount(lsoasInArea.features.length)} LSOAs in view; PCN catchments are outlined.`;
    }
    return 'Loading LSOA detail…';
  }
}

/** Stands in for the map while its code loads, at the same size so the page does not jump. */
function MapPlaceholder() {
  return (
    <div className="signpost-map signpost-map--choropleth signpost-map--loading" aria-busy="true">
      <p className="nhsuk-body-s">Loading the map…</p>
    </div>
  );
}

/** Shown when the map code could not load or draw: the key and table still carry every figure. */
function MapUnavailable() {
  return (
    <div className="nhsuk-inset-text signpost-map-fallback" role="status">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>The map could not be shown. The key and the table below have the same figures.</p>
    </div>
  );
}
