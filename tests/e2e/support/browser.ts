/** Headless Chromium for browser tests: launch, pages that record console errors and stray requests, tile stubs and axe checks. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { TEST_TILE_ORIGIN, TILE_PNG } from './tiles';

/** Debian's Chromium; never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Launches headless Chromium with the flags this environment needs (no sandbox, no GPU, no background traffic). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Everything that went wrong while a page was open; each list should stay empty in a healthy run. */
export interface PageProblems {
  /** console.error messages (Chromium also logs failed resource loads and CSP violations here). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** Responses with status 400 or more, as "STATUS URL". */
  failedResponses: string[];
  /** Requests to anywhere but the app and the stub tile host (external fonts, CDNs…), which are blocked. */
  unexpectedRequests: string[];
}

/** An open page in its own browser context, with the problems recorded so far. */
export interface OpenedPage {
  /** The page. */
  page: Page;
  /** Its context (own cookies and storage); closed by `close`. */
  context: BrowserContext;
  /** Problems recorded since the page opened. */
  problems: PageProblems;
  /** Closes the context. */
  close(): Promise<void>;
}

/** Options of openPage. */
export interface OpenPageOptions {
  /** Viewport in CSS pixels. Default 1280×800. */
  viewport?: { width: number; height: number };
  /** Ignore the app's Content-Security-Policy, so a test of markup injection sees what the DOM alone would do. Default false. */
  bypassCSP?: boolean;
}

/**
 * Opens a page whose relative URLs resolve against `baseUrl`. Tile requests get the generated PNG; requests to any
 * other host are blocked and recorded, so the test proves the app works offline and within its CSP.
 */
export async function openPage(browser: Browser, baseUrl: string, options: OpenPageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    bypassCSP: options.bypassCSP ?? false,
  });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedResponses: [], unexpectedRequests: [] };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseUrl}/`)) return route.continue();
    if (url.startsWith(`${TEST_TILE_ORIGIN}/`)) {
      return route.fulfill({
        status: 200,
        contentType: 'image/png',
        body: TILE_PNG,
        headers: { 'Cache-Control': 'max-age=3600' },
      });
    }
    problems.unexpectedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    problems.consoleErrors.push(where ? `${message.text()} (at ${where})` : message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.failedResponses.push(`${response.status()} ${response.url()}`);
  });
  return { page, context, problems, close: () => context.close() };
}

/** Fails the test, listing everything, when a page logged errors, threw, got 4xx/5xx answers or tried to go off-site. */
export function expectNoPageProblems(problems: PageProblems): void {
  expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedResponses: [], unexpectedRequests: [] });
}

/** Runs axe-core on the page and fails, printing each violation and its elements, on any serious or critical one. */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const report = serious
    .map((violation) => {
      const nodes = violation.nodes
        .map(
          (node) => `    - ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
        )
        .join('\n');
      return `  [${violation.impact}] ${violation.id}: ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
  throw new Error(`axe found ${serious.length} serious or critical violation(s) on ${page.url()}:\n${report}`);
}
