/**
 * Browser tests of organisation self-service: add an organisation (pending until an admin approves it), claim a listed
 * one (pending until an admin approves it, then the claimant edits it), and edit an organisation's details.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query, schema } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { createOrganization } from '../helpers/directory';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
  type PageProblems,
} from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

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

async function open(pathname: string): Promise<OpenedPage> {
  const page = await openPage(browser, app.baseUrl);
  opened.push(page);
  await page.page.goto(pathname);
  await page.page.locator('main h1').waitFor();
  return page;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Expects the only failed responses to be `expected` (e.g. a 400 the test provoked), and no other problem. */
function expectOnlyFailures(problems: PageProblems, expected: string[]): void {
  expect(problems.failedResponses).toEqual(expected.map((e) => e.replace('BASE', app.baseUrl)));
  expect(problems.pageErrors).toEqual([]);
  expect(problems.unexpectedRequests).toEqual([]);
  // Chromium logs each failed request as a console error; nothing else may be logged.
  expect(problems.consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
}

/** An admin approves `button` (e.g. "Approve Leafy Lane Trust") on /admin and sees it confirmed. */
async function adminApproves(button: string, confirmation: string): Promise<void> {
  const { page, problems } = await open('/sign-in?next=%2Fadmin');
  await signIn(page, admin.email);
  await page.waitForURL('**/admin');
  await page.getByRole('button', { name: button }).waitFor();
  await expectNoSeriousAxeViolations(page);
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('status').getByText(confirmation).waitFor();
  await page.getByRole('button', { name: button }).waitFor({ state: 'detached' });
  expectNoPageProblems(problems);
}

const publicStatus = async (id: string) => (await fetch(`${app.baseUrl}/api/organizations/${id}`)).status;

describe('Organisations in the browser', () => {
  it('when a person adds an organisation, then it is pending and hidden until an admin approves it, then it is public', async () => {
    const db = app.testApp.database.db;
    const person = await createUser(db, { role: 'vcse_editor', name: 'Sam Okafor' });
    const { page, problems } = await open('/');
    await page.getByRole('link', { name: 'Add your organisation' }).click();
    await page.waitForURL('**/organisations/new');
    await page.getByRole('heading', { level: 1, name: 'Add your organisation' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('link', { name: 'Sign in to add your organisation' }).click();
    await page.waitForURL('**/sign-in?next=%2Forganisations%2Fnew');
    await signIn(page, person.email);
    await page.waitForURL('**/organisations/new');
    const name = page.getByLabel('Organisation name');
    await name.waitFor();

    await name.fill('Leafy Lane Trust');
    await page.getByLabel('Description (optional)').fill('Gardening and friendship for older people in Levenshulme.');
    await page.getByLabel('Website (optional)').fill('leafy lane');
    await page.getByLabel('Phone number (optional)').fill('0161 496 0000');
    await page.getByRole('button', { name: 'Send for approval' }).click();

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual(['Website must be an http(s) URL']);
    await expect(page.locator('#org-website-error').textContent()).resolves.toContain('Website must be an http(s) URL');
    await expect(page.getByLabel('Website (optional)').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.title()).resolves.toBe('Error: Add your organisation – Signpost');
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toContain('nhsuk-error-summary');
    await expectNoSeriousAxeViolations(page);
    const count = async () =>
      (
        await query<{ n: number }>(
          db,
          sql`select count(*)::int as n from organizations where name = 'Leafy Lane Trust'`,
        )
      )[0]!.n;
    await expect(count()).resolves.toBe(0);

    await page.getByLabel('Website (optional)').fill('https://leafylane.example.org');
    await page.getByRole('button', { name: 'Send for approval' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisation sent for approval' }).waitFor();
    await page.getByText('Leafy Lane Trust is waiting for an administrator to approve it').waitFor();
    await expectNoSeriousAxeViolations(page);

    const [row] = await query<{ id: string; status: string; website: string; phone: string }>(
      db,
      sql`select id, status, website, phone from organizations where name = 'Leafy Lane Trust'`,
    );
    expect(row).toMatchObject({ status: 'pending', website: 'https://leafylane.example.org', phone: '0161 496 0000' });
    await expect(publicStatus(row!.id)).resolves.toBe(404);

    await page.getByRole('link', { name: 'Go to My organisation' }).click();
    await page.waitForURL('**/my-organisation');
    const heading = page.getByRole('heading', { level: 2, name: /Leafy Lane Trust/ });
    await heading.waitFor();
    await expect(heading.textContent()).resolves.toContain('Awaiting approval');
    await expectNoSeriousAxeViolations(page);
    expectOnlyFailures(problems, ['400 BASE/api/organizations']);

    await adminApproves('Approve Leafy Lane Trust', 'Approved: Leafy Lane Trust.');
    const [after] = await query<{ status: string }>(db, sql`select status from organizations where id = ${row!.id}`);
    expect(after!.status).toBe('approved');
    await expect(publicStatus(row!.id)).resolves.toBe(200);

    await page.reload();
    await heading.waitFor();
    await expect(heading.textContent()).resolves.not.toContain('Awaiting approval');
  });

  it('when a person claims a listed organisation and an admin approves, then the claimant can edit it', async () => {
    const db = app.testApp.database.db;
    const org = await createOrganization(db, {
      name: 'Gorton Men in Sheds',
      source: 'import',
      sourceRef: 'test:1',
    });
    await db.insert(schema.locations).values({ organizationId: org.id, city: 'Manchester', postcode: 'M18 8AA' });
    await createOrganization(db, { name: 'Gorton Pending Sheds', status: 'pending', source: 'self' });
    const claimant = await createUser(db, { role: 'vcse_editor', name: 'Bernie Walsh' });

    const { page, problems } = await open('/sign-in?next=%2Fmy-organisation');
    await signIn(page, claimant.email);
    await page.waitForURL('**/my-organisation');
    await page.getByText('You are not a member of any organisation yet.').waitFor();
    await page.getByRole('link', { name: 'claim an organisation that is already listed' }).click();
    await page.waitForURL('**/organisations/claim');
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Organisation name').fill('gorton');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/organisations/claim?q=gorton');
    await page.getByRole('status').getByText('1 organisation matches “gorton”.').waitFor();
    const results = page.locator('main li');
    await expect(results.allTextContents()).resolves.toEqual([
      'Gorton Men in Sheds – Manchester, M18 8AA Claim Gorton Men in Sheds',
    ]);
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('link', { name: 'Claim Gorton Men in Sheds' }).click();
    await page.waitForURL(`**/organisations/${org.id}/claim`);
    const evidence = page.getByLabel('How are you connected to this organisation?');
    await evidence.waitFor();
    await evidence.fill('Chair');
    await page.getByRole('button', { name: 'Send claim' }).click();
    await page
      .locator('.nhsuk-error-summary')
      .getByRole('link', { name: 'How you are connected must be at least 10 characters' })
      .waitFor();
    await expect(evidence.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectNoSeriousAxeViolations(page);

    await evidence.fill('I chair the shed committee; the charity commission lists me as contact.');
    await page.getByRole('button', { name: 'Send claim' }).click();
    await page.getByRole('heading', { level: 1, name: 'Claim sent' }).waitFor();
    await page.getByText('Your claim on Gorton Men in Sheds is waiting for approval').waitFor();
    await expectNoSeriousAxeViolations(page);
    const claims = await query<{ status: string }>(
      db,
      sql`select status from organization_claims where organization_id = ${org.id}`,
    );
    expect(claims).toEqual([{ status: 'pending' }]);

    await page.getByRole('link', { name: 'Go to My organisation' }).click();
    const mine = page.getByRole('region', { name: 'Your claims' });
    await mine.waitFor();
    await expect(mine.textContent()).resolves.toContain('Gorton Men in Sheds Pending');
    await expectNoSeriousAxeViolations(page);
    expectOnlyFailures(problems, [`400 BASE/api/organizations/${org.id}/claims`]);

    await adminApproves('Approve claim by Bernie Walsh on Gorton Men in Sheds', 'Approved: claim by Bernie Walsh');
    const members = await query<{ user_id: string }>(
      db,
      sql`select user_id from memberships where organization_id = ${org.id}`,
    );
    expect(members.map((m) => m.user_id)).toEqual([claimant.id]);

    // Memberships are read at each request, so the claimant's session can edit at once.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Gorton Men in Sheds' }).waitFor();
    await expect(page.getByRole('region', { name: 'Your claims' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Edit organisation details of Gorton Men in Sheds' }).click();
    await page.getByLabel('Email address (optional)').fill('sheds@gorton.example.org');
    await page.getByRole('button', { name: 'Save organisation details' }).click();
    await page.getByRole('status').getByText('The details of Gorton Men in Sheds have been saved.').waitFor();
    // Keyboard users are put back on the button that opened the form.
    await page.waitForFunction(() => document.activeElement?.textContent?.startsWith('Edit organisation details'));
    const [saved] = await query<{ email: string }>(db, sql`select email from organizations where id = ${org.id}`);
    expect(saved!.email).toBe('sheds@gorton.example.org');
  });

  it('when a link worker opens add or claim, then they are told it is for VCSE editors and get no form', async () => {
    const db = app.testApp.database.db;
    const org = await createOrganization(db, { name: 'Chorlton Walking Group' });
    const worker = await createUser(db, { role: 'link_worker', name: 'Lee Link', pcnCode: 'U00001' });
    const { page, problems } = await open('/sign-in?next=%2Forganisations%2Fnew');
    await signIn(page, worker.email);
    await page.waitForURL('**/organisations/new');
    await page.getByText('Adding an organisation is for VCSE organisation editors').waitFor();
    await page.getByText('You are signed in as: Social prescribing link worker').waitFor();
    expect(await page.getByLabel('Organisation name').count()).toBe(0);
    await expectNoSeriousAxeViolations(page);

    await page.goto(`/organisations/${org.id}/claim`);
    await page.getByText('Claiming an organisation is for VCSE organisation editors').waitFor();
    expect(await page.getByLabel('How are you connected to this organisation?').count()).toBe(0);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
    // Nothing was created or claimed.
    const claims = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from organization_claims where organization_id = ${org.id}`,
    );
    expect(claims[0]!.n).toBe(0);
  });

  it('when an editor saves a bad phone number, then nothing changes; when they fix it, then the details are saved', async () => {
    const db = app.testApp.database.db;
    const org = await createOrganization(db, {
      name: 'Rusholme Reading Circle',
      description: 'Books and tea.',
      phone: '0161 496 0001',
    });
    const editor = await createUser(db, { role: 'vcse_editor', name: 'Ola Nowak', organizationIds: [org.id] });
    const { page, problems } = await open('/sign-in?next=%2Fmy-organisation');
    await signIn(page, editor.email);
    await page.waitForURL('**/my-organisation');
    const section = page.getByRole('region', { name: /^Rusholme Reading Circle/ });
    await section.waitFor();
    await expect(section.locator('.nhsuk-summary-list').textContent()).resolves.toContain('Books and tea.');
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('button', { name: 'Edit organisation details of Rusholme Reading Circle' }).click();
    const phone = page.getByLabel('Phone number (optional)');
    await expect(phone.inputValue()).resolves.toBe('0161 496 0001');
    await phone.fill('12345');
    await page.getByLabel('Description (optional)').fill('Books, tea and conversation every Thursday.');
    await page.getByRole('button', { name: 'Save organisation details' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual([
      'Phone number must be a UK phone number, e.g. 0161 123 4567 or +44 161 123 4567',
    ]);
    await expect(phone.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectNoSeriousAxeViolations(page);
    const [unchanged] = await query<{ phone: string; description: string }>(
      db,
      sql`select phone, description from organizations where id = ${org.id}`,
    );
    expect(unchanged).toEqual({ phone: '0161 496 0001', description: 'Books and tea.' });

    await summary.getByRole('link').click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(`org-${org.id}-phone`);
    await phone.fill('0161 496 0002');
    await page.getByLabel('Website (optional)').fill('');
    await page.getByRole('button', { name: 'Save organisation details' }).click();
    await page.getByRole('status').getByText('The details of Rusholme Reading Circle have been saved.').waitFor();
    await expect(section.locator('.nhsuk-summary-list').textContent()).resolves.toContain(
      'Books, tea and conversation every Thursday.',
    );
    await expect(page.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toContain(
      'Edit organisation details',
    );
    await expectNoSeriousAxeViolations(page);
    const [row] = await query<{ phone: string; description: string; website: string | null }>(
      db,
      sql`select phone, description, website from organizations where id = ${org.id}`,
    );
    expect(row).toEqual({
      phone: '0161 496 0002',
      description: 'Books, tea and conversation every Thursday.',
      website: null,
    });
    expectOnlyFailures(problems, [`400 BASE/api/organizations/${org.id}`]);
  });
});
