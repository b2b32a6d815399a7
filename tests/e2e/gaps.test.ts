/**
 * The gap analysis on the need page (/need) in headless Chromium, on an app holding the reference fixture: gap
 * figures in the table (sorted, with bars), the category filter and exports, and a commissioner flagging a PCN from
 * its profile so the flag shows in the table and on the map. Expected figures come from the real API, never typed in.
 */
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { schema } from '../../server/db';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/auth';
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
let commissioner: TestUser;

const ALPHA = fx.ICBS[0];
const pcnsOf = (icb: string) => fx.PCNS.filter((p) => p.icbCode === icb);

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({}, { setup: loadReferenceFixture });
  commissioner = await createUser(app.testApp.database.db, {
    role: 'icb_commissioner',
    name: 'Ada Commissioner',
    icbCode: ALPHA.code,
  });
  await seedAtRiskService();
  browser = await launchBrowser();
});

/** End of funding of the seeded service: two months from today (inside the six-month "at risk" window). */
const FUNDING_ENDS = (() => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + 2);
  return d.toISOString().slice(0, 10);
})();
const AT_RISK_PCN = fx.PCNS[0];
const AT_RISK_SERVICE = 'Riverside walking group';

/** One accepting, confirmed physical-activity service inside U10001's catchment whose funding ends in two months. */
async function seedAtRiskService(): Promise<void> {
  const db = app.testApp.database.db;
  const [org] = await db
    .insert(schema.organizations)
    .values({ name: 'Riverside Trust', status: 'approved', source: 'import' })
    .returning();
  const now = new Date();
  const [svc] = await db
    .insert(schema.services)
    .values({
      organizationId: org!.id,
      name: AT_RISK_SERVICE,
      capacityStatus: 'accepting',
      capacitySetAt: now,
      capacityConfirmedAt: now,
    })
    .returning();
  const [loc] = await db
    .insert(schema.locations)
    .values({
      organizationId: org!.id,
      geom: sql`ST_SetSRID(ST_MakePoint(-2.35, 53.45), 4326)` as unknown as string,
    })
    .returning();
  await db.insert(schema.serviceAtLocations).values({ serviceId: svc!.id, locationId: loc!.id });
  await db.execute(
    sql`insert into service_taxonomy (service_id, taxonomy_term_id) select ${svc!.id}, id from taxonomy_terms where code = 'physical_activity'`,
  );
  await db.execute(
    sql`insert into funding (service_id, source, ends_on) values (${svc!.id}, 'Lottery', ${FUNDING_ENDS})`,
  );
}

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface ApiGapRow {
  code: string;
  name: string;
  gap: { score: number | null };
  vcse: { per10k: number | null };
}

