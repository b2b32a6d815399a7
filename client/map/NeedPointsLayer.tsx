/**
 * Points over the need map: VCSE services (capacity letter, shape and colour, as on the Find map), clusters of them,
 * and provision at risk (a dark triangle with "£"). Labelled images, not in the tab order: the key, the PCN profile
 * and the table carry the same information.
 */
import { useEffect, useRef } from 'react';
import { divIcon, layerGroup, marker, type LayerGroup } from 'leaflet';
import { useMap } from 'react-leaflet';
import type { CapacityFreshness, CapacityStatus } from '@shared/capacity';
import { clusterCountText, clusterLabel, markerStyleOf } from '../find/markers';
import { iconElement } from './markerIcon';
import { textTooltip } from './dom';

/** A point of the need map's overlays. */
export type NeedMapPoint =
  | {
      kind: 'service';
      lat: number;
      lng: number;
      serviceId: string;
      name: string;
      status: CapacityStatus | null;
      freshness: CapacityFreshness | null;
    }
  | { kind: 'cluster'; lat: number; lng: number; count: number; byStatus: Record<string, number> }
  | { kind: 'at_risk'; lat: number; lng: number; serviceId: string; name: string; label: string };

/** Letter of the provision-at-risk marker. */
export const AT_RISK_LETTER = '£';

function icon(className: string, text: string, size: number) {
  return divIcon({
    className: 'signpost-marker-icon',
    html: iconElement(className, text),
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
  });
}

/** Draws the points; lives inside the map. */
export function NeedPointsLayer({ points }: { points: readonly NeedMapPoint[] }) {
  const map = useMap();
  const group = useRef<LayerGroup | null>(null);

  useEffect(() => {
    const layer = layerGroup().addTo(map);
    group.current = layer;
    return () => {
      layer.remove();
      group.current = null;
    };
  }, [map]);

  useEffect(() => {
    const layer = group.current;
    if (!layer) return;
    layer.clearLayers();
    for (const p of points) {
      let label: string;
      let m;
      if (p.kind === 'cluster') {
        label = clusterLabel(p.count, p.byStatus);
        m = marker([p.lat, p.lng], { icon: icon('signpost-cluster', clusterCountText(p.count), 32), keyboard: false });
      } else if (p.kind === 'service') {
        const style = markerStyleOf(p.status, p.freshness);
        const classes = ['signpost-marker', style.className, 'signpost-marker--other'];
        if (style.isUnconfirmed) classes.push('signpost-marker--unconfirmed');
        label = `${p.name}: ${style.label}`;
        m = marker([p.lat, p.lng], { icon: icon(classes.join(' '), style.letter, 22), keyboard: false });
      } else {
        label = `Provision at risk: ${p.name}, ${p.label}`;
        m = marker([p.lat, p.lng], {
          icon: icon('signpost-marker signpost-marker--at-risk', AT_RISK_LETTER, 26),
          keyboard: false,
          zIndexOffset: 1000,
        });
      }
      m.addTo(layer);
      // Names come from organisations and imported feeds: a text node, never an HTML string (Leaflet would parse it).
      m.bindTooltip(textTooltip(label));
      const element = m.getElement();
      element?.setAttribute('role', 'img');
      element?.setAttribute('aria-label', label);
      element?.setAttribute('data-point-kind', p.kind);
    }
  }, [points]);

  return null;
}
