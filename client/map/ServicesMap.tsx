/**
 * The map of the "Find services" page: the search results as markers that show capacity by letter and shape as well
 * as colour, other services in view (or clusters of them at low zoom, from GET /api/services/map), and the search
 * centre. It is an enhancement of the results list: hovering or focusing a result's marker highlights its card and
 * clicking it selects the card; the page highlights the marker of the card under the pointer or focus.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { iconElement } from './markerIcon';
import { linkElement, textElement } from './dom';
import { divIcon, latLngBounds, layerGroup, marker, type LayerGroup, type Marker } from 'leaflet';
import { useMap } from 'react-leaflet';
import type { CapacityFreshness, CapacityStatus } from '@shared/capacity';
import type { MapFeatureDto } from '@shared/schemas/search';
import { clusterCountText, clusterLabel, markerStyleOf } from '../find/markers';
import { BaseMap } from './BaseMap';
import { ViewportReporter, type MapViewport } from './ViewportReporter';

export type { MapViewport } from './ViewportReporter';

/** A search result placed on the map. */
export interface MappedResult {
  serviceId: string;
  name: string;
  lat: number;
  lng: number;
  status: CapacityStatus | null;
  freshness: CapacityFreshness;
}

/** Props of ServicesMap. */
export interface ServicesMapProps {
  /** Results of the search that have a location (linked to the list). */
  results: readonly MappedResult[];
  /** Other services (or clusters) in view, from the map API; null while unknown. */
  features: readonly MapFeatureDto[] | null;
  /** The search centre, or null before a search. */
  centre: { lat: number; lng: number; label: string } | null;
  /** Changes when a new search arrives: the map then fits the centre and results. */
  fitKey: string;
  /** Service whose marker is highlighted (the card under the pointer or focus), or null. */
  activeId: string | null;
  /** Called when the pointer or focus enters (id) or leaves (null) a result's marker. */
  onActivate: (id: string | null) => void;
  /** Called when a result's marker is clicked (or Enter pressed on it). */
  onSelect: (id: string) => void;
  /** Called with the viewport after every move. */
  onViewportChange: (viewport: MapViewport) => void;
  /** A message over the map (e.g. "Loading services in view…"). Default none. */
  status?: string | null;
}

/** Name of the performance mark set each time the result markers have been drawn (read by the browser tests). */
export const SERVICES_MAP_RENDERED_MARK = 'signpost:services-map-rendered';

/** Makes Enter and Space activate a focusable marker, as they would a button (Leaflet only handles the pointer). */
function onActivateKey(element: HTMLElement | undefined, action: () => void): void {
  element?.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    event.stopPropagation();
    action();
  });
}

function resultIcon(status: CapacityStatus | null, freshness: CapacityFreshness | null, isLinked: boolean) {
  const style = markerStyleOf(status, freshness);
  const classes = ['signpost-marker', style.className];
  if (style.isUnconfirmed) classes.push('signpost-marker--unconfirmed');
  if (!isLinked) classes.push('signpost-marker--other');
  const size = isLinked ? 30 : 22;
  return {
    label: style.label,
    icon: divIcon({
      className: 'signpost-marker-icon',
      html: iconElement(classes.join(' '), style.letter),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    }),
  };
}

/** Popup of a service that is not in the results: its name and capacity, and a link to its page. */
function servicePopup(title: string, serviceId: string): HTMLElement {
  const popup = document.createElement('div');
  popup.append(
    textElement('p', title, 'nhsuk-body-s nhsuk-u-margin-bottom-1'),
    linkElement(`/services/${encodeURIComponent(serviceId)}`, 'View service'),
  );
  return popup;
}

