/**
 * The panes and canvas renderers of a choropleth map. Interactive area layers (PCN catchments, LSOA detail) share one
 * canvas so the topmost shape under the pointer gets the event; outlines and highlights draw on a second canvas above
 * that ignores the pointer. Canvas, not SVG: England's ~1,300 catchments draw in a fraction of the time.
 */
import { canvas, type Canvas, type Map as LeafletMap } from 'leaflet';

/** Pane of the interactive area fills, just above the tiles. */
export const AREA_PANE = 'signpost-areas';
/** Pane of outlines and highlights, above the fills; it never takes pointer events. */
export const OUTLINE_PANE = 'signpost-outlines';

/** The two renderers of one map. */
export interface ChoroplethRenderers {
  /** Canvas for interactive fills. */
  areas: Canvas;
  /** Canvas for non-interactive outlines. */
  outlines: Canvas;
}

const byMap = new WeakMap<LeafletMap, ChoroplethRenderers>();

/** Returns the map's choropleth renderers, creating the panes and canvases on first use. */
export function choroplethRenderers(map: LeafletMap): ChoroplethRenderers {
  const known = byMap.get(map);
  if (known) return known;
  const areaPane = map.getPane(AREA_PANE) ?? map.createPane(AREA_PANE);
  areaPane.style.zIndex = '400';
  const outlinePane = map.getPane(OUTLINE_PANE) ?? map.createPane(OUTLINE_PANE);
  outlinePane.style.zIndex = '450';
  outlinePane.style.pointerEvents = 'none';
  // tolerance: a few pixels of slack makes thin catchments clickable at England zoom.
  const renderers = {
    areas: canvas({ pane: AREA_PANE, padding: 0.3, tolerance: 2 }),
    outlines: canvas({ pane: OUTLINE_PANE, padding: 0.3 }),
  };
  byMap.set(map, renderers);
  return renderers;
}
