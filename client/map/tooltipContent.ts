/** Builds the DOM of a map tooltip from plain text (never HTML strings, so names from data cannot inject markup). */

import { textElement } from './dom';

/** What a tooltip shows: a title and label/value lines. */
export interface TooltipContent {
  /** First line, in bold, e.g. the PCN name. */
  title: string;
  /** Optional smaller line under the title, e.g. the ICB. */
  subtitle?: string;
  /** Figures as label and formatted value; the first can be emphasised as the mapped figure. */
  rows: { label: string; value: string; isEmphasised?: boolean }[];
}

/** Renders tooltip content as a detached element for Leaflet's bindTooltip. */
export function tooltipElement(content: TooltipContent): HTMLElement {
  const root = document.createElement('div');
  root.className = 'signpost-map-tooltip__content';
  root.append(textElement('strong', content.title, 'signpost-map-tooltip__title'));
  if (content.subtitle) root.append(textElement('span', content.subtitle, 'signpost-map-tooltip__subtitle'));
  const list = document.createElement('dl');
  list.className = 'signpost-map-tooltip__figures';
  for (const row of content.rows) {
    const line = document.createElement('div');
    if (row.isEmphasised) line.className = 'signpost-map-tooltip__figure--emphasised';
    line.append(textElement('dt', row.label), textElement('dd', row.value));
    list.append(line);
  }
  root.append(list);
  return root;
}
