/**
 * The map's attribution box, built as DOM: Leaflet's own control writes its text with innerHTML, so the configured
 * TILE_ATTRIBUTION (an HTML fragment from the operator) is parsed inertly and only its text and http(s) links are kept.
 */
import { useEffect } from 'react';
import { Control, DomEvent } from 'leaflet';
import { useMap } from 'react-leaflet';
import { linkElement, textElement } from './dom';

/** The http(s) URL an attribution link may point to, or null for anything else (javascript:, data:, relative…). */
function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Turns an attribution HTML fragment into safe nodes of this document: text stays text (entities such as &copy;
 * decoded), `<a href="http(s)://…">` becomes a link showing its text, every other element is reduced to its text.
 * The fragment is parsed by the browser's DOMParser into an inert document (no scripts run, nothing loads).
 */
export function attributionContent(html: string): Node[] {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const out: Node[] = [];
  const walk = (parent: Node): void => {
    for (const node of Array.from(parent.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        out.push(document.createTextNode(node.textContent ?? ''));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const element = node as Element;
        if (['SCRIPT', 'STYLE'].includes(element.nodeName)) continue;
        const href = element.nodeName === 'A' ? httpUrl(element.getAttribute('href')) : null;
        if (href) out.push(linkElement(href, element.textContent ?? ''));
        else walk(element);
      }
    }
  };
  walk(parsed.body);
  return out;
}

/** Shows "Leaflet | <fragment>" (the configured attribution) bottom right, styled as Leaflet's attribution control. */
export function AttributionControl({ fragment }: { fragment: string }) {
  const map = useMap();
  useEffect(() => {
    const control = new Control({ position: 'bottomright' });
    control.onAdd = () => {
      const container = document.createElement('div');
      container.className = 'leaflet-control-attribution';
      DomEvent.disableClickPropagation(container);
      const leaflet = linkElement('https://leafletjs.com', 'Leaflet');
      leaflet.title = 'A JavaScript library for interactive maps';
      const separator = textElement('span', '|');
      separator.setAttribute('aria-hidden', 'true');
      container.append(leaflet, ' ', separator, ' ', ...attributionContent(fragment));
      return container;
    };
    control.addTo(map);
    return () => {
      control.remove();
    };
  }, [map, fragment]);
  return null;
}
