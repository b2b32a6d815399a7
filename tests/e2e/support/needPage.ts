/** Page object of the need page (/need): its controls, key, map canvas, table and profile, for browser tests. */
import type { Locator, Page } from 'playwright-core';

/** Name of the performance mark the page sets when the PCN layer has been drawn (client/components/need/NeedExplorer.tsx). */
export const MAP_RENDERED_MARK = 'signpost:need-map-rendered';

/** Pixels of the area canvas that carry one legend colour. */
export interface ColourCount {
  /** The legend colour as rgb(r, g, b). */
  colour: string;
  /** How many canvas pixels have it (within a small tolerance for blending and rounding). */
  pixels: number;
}

/** The need page in one browser page. */
export class NeedPage {
  constructor(readonly page: Page) {}

  /** Opens /need with `search` (e.g. "?icb=QAA") and waits until `areas` catchments are drawn. */
  static async open(page: Page, search = '', areas?: number): Promise<NeedPage> {
    await page.goto(`/need${search}`);
    const need = new NeedPage(page);
    await need.waitForMap(areas);
    return need;
  }

  /** The "Area" select (England or an ICB). */
  get areaSelect(): Locator {
    return this.page.getByLabel('Area', { exact: true });
  }

  /** The "Shade the map by" select. */
  get indicatorSelect(): Locator {
    return this.page.getByLabel('Shade the map by');
  }

  /** The map container (a focusable region). */
  get map(): Locator {
    return this.page.getByRole('region', { name: /^Map of approximate PCN catchments/ });
  }

  /** The key beside the map. */
  get legend(): Locator {
    return this.page.locator('.signpost-legend');
  }

  /** The profile panel of the selected PCN. */
  get profile(): Locator {
    return this.page.locator('#pcn-profile');
  }

  /** Body rows of the PCN table. */
  get rows(): Locator {
    return this.page.locator('.signpost-pcn-table tbody tr');
  }

  /** Waits until the map has drawn its PCN layer (with exactly `areas` catchments when given). */
  async waitForMap(areas?: number): Promise<void> {
    const selector = areas === undefined ? '[data-drawn-areas]' : `[data-drawn-areas="${areas}"]`;
    await this.page.locator(`.signpost-choropleth${selector}`).waitFor();
    await this.legend.waitFor();
  }

  /** Waits until the key's title reads `title`, e.g. "Key: IMD 2025" (navigations re-render asynchronously). */
  async waitForLegendTitle(title: string): Promise<void> {
    await this.legend
      .locator('h3')
      .filter({ hasText: new RegExp(`^${title}$`) })
      .waitFor();
  }

  /** When each step of the first load ended (ms after navigation start): scripts, API answers and the map mark. */
  loadTimeline(): Promise<Record<string, number>> {
    return this.page.evaluate((name) => {
      const entries: Record<string, number> = {};
      for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        const url = new URL(r.name);
        if (url.pathname.startsWith('/api/') || url.pathname.endsWith('.js')) {
          entries[url.pathname.replace(/-[\w-]{8}\.js$/, '.js')] = Math.round(r.responseEnd);
        }
      }
      entries[name] = Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1);
      return entries;
    }, MAP_RENDERED_MARK);
  }

  /** Milliseconds from navigation start to the first "map drawn" mark. */
  firstRenderMs(): Promise<number> {
    return this.page.evaluate(
      (name) => performance.getEntriesByName(name)[0]?.startTime ?? Infinity,
      MAP_RENDERED_MARK,
    );
  }

  /** The key's title, e.g. "Key: Need index". */
  async legendTitle(): Promise<string> {
    return ((await this.legend.locator('h3').textContent()) ?? '').trim();
  }

  /** The key's value ranges, highest class first, e.g. ["38.9 to 38.9", …, "No data"]. */
  legendRanges(): Promise<string[]> {
    return this.legend.locator('.signpost-legend__range').allTextContents();
  }

  /** The key's swatch colours, highest class first, as rgb(r, g, b) (the no-data swatch excluded). */
  legendColours(): Promise<string[]> {
    return this.legend
      .locator('.signpost-legend__classes .signpost-legend__swatch')
      .evaluateAll((swatches) => swatches.map((s) => getComputedStyle(s).backgroundColor));
  }

  /** PCN names in table order. */
  rowNames(): Promise<string[]> {
    return this.page.locator('.signpost-pcn-table tbody th a').allTextContents();
  }

  /** PCN codes in table order. */
  rowCodes(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pcn-code') ?? ''));
  }

  /** The table cell of one PCN and column (an indicator key). */
  cell(code: string, column: string): Locator {
    return this.page.locator(`.signpost-pcn-table tr[data-pcn-code="${code}"] td[data-column="${column}"]`);
  }

  /** The sort button in the header of a column, by its label. */
  sortButton(label: string): Locator {
    return this.page.locator('.signpost-pcn-table thead').getByRole('button', { name: label, exact: true });
  }

  /** The header cell holding a sort button, for aria-sort. */
  sortHeader(label: string): Locator {
    return this.page
      .locator('.signpost-pcn-table thead th')
      .filter({ has: this.page.getByRole('button', { name: label, exact: true }) });
  }

  /** Waits until the table is sorted by the column labelled `label` in direction `dir` (its aria-sort says so). */
  async waitForSort(label: string, dir: 'ascending' | 'descending'): Promise<void> {
    await this.page
      .locator(`.signpost-pcn-table thead th[aria-sort="${dir}"]`)
      .filter({ has: this.page.getByRole('button', { name: label, exact: true }) })
      .waitFor();
  }

  /** How many pixels of the area canvas have each of `colours` (rgb(r, g, b) strings). */
  countCanvasColours(colours: string[]): Promise<ColourCount[]> {
    return this.page.evaluate((wanted) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-signpost-areas-pane canvas');
      if (!canvas) return wanted.map((colour) => ({ colour, pixels: 0 }));
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const targets = wanted.map((c) => c.match(/\d+/g)!.map(Number));
      const counts = wanted.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 128) continue;
        targets.forEach((t, k) => {
          if (
            Math.abs(data[i]! - t[0]!) <= 3 &&
            Math.abs(data[i + 1]! - t[1]!) <= 3 &&
            Math.abs(data[i + 2]! - t[2]!) <= 3
          ) {
            counts[k]! += 1;
          }
        });
      }
      return wanted.map((colour, k) => ({ colour, pixels: counts[k]! }));
    }, colours);
  }
}
