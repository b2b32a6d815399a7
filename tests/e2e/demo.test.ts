/**
 * The demo in the browser: one-click sign-in per role from the sign-in page, each landing where its work starts with
 * the demo's content (capacity of every status, "Only accepting", high demand, the editor's organisation), the
 * demo banner, the shortlist and editor texts, the map's message when tiles fail, and axe on every landing page.
 * The demo is seeded onto the small reference fixture (its PCN and ICB are not the demo's, so the commissioner's
 * Need page is checked for its landing and heading only).
 */
import type { Browser, Page } from 'playwright-core';
import { expectNoSeriousAxeViolations, launchBrowser, openPage, type OpenedPage } from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';
import { TEST_TILE_ORIGIN } from './support/tiles';
import { loadReferenceFixture } from '../helpers/referenceData';
import { PCNS, POSTCODES } from '../helpers/referenceFixture';
import { eq, sql } from 'drizzle-orm';
import { query, schema } from '../../server/db';
import { seedDemo } from '../../server/features/demo';
import { CAPACITY_STATUS_INFO } from '../../shared/capacity';

jest.setTimeout(300_000);

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp(
    {},
    {
      setup: async (t) => {
        await loadReferenceFixture(t);
        await seedDemo({ db: t.database.db, password: 'demo password for tests' });
      },
    },
  );
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Opens the sign-in page in a fresh context and signs in with one click as the demo account of `label`. */
async function signInAsDemo(label: string, prepare?: (page: Page) => Promise<void>): Promise<Page> {
  const o = await openPage(browser, app.baseUrl);
  opened.push(o);
  await prepare?.(o.page);
  await o.page.goto('/sign-in');
  await o.page.getByRole('heading', { name: 'Try the demo' }).waitFor();
  await o.page.getByRole('button', { name: `Sign in as demo ${label}` }).click();
  await o.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return o.page;
}

const banner = (page: Page) => page.getByRole('region', { name: 'Demo', exact: true });
const postcode = POSTCODES[0]!.postcode;

describe('the demo in the browser', () => {
  it('when a link worker signs in with one click, then Find opens with the demo: every capacity status, Only accepting, high demand, the shortlist button, axe clean', async () => {
    const page = await signInAsDemo('link worker');
    await page.waitForURL('**/find**');
    await expect(banner(page).textContent()).resolves.toContain('Demo data — not a real directory');

    await page.getByLabel('Postcode', { exact: true }).fill(postcode);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.locator('article.signpost-find-result');
    await results.first().waitFor();
    // The first result card is visible at 1280×800 without scrolling.
    if (process.env.DEMO_SHOTS) await page.screenshot({ path: `${process.env.DEMO_SHOTS}/find.png` });
    const box = await results.first().boundingBox();
    expect(box!.y).toBeLessThan(800);
    await expectNoSeriousAxeViolations(page);

    // Nearest first: capacity badges of every status among the first results.
    await page.getByLabel('Sort by').selectOption({ label: 'Nearest first' });
    await page.waitForURL(/sort=distance/);
    // (Waits for the re-sorted list rather than reading the list that is being replaced.)
    await page.waitForFunction(
      (badges) => {
        const text = [...document.querySelectorAll('article.signpost-find-result')].map((a) => a.textContent).join(' ');
        return badges.every((b) => text.includes(b));
      },
      ['Accepting', 'Limited places', 'Waitlist', 'Full'],
    );

    // Shortlisting says so on the button.
    const first = results.first();
    await first.getByRole('button', { name: /^Add .* to shortlist$/ }).click();
    await first.getByRole('button', { name: /^On shortlist — remove / }).waitFor();

    // Only accepting still gives results.
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Only services accepting people now (including limited places)').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/capacity=accepting/);
    await page
      .locator('.signpost-find-count')
      .getByText(/[1-9]\d* services? found/)
      .waitFor();

    // A service with more recent referrals than places warns link workers on its page.
    const [busy] = await query<{ id: string }>(
      app.testApp.database.db,
      sql`select s.id from services s where s.capacity_places > 0 and s.capacity_status in ('accepting', 'limited')
          and (select count(*) from referrals r where r.service_id = s.id and r.recorded_at > now() - interval '28 days')
            > s.capacity_places order by s.name limit 1`,
    );
    await page.goto(`/services/${busy!.id}`);
    await page.getByText('High demand — consider alternatives').first().waitFor();
  });

  it('when the map tiles cannot be loaded, then the map says the background is unavailable and the list still works', async () => {
    const page = await signInAsDemo('link worker', async (p) => {
      await p.route(`${TEST_TILE_ORIGIN}/**`, (r) => r.abort());
    });
    await page.getByLabel('Postcode', { exact: true }).fill(postcode);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('article.signpost-find-result').first().waitFor();
    await page.getByText('Map background unavailable — the list and markers still work').waitFor();
  });

  it('when an editor signs in with one click, then My organisation shows their organisation, and the editor says "Add an opening time"', async () => {
    const page = await signInAsDemo('VCSE editor');
    await page.waitForURL('**/my-organisation');
    await page.getByRole('heading', { name: 'Trafford Carers Centre' }).first().waitFor();
    await page.getByText(CAPACITY_STATUS_INFO.waitlist.label).first().waitFor();
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('link', { name: /^Edit/ }).first().click();
    await page.waitForURL('**/edit');
    await page.getByRole('button', { name: 'Add an opening time' }).waitFor();
    await page.getByRole('button', { name: 'Add an area' }).waitFor();
  });

  it('when a commissioner signs in with one click, then Need and gaps opens on their ICB', async () => {
    const page = await signInAsDemo('ICB commissioner');
    await page.waitForURL('**/need?icb=QOP');
    await page.locator('main h1').waitFor();
    if (process.env.DEMO_SHOTS) await page.screenshot({ path: `${process.env.DEMO_SHOTS}/need.png` });
    await expect(banner(page).isVisible()).resolves.toBe(true);
    await expectNoSeriousAxeViolations(page);
  });

  it('when an admin signs in with one click, then Admin opens, and an invite picks the PCN by name', async () => {
    const page = await signInAsDemo('admin');
    await page.waitForURL('**/admin');
    await page.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
    await expectNoSeriousAxeViolations(page);

    const pcn = PCNS[0];
    await page.getByLabel('Email address').fill('new.linkworker@trafford.example');
    await page.getByLabel('Full name').fill('New Link Worker');
    await page.getByLabel('Role').selectOption('link_worker');
    await page.locator(`datalist option[value="${pcn.name} (${pcn.code})"]`).waitFor({ state: 'attached' });
    await page.getByLabel('PCN', { exact: true }).fill(`${pcn.name} (${pcn.code})`);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(/Invitation (sent|recorded).* to new\.linkworker@trafford\.example/).waitFor();
    const [invited] = await app.testApp.database.db
      .select()
      .from(schema.users)
      .where(eq(schema.users.email, 'new.linkworker@trafford.example'));
    expect(invited).toMatchObject({ role: 'link_worker', pcnCode: pcn.code, demo: false });
  });
});
