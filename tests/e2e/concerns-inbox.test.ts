/**
 * Browser tests of the commissioners' concerns inbox (/need/concerns): an editor raises a concern, the commissioner
 * of the ICB the service covers answers and acknowledges it, the editor sees the answer; another ICB sees nothing.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { ICB_A, ICB_B, createOrganization, createService, seedGeography } from '../helpers/directory';
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
let editor: { email: string };
let commissionerA: { email: string };
let commissionerB: { email: string };

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  const db = app.testApp.database.db;
  await seedGeography(db);
  const org = await createOrganization(db, { name: 'Longsight Community Larder' });
  serviceId = (await createService(db, org.id, { name: 'Longsight food larder' })).id; // located in ICB A's PCN
  editor = await createUser(db, { role: 'vcse_editor', name: 'Priya Shah', organizationIds: [org.id] });
  commissionerA = await createUser(db, { role: 'icb_commissioner', name: 'Alex Reid', icbCode: ICB_A });
  commissionerB = await createUser(db, { role: 'icb_commissioner', name: 'Jo Baines', icbCode: ICB_B });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(email: string, next: string): Promise<OpenedPage> {
  const o = await openPage(browser, app.baseUrl);
  opened.push(o);
  await o.page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await o.page.getByLabel('Email address').fill(email);
  await o.page.getByLabel('Password').fill(TEST_PASSWORD);
  await o.page.getByRole('button', { name: 'Sign in' }).click();
  await o.page.waitForURL(`**${next}`);
  return o;
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('concerns inbox', () => {
  it('when an editor raises a concern, then the covering ICB commissioner answers and acknowledges it, the editor sees it, and another ICB does not', async () => {
    // The editor raises a capacity concern on My organisation.
    const ed = await signIn(editor.email, '/my-organisation');
    const card = ed.page.locator('.signpost-service-card', { hasText: 'Longsight food larder' });
    await card.getByText('Raise a concern').click();
    const form = card.getByRole('form', { name: 'Raise a concern about Longsight food larder' });
    await form.getByLabel('Capacity').check();
    await form.getByLabel('Summary').fill('Volunteers leaving in January');
    await form.getByLabel('Details (optional)').fill('We can run two sessions a week instead of four.');
    await form.getByRole('button', { name: /^Raise concern/ }).click();
    await form.getByRole('status').getByText('Concern raised: Volunteers leaving in January').waitFor();
    await ed.close();
    opened.pop();
    const raised = await query<{ id: string }>(
      app.testApp.database.db,
      sql`select id from concerns where service_id = ${serviceId}`,
    );
    expect(raised).toHaveLength(1);
    const concernId = raised[0]!.id;

    // The commissioner of ICB A finds the inbox from Need and gaps.
    const ca = await signIn(commissionerA.email, '/need');
    const { page, problems } = ca;
    await page.getByRole('link', { name: 'Concerns from community services' }).click();
    await page.waitForURL('**/need/concerns');
    await page.getByRole('heading', { name: '1 concern' }).waitFor();
    const item = page.locator('.signpost-concern', { hasText: 'Volunteers leaving in January' });
    await expect(item.locator('.nhsuk-tag').textContent()).resolves.toBe('Status: Open');
    const itemText = await item.textContent();
    expect(itemText).toContain('Longsight food larder');
    expect(itemText).toContain('Longsight Community Larder');
    expect(itemText).toContain('Capacity');
    expect(itemText).toContain('We can run two sessions a week instead of four.');
    await expect(item.getByRole('link', { name: 'PCN U10001 on the need map' }).getAttribute('href')).resolves.toBe(
      `/need?icb=${ICB_A}&pcn=U10001`,
    );
    await expectNoSeriousAxeViolations(page);

    // Filtering by a status none has gives a clear empty state; the URL keeps the filter.
    await page.getByLabel('Status').selectOption('resolved');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL('**/need/concerns?status=resolved');
    await page.getByText('No concerns match these filters.').waitFor();
    await page.goBack();
    await item.waitFor();

    // Open the concern by keyboard: focus moves to its heading; reply and acknowledge.
    await item.getByRole('link', { name: 'Volunteers leaving in January' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/need/concerns?concern=${concernId}`);
    await page.getByRole('heading', { level: 2, name: /Volunteers leaving in January/ }).waitFor();
    await expect(focusedText(page)).resolves.toContain('Volunteers leaving in January');
    await page.getByText('No replies yet.').waitFor();
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Enter your reply').waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('concern-reply');
    await page.getByLabel('Your reply to the organisation').fill('Thanks, we will raise it at the January panel.');
    await expect(page.getByLabel('Mark as acknowledged').isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Reply sent and concern marked as acknowledged.').waitFor();
    await expect(focusedText(page)).resolves.toContain('Reply sent and concern marked as acknowledged');
    await expect(page.locator('#concern-heading .nhsuk-tag').textContent()).resolves.toBe('Status: Acknowledged');
    await page
      .getByRole('list', { name: 'Replies to Volunteers leaving in January' })
      .getByText('Thanks, we will raise it at the January panel.')
      .waitFor();
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('link', { name: 'Back to all concerns' }).click();
    await page.getByRole('heading', { name: '1 concern' }).waitFor();
    await expect(item.locator('.nhsuk-tag').textContent()).resolves.toBe('Status: Acknowledged');
    await expect(item.textContent()).resolves.toContain('1 reply');
    expectNoPageProblems(problems);

    const rows = await query<{ status: string; messages: number }>(
      app.testApp.database.db,
      sql`select c.status, (select count(*)::int from concern_messages m where m.concern_id = c.id) as messages
          from concerns c where c.id = ${concernId}`,
    );
    expect(rows).toEqual([{ status: 'acknowledged', messages: 1 }]);

    // The editor sees the reply and the new status.
    const ed2 = await signIn(editor.email, '/my-organisation');
    const edItem = ed2.page.locator('.signpost-concern', { hasText: 'Volunteers leaving in January' });
    await edItem.getByText('Thanks, we will raise it at the January panel.').waitFor();
    await expect(edItem.locator('.nhsuk-tag').textContent()).resolves.toContain('Acknowledged');

    // The commissioner of ICB B sees none of it, even by its address.
    const cb = await signIn(commissionerB.email, '/need/concerns');
    await cb.page
      .getByText('No community organisation has raised a concern about a service in your ICB yet.')
      .waitFor();
    await expectNoSeriousAxeViolations(cb.page);
    await cb.page.goto(`/need/concerns?concern=${concernId}`);
    await cb.page.getByText('This concern is not in your inbox with the current filters.').waitFor();
    await expect(cb.page.getByText('Thanks, we will raise it at the January panel.').count()).resolves.toBe(0);
    expectNoPageProblems(cb.problems);
  });
});
