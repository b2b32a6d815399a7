/** Browser tests of the one-tap capacity link page: preview changes nothing, the button applies, expired and invalid links explain. */
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../../server/db';
import { signCapacityLink } from '../../server/features/directory';
import { createOrganization, createService, snapshotDirectory } from '../helpers/directory';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

const DAY = 86_400_000;

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];
let serviceId: string;

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  const db = app.testApp.database.db;
  const org = await createOrganization(db, { name: 'Levenshulme Befrienders' });
  const service = await createService(db, org.id, { name: 'Levenshulme befriending' });
  serviceId = service.id;
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const sign = (action: 'accepting' | 'waitlist' | 'not_accepting' | 'confirm', now = Date.now()) =>
  signCapacityLink({ secret: app.testApp.config.sessionSecret, serviceId, action, now });

async function open(pathname: string): Promise<OpenedPage> {
  const page = await openPage(browser, app.baseUrl);
  opened.push(page);
  await page.page.goto(pathname);
  await page.page.locator('main h1').waitFor();
  return page;
}

describe('the capacity link page', () => {
  it('when an emailed "Waiting list" link is opened, then nothing changes until the button is pressed, which sets Waiting list via email_link', async () => {
    const db = app.testApp.database.db;
    const token = sign('waitlist');
    const before = await snapshotDirectory(db);

    const { page, problems } = await open(`/capacity-link?token=${token}`);
    const heading = page.getByRole('heading', { level: 1, name: 'Set Levenshulme befriending to Waiting list?' });
    await heading.waitFor();
    const button = page.getByRole('button', { name: 'Yes, set to Waiting list' });
    await button.waitFor();
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Capacity now');
    expect(main).toMatch(/Link works until\s*\d{1,2} \w+ \d{4} at \d{2}:\d{2}/);
    await expect(page.locator('main .signpost-capacity').first().textContent()).resolves.toContain('Accepting');
    await expect(page.title()).resolves.toContain('Set Levenshulme befriending to Waiting list?');
    await expectNoSeriousAxeViolations(page);

    // Opening the link (as a mail scanner would) changed nothing.
    expect(await snapshotDirectory(db)).toEqual(before);

    await button.click();
    const status = page.getByRole('status');
    await status.getByText('Thank you').waitFor();
    const done = (await status.textContent()) ?? '';
    expect(done).toContain('Levenshulme befriending now shows');
    expect(done).toContain('Waitlist');
    expect(done).toMatch(/as of \d{1,2} \w+ \d{4} at \d{2}:\d{2}/);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);

    const [service] = await query<{ capacity_status: string }>(
      db,
      sql`select capacity_status from services where id = ${serviceId}`,
    );
    expect(service).toEqual({ capacity_status: 'waitlist' });
    const history = await query<{ kind: string; status: string; via: string; set_by: string | null }>(
      db,
      sql`select kind, status, via, set_by from capacity_history where service_id = ${serviceId} order by id`,
    );
    expect(history.at(-1)).toEqual({ kind: 'set', status: 'waitlist', via: 'email_link', set_by: null });
  });

  it('when a "Still accurate" link is opened, then the page asks to confirm capacity is still accurate', async () => {
    const { page, problems } = await open(`/capacity-link?token=${sign('confirm')}`);
    await page.getByRole('heading', { level: 1, name: 'Confirm capacity is still accurate' }).waitFor();
    await page.getByRole('button', { name: 'Yes, it is still accurate' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when the link has expired, then the page says so and offers sign-in, and nothing changes', async () => {
    const db = app.testApp.database.db;
    const token = sign('not_accepting', Date.now() - 8 * DAY);
    const before = await snapshotDirectory(db);

    const { page, problems } = await open(`/capacity-link?token=${token}`);
    await page.getByText('This link has expired — sign in to update capacity').waitFor();
    await expect(page.getByRole('link', { name: 'Sign in to update capacity' }).getAttribute('href')).resolves.toBe(
      '/sign-in?next=/my-organisation',
    );
    await expect(page.getByRole('button', { name: /^Yes/ }).count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);
    expect(await snapshotDirectory(db)).toEqual(before);

    // The 410 is the expected answer; Chromium logs it as a failed resource load.
    expect(problems.failedResponses).toEqual([`410 ${app.baseUrl}/api/capacity-links/${token}`]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('410'))).toBe(true);
  });

  it('when the link has been tampered with, then the page says it is not valid', async () => {
    const [payload, signature] = sign('accepting').split('.') as [string, string];
    const token = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const { page, problems } = await open(`/capacity-link?token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'This link is not valid' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    expect(problems.failedResponses).toEqual([`400 ${app.baseUrl}/api/capacity-links/${token}`]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('400'))).toBe(true);
  });
});
