/** Smoke test of the built client in headless Chromium: layout, navigation, the base map, keyboard use and axe. */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
  type PageProblems,
} from './support/browser';
import { assertClientBuilt, CLIENT_DIR, startApp, type RunningApp } from './support/server';

let app: RunningApp;
let browser: Browser;
let opened: OpenedPage | undefined;

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  browser = await launchBrowser();
});

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Opens `pathname` in a fresh context and waits until React has rendered the page's main heading. */
async function open(pathname: string, viewport?: { width: number; height: number }): Promise<OpenedPage> {
  opened = await openPage(browser, app.baseUrl, { viewport });
  await opened.page.goto(pathname);
  await opened.page.locator('main h1').waitFor();
  return opened;
}

/** Waits until the base map has drawn at least one (stub) tile. */
async function waitForTiles(page: Page): Promise<void> {
  await page.locator('.leaflet-container').waitFor();
  await page.locator('.leaflet-tile-pane .leaflet-layer img.leaflet-tile-loaded').first().waitFor();
}

const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), text: el?.textContent?.trim(), className: el?.className };
  });

describe('Signpost in the browser', () => {
  it('when the home page loads, then the NHS.UK header offers the three journeys and sign in', async () => {
    const { page, problems } = await open('/');

    await expect(page.title()).resolves.toBe('Signpost');
    await expect(page.locator('.nhsuk-header .nhsuk-header__service-name').textContent()).resolves.toBe('Signpost');
    const menu = page.getByRole('navigation', { name: 'Menu' });
    await expect(menu.getByRole('link').allTextContents()).resolves.toEqual([
      'Find services',
      'My organisation',
      'Need and gaps',
    ]);
    await expect(
      page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).count(),
    ).resolves.toBe(1);
    await expect(page.locator('.nhsuk-card-group .nhsuk-card__link').allTextContents()).resolves.toEqual([
      'Find services',
      'My organisation',
      'Need and gaps',
    ]);
    await expect(page.locator('footer').textContent()).resolves.toMatch(
      /Contains public sector information licensed under the Open Government Licence v3\.0.*Map data © OpenStreetMap contributors/s,
    );
    expectNoPageProblems(problems);
  });

  it('when a keyboard user presses Tab on a fresh page, then the skip link comes first and leads to the main content', async () => {
    const { page, problems } = await open('/');

    await page.keyboard.press('Tab');
    await expect(activeElement(page)).resolves.toMatchObject({ tag: 'a', text: 'Skip to main content' });
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('maincontent');
    expectNoPageProblems(problems);
  });

  it('when the user follows Find services from the header, then the map renders with tiles and focus moves to the heading', async () => {
    const { page, problems } = await open('/');

    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Find services' }).click();
    await waitForTiles(page);

    await expect(page.title()).resolves.toBe('Find services – Signpost');
    await expect(activeElement(page)).resolves.toMatchObject({
      tag: 'h1',
      text: expect.stringContaining('Find services'),
    });
    await expect(
      page.getByRole('navigation', { name: 'Menu' }).locator('[aria-current="page"]').textContent(),
    ).resolves.toBe('Find services');
    const map = page.getByRole('region', { name: 'Map of England' });
    await expect(map.getAttribute('class')).resolves.toContain('leaflet-container');
    await expect(page.locator('.leaflet-control-attribution').textContent()).resolves.toContain('OpenStreetMap');
    expectNoPageProblems(problems);
  });

  it('when the map has keyboard focus and the user presses +, then it zooms in', async () => {
    const { page, problems } = await open('/find');
    await waitForTiles(page);

    await page.getByRole('region', { name: 'Map of England' }).focus();
    await page.keyboard.press('+');

    await page.locator('img.leaflet-tile-loaded[src*="/7/"]').first().waitFor();
    expectNoPageProblems(problems);
  });

  it('when the map configuration cannot be loaded, then Find services shows a text fallback instead of the map', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page } = opened;
    await page.route('**/api/config', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, code: 'unavailable', detail: 'Configuration is unavailable' }),
      }),
    );

    await page.goto('/find');

    await page.getByRole('status').filter({ hasText: 'The map could not be loaded' }).waitFor();
    await expect(page.locator('.leaflet-container').count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Find services');
  });

  it.each(['/', '/find', '/my-organisation', '/need', '/sign-in', '/no-such-page'])(
    'when %s is checked with axe, then it has no serious or critical accessibility violations',
    async (pathname) => {
      const { page, problems } = await open(pathname);
      if (pathname === '/find') await waitForTiles(page);

      await expectNoSeriousAxeViolations(page);
      if (pathname === '/no-such-page') expectOnlyNotFound(problems, pathname);
      else expectNoPageProblems(problems);
    },
  );

  /** An unknown page answers 404 (the app's not-found page): that document's 404 is the only problem allowed. */
  function expectOnlyNotFound(problems: PageProblems, pathname: string): void {
    const url = new URL(pathname, app.baseUrl).toString();
    expect(problems).toEqual({
      consoleErrors: [`Failed to load resource: the server responded with a status of 404 (Not Found) (at ${url})`],
      pageErrors: [],
      failedResponses: [`404 ${url}`],
      unexpectedRequests: [],
    });
  }

  it('when the address is unknown, then the page not found page is shown', async () => {
    const { page, problems } = await open('/no-such-page');

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
    await expect(page.title()).resolves.toBe('Page not found – Signpost');
    await expect(page.getByRole('link', { name: 'go to the Signpost homepage' }).count()).resolves.toBe(1);
    expectOnlyNotFound(problems, '/no-such-page');
  });

  it('when the sign-in form is sent empty, then an error summary names both fields', async () => {
    const { page, problems } = await open('/sign-in');

    await page.getByRole('button', { name: 'Sign in' }).click();

    const summary = page.locator('.nhsuk-error-summary');
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual([
      'Enter your email address',
      'Enter your password',
    ]);
    await expect(page.title()).resolves.toBe('Error: Sign in – Signpost');
    await expect(page.getByLabel('Email address').getAttribute('aria-invalid')).resolves.toBe('true');
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when Find services is viewed on a phone-sized screen, then the page and map fit without sideways scrolling', async () => {
    const { page, problems } = await open('/find', { width: 375, height: 667 });
    // On a phone the results list comes first and the map opens on request.
    await page.getByRole('button', { name: 'Show map' }).click();
    await waitForTiles(page);

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      map: document.querySelector('.leaflet-container')?.getBoundingClientRect().width ?? 0,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.map).toBeGreaterThan(300);
    expectNoPageProblems(problems);
  });

  it('when the client is built, then its HTML and CSS reference no external fonts or hosts', () => {
    const assets = path.join(CLIENT_DIR, 'assets');
    const files = [
      path.join(CLIENT_DIR, 'index.html'),
      ...fs
        .readdirSync(assets)
        .filter((f) => f.endsWith('.css'))
        .map((f) => path.join(assets, f)),
    ];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect({
        file: path.basename(file),
        external: text.match(/url\(\s*['"]?(?:https?:)?\/\/[^)]*\)|assets\.nhs\.uk|@font-face/g),
      }).toEqual({
        file: path.basename(file),
        external: null,
      });
    }
  });
});
