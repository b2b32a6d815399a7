/**
 * The equity view and map layers of the need page (/need) in headless Chromium, on an app holding the reference
 * fixture and a few services with languages and funding. Expected figures come from the real API, never typed in.
 */
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../../server/db';
import * as fx from '../helpers/referenceFixture';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { NeedPage } from './support/needPage';
import { loadReferenceFixture } from '../helpers/referenceData';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

let app: RunningApp;
let browser: Browser;
let opened: OpenedPage | undefined;

const ALPHA = fx.ICBS[0];
const pcnsOf = (icb: string) => fx.PCNS.filter((p) => p.icbCode === icb);
const inMonths = (m: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + m);
  return d.toISOString().slice(0, 10);
};

/** Two services in U10001: one in Urdu whose funding ends in 2 months (at risk), one in English (limited). */
async function seed(): Promise<void> {
  const db = app.testApp.database.db;
  const services = [
    { name: 'Urdu wellbeing circle', at: [-2.35, 53.45], status: 'accepting', lang: ['ur', 'Urdu'], ends: inMonths(2) },
    { name: 'Garden club', at: [-2.38, 53.47], status: 'limited', lang: ['en', 'English'], ends: inMonths(18) },
  ] as const;
  for (const s of services) {
    const [org] = await query<{ id: string }>(
      db,
      sql`insert into organizations (name, status, source) values (${`${s.name} trust`}, 'approved', 'import') returning id`,
    );
    const [svc] = await query<{ id: string }>(
      db,
      sql`insert into services (organization_id, name, capacity_status, capacity_set_at, capacity_confirmed_at)
          values (${org!.id}, ${s.name}, ${s.status}, now(), now()) returning id`,
    );
    const [loc] = await query<{ id: string }>(
      db,
      sql`insert into locations (organization_id, geom) values (${org!.id}, ST_SetSRID(ST_MakePoint(${s.at[0]}, ${s.at[1]}), 4326)) returning id`,
    );
    await db.execute(sql`insert into service_at_locations (service_id, location_id) values (${svc!.id}, ${loc!.id})`);
    await db.execute(
      sql`insert into service_languages (service_id, code, name) values (${svc!.id}, ${s.lang[0]}, ${s.lang[1]})`,
    );
    await db.execute(sql`insert into funding (service_id, source, ends_on) values (${svc!.id}, 'Lottery', ${s.ends})`);
  }
}

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({}, { setup: loadReferenceFixture });
  await seed();
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

interface ApiEquityRow {
  code: string;
  pctBlack: number | null;
  languageServices: number;
  languages: { name: string }[];
}

describe('Equity view on the need page', () => {
  it('when a commissioner opens the equity section of their ICB and sorts it, then the table shows the API figures and the URL keeps the state', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    const response = await fetch(`${app.baseUrl}/api/gaps/equity?icb=${ALPHA.code}`);
    expect(response.status).toBe(200);
    const api = ((await response.json()) as { rows: ApiEquityRow[] }).rows;
    expect(api.length).toBe(pcnsOf(ALPHA.code).length);

    await NeedPage.open(page, `?icb=${ALPHA.code}`, pcnsOf(ALPHA.code).length);
    await page.getByText('Equity: Black and Asian populations against services in other languages').click();
    await page.waitForURL((url) => url.searchParams.get('equity') === '1');
    const table = page.locator('table.signpost-equity-table');
    await table.waitFor();
    await expect(table.locator('tbody tr').count()).resolves.toBe(api.length);
    for (const r of api) {
      const row = table.locator(`tr[data-equity-pcn="${r.code}"]`);
      const cells = await row.locator('td').allTextContents();
      expect(cells[4]).toContain(String(r.languageServices));
      expect(cells[6]).toBe(r.languages.length ? r.languages.map((l) => `${l.name} (1)`).join(', ') : 'none listed');
    }
    // Default order: % Black, highest first.
    const byBlack = [...api].sort((a, b) => (b.pctBlack ?? -1) - (a.pctBlack ?? -1) || a.code.localeCompare(b.code));
    await expect(
      table.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-equity-pcn'))),
    ).resolves.toEqual(byBlack.map((r) => r.code));
    // Sort by PCN name: A to Z, in the URL, and the header says so.
    await page.locator('button[data-equity-sort="name"]').click();
    await page.waitForURL((url) => url.searchParams.get('esort') === 'name');
    await expect(page.locator('th:has(button[data-equity-sort="name"])').getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );
    const names = await table.locator('tbody th').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    // Reloading keeps the section open and sorted.
    await page.reload();
    await page.locator('table.signpost-equity-table').waitFor();
    await expect(page.locator('th:has(button[data-equity-sort="name"])').getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when the VCSE services and provision-at-risk layers are switched on, then markers with letters and a key are drawn and the URL keeps them', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    const atRisk = await fetch(`${app.baseUrl}/api/gaps/at-risk?icb=${ALPHA.code}`);
    expect(atRisk.status).toBe(200);
    const riskPoints = ((await atRisk.json()) as { points: { name: string }[] }).points;
    expect(riskPoints.map((p) => p.name)).toEqual(['Urdu wellbeing circle']);

    await NeedPage.open(page, `?icb=${ALPHA.code}`, pcnsOf(ALPHA.code).length);
    const map = page.locator('.signpost-choropleth');
    await page.getByLabel('Show VCSE services').check();
    await page.waitForURL((url) => url.searchParams.get('services') === '1');
    const services = map.locator('[data-point-kind="service"]');
    await services.first().waitFor();
    const labels = await services.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toEqual(expect.arrayContaining(['Urdu wellbeing circle: Accepting', 'Garden club: Limited places']));
    // Letter and shape, not colour alone.
    await expect(services.locator('.signpost-marker__letter').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['A', 'L']),
    );
    const key = page.getByTestId('need-layers-key');
    await expect(key.textContent()).resolves.toContain('Accepting');

    await page.getByLabel('Show provision at risk (funding ends within 6 months)').check();
    await page.waitForURL((url) => url.searchParams.get('atrisk') === '1');
    const risky = map.locator('[data-point-kind="at_risk"]');
    await risky.first().waitFor();
    await expect(risky.count()).resolves.toBe(1);
    await expect(risky.first().getAttribute('aria-label')).resolves.toMatch(
      /^Provision at risk: Urdu wellbeing circle \(Urdu wellbeing circle trust\), funding ends /,
    );
    await expect(key.textContent()).resolves.toContain('Provision at risk: funding ends within 6 months');
    await expectNoSeriousAxeViolations(page);

    // Reload: both layers stay on; switching services off removes its markers but keeps the at-risk one.
    await page.reload();
    await page.locator('.signpost-choropleth [data-point-kind="at_risk"]').first().waitFor();
    await page.locator('.signpost-choropleth [data-point-kind="service"]').first().waitFor();
    await page.getByLabel('Show VCSE services').uncheck();
    await page.waitForURL((url) => url.searchParams.get('services') === null);
    await page.waitForFunction(() => document.querySelectorAll('[data-point-kind="service"]').length === 0);
    await expect(page.locator('[data-point-kind="at_risk"]').count()).resolves.toBe(1);
    expectNoPageProblems(problems);
  });
});
