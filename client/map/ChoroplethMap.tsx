/**
 * A choropleth of areas (PCN catchments) on the base map: fills from a value and legend classes, optional boundary
 * outlines (ICBs), an optional detail layer on top (LSOAs), selection and hover highlights, and viewport reports.
 * It takes plain GeoJSON and functions; classification itself is shared/choropleth.ts.
 */
import { useCallback, useMemo, useState } from 'react';
import type { PathOptions } from 'leaflet';
import type { FeatureCollection, Geometry } from 'geojson';
import { classify, type LegendClass } from '@shared/choropleth';
import { BaseMap } from './BaseMap';
import { ChoroplethLayer } from './ChoroplethLayer';
import { NeedPointsLayer, type NeedMapPoint } from './NeedPointsLayer';
import { OutlineLayer } from './OutlineLayer';
import { ViewportReporter, type MapViewport } from './ViewportReporter';
import type { TooltipContent } from './tooltipContent';

export type { MapViewport } from './ViewportReporter';
export type { TooltipContent } from './tooltipContent';
export type { NeedMapPoint } from './NeedPointsLayer';

/** Default fill of areas with no value: a neutral grey, distinct from the lightest class of the purple palette. */
export const DEFAULT_NO_DATA_COLOR = '#aeb7bd';

/** A layer of areas with a numeric value per area. */
export interface ValuedAreas<P extends { code: string }> {
  /** The areas. */
  data: FeatureCollection<Geometry, P>;
  /** The value that picks an area's class; null when missing (drawn in the no-data colour). */
  value: (properties: P) => number | null;
  /** Tooltip content of an area. */
  describe: (properties: P) => TooltipContent;
}

/** Props of ChoroplethMap. */
export interface ChoroplethMapProps<P extends { code: string }, D extends { code: string }> {
  /** Accessible name of the map. */
  ariaLabel: string;
  /** The main areas (PCN catchments), or null while they load. */
  areas: ValuedAreas<P> | null;
  /** Legend classes (from quantileLegend) that colour both the areas and the detail layer. */
  classes: LegendClass[];
  /** Fill of areas with no value; show the same colour in the legend. Default DEFAULT_NO_DATA_COLOR. */
  noDataColor?: string;
  /** Called with the code of a clicked area. */
  onSelect: (code: string) => void;
  /** Code of the selected area, outlined in the NHS.UK focus style. Default none. */
  selectedCode?: string | null;
  /** Code of an area to highlight and show the tooltip of (e.g. the table row under the pointer). Default none. */
  highlightedCode?: string | null;
  /** Boundaries to outline above the areas (e.g. ICBs). Default none. */
  boundaries?: FeatureCollection<Geometry, { code: string }> | null;
  /** Code of one boundary to draw heavier (e.g. the chosen ICB). Default none. */
  emphasisedBoundaryCode?: string | null;
  /** Codes of areas to mark with a dashed orange outline (e.g. PCNs flagged as under-served). Default none. */
  flaggedCodes?: readonly string[];
  /** Finer areas drawn over the main ones (e.g. LSOAs), with a function naming the main area each belongs to. */
  detail?: (ValuedAreas<D> & { parentCode: (properties: D) => string | null }) | null;
  /** A message over the map (e.g. "Loading catchments…"); shown as a polite status. Default none. */
  status?: string | null;
  /** Called with the viewport after every move. Default none. */
  onViewportChange?: (viewport: MapViewport) => void;
  /** Called when the main areas have been drawn, with their count. Default none. */
  onRendered?: (count: number) => void;
  /** Points drawn over the areas (services, clusters, provision at risk). Default none. */
  points?: readonly NeedMapPoint[];
}

/** Class breaks implied by legend classes: the lower bound of every class but the first. */
const breaksOf = (classes: LegendClass[]) => classes.slice(1).map((c) => c.from);

