/**
 * Names from data and the configured tile attribution reach the map as text, never as markup: services and an
 * organisation with HTML in their names, and a hostile TILE_ATTRIBUTION, on the need map's layers and the Find map,
 * in a browser that ignores the CSP (so only the DOM code stands between the name and script execution).
 */
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { signedInAs } from '../helpers/auth';
import { createOrganization, serviceBody } from '../helpers/directory';
import * as fx from '../helpers/referenceFixture';
import { loadReferenceFixture } from '../helpers/referenceData';
import type { TestApp } from '../helpers/app';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { NeedPage } from './support/needPage';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

const CENTRE = fx.POSTCODES.find((p) => p.postcode === 'M13 9PL')!;
const ALPHA = fx.ICBS[0];

/** Names that run script (onerror) and add elements if any map code parses them as HTML. */
const ORG_NAME = '<img src=x onerror="window.__xss=\'organisation\'">Trust <b>bold</b>';
const OPEN_NAME = '<img src=x onerror="window.__xss=\'service\'">Café <b>bold</b>';
const FULL_NAME = '<img src=x onerror="window.__xss=\'popup\'">Full <i>club</i>';
const AT_RISK_NAME = '<img src=x onerror="window.__xss=\'at-risk\'">Ending <b>soon</b>';

/** The operator's attribution: a good link and text, plus an image with onerror and a javascript: link. */
const HOSTILE_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors ' +
  '<img src=x onerror="window.__xss=\'attribution\'"><a href="javascript:window.__xss=\'link\'">Tiles <b>Co</b></a>';

/** Elements any of the names above would add if parsed, wherever Leaflet draws (tooltips, popups, markers, controls). */
const INJECTED_ON_MAP =
  '.leaflet-container img:not(.leaflet-tile), .leaflet-container b, .leaflet-container i, img[src="x"], a[href^="javascript:"]';

let app: RunningApp;
let browser: Browser;
let opened: OpenedPage | undefined;
const ids: Record<string, string> = {};

const inMonths = (m: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + m);
  return d.toISOString().slice(0, 10);
};

/** Three services of the hostile organisation near M13 9PL, through the directory API as its editor. */
async function createServices(testApp: TestApp): Promise<void> {
  const db = testApp.database.db;
  const org = await createOrganization(db, { name: ORG_NAME });
  const { headers } = await signedInAs(db, { role: 'vcse_editor', organizationIds: [org.id] });
  const services = [
    { name: OPEN_NAME, status: 'accepting', dLat: 0.003, dLng: 0, endsOn: '2099-03-31' },
    { name: FULL_NAME, status: 'not_accepting', dLat: 0.055, dLng: 0, endsOn: '2099-03-31' },
    { name: AT_RISK_NAME, status: 'accepting', dLat: 0.006, dLng: -0.012, endsOn: inMonths(2) },
  ];
  for (const s of services) {
    const body = serviceBody({
      name: s.name,
      serviceAreas: [],
      locations: [
        {
          name: 'Hall',
          address1: '1 Test Street',
          city: 'Manchester',
          postcode: CENTRE.postcode,
          lat: CENTRE.lat + s.dLat,
          lng: CENTRE.lng + s.dLng,
        },
      ],
      funding: [{ source: 'Lottery', endsOn: s.endsOn }],
    });
    const created = await request(testApp.app).post(`/api/organizations/${org.id}/services`).set(headers).send(body);
    if (created.status !== 201)
      throw new Error(`creating a service: ${created.status} ${JSON.stringify(created.body)}`);
    ids[s.name] = (created.body as { id: string }).id;
    const capacity = await request(testApp.app)
      .put(`/api/services/${ids[s.name]}/capacity`)
      .set(headers)
      .set('If-Match', String(created.headers.etag ?? ''))
      .send({ status: s.status, places: s.status === 'accepting' ? 4 : null, waitDays: null });
    if (capacity.status !== 200) throw new Error(`capacity: ${capacity.status} ${JSON.stringify(capacity.body)}`);
  }
}

/** Whether any markup from the names or the attribution ran or was added to the page. */
async function expectNothingInjected(page: Page): Promise<void> {
  await expect(page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).resolves.toBeUndefined();
  await expect(page.locator(INJECTED_ON_MAP).count()).resolves.toBe(0);
}

