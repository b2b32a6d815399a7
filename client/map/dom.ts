/**
 * The one way map code builds the DOM it hands to Leaflet (tooltips, popups, icons, attribution): elements whose
 * text is set with textContent, never HTML strings, so names from data or configuration cannot inject markup.
 */

/** Creates a detached `tagName` element showing `text` as plain text, with optional classes. */
export function textElement<K extends keyof HTMLElementTagNameMap>(
  tagName: K,
  text: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tagName);
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

/** Content of a one-line tooltip (e.g. a service marker's name and capacity) for Leaflet's bindTooltip. */
export function textTooltip(text: string): HTMLElement {
  return textElement('span', text);
}

/** Creates a link to `href` (a path in the app, or an http(s) URL) showing `text` as plain text. */
export function linkElement(href: string, text: string, className?: string): HTMLAnchorElement {
  const link = textElement('a', text, className);
  link.href = href;
  return link;
}
