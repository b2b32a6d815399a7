/** An interactive choropleth layer on the shared canvas: fills by a colour function, sticky tooltips, click to select. */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { geoJSON, type GeoJSON as GeoJsonLayer, type GeoJSONOptions, type Path, type PathOptions } from 'leaflet';
import { useMap } from 'react-leaflet';
import type { FeatureCollection, Geometry } from 'geojson';
import { AREA_PANE, choroplethRenderers } from './mapPanes';
import { tooltipElement, type TooltipContent } from './tooltipContent';

/** Outline of the area under the pointer (NHS.UK text colour). */
const HOVER_STYLE: PathOptions = { color: '#212b32', weight: 2.5, opacity: 1 };

/** Props of ChoroplethLayer. */
export interface ChoroplethLayerProps<P extends { code: string }> {
  /** Areas to draw; a new object redraws the layer (and refits the map when `isFitOnChange`). */
  data: FeatureCollection<Geometry, P>;
  /** Fill colour of an area (already classified; missing data gets the no-data colour). */
  fillColor: (properties: P) => string;
  /** Tooltip of an area, shown on hover and when `tooltipCode` names it. */
  describe: (properties: P) => TooltipContent;
  /** Called when an area is clicked. */
  onSelect: (properties: P) => void;
  /** Stacking among area layers on the shared canvas: `back` for the base layer, `front` for detail on top. */
  order: 'back' | 'front';
  /** Fit the map to the areas whenever `data` changes. Default false. */
  isFitOnChange?: boolean;
  /** Code of an area whose tooltip to open and outline to highlight (e.g. the table row under the pointer). Default none. */
  tooltipCode?: string | null;
  /** Width of the white borders between areas, in pixels. Default 1. */
  borderWeight?: number;
  /** Opacity of the fills, 0–1. Default 0.85. */
  fillOpacity?: number;
  /** Called once the areas of a new `data` have been drawn, with their count. Default none. */
  onRendered?: (count: number) => void;
}

/** Draws `data` as filled areas on the map's area canvas; see ChoroplethLayerProps. Renders nothing in React. */
export function ChoroplethLayer<P extends { code: string }>(props: ChoroplethLayerProps<P>) {
  const map = useMap();
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const layerRef = useRef<GeoJsonLayer<P> | null>(null);
  const byCode = useRef(new Map<string, Path>());
  // The style inputs the shapes were last drawn with, so a fresh layer is not restyled straight away.
  const styledWith = useRef<unknown[]>([]);
  const { data, order, isFitOnChange = false, fillColor, borderWeight = 1, fillOpacity = 0.85, tooltipCode } = props;

  useEffect(() => {
    const { areas } = choroplethRenderers(map);
    const codes = new Map<string, Path>();
    // GeoJSON passes path options such as the renderer on to every shape it makes.
    const options: GeoJSONOptions<P, Geometry> & PathOptions = {
      pane: AREA_PANE,
      renderer: areas,
      style: (feature) => styleOf(latest.current, feature?.properties),
      onEachFeature: (feature, sublayer) => {
        const path = sublayer as Path;
        codes.set(feature.properties.code, path);
        path.bindTooltip(() => tooltipElement(latest.current.describe(feature.properties)), {
          sticky: true,
          direction: 'top',
          offset: [0, -12],
          opacity: 1,
          className: 'signpost-map-tooltip',
        });
        path.on({
          mouseover: () => {
            path.setStyle(HOVER_STYLE);
            if (latest.current.order === 'front') path.bringToFront();
          },
          mouseout: () => {
            if (latest.current.tooltipCode !== feature.properties.code) layer.resetStyle(path);
          },
          click: () => latest.current.onSelect(feature.properties),
        });
      },
    };
    const layer = geoJSON<P, Geometry>(data, options);
    // Fit first, so the shapes are projected once, at the final zoom.
    if (isFitOnChange && data.features.length) {
      map.fitBounds(layer.getBounds(), { padding: [12, 12], animate: false });
    }
    layer.addTo(map);
    if (order === 'back') layer.bringToBack();
    else layer.bringToFront();
    layerRef.current = layer;
    byCode.current = codes;
    styledWith.current = [fillColor, borderWeight, fillOpacity];
    // The canvas redraws on the next animation frame; report after the one that follows it.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => latest.current.onRendered?.(data.features.length));
    });
    return () => {
      cancelAnimationFrame(frame);
      layer.remove();
      if (layerRef.current === layer) layerRef.current = null;
    };
  }, [map, data, order, isFitOnChange]);

  // New colours (another indicator or classes) restyle the existing shapes instead of rebuilding them.
  useEffect(() => {
    const inputs = [fillColor, borderWeight, fillOpacity];
    if (inputs.every((v, i) => v === styledWith.current[i])) return;
    styledWith.current = inputs;
    layerRef.current?.setStyle((feature) => styleOf(latest.current, feature?.properties as P | undefined));
  }, [fillColor, borderWeight, fillOpacity]);

  useEffect(() => {
    if (!tooltipCode) return;
    const layer = layerRef.current;
    const path = byCode.current.get(tooltipCode);
    if (!layer || !path) return;
    path.setStyle(HOVER_STYLE);
    path.openTooltip();
    return () => {
      path.closeTooltip();
      layer.resetStyle(path);
    };
  }, [tooltipCode, data]);

  return null;
}

function styleOf<P extends { code: string }>(props: ChoroplethLayerProps<P>, properties: P | undefined): PathOptions {
  return {
    color: '#ffffff',
    weight: props.borderWeight ?? 1,
    opacity: 0.9,
    fillColor: properties ? props.fillColor(properties) : '#ffffff',
    fillOpacity: props.fillOpacity ?? 0.85,
  };
}
