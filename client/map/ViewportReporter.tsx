/** Tells its parent where the map is looking (bounding box and zoom) after every move, and once on mount. */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useMap, useMapEvents } from 'react-leaflet';

/** A map viewport in WGS84 degrees and the zoom level. */
export interface MapViewport {
  /** Western longitude. */
  west: number;
  /** Southern latitude. */
  south: number;
  /** Eastern longitude. */
  east: number;
  /** Northern latitude. */
  north: number;
  /** Leaflet zoom level. */
  zoom: number;
}

/** Props of ViewportReporter. */
export interface ViewportReporterProps {
  /** Called with the viewport after each pan or zoom ends. */
  onChange: (viewport: MapViewport) => void;
}

/** Reports the viewport of the enclosing map; renders nothing. */
export function ViewportReporter({ onChange }: ViewportReporterProps) {
  const map = useMap();
  const latest = useRef(onChange);
  useLayoutEffect(() => {
    latest.current = onChange;
  });
  const report = () => {
    const b = map.getBounds();
    latest.current({
      west: b.getWest(),
      south: b.getSouth(),
      east: b.getEast(),
      north: b.getNorth(),
      zoom: map.getZoom(),
    });
  };
  useMapEvents({ moveend: report });
  // Once per map, so the parent knows the first view before anyone moves it.
  useEffect(() => report(), [map]);
  return null;
}
