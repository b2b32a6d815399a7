/** The DOM of a marker icon (shared by the services map and the need map's overlays). */

import { textElement } from './dom';

/** Builds a marker's icon element: the letter (hidden from screen readers, which read the marker's label). */
export function iconElement(className: string, text: string): HTMLElement {
  const element = document.createElement('span');
  element.className = className;
  const letter = textElement('span', text, 'signpost-marker__letter');
  letter.setAttribute('aria-hidden', 'true');
  element.append(letter);
  return element;
}
