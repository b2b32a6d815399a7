/** Browser tests of concerns on My organisation: an editor raises a funding concern and sees it listed as Open. */
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { createOrganization, createService } from '../helpers/directory';
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

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  const db = app.testApp.database.db;
  const org = await createOrganization(db, { name: 'Gorton Lunch Club' });
  serviceId = (await createService(db, org.id, { name: 'Gorton lunch club' })).id;
  editor = await createUser(db, { role: 'vcse_editor', name: 'Sam Okafor', organizationIds: [org.id] });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('concerns on My organisation', () => {
  it('when an editor raises a funding concern, then the form validates first and the concern is listed as Open', async () => {
    const opened_ = await openPage(browser, app.baseUrl);
    opened.push(opened_);
    const { page, problems } = opened_;
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill(editor.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/my-organisation');

    const card = page.locator('.signpost-service-card', { hasText: 'Gorton lunch club' });
    await card.getByText('No concerns raised.').waitFor();
    await card.getByText('Raise a concern').click();
    const form = card.getByRole('form', { name: 'Raise a concern about Gorton lunch club' });
    await form.getByRole('button', { name: /^Raise concern/ }).click();
    const summary = form.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual([
      'Select what the concern is about',
      'Enter a summary of the concern',
    ]);

    await form.getByLabel('Funding').check();
    await form.getByLabel('Summary').fill('Lottery grant ends in March');
    await form.getByRole('button', { name: /^Raise concern/ }).click();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual(['Enter the date the funding ends']);

    await form.getByLabel('Date the funding ends').fill('2099-03-31');
    await form.getByLabel('Details (optional)').fill('We need a bridging grant to keep Tuesday sessions.');
    await form.getByRole('button', { name: /^Raise concern/ }).click();
    await form.getByRole('status').getByText('Concern raised: Lottery grant ends in March').waitFor();

    const item = card.locator('.signpost-concern', { hasText: 'Lottery grant ends in March' });
    await item.waitFor();
    await expect(item.locator('.nhsuk-tag').textContent()).resolves.toContain('Open');
    await expect(item.textContent()).resolves.toContain('funding ends 31 March 2099');
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);

    const rows = await query<{ kind: string; status: string }>(
      app.testApp.database.db,
      sql`select kind, status from concerns where service_id = ${serviceId}`,
    );
    expect(rows).toEqual([{ kind: 'funding', status: 'open' }]);
  });
});
