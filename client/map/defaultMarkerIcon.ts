/** Points Leaflet's default marker icon at images bundled by Vite (Leaflet's own CSS-based path guess breaks once assets are hashed). */
import { Icon } from 'leaflet';
import iconUrl from 'leaflet/dist/images/marker-icon.png';
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png';
import shadowUrl from 'leaflet/dist/images/marker-shadow.png';

/** Applies the bundled icon URLs to L.Icon.Default; safe to call more than once. */
export function applyBundledMarkerIcons(): void {
  // An explicit (empty) imagePath stops Leaflet prefixing a path it guessed from leaflet.css.
  Icon.Default.imagePath = '';
  Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl });
}