/** Draws the layers; lives inside the map. */
function ServicesLayers({
  results,
  features,
  centre,
  fitKey,
  activeId,
  onActivate,
  onSelect,
}: Omit<ServicesMapProps, 'onViewportChange' | 'status'>) {
  const map = useMap();
  const handlers = useRef({ onActivate, onSelect });
  useLayoutEffect(() => {
    handlers.current = { onActivate, onSelect };
  });
  const linked = useRef(new Map<string, Marker>());
  const groups = useRef<{ others: LayerGroup; results: LayerGroup } | null>(null);

  useEffect(() => {
    const others = layerGroup().addTo(map);
    const resultsGroup = layerGroup().addTo(map);
    groups.current = { others, results: resultsGroup };
    return () => {
      others.remove();
      resultsGroup.remove();
      groups.current = null;
    };
  }, [map]);

  // The search's results: focusable markers, linked to their cards.
  useEffect(() => {
    const group = groups.current?.results;
    if (!group) return;
    group.clearLayers();
    linked.current.clear();
    if (centre) {
      const centreMarker = marker([centre.lat, centre.lng], {
        icon: divIcon({
          className: 'signpost-marker-icon',
          html: iconElement('signpost-marker signpost-marker--centre', '+'),
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        }),
        interactive: false,
        keyboard: false,
        zIndexOffset: -100,
      }).addTo(group);
      centreMarker.getElement()?.setAttribute('aria-label', `Search centre: ${centre.label}`);
      centreMarker.getElement()?.setAttribute('role', 'img');
    }
    for (const r of results) {
      if (linked.current.has(r.serviceId)) continue;
      const { icon, label } = resultIcon(r.status, r.freshness, true);
      const m = marker([r.lat, r.lng], { icon, keyboard: true, riseOnHover: true }).addTo(group);
      const element = m.getElement();
      element?.setAttribute('aria-label', `${r.name}: ${label}`);
      element?.setAttribute('data-service-id', r.serviceId);
      element?.addEventListener('focus', () => handlers.current.onActivate(r.serviceId));
      element?.addEventListener('blur', () => handlers.current.onActivate(null));
      m.on('mouseover', () => handlers.current.onActivate(r.serviceId));
      m.on('mouseout', () => handlers.current.onActivate(null));
      m.on('click', () => handlers.current.onSelect(r.serviceId));
      onActivateKey(element, () => handlers.current.onSelect(r.serviceId));
      linked.current.set(r.serviceId, m);
    }
    performance.mark(SERVICES_MAP_RENDERED_MARK, { detail: { count: results.length } });
  }, [map, results, centre]);

  // Everything else in view: clusters (zoom in on click) or plain points with a link in a popup.
  useEffect(() => {
    const group = groups.current?.others;
    if (!group) return;
    group.clearLayers();
    const inResults = new Set(results.map((r) => r.serviceId));
    for (const f of features ?? []) {
      if (f.kind === 'cluster') {
        const size = f.count < 10 ? 32 : f.count < 100 ? 38 : 46;
        const m = marker([f.lat, f.lng], {
          icon: divIcon({
            className: 'signpost-marker-icon',
            html: iconElement('signpost-cluster', clusterCountText(f.count)),
            iconSize: [size, size],
            iconAnchor: [size / 2, size / 2],
          }),
          keyboard: true,
        }).addTo(group);
        m.getElement()?.setAttribute('aria-label', clusterLabel(f.count, f.byStatus));
        m.getElement()?.classList.add('signpost-cluster-marker');
        const zoomIn = () => {
          map.setView([f.lat, f.lng], Math.min(map.getZoom() + 2, map.getMaxZoom()));
          // The cluster is redrawn away: keep keyboard focus on the map rather than losing it to the page.
          map.getContainer().focus({ preventScroll: true });
        };
        m.on('click', zoomIn);
        onActivateKey(m.getElement(), zoomIn);
        continue;
      }
      if (inResults.has(f.serviceId)) continue;
      const { icon, label } = resultIcon(f.status, f.freshness, false);
      // Not in the list, so not in the tab order either (the list is the accessible view): a labelled image.
      const m = marker([f.lat, f.lng], { icon, keyboard: false }).addTo(group);
      m.getElement()?.setAttribute('role', 'img');
      m.getElement()?.setAttribute('aria-label', `${f.name}: ${label}`);
      m.bindPopup(servicePopup(`${f.name} (${label})`, f.serviceId));
    }
  }, [map, features, results]);

  // Highlight: the active result's marker grows and comes to the front.
  useEffect(() => {
    const m = activeId ? linked.current.get(activeId) : undefined;
    if (!m) return;
    m.getElement()?.classList.add('is-active');
    m.setZIndexOffset(1000);
    return () => {
      m.getElement()?.classList.remove('is-active');
      m.setZIndexOffset(0);
    };
  }, [activeId, results]);

  // A new search: show its centre and results.
  const lastFit = useRef<string | null>(null);
  useEffect(() => {
    if (!centre || lastFit.current === fitKey) return;
    lastFit.current = fitKey;
    const points: [number, number][] = [
      [centre.lat, centre.lng],
      ...results.map((r): [number, number] => [r.lat, r.lng]),
    ];
    if (points.length === 1) map.setView(points[0]!, 13);
    else map.fitBounds(latLngBounds(points), { padding: [24, 24], maxZoom: 15 });
  }, [map, fitKey, centre, results]);

  return null;
}

/** The services map; see ServicesMapProps. */
export function ServicesMap({ onViewportChange, status = null, ...layers }: ServicesMapProps) {
  return (
    <div className="signpost-services-map">
      <BaseMap
        ariaLabel={layers.centre ? `Map of services near ${layers.centre.label}` : 'Map of England'}
        className="signpost-map--services"
      >
        <ServicesLayers {...layers} />
        <ViewportReporter onChange={onViewportChange} />
        {status && (
          <div className="signpost-map-status" role="status">
            {status}
          </div>
        )}
      </BaseMap>
    </div>
  );
}
