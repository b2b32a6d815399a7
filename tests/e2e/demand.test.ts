/** Browser tests of demand signals: "I referred someone here", the high-demand warning, reopen alerts and unmet need. */
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { schema, type Db } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { createOrganization, createService, seedGeography } from '../helpers/directory';
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

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

let app: RunningApp;
let browser: Browser;
let db: Db;
const opened: OpenedPage[] = [];
let smallServiceId: string;
let fullServiceId: string;
let worker: { id: string; email: string };
let otherWorker: { id: string; email: string };
let editor: { email: string };

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  db = app.testApp.database.db;
  await seedGeography(db);
  const org = await createOrganization(db, { name: 'Hulme Community Garden' });
  const small = await createService(db, org.id, {
    name: 'Hulme growing group',
    capacityStatus: 'limited',
    capacityPlaces: 1,
  });
  await db.execute(
    sql`insert into service_taxonomy (service_id, taxonomy_term_id)
        select ${small.id}, id from taxonomy_terms where code = 'nature_and_green_space'`,
  );
  smallServiceId = small.id;
  fullServiceId = (
    await createService(db, org.id, {
      name: 'Hulme cooking club',
      capacityStatus: 'not_accepting',
      capacityPlaces: null,
    })
  ).id;
  worker = await createUser(db, { role: 'link_worker', name: 'Lee Worker', pcnCode: 'U10001' });
  otherWorker = await createUser(db, { role: 'link_worker', pcnCode: 'U10001' });
  editor = await createUser(db, { role: 'vcse_editor', name: 'Gardener Editor', organizationIds: [org.id] });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Opens a page signed in as `email` (through the sign-in form), landing on `next`. */
async function signedIn(email: string, next: string): Promise<OpenedPage> {
  const opened_ = await openPage(browser, app.baseUrl);
  opened.push(opened_);
  const { page } = opened_;
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**${next}`);
  await page.locator('main h1').waitFor();
  return opened_;
}

const referralsOf = (serviceId: string) =>
  db.select().from(schema.referrals).where(eq(schema.referrals.serviceId, serviceId));
const highDemand = (page: Page) => page.getByText('High demand — consider alternatives');

describe('demand signals in the browser', () => {
  it('when a link worker records referrals beyond capacity, then the service page and My organisation show high demand', async () => {
    await db.delete(schema.referrals); // a retry starts clean
    const { page, problems } = await signedIn(worker.email, `/services/${smallServiceId}`);
    const button = page.getByRole('button', { name: 'I referred someone here' });
    await button.waitFor();
    await expect(highDemand(page).count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);

    await button.click();
    await page.getByRole('status').getByText('Recorded — thank you. No details about the person are stored.').waitFor();
    const rows = await referralsOf(smallServiceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pcnCode: 'U10001', categoryCodes: ['nature_and_green_space'] });
    await expectNoSeriousAxeViolations(page);

    // A colleague refers someone too: two referrals in 28 days against one place.
    const colleague = await signedIn(otherWorker.email, `/services/${smallServiceId}`);
    await colleague.page.getByRole('button', { name: 'I referred someone here' }).click();
    await colleague.page.getByRole('status').getByText('Recorded — thank you.', { exact: false }).waitFor();
    expect(await referralsOf(smallServiceId)).toHaveLength(2);
    await page.reload();
    await highDemand(page).waitFor();
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'demand-service-high');
    expectNoPageProblems(problems);

    const org = await signedIn(editor.email, '/my-organisation');
    const card = org.page.locator('.signpost-service-card', { hasText: 'Hulme growing group' });
    await expect(card.locator('.signpost-high-demand').textContent()).resolves.toContain('High demand');
    await shot(org.page, 'demand-my-organisation');
    await expect(
      org.page
        .locator('.signpost-service-card', { hasText: 'Hulme cooking club' })
        .locator('.signpost-high-demand')
        .count(),
    ).resolves.toBe(0);
    await expectNoSeriousAxeViolations(org.page);
  });

  it('when a link worker asks to be told when a full service reopens, then the subscription is stored and can be undone', async () => {
    await db.delete(schema.reopenSubscriptions);
    const { page, problems } = await signedIn(worker.email, `/services/${fullServiceId}`);
    await page.getByRole('button', { name: 'Tell me when it reopens' }).click();
    await page.getByText(/We will email you once when Hulme cooking club/).waitFor();
    await shot(page, 'demand-reopen');
    const subs = await db
      .select()
      .from(schema.reopenSubscriptions)
      .where(eq(schema.reopenSubscriptions.serviceId, fullServiceId));
    expect(subs.map((s) => s.userId)).toEqual([worker.id]);
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('button', { name: 'Stop telling me when it reopens' }).click();
    await page.getByText('You will not be emailed about Hulme cooking club.').waitFor();
    await expect(
      db.select().from(schema.reopenSubscriptions).where(eq(schema.reopenSubscriptions.serviceId, fullServiceId)),
    ).resolves.toHaveLength(0);
    expectNoPageProblems(problems);
  });

  it('when a link worker records that nothing suitable was found, then the reason, categories and district are stored', async () => {
    await db.delete(schema.unmetNeeds);
    const { page, problems } = await signedIn(worker.email, '/unmet-need?category=advice,food&district=M16%200RA');
    await expect(page.locator('main').textContent()).resolves.toContain('M16');
    await expect(page.locator('main').textContent()).resolves.not.toContain('0RA');
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('button', { name: 'Record nothing suitable found' }).click();
    await page.getByRole('alert').getByText('Choose why nothing was suitable').waitFor();
    await shot(page, 'demand-unmet-error');
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Suitable services are all full').check();
    await page.getByRole('button', { name: 'Record nothing suitable found' }).click();
    await page.getByRole('status').getByText('Recorded — thank you. No details about the person are stored.').waitFor();
    const rows = await db.select().from(schema.unmetNeeds);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: 'all_full',
      categoryCodes: ['advice', 'food'],
      postcodeDistrict: 'M16',
      pcnCode: 'U10001',
    });
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when a search found nothing suitable, then the link worker records why from the Find page with its district only', async () => {
    await db.delete(schema.unmetNeeds);
    const { page, problems } = await signedIn(worker.email, '/find?postcode=M13%209PL&category=food');
    await page.getByText('Nothing suitable? Record why').click();
    await expectNoSeriousAxeViolations(page);
    await page.getByLabel('Suitable services are all full').check();
    await page.getByRole('button', { name: 'Record nothing suitable found' }).click();
    await page.getByRole('status').getByText('Recorded — thank you. No details about the person are stored.').waitFor();
    const rows = await db.select().from(schema.unmetNeeds);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: 'all_full',
      categoryCodes: ['food'],
      postcodeDistrict: 'M13',
      pcnCode: 'U10001',
    });
    expectNoPageProblems(problems);
  });
});