/** The API's gap rows of an ICB (what the page must show). */
async function apiGapRows(query: string): Promise<ApiGapRow[]> {
  const response = await fetch(`${app.baseUrl}/api/gaps/pcns${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { rows: ApiGapRow[] }).rows;
}

/** A signed gap score as the page writes it (true minus sign, two decimals). */
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`;

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

describe('Gap analysis on the need page', () => {
  // Runs first: the flag test below flags the same PCN, which takes it off the suggestions.
  it('when a commissioner reviews suggested flags, then the widest gap in their ICB is listed and dismissing it with a reason records it', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    await signIn(page, commissioner.email);
    const api = await apiGapRows(`?icb=${ALPHA.code}`);
    const widest = [...api].filter((r) => r.gap.score !== null).sort((a, b) => b.gap.score! - a.gap.score!)[0]!;
    const need = await NeedPage.open(page, `?icb=${ALPHA.code}&pcn=${widest.code}`, pcnsOf(ALPHA.code).length);

    // The scatter plot of need against link workers says what it shows and which PCN is highlighted.
    await page.getByText('Need against link workers: scatter plot').click();
    const scatter = page.getByTestId('need-scatter');
    await expect(scatter.locator('circle').count()).resolves.toBe(
      pcnsOf(ALPHA.code).filter((p) => fx.WORKFORCE.some((w) => w.pcnCode === p.code)).length,
    );
    await expect(scatter.locator('circle.signpost-scatter__dot--selected').getAttribute('data-pcn-code')).resolves.toBe(
      widest.code,
    );
    await expect(scatter.locator('figcaption').textContent()).resolves.toContain(`The selected PCN, ${widest.name}`);

    // Suggestions: the ⌈10 %⌉ widest gaps of the ICB (here one PCN).
    const suggestions = page.getByTestId('suggested-flags');
    await suggestions.getByText(/^Suggested flags \(1\)$/).click();
    await expect(suggestions.locator('li').count()).resolves.toBe(1);
    await expect(suggestions.locator('li a').textContent()).resolves.toBe(widest.name);

    // Dismissing needs a reason; with one, it is recorded and the PCN leaves the list.
    await suggestions.getByRole('button', { name: 'Dismiss' }).click();
    await suggestions.getByRole('alert').filter({ hasText: 'Enter a reason to dismiss the suggestion' }).waitFor();
    await suggestions.getByLabel(`Reason to dismiss the suggestion for ${widest.name}`).fill('Reviewed at board');
    await suggestions.getByRole('button', { name: 'Dismiss' }).click();
    await suggestions.getByText(`Suggestion for ${widest.name} dismissed.`).waitFor();
    await suggestions.getByText(/^No suggestions/).waitFor();
    const dismissed = await app.testApp.database.db
      .select()
      .from(schema.gapSuggestionDismissals)
      .where(eq(schema.gapSuggestionDismissals.pcnCode, widest.code));
    expect(dismissed).toHaveLength(1);
    expect(dismissed[0]).toMatchObject({ reason: 'Reviewed at board' });
    await need.profile.getByTestId('gap-panel').waitFor();

    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when a commissioner switches to their ICB, sorts by gap, and flags a PCN with a note, then the flag shows in the table and on the map', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    await signIn(page, commissioner.email);
    const need = await NeedPage.open(page, '', fx.PCNS.length);

    // Switch to their ICB.
    await need.areaSelect.selectOption(ALPHA.code);
    await page.waitForURL(`**/need?icb=${ALPHA.code}`);
    await need.waitForMap(pcnsOf(ALPHA.code).length);
    await page.getByTestId('flag-key').waitFor();

    // Sort by gap: widest first, missing last, each score as the API gives it, with a bar beside the number.
    await page.locator('[data-sort-key="gap_score"]').click();
    await page.waitForURL(/sort=gap_score/);
    const api = await apiGapRows(`?icb=${ALPHA.code}`);
    expect(api).toHaveLength(pcnsOf(ALPHA.code).length);
    const expected = [...api].sort((a, b) =>
      a.gap.score === null ? 1 : b.gap.score === null ? -1 : b.gap.score - a.gap.score,
    );
    await expect(need.rowCodes()).resolves.toEqual(expected.map((r) => r.code));
    const cells = await page.locator('.signpost-pcn-table tbody td[data-column="gap_score"]').allTextContents();
    expect(cells).toEqual(expected.map((r) => (r.gap.score === null ? 'no data' : signed(r.gap.score))));
    expect(await page.locator('td[data-column="gap_score"] .signpost-cell-bar').count()).toBe(
      expected.filter((r) => r.gap.score !== null).length,
    );

    // Open the widest gap's profile: its gap explanation and the flag form.
    const target = expected[0]!;
    await page.locator(`[data-pcn-code="${target.code}"] a`).click();
    await page.waitForURL(new RegExp(`pcn=${target.code}`));
    await need.profile.getByTestId('gap-summary').waitFor();
    await expect(need.profile.getByTestId('gap-summary').textContent()).resolves.toContain(
      target.gap.score === null ? 'no data' : signed(target.gap.score),
    );
    await need.profile.getByText('This PCN has not been flagged.').waitFor();

    // Flag it with a note.
    const reason = 'Highest need, no link-worker cover since March';
    const evidence = 'Practice managers report long waits for community groups.';
    await page.getByLabel('Category (optional)').selectOption('physical_activity');
    await page.getByLabel('Reason', { exact: true }).fill(reason);
    await page.getByLabel('Evidence note (optional)').fill(evidence);
    await page.getByRole('button', { name: 'Flag as under-served' }).click();
    await page.getByText('Flag saved. It shows in the table and on the map.').waitFor();

    // Stored as sent, for this PCN and ICB, by the commissioner.
    const db = app.testApp.database.db;
    const stored = await db.select().from(schema.gapFlags).where(eq(schema.gapFlags.pcnCode, target.code));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      icbCode: ALPHA.code,
      category: 'physical_activity',
      reason,
      evidence,
      status: 'open',
      createdBy: commissioner.id,
    });

    // In the table (a text tag, not colour alone), on the map (an outline, counted) and in the key.
    const row = page.locator(`.signpost-pcn-table tbody tr[data-pcn-code="${target.code}"]`);
    await row.getByTestId('flag-tag').waitFor();
    await expect(row.getByTestId('flag-tag').textContent()).resolves.toBe('Flagged as under-served');
    await expect(page.getByTestId('flag-tag').count()).resolves.toBe(1);
    await page.locator('.signpost-choropleth[data-flagged-areas="1"]').waitFor();
    await expect(page.getByTestId('flag-key').textContent()).resolves.toContain('1 PCN with an open flag');
    // And on the profile, with its reason, evidence and status.
    const flagItem = need.profile.getByTestId('pcn-flags').locator('li');
    await expect(flagItem.textContent()).resolves.toContain(reason);
    await expect(flagItem.textContent()).resolves.toContain(evidence);
    await expect(flagItem.locator('.nhsuk-tag').textContent()).resolves.toBe('Open');

    // Move it on: in progress; the history records it.
    await flagItem.getByLabel('Change status').selectOption('in_progress');
    await flagItem.getByRole('button', { name: 'Change status' }).click();
    await flagItem.locator('.nhsuk-tag', { hasText: 'In progress' }).waitFor();
    const events = await db.select().from(schema.gapFlagEvents).where(eq(schema.gapFlagEvents.flagId, stored[0]!.id));
    expect(events.map((e) => e.kind).sort()).toEqual(['created', 'status']);

    // And comment on it: stored in the history.
    await flagItem.getByLabel('Comment').fill('Met the PCN clinical director.');
    await flagItem.getByRole('button', { name: 'Add comment' }).click();
    await flagItem.getByText('Comment added.').waitFor();
    const comments = await db.select().from(schema.gapFlagEvents).where(eq(schema.gapFlagEvents.flagId, stored[0]!.id));
    expect(comments.filter((e) => e.kind === 'comment').map((e) => e.body)).toEqual(['Met the PCN clinical director.']);
    await page.locator('.signpost-choropleth[data-flagged-areas="1"]').waitFor(); // in progress is still flagged

    // Take it on: "Assign to me" makes the commissioner the owner, stored with an owner history entry.
    await expect(flagItem.getByTestId('flag-owner').textContent()).resolves.toContain('Owner: nobody yet');
    await flagItem.getByRole('button', { name: 'Assign to me' }).click();
    await flagItem.getByText('Assigned to you.').waitFor();
    await flagItem.getByTestId('flag-owner').getByText('Owner: you').waitFor();
    await expect(flagItem.getByRole('button', { name: 'Assign to me' }).count()).resolves.toBe(0);
    const [owned] = await db.select().from(schema.gapFlags).where(eq(schema.gapFlags.id, stored[0]!.id));
    expect(owned!.ownerUserId).toBe(commissioner.id);
    const ownerEvents = await db
      .select()
      .from(schema.gapFlagEvents)
      .where(eq(schema.gapFlagEvents.flagId, stored[0]!.id));
    expect(ownerEvents.filter((e) => e.kind === 'owner').map((e) => e.toValue)).toEqual([commissioner.id]);

    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when anyone chooses a service category, then the URL, the VCSE figures and the export links follow it, and no flag is shown or requested', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    const need = await NeedPage.open(page, `?icb=${ALPHA.code}&indicator=gap_score`, pcnsOf(ALPHA.code).length);
    await need.waitForLegendTitle('Key: Gap score');

    await page.getByLabel('Service category').selectOption('advice');
    await page.waitForURL(/category=advice/);
    await expect(page.getByLabel('Service category').inputValue()).resolves.toBe('advice');
    // The export links follow once the category's figures have loaded (wait for that, not for a clock).
    const csvHref = `/api/gaps/pcns.csv?icb=${ALPHA.code}&category=advice`;
    const geojsonHref = `/api/gaps/pcns.geojson?icb=${ALPHA.code}&category=advice`;
    await page.locator(`a[href="${csvHref}"]`).filter({ hasText: /^CSV/ }).waitFor();
    await page
      .locator(`a[href="${geojsonHref}"]`)
      .filter({ hasText: /^GeoJSON/ })
      .waitFor();
    await expect(page.getByRole('link', { name: /^CSV/ }).getAttribute('href')).resolves.toBe(csvHref);
    await expect(page.getByRole('link', { name: /^GeoJSON/ }).getAttribute('href')).resolves.toBe(geojsonHref);

    // The CSV link downloads the API's CSV with the same filters: one line per PCN of the ICB plus the header.
    const text = await (await fetch(`${app.baseUrl}/api/gaps/pcns.csv?icb=${ALPHA.code}&category=advice`)).text();
    expect(text.trim().split(/\r?\n/)).toHaveLength(pcnsOf(ALPHA.code).length + 1);

    // VCSE supply in the table is the category's, as the API gives it.
    const api = await apiGapRows(`?icb=${ALPHA.code}&category=advice`);
    for (const r of api) {
      const cell = page.locator(`tr[data-pcn-code="${r.code}"] td[data-column="vcse_per_10k"]`);
      const expected = r.vcse.per10k === null ? 'no data' : r.vcse.per10k.toFixed(2);
      await cell.filter({ hasText: new RegExp(`^${expected.replace('.', '\\.')}$`) }).waitFor();
      await expect(cell.textContent()).resolves.toBe(expected);
    }

    // Not signed in: no flag key, tags or suggestions (and no refused flag request).
    await expect(page.getByTestId('flag-key').count()).resolves.toBe(0);
    await expect(page.getByTestId('suggested-flags').count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when anyone opens a PCN profile, then it lists services within reach by category and capacity and the provision at risk; unmet-need reasons only for its ICB commissioner', async () => {
    // Two "nothing suitable" records by this PCN's link workers, one for another reason.
    const db = app.testApp.database.db;
    await db.execute(sql`delete from unmet_needs where pcn_code = ${AT_RISK_PCN.code}`); // idempotent on a retry
    for (const reason of ['all_full', 'all_full', 'language']) {
      await db.execute(sql`insert into unmet_needs (reason, pcn_code) values (${reason}, ${AT_RISK_PCN.code})`);
    }
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    const need = await NeedPage.open(page, `?icb=${ALPHA.code}&pcn=${AT_RISK_PCN.code}`, pcnsOf(ALPHA.code).length);
    await need.profile.getByTestId('gap-summary').waitFor();

    // Signed out: no unmet-need reasons (they are for the PCN's commissioners, as the demand summary is).
    await expect(need.profile.getByTestId('pcn-unmet-reasons').count()).resolves.toBe(0);

    const byCategory = need.profile.getByTestId('services-by-category');
    const header = await byCategory.locator('thead th').allTextContents();
    const accepting = header.indexOf('Accepting');
    expect(accepting).toBeGreaterThan(0);
    const row = byCategory.locator('tbody tr', { hasText: 'Physical activity' });
    await expect(row.locator('th, td').nth(accepting).textContent()).resolves.toBe('1');

    const atRisk = need.profile.getByTestId('at-risk');
    const ends = new Date(`${FUNDING_ENDS}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    await expect(atRisk.textContent()).resolves.toBe(`${AT_RISK_SERVICE} (Riverside Trust): funding ends ${ends}`);
    await expect(need.profile.getByTestId('reachable-services').textContent()).resolves.toContain(AT_RISK_SERVICE);
    const trend = need.profile.getByTestId('pcn-capacity-trend');
    await expect(trend.isVisible()).resolves.toBe(true);
    await expect(trend.locator('tbody tr').count()).resolves.toBe(8);

    // Not signed in: the profile offers no flag form.
    await expect(need.profile.getByTestId('pcn-flags').count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);

    // The ICB's commissioner sees them, most first.
    await signIn(page, commissioner.email);
    const again = await NeedPage.open(page, `?icb=${ALPHA.code}&pcn=${AT_RISK_PCN.code}`, pcnsOf(ALPHA.code).length);
    await again.profile.getByTestId('gap-summary').waitFor();
    const reasons = again.profile.getByTestId('pcn-unmet-reasons');
    await expect(reasons.locator('tbody tr').allInnerTexts()).resolves.toEqual([
      'Suitable services are all full\t2',
      'Not available in a language the person speaks\t1',
    ]);
  });
});
