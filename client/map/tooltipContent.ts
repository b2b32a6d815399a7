/** Builds the DOM of a map tooltip from plain text (never HTML strings, so names from data cannot inject markup). */

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
  const title = document.createElement('strong');
  title.className = 'signpost-map-tooltip__title';
  title.textContent = content.title;
  root.append(title);
  if (content.subtitle) {
    const subtitle = document.createElement('span');
    subtitle.className = 'signpost-map-tooltip__subtitle';
    subtitle.textContent = content.subtitle;
    root.append(subtitle);
  }
  const list = document.createElement('dl');
  list.className = 'signpost-map-tooltip__figures';
  for (const row of content.rows) {
    const line = document.createElement('div');
    if (row.isEmphasised) line.className = 'signpost-map-tooltip__figure--emphasised';
    const term = document.createElement('dt');
    term.textContent = row.label;
    const value = document.createElement('dd');
    value.textContent = row.value;
    line.append(term, value);
    list.append(line);
  }
  root.append(list);
  return root;
}
