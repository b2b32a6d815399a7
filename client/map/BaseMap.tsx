/** The base map every map page builds on: Leaflet centred on England with the configured tiles, keyboard-usable and labelled. */
import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import type { LatLngTuple, Map as LeafletMap } from 'leaflet';
import { MapContainer, TileLayer } from 'react-leaflet';
import 'leaflet/dist/leaflet.css';
import { useAppConfig } from '../hooks/useAppConfig';
import { applyBundledMarkerIcons } from './defaultMarkerIcon';
import { AttributionControl } from './AttributionControl';

applyBundledMarkerIcons();

/** Centre of the initial view: the middle of England (latitude, longitude in degrees). */
export const ENGLAND_CENTRE: LatLngTuple = [52.8, -1.6];

/** Zoom of the initial view: all of England on a laptop screen. */
export const ENGLAND_ZOOM = 6;

/** Props of BaseMap. */
export interface BaseMapProps {
  /** Accessible name of the map, read by screen readers. Default "Map of England". */
  ariaLabel?: string;
  /** Extra classes on the map container, e.g. to change its height. Default none. */
  className?: string;
  /** Layers to draw on the map (markers, GeoJSON…), as react-leaflet children. Default none. */
  children?: ReactNode;
  /** Zoom levels the map snaps to, e.g. 0.25 lets fitting a region fill the map better. Default 1 (whole levels). */
  zoomSnap?: number;
}

/** Said over the map when no background tile could be loaded (offline, blocked or a tile server down). */
export const TILES_FAILED_MESSAGE = 'Map background unavailable — the list and markers still work';

/** A Leaflet map of England with the tiles from /api/config; shows a text fallback when the configuration cannot load. */
export function BaseMap({ ariaLabel = 'Map of England', className, children, zoomSnap = 1 }: BaseMapProps) {
  const configState = useAppConfig();
  const instructionsId = useId();
  const classes = ['signpost-map', className].filter(Boolean).join(' ');
  // Tiles: failures with no tile ever loaded mean a grey field, so say why (a single missing tile says nothing).
  const [tiles, setTiles] = useState({ loaded: 0, failed: 0 });
  const tileEvents = useMemo(
    () => ({
      tileload: () => setTiles((t) => (t.loaded ? t : { ...t, loaded: 1 })),
      tileerror: () => setTiles((t) => (t.failed ? t : { ...t, failed: 1 })),
    }),
    [],
  );
  const tilesFailed = tiles.failed > 0 && tiles.loaded === 0;

  // react-leaflet passes unknown props to Leaflet, not the DOM, so name the container once the map exists.
  const labelContainer = useCallback(
    (map: LeafletMap | null) => {
      if (!map) return;
      const container = map.getContainer();
      container.setAttribute('role', 'region');
      container.setAttribute('aria-label', ariaLabel);
      container.setAttribute('aria-describedby', instructionsId);
    },
    [ariaLabel, instructionsId],
  );

  if (configState.status === 'error') {
    return (
      <div className="nhsuk-inset-text signpost-map-fallback" role="status">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          The map could not be loaded ({configState.message}). The rest of Signpost still works; try reloading the page
          later.
        </p>
      </div>
    );
  }
  if (configState.status === 'loading') {
    return (
      <div className={`${classes} signpost-map--loading`} aria-busy="true">
        <p className="nhsuk-body-s">Loading the map…</p>
      </div>
    );
  }
  return (
    <>
      <p className="nhsuk-body-s signpost-map-instructions" id={instructionsId}>
        To move the map with a keyboard, select it and use the arrow keys. Use plus (+) and minus (−) to zoom.
      </p>
      <p className="nhsuk-body-s signpost-map-tiles-failed" role="status">
        {tilesFailed ? TILES_FAILED_MESSAGE : ''}
      </p>
      <MapContainer
        ref={labelContainer}
        className={classes}
        center={ENGLAND_CENTRE}
        zoom={ENGLAND_ZOOM}
        minZoom={5}
        zoomSnap={zoomSnap}
        keyboard
        scrollWheelZoom={false}
        attributionControl={false}
      >
        <TileLayer url={configState.config.tileUrl} eventHandlers={tileEvents} />
        <AttributionControl fragment={configState.config.tileAttribution} />
        {children}
      </MapContainer>
    </>
  );
}