/** The choropleth map; see ChoroplethMapProps. */
export function ChoroplethMap<P extends { code: string }, D extends { code: string }>({
  ariaLabel,
  areas,
  classes,
  noDataColor = DEFAULT_NO_DATA_COLOR,
  onSelect,
  selectedCode = null,
  highlightedCode = null,
  boundaries = null,
  emphasisedBoundaryCode = null,
  flaggedCodes = NONE,
  detail = null,
  status = null,
  onViewportChange,
  onRendered,
  points = NO_POINTS,
}: ChoroplethMapProps<P, D>) {
  const [drawnCount, setDrawnCount] = useState<number | null>(null);
  const breaks = useMemo(() => breaksOf(classes), [classes]);
  const colourOf = useCallback(
    (value: number | null) => {
      const index = classify(value, breaks);
      return index === undefined ? noDataColor : (classes[index]?.color ?? noDataColor);
    },
    [breaks, classes, noDataColor],
  );
  const areaValue = areas?.value;
  const areaFill = useCallback((p: P) => colourOf(areaValue ? areaValue(p) : null), [colourOf, areaValue]);
  const detailValue = detail?.value;
  const detailFill = useCallback((p: D) => colourOf(detailValue ? detailValue(p) : null), [colourOf, detailValue]);
  const handleAreaSelect = useCallback((p: P) => onSelect(p.code), [onSelect]);
  const parentCode = detail?.parentCode;
  const handleDetailSelect = useCallback(
    (p: D) => {
      const code = parentCode?.(p);
      if (code) onSelect(code);
    },
    [onSelect, parentCode],
  );
  const handleRendered = useCallback(
    (count: number) => {
      setDrawnCount(count);
      onRendered?.(count);
    },
    [onRendered],
  );
  const selectedFeature = useMemo(
    () => (selectedCode && areas ? areas.data.features.find((f) => f.properties.code === selectedCode) : undefined),
    [areas, selectedCode],
  );
  const flaggedFeatures = useMemo(() => {
    if (!areas || flaggedCodes.length === 0) return null;
    const codes = new Set(flaggedCodes);
    return { ...areas.data, features: areas.data.features.filter((f) => codes.has(f.properties.code)) };
  }, [areas, flaggedCodes]);
  const boundaryStyle = useCallback(
    (p: { code: string }): PathOptions =>
      p.code === emphasisedBoundaryCode
        ? { color: '#212b32', weight: 2.5, opacity: 1 }
        : { color: '#425563', weight: emphasisedBoundaryCode ? 1 : 1.2, opacity: 0.75 },
    [emphasisedBoundaryCode],
  );
  // England's ~1,300 catchments need hairline borders; an ICB's few dozen read better with clearer ones.
  const featureCount = areas?.data.features.length ?? 0;
  const borderWeight = featureCount > 300 ? 0.4 : 1;

  return (
    <div
      className="signpost-choropleth"
      data-drawn-areas={drawnCount ?? undefined}
      data-flagged-areas={flaggedFeatures?.features.length ?? 0}
      data-points={points.length}
    >
      <BaseMap ariaLabel={ariaLabel} className="signpost-map--choropleth" zoomSnap={0.25}>
        {areas && (
          <ChoroplethLayer
            data={areas.data}
            fillColor={areaFill}
            describe={areas.describe}
            onSelect={handleAreaSelect}
            order="back"
            isFitOnChange
            borderWeight={borderWeight}
            tooltipCode={detail ? null : highlightedCode}
            onRendered={handleRendered}
          />
        )}
        {detail && (
          <ChoroplethLayer
            data={detail.data}
            fillColor={detailFill}
            describe={detail.describe}
            onSelect={handleDetailSelect}
            order="front"
            borderWeight={0.5}
            fillOpacity={0.9}
          />
        )}
        {detail && areas && <OutlineLayer data={areas.data} lineStyle={CATCHMENT_EDGE} />}
        {boundaries && <OutlineLayer data={boundaries} lineStyle={boundaryStyle} />}
        {flaggedFeatures && <OutlineLayer data={flaggedFeatures} lineStyle={FLAGGED_LINE} />}
        {selectedFeature && <OutlineLayer data={selectedFeature} lineStyle={SELECTED_HALO} />}
        {selectedFeature && <OutlineLayer data={selectedFeature} lineStyle={SELECTED_LINE} />}
        {points.length > 0 && <NeedPointsLayer points={points} />}
        {onViewportChange && <ViewportReporter onChange={onViewportChange} />}
        {status && (
          <div className="signpost-map-status" role="status">
            {status}
          </div>
        )}
      </BaseMap>
    </div>
  );
}

const NONE: readonly string[] = [];
const NO_POINTS: readonly NeedMapPoint[] = [];
const FLAGGED_LINE = (): PathOptions => ({ color: '#ed8b00', weight: 3.5, opacity: 1, dashArray: '8 5' });
const CATCHMENT_EDGE = (): PathOptions => ({ color: '#212b32', weight: 1.5, opacity: 0.8 });
const SELECTED_HALO = (): PathOptions => ({ color: '#ffeb3b', weight: 7, opacity: 1 });
const SELECTED_LINE = (): PathOptions => ({ color: '#212b32', weight: 3, opacity: 1 });
