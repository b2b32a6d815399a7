/**
 * Browser test of the spreadsheet import wizard: an admin uploads the real Greater Manchester food banks file, checks
 * the suggested mapping, previews, imports; its opening times become schedules that search's openOn finds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../../server/db';
import { namesDayOrTime } from '../../server/features/imports';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { expectNoSeriousAxeViolations, launchBrowser, openPage, type OpenedPage } from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

// The repo's copy of the real file (data/vcse, byte-identical to ../shared/data/vcse, with its provenance in data/README.md).
const FOOD_BANKS = path.join(__dirname, '..', '..', 'data', 'vcse', 'gm_food_banks_2018.csv');

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];
let admin: { email: string };

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  admin = await createUser(app.testApp.database.db, { role: 'admin', name: 'Alex Admin' });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('Spreadsheet import wizard in the browser', () => {
  it('when an admin uploads the food banks file, maps, previews and imports it, then ≥ 85 % of its opening times become schedules found by openOn', async () => {
    const db = app.testApp.database.db;
    const o = await openPage(browser, app.baseUrl);
    opened.push(o);
    const { page, problems } = o;
    await page.goto(`/sign-in?next=${encodeURIComponent('/admin/imports')}`);
    await page.getByLabel('Email address').fill(admin.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/admin/imports');

    // From the imports page to the wizard, by keyboard.
    await page.getByRole('link', { name: 'Import a spreadsheet and match its columns' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/imports/spreadsheet');
    await page.getByRole('heading', { level: 1, name: /Import a spreadsheet/ }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // 1. Upload.
    await page.getByLabel('Spreadsheet file').setInputFiles(FOOD_BANKS);
    await page.getByRole('button', { name: 'Read the file' }).click();
    await page.getByRole('heading', { name: '2. Match the columns' }).waitFor();
    await expect(page.getByText('gm_food_banks_2018.csv has 171 rows.', { exact: false }).count()).resolves.toBe(1);

    // 2. The suggestion: one labelled select per column.
    await expect(page.getByLabel('Opening times', { exact: true }).inputValue()).resolves.toBe('opening_times');
    await expect(page.getByLabel('lng', { exact: true }).inputValue()).resolves.toBe('lng');
    await expect(page.getByLabel('lat', { exact: true }).inputValue()).resolves.toBe('lat');
    await expect(page.getByLabel('Contact', { exact: true }).inputValue()).resolves.toBe('contact');
    await expect(page.getByLabel('Area code', { exact: true }).inputValue()).resolves.toBe('ignore');
    // The admin adjusts field by field: the area name is the town; rows without codes are food.
    await page.getByLabel('Area name', { exact: true }).selectOption('city');
    await page.getByLabel('Category of rows without category codes').selectOption('food');
    await expectNoSeriousAxeViolations(page);

    // 3. Preview.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: /^3\. Check the first 10 rows/ }).waitFor();
    const table = page.getByRole('table', { name: 'Rows as they would be stored' });
    const first = table.locator('tbody tr').first();
    await expect(first.locator('td').allTextContents()).resolves.toEqual([
      '2',
      'New',
      'BRASS Bolton',
      expect.any(String),
      'Wednesdays, 10:00 to 16:00',
      'None',
    ]);
    await expectNoSeriousAxeViolations(page);

    // 4. Import (good rows, bad ones skipped).
    await page.getByRole('button', { name: 'Import 171 rows' }).click();
    await page.getByRole('heading', { name: 'Import report' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedResponses: [], unexpectedRequests: [] });

    // In the database: of the imported food banks whose opening times name a day or time, ≥ 85 % have schedules.
    const rows = parse(fs.readFileSync(FOOD_BANKS), { columns: true, bom: true }) as Record<string, string>[];
    const named = [...new Set(rows.filter((r) => namesDayOrTime(r['Opening times'])).map((r) => r.Name!))];
    const [counts] = await query<{ written: number; scheduled: number }>(
      db,
      sql`select count(distinct o.id)::int as written,
                 count(distinct o.id) filter (where sc.byday is not null and sc.opens_at is not null)::int as scheduled
          from organizations o join services s on s.organization_id = o.id
          left join schedules sc on sc.service_id = s.id
          where o.source = 'import' and o.name = any(${sql.param(named)}::text[])`,
    );
    expect(counts!.written).toBeGreaterThan(100);
    expect(counts!.scheduled / counts!.written).toBeGreaterThanOrEqual(0.85);

    // Where the text says more than days and hours, the service page shows the original too.
    const [noted] = await query<{ id: string; name: string }>(
      db,
      sql`select s.id, s.name from services s join schedules sc on sc.service_id = s.id
          where sc.description = 'Monday - Friday 8am - 4pm. Please ring.' limit 1`,
    );
    await page.goto(`/services/${noted!.id}`);
    const hours = page.getByRole('heading', { name: 'Opening times' }).locator('xpath=following-sibling::ul[1]');
    await hours.waitFor();
    expect((await hours.locator('li').allTextContents()).sort()).toEqual([
      'Monday - Friday 8am - 4pm. Please ring.',
      'Mondays, Tuesdays, Wednesdays, Thursdays, Fridays, 08:00 to 16:00',
    ]);
    await expectNoSeriousAxeViolations(page);

    // Search finds them by opening day and time: BRASS Bolton (Wednesdays 10am–4pm) at 11:00 on Wednesday, not Monday.
    const search = async (openOn: string) => {
      const res = await fetch(
        `${app.baseUrl}/api/services/search?lat=53.560345&lng=-2.418002&radiusKm=0.5&openOn=${openOn}`,
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as { results: { organization: { name: string } }[] }).results.map(
        (r) => r.organization.name,
      );
    };
    await expect(search('WE@11:00')).resolves.toContain('BRASS Bolton');
    await expect(search('MO')).resolves.not.toContain('BRASS Bolton');
    // And across Greater Manchester, many food banks are open on a Wednesday.
    const wide = await fetch(`${app.baseUrl}/api/services/search?lat=53.48&lng=-2.24&radiusKm=30&openOn=WE&limit=50`);
    expect(((await wide.json()) as { results: unknown[] }).results.length).toBeGreaterThan(20);
  }, 180_000);
});