/** Hovers a marker and returns the text of the tooltip it opens (Leaflet points the marker's aria-describedby at it). */
async function tooltipOf(page: Page, marker: string): Promise<string> {
  await page.locator(marker).hover();
  await page.locator(`${marker}[aria-describedby]`).waitFor();
  const id = await page.locator(marker).getAttribute('aria-describedby');
  const tooltip = page.locator(`.leaflet-tooltip[id="${id}"]`);
  await tooltip.waitFor();
  return (await tooltip.textContent()) ?? '';
}

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({ TILE_ATTRIBUTION: HOSTILE_ATTRIBUTION }, { setup: loadReferenceFixture });
  await createServices(app.testApp);
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

describe('Names and attribution on the map are text', () => {
  it('when the need map shows VCSE services and provision at risk with HTML in their names, then the tooltips show the names as text and nothing runs', async () => {
    // The stored names are the raw strings (the API keeps what the editor typed; the client must not parse it).
    const atRisk = await fetch(`${app.baseUrl}/api/gaps/at-risk?icb=${ALPHA.code}`);
    expect(atRisk.status).toBe(200);
    const points = ((await atRisk.json()) as { points: { name: string; organizationName: string }[] }).points;
    expect(points).toEqual([expect.objectContaining({ name: AT_RISK_NAME, organizationName: ORG_NAME })]);

    opened = await openPage(browser, app.baseUrl, { bypassCSP: true });
    const { page, problems } = opened;
    await NeedPage.open(page, `?icb=${ALPHA.code}&services=1&atrisk=1`);
    const service = `.signpost-choropleth [data-point-kind="service"][aria-label="${OPEN_NAME.replace(/"/g, '\\"')}: Accepting"]`;
    await page.locator(service).waitFor();
    await page.locator('.signpost-choropleth [data-point-kind="at_risk"]').waitFor();

    await expect(tooltipOf(page, service)).resolves.toBe(`${OPEN_NAME}: Accepting`);
    await expectNothingInjected(page);

    const risky = await tooltipOf(page, '.signpost-choropleth [data-point-kind="at_risk"]');
    expect(risky).toMatch(/^Provision at risk: /);
    expect(risky).toContain(`${AT_RISK_NAME} (${ORG_NAME}), funding ends `);
    await expectNothingInjected(page);

    // The attribution keeps its text and its one http(s) link; the image and the javascript: link are gone.
    const attribution = page.locator('.leaflet-control-attribution');
    await expect(attribution.textContent()).resolves.toBe('Leaflet | © OpenStreetMap contributors Tiles Co');
    await expect(
      attribution.locator('a').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')])),
    ).resolves.toEqual([
      ['Leaflet', 'https://leafletjs.com'],
      ['OpenStreetMap', 'https://www.openstreetmap.org/copyright'],
    ]);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when the Find map is zoomed out to a service outside the results, then its popup shows the name as text with a link', async () => {
    opened = await openPage(browser, app.baseUrl, { bypassCSP: true });
    const { page, problems } = opened;
    await page.goto('/find?postcode=m13+9pl');
    const result = page.locator(`.leaflet-marker-icon[data-service-id="${ids[OPEN_NAME]}"]`);
    await result.waitFor();
    await expect(result.getAttribute('aria-label')).resolves.toBe(`${OPEN_NAME}: Accepting`);
    await expect(page.locator('.signpost-find-results h3').allTextContents()).resolves.toEqual(
      expect.arrayContaining([OPEN_NAME, AT_RISK_NAME]),
    );

    // The full service is 6 km away, beyond the 5 km search: zoomed out, it is drawn as another service, with a popup.
    const other = page.locator(`.leaflet-marker-icon[aria-label="${FULL_NAME.replace(/"/g, '\\"')}: Full"]`);
    for (let i = 0; i < 5 && (await other.count()) === 0; i++) {
      const answered = page.waitForResponse((r) => r.url().includes('/api/services/map?'));
      await page.locator('.leaflet-control-zoom-out').click();
      await answered;
    }
    await other.click();
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor();
    await expect(popup.locator('p').textContent()).resolves.toBe(`${FULL_NAME} (Full)`);
    await expect(popup.getByRole('link', { name: 'View service' }).getAttribute('href')).resolves.toBe(
      `/services/${ids[FULL_NAME]}`,
    );
    await expectNothingInjected(page);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });
});
