/** Browser tests of accounts and My organisation: sign in, quick capacity update, the public service page, admin. */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
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

/** Folder for screenshots to look at by hand (set SCREENSHOT_DIR to keep them). */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];
let serviceId: string;
let editor: { email: string };
let admin: { email: string };

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({ DEV_OUTBOX: 'on' });
  const db = app.testApp.database.db;
  const org = await createOrganization(db, { name: 'Chorlton Good Neighbours' });
  const service = await createService(db, org.id, {
    name: 'Chorlton walking group',
    description: 'Gentle guided walks in the park, every week.',
  });
  serviceId = service.id;
  editor = await createUser(db, { role: 'vcse_editor', name: 'Priya Shah', organizationIds: [org.id] });
  admin = await createUser(db, { role: 'admin', name: 'Alex Admin' });
  await createOrganization(db, { name: 'Moss Side Allotments', status: 'pending', source: 'self' });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function open(pathname: string): Promise<OpenedPage> {
  const page = await openPage(browser, app.baseUrl);
  opened.push(page);
  await page.page.goto(pathname);
  await page.page.locator('main h1').waitFor();
  return page;
}

async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

describe('My organisation in the browser', () => {
  it('when a VCSE editor sets Waitlist with a 3-week wait, then an anonymous visitor sees it with the time it was set', async () => {
    const { page, problems } = await open('/sign-in');
    await signIn(page, editor.email);
    await page.waitForURL('**/my-organisation');
    await expect(page.getByRole('navigation', { name: 'Account' }).textContent()).resolves.toContain('Priya Shah');
    const card = page.locator('.signpost-service-card', { hasText: 'Chorlton walking group' });
    await card.getByRole('button', { name: 'Save capacity' }).and(page.locator(':enabled')).waitFor();
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'my-organisation-before');

    await card.getByRole('button', { name: /^Waitlist/ }).click();
    await card.getByLabel('Wait', { exact: true }).fill('3');
    await card.getByLabel('Unit').selectOption('weeks');
    await shot(page, 'my-organisation-waitlist-chosen');
    await card.getByRole('button', { name: 'Save capacity' }).click();

    const status = card.getByRole('status');
    await status.getByText('Capacity saved').waitFor();
    await expect(status.textContent()).resolves.toContain('Waitlist · 3 weeks');
    await expect(card.locator('.signpost-capacity').first().textContent()).resolves.toContain('Waitlist · 3 weeks');
    await card.locator('.signpost-history').waitFor();
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'my-organisation-saved');
    expectNoPageProblems(problems);

    const [entry] = await query<{ status: string; wait_days: number; recorded_at: string }>(
      app.testApp.database.db,
      sql`select status, wait_days, recorded_at from capacity_history where service_id = ${serviceId} order by id desc limit 1`,
    );
    expect(entry).toMatchObject({ status: 'waitlist', wait_days: 21 });
    const setAt = new Date(entry!.recorded_at);
    const hhmm = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone: 'Europe/London',
    }).format(setAt);

    const visitor = await open(`/services/${serviceId}`);
    const capacity = visitor.page.locator('.signpost-capacity-card');
    await capacity.waitFor();
    const text = (await capacity.textContent()) ?? '';
    expect(text).toContain('Waitlist');
    expect(text).toContain('3 weeks');
    expect(text).toMatch(new RegExp(`As of \\d{1,2} \\w+ \\d{4} at ${hhmm}`));
    await expect(visitor.page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Chorlton walking group',
    );
    await expect(visitor.page.getByRole('navigation', { name: 'Account' }).textContent()).resolves.toContain('Sign in');
    await expectNoSeriousAxeViolations(visitor.page);
    await shot(visitor.page, 'service-page');
    expectNoPageProblems(visitor.problems);
  });

  it('when the password is wrong, then the error summary says so and the field is marked', async () => {
    const { page, problems } = await open('/sign-in');
    await signIn(page, editor.email, 'not the right password');

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual([
      'Enter a correct email address and password',
    ]);
    await expect(page.title()).resolves.toBe('Error: Sign in – Signpost');
    // Focus moves to the summary on the next animation frame.
    await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'), undefined, {
      timeout: 5000,
    });
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'sign-in-wrong-password');
    // The 401 is the expected answer; Chromium logs it as a failed resource load.
    expect(problems.failedResponses).toEqual([`401 ${app.baseUrl}/api/auth/sign-in`]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('401'))).toBe(true);
  });

  it('when a visitor is signed out, then My organisation asks them to sign in', async () => {
    const { page, problems } = await open('/my-organisation');

    // Wait for the page's own message, not the header's "Sign in" link: the page may still be loading the session.
    await page.locator('main').getByText('to manage your organisation').waitFor();
    await page.locator('main').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when an admin signs in, then the admin page lists users and pending organisations and the outbox opens', async () => {
    const { page, problems } = await open('/sign-in');
    await signIn(page, admin.email);
    await page.waitForURL('**/admin');
    await page.getByRole('heading', { name: 'Pending organisations' }).waitFor();
    await page.getByRole('heading', { name: 'Moss Side Allotments' }).waitFor();
    await page.getByRole('cell', { name: editor.email }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'admin');

    await page.getByRole('button', { name: 'Approve Moss Side Allotments' }).click();
    await page.getByRole('status').getByText('Approved: Moss Side Allotments.').waitFor();
    // The status message shows before the list reloads: wait for the heading to go.
    await page.getByRole('heading', { name: 'Moss Side Allotments' }).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Dev outbox' }).click();
    await page.getByRole('heading', { level: 1, name: /outbox/i }).waitFor();
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });
});
