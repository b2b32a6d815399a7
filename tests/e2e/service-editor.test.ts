/**
 * Browser tests of the service editor: inline validation with nothing saved, then a save that updates the database;
 * a save after someone else changed the service (412) shows what changed and reloads without losing the person's edits.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query, schema } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { createOrganization, createService, POSTCODES, snapshotDirectory } from '../helpers/directory';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];
let serviceId: string;
let orgId: string;
let editor: { email: string };

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  const db = app.testApp.database.db;
  const org = await createOrganization(db, { name: 'Levenshulme Good Neighbours' });
  const service = await createService(db, org.id, {
    name: 'Levenshulme walking group',
    description: 'Gentle walks.',
  });
  serviceId = service.id;
  orgId = org.id;
  editor = await createUser(db, { role: 'vcse_editor', name: 'Priya Shah', organizationIds: [org.id] });
  // The migrations seed the taxonomy (Physical activity among it).
  for (const p of Object.values(POSTCODES)) {
    await db
      .insert(schema.postcodes)
      .values({ key: p.postcode.replace(' ', ''), postcode: p.postcode, lat: p.lat, lng: p.lng });
  }
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('Service editor in the browser', () => {
  it('when an editor clears the name, then nothing is saved; when they fix it and save, then the service is updated', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    const db = app.testApp.database.db;
    await page.goto('/sign-in');
    await signIn(page, editor.email);
    await page.waitForURL('**/my-organisation');
    await page.getByRole('link', { name: 'Edit details of Levenshulme walking group' }).click();
    await page.waitForURL(`**/my-organisation/services/${serviceId}/edit`);

    const name = page.getByLabel('Service name');
    await name.waitFor();
    await expect(name.inputValue()).resolves.toBe('Levenshulme walking group');
    await page.locator('.signpost-location-picker .leaflet-marker-icon').waitFor();
    await expectNoSeriousAxeViolations(page);

    const before = await snapshotDirectory(db);
    await name.fill('');
    await page.getByRole('button', { name: 'Save service' }).click();

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual(['Service name must not be empty']);
    await expect(page.locator('#svc-name-error').textContent()).resolves.toContain('Service name must not be empty');
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.title()).resolves.toBe('Error: Edit service details – Signpost');
    await expectNoSeriousAxeViolations(page);
    await expect(snapshotDirectory(db)).resolves.toEqual(before);

    await summary.getByRole('link', { name: 'Service name must not be empty' }).click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('svc-name');
    await name.fill('Levenshulme walking for health');
    await page.getByLabel('Description').first().fill('Guided walks around Levenshulme, every Tuesday.');
    await page.getByLabel('Physical activity', { exact: true }).check();
    await page.getByLabel('Postcode').fill('M20 2LL');
    await page.getByRole('status').getByText('Pin moved to M20 2LL.').waitFor();
    await page.getByRole('button', { name: 'Save service' }).click();

    await page.waitForURL('**/my-organisation');
    await page.getByRole('status').getByText('Levenshulme walking for health has been updated.').waitFor();
    await expectNoSeriousAxeViolations(page);

    const [row] = await query<{ name: string; description: string; version: number }>(
      db,
      sql`select name, description, version from services where id = ${serviceId}`,
    );
    expect(row).toMatchObject({
      name: 'Levenshulme walking for health',
      description: 'Guided walks around Levenshulme, every Tuesday.',
    });
    const terms = await query<{ code: string }>(
      db,
      sql`select t.code from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
          where st.service_id = ${serviceId}`,
    );
    expect(terms.map((t) => t.code)).toEqual(['physical_activity']);
    const locations = await query<{ postcode: string }>(
      db,
      sql`select l.postcode from service_at_locations sal join locations l on l.id = sal.location_id
          where sal.service_id = ${serviceId}`,
    );
    expect(locations.map((l) => l.postcode)).toEqual(['M20 2LL']);
    expectNoPageProblems(problems);
  });

  it('when someone else saved the service first, then the editor sees what each changed, reloads, and saves again', async () => {
    const db = app.testApp.database.db;
    const service = await createService(db, orgId, { name: 'Levenshulme coffee morning', description: 'Coffee.' });
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    await page.goto(`/sign-in?next=${encodeURIComponent(`/my-organisation/services/${service.id}/edit`)}`);
    await signIn(page, editor.email);
    const name = page.getByLabel('Service name');
    await name.waitFor();
    await expect(name.inputValue()).resolves.toBe('Levenshulme coffee morning');
    await page.locator('.signpost-location-picker .leaflet-marker-icon').waitFor();

    // Another client changes the description (a new version) while the page is open.
    await db.execute(
      sql`update services set description = 'Coffee and cake, Fridays at 10.', version = version + 1
          where id = ${service.id}`,
    );
    await name.fill('Levenshulme coffee club');
    await page.getByRole('button', { name: 'Save service' }).click();

    const box = page.locator('.nhsuk-error-summary').filter({ hasText: 'Someone else changed this service' });
    await box.waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toContain(
      'Someone else changed this service',
    );
    const text = (await box.textContent()) ?? '';
    expect(text).toContain('your changes have not been saved');
    expect(text).toContain('They changedDescription: Coffee and cake, Fridays at 10.');
    expect(text).toContain('Your unsaved changesService name: Levenshulme coffee club');
    await expectNoSeriousAxeViolations(page);
    const [unchanged] = await query<{ name: string; version: number }>(
      db,
      sql`select name, version from services where id = ${service.id}`,
    );
    expect(unchanged!.name).toBe('Levenshulme coffee morning');

    await page.getByRole('button', { name: 'Reload the latest version' }).click();
    await box.waitFor({ state: 'detached' });
    const notice = page.getByRole('status').filter({ hasText: 'You are now editing the latest version' });
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('Service name: Levenshulme coffee club');
    await expect(name.inputValue()).resolves.toBe('Levenshulme coffee morning');
    await expect(page.getByLabel('Description').first().inputValue()).resolves.toBe('Coffee and cake, Fridays at 10.');
    await expectNoSeriousAxeViolations(page);

    await name.fill('Levenshulme coffee club');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.waitForURL('**/my-organisation');
    await page.getByRole('status').getByText('Levenshulme coffee club has been updated.').waitFor();
    const [row] = await query<{ name: string; description: string; version: number }>(
      db,
      sql`select name, description, version from services where id = ${service.id}`,
    );
    expect(row).toEqual({
      name: 'Levenshulme coffee club',
      description: 'Coffee and cake, Fridays at 10.',
      version: unchanged!.version + 1,
    });
    expect(problems.failedResponses).toEqual([`412 ${app.baseUrl}/api/services/${service.id}`]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
    expect(problems.consoleErrors.filter((e) => !e.includes('412'))).toEqual([]);
  });
});
