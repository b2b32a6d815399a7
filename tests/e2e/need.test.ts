/**
 * The need page (/need) in headless Chromium on an app holding the reference fixture (2 ICBs, 3 PCNs, 8 LSOAs):
 * choropleth and key, figure and ICB choices, sorting, profiles, "no data", history, keyboard, states and axe.
 * Expected values come from tests/helpers/referenceFixture.ts, never typed in by hand.
 */
import type { Browser, Page } from 'playwright-core';
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

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({}, { setup: loadReferenceFixture });
  browser = await launchBrowser();
});

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Expectations from the fixture

const ALL_PCNS = fx.PCNS.length;
const pcnsOf = (icb: string) => fx.PCNS.filter((p) => p.icbCode === icb);
const imdOf = (code: string) =>
  fx.weightedMean(
    fx.lsoasOfPcn(code),
    (l) => l.imdScore,
    (l) => l.residents,
  );
const listSizeOf = (code: string) => fx.practicesOfPcn(code).reduce((s, p) => s + p.listSize, 0);
/** Link workers (FTE, including mental-health link workers) per 10,000 patients; null without a workforce return. */
const linkWorkersOf = (code: string) => {
  const w = fx.WORKFORCE.find((x) => x.pcnCode === code);
  return w ? ((w.splwFte + w.splwMhFte) / listSizeOf(code)) * 10_000 : null;
};
const byValue = (value: (code: string) => number | null, dir: 'asc' | 'desc') => {
  const known = fx.PCNS.filter((p) => value(p.code) !== null).sort((a, b) =>
    dir === 'asc' ? value(a.code)! - value(b.code)! : value(b.code)! - value(a.code)!,
  );
  return [...known, ...fx.PCNS.filter((p) => value(p.code) === null)].map((p) => p.name);
};
const NO_WORKFORCE = fx.PCNS.filter((p) => !fx.WORKFORCE.some((w) => w.pcnCode === p.code));
const ALPHA = fx.ICBS[0];
const BETA = fx.ICBS[1];
const shortName = (name: string) => name.replace(/ Integrated Care Board$/, ' ICB');
/** Reads a displayed figure back as a number ("−0.52" uses a true minus sign). */
const numberOf = (text: string) => Number(text.replace('−', '-').replace(/[,%+]/g, ''));

async function open(search = '', areas?: number): Promise<{ page: Page; need: NeedPage; opened: OpenedPage }> {
  opened = await openPage(browser, app.baseUrl);
  const need = await NeedPage.open(opened.page, search, areas);
  return { page: opened.page, need, opened };
}

describe('Need and gaps page', () => {
  it('when /need opens, then the PCN choropleth and its key render within 3 seconds', async () => {
    // Like a user arriving from the home page: the shared bundle is cached, the need page's code and data are not.
    const current = await openPage(browser, app.baseUrl);
    opened = current;
    const { page } = current;
    await page.goto('/');
    await page.locator('main h1').waitFor();
    const need = await NeedPage.open(page, '', ALL_PCNS);

    const renderMs = await need.firstRenderMs();
    process.stderr.write(
      `[need e2e] load timeline (ms after navigation start): ${JSON.stringify(await need.loadTimeline())}\n`,
    );
    expect(renderMs).toBeLessThan(3000);
    await expect(need.legendTitle()).resolves.toBe('Key: Need index');
    const colours = await need.legendColours();
    expect(colours).toHaveLength(ALL_PCNS); // three PCNs, three quantile classes
    await expect(need.legendRanges()).resolves.toHaveLength(ALL_PCNS + 1); // and "No data"
    // The catchments are on a canvas: every class colour of the key is painted on it.
    for (const { colour, pixels } of await need.countCanvasColours(colours)) {
      expect({ colour, isPainted: pixels > 100 }).toEqual({ colour, isPainted: true });
    }
    await expect(need.map.getAttribute('tabindex')).resolves.toBe('0');
    await expect(page.locator('.leaflet-signpost-outlines-pane canvas').count()).resolves.toBe(1);
    await expect(need.rows.count()).resolves.toBe(ALL_PCNS);
    await expect(need.sortHeader('Need index').getAttribute('aria-sort')).resolves.toBe('descending');
    const needValues = (await page.locator('td[data-column="need"]').allTextContents()).map(numberOf);
    expect(needValues).toEqual([...needValues].sort((a, b) => b - a));
    await expect(
      page.getByText('PCN catchments are approximate: England publishes no PCN boundaries').count(),
    ).resolves.toBe(1);
    await page.screenshot({ path: '/tmp/need-england.png', fullPage: true });
    expectNoPageProblems(current.problems);
  });

  it('when the user shades the map by another figure, then the key, the map colours and the URL follow', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);
    const before = await need.legendRanges();

    await need.indicatorSelect.selectOption('imd2025_score');

    await page.waitForURL(/[?&]indicator=imd2025_score\b/);
    await need.waitForLegendTitle('Key: IMD 2025');
    const ranges = await need.legendRanges();
    expect(ranges).not.toEqual(before);
    const imds = fx.PCNS.map((p) => imdOf(p.code));
    expect(ranges[0]).toMatch(new RegExp(`to ${Math.max(...imds).toFixed(1)}$`));
    expect(ranges[ALL_PCNS - 1]).toMatch(new RegExp(`^${Math.min(...imds).toFixed(1)} to`));
    for (const { pixels } of await need.countCanvasColours(await need.legendColours()))
      expect(pixels).toBeGreaterThan(100);
    await expect(page.locator('thead th.signpost-pcn-table__mapped').textContent()).resolves.toBe('IMD 2025');
    expectNoPageProblems(opened.problems);
  });

  it('when the user chooses an ICB, then the table, the map and the URL show only its PCNs', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);

    await need.areaSelect.selectOption(ALPHA.code);

    await page.waitForURL(new RegExp(`[?&]icb=${ALPHA.code}\\b`));
    await need.waitForMap(pcnsOf(ALPHA.code).length);
    await expect(need.rowNames().then((names) => [...names].sort())).resolves.toEqual(
      pcnsOf(ALPHA.code)
        .map((p) => p.name)
        .sort(),
    );
    await expect(page.locator('#pcn-table-heading').textContent()).resolves.toContain(
      `PCNs in ${shortName(ALPHA.name)}`,
    );
    await expect(page.getByLabel('Show LSOA detail').isVisible()).resolves.toBe(true);
    expectNoPageProblems(opened.problems);
  });

  it('when the user sorts by a column, then the rows follow the fixture values and aria-sort says how', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);

    await need.sortButton('IMD 2025').click();
    await need.waitForSort('IMD 2025', 'descending');
    expect(page.url()).toMatch(/[?&]sort=imd2025_score\b/);
    await expect(need.rowNames()).resolves.toEqual(byValue(imdOf, 'desc'));
    await expect(need.sortHeader('Need index').getAttribute('aria-sort')).resolves.toBeNull();

    await need.sortButton('IMD 2025').click();
    await need.waitForSort('IMD 2025', 'ascending');
    expect(page.url()).toMatch(/[?&]dir=asc\b/);
    await expect(need.rowNames()).resolves.toEqual(byValue(imdOf, 'asc'));

    // Missing figures sort last in both directions.
    await need.sortButton('Link workers per 10k').click();
    await need.waitForSort('Link workers per 10k', 'descending');
    await expect(need.rowNames()).resolves.toEqual(byValue(linkWorkersOf, 'desc'));
    await need.sortButton('Link workers per 10k').click();
    await need.waitForSort('Link workers per 10k', 'ascending');
    await expect(need.rowNames()).resolves.toEqual(byValue(linkWorkersOf, 'asc'));
    expect((await need.rowNames()).at(-1)).toBe(NO_WORKFORCE[0]!.name);
    await page.screenshot({ path: '/tmp/need-sorted.png', fullPage: true });
    expectNoPageProblems(opened.problems);
  });

  it('when a PCN made no workforce return, then its link-worker figures read "no data", never 0', async () => {
    expect(NO_WORKFORCE).toHaveLength(1);
    const missing = NO_WORKFORCE[0]!;
    const { page, need, opened } = await open(`?pcn=${missing.code}`, ALL_PCNS);

    await expect(need.cell(missing.code, 'splw_fte_per_10k').textContent()).resolves.toBe('no data');
    await expect(need.cell(missing.code, 'personalised_care_fte_per_10k').textContent()).resolves.toBe('no data');
    const withReturn = fx.WORKFORCE[0]!.pcnCode;
    await expect(need.cell(withReturn, 'splw_fte_per_10k').textContent()).resolves.toBe(
      linkWorkersOf(withReturn)!.toFixed(2),
    );

    await need.profile.getByRole('heading', { name: missing.name }).waitFor();
    const profileRow = need.profile.locator('tr[data-indicator="splw_fte_per_10k"] td');
    const [thisPcn, icbAverage, englandAverage] = await profileRow.allTextContents();
    expect({ thisPcn, icbAverage }).toEqual({ thisPcn: 'no data', icbAverage: 'no data' });
    const reported = fx.PCNS.map((p) => linkWorkersOf(p.code)).filter((v): v is number => v !== null);
    expect(englandAverage).toBe((reported.reduce((a, b) => a + b, 0) / reported.length).toFixed(2));
    await expect(page.locator(`td[data-column="splw_fte_per_10k"]`, { hasText: /^0\.00$/ }).count()).resolves.toBe(0);
    expectNoPageProblems(opened.problems);
  });

  it('when the user selects a PCN in the table, then its profile shows figures, need components and practices', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);
    const [first] = fx.PCNS;

    await page.getByRole('link', { name: first.name }).click();

    await page.waitForURL(new RegExp(`[?&]pcn=${first.code}\\b`));
    const heading = need.profile.getByRole('heading', { level: 2 });
    await need.profile.getByRole('cell', { name: fx.practicesOfPcn(first.code)[0]!.name }).waitFor();
    await expect(heading.textContent()).resolves.toContain(first.name);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('pcn-profile-heading');
    await expect(need.profile.textContent()).resolves.toContain(`Built from ${fx.lsoasOfPcn(first.code).length} LSOAs`);
    await expect(need.profile.locator('.signpost-contributions tbody tr').count()).resolves.toBe(6);
    const practices = need.profile.locator('.signpost-profile__practices tbody tr');
    await expect(practices.count()).resolves.toBe(fx.practicesOfPcn(first.code).length);
    await expect(need.profile.locator('tr[data-indicator="imd2025_score"] td').first().textContent()).resolves.toBe(
      imdOf(first.code).toFixed(1),
    );
    await expect(page.locator('.signpost-pcn-table__row--selected').getAttribute('data-pcn-code')).resolves.toBe(
      first.code,
    );
    await page.screenshot({ path: '/tmp/need-profile.png', fullPage: true });

    // Keyboard: Enter on another PCN's link selects it; Close returns focus to its row.
    const second = fx.PCNS[1];
    await page.getByRole('link', { name: second.name }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`[?&]pcn=${second.code}\\b`));
    await need.profile.getByRole('heading', { level: 2, name: new RegExp(second.name) }).waitFor();
    await need.profile.getByRole('button', { name: /^Close/ }).click();
    await need.profile.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('pcn=');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(second.name);
    expectNoPageProblems(opened.problems);
  });

  it('when the user points at and clicks a catchment on the map, then a tooltip names it and the click selects it', async () => {
    const [only] = pcnsOf(BETA.code);
    const { page, need, opened } = await open(`?icb=${BETA.code}`, 1);

    // The map fits the ICB's only PCN, so the middle of the map is inside its catchment.
    await need.map.scrollIntoViewIfNeeded();
    const box = (await need.map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2 - 10, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    const tooltip = page.locator('.signpost-map-tooltip');
    await tooltip.waitFor();
    await expect(tooltip.textContent()).resolves.toContain(only!.name);
    await expect(tooltip.textContent()).resolves.toContain('approximate catchment');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);

    await page.waitForURL(new RegExp(`[?&]pcn=${only!.code}\\b`));
    await need.profile.getByRole('heading', { level: 2, name: new RegExp(only!.name) }).waitFor();
    expectNoPageProblems(opened.problems);
  });

  it('when the user goes back, then each earlier view returns: PCN, figure, then England', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);
    await need.areaSelect.selectOption(ALPHA.code);
    await need.waitForMap(pcnsOf(ALPHA.code).length);
    await need.indicatorSelect.selectOption('pct_disabled');
    await page.waitForURL(/indicator=pct_disabled/);
    await page.getByRole('link', { name: pcnsOf(ALPHA.code)[0]!.name }).click();
    await need.profile.waitFor();

    await page.goBack();
    await need.profile.waitFor({ state: 'detached' });
    await expect(need.indicatorSelect.inputValue()).resolves.toBe('pct_disabled');

    await page.goBack();
    await need.waitForLegendTitle('Key: Need index');
    await expect(need.indicatorSelect.inputValue()).resolves.toBe('need');
    await expect(need.areaSelect.inputValue()).resolves.toBe(ALPHA.code);

    await page.goBack();
    await need.waitForMap(ALL_PCNS);
    await expect(need.areaSelect.inputValue()).resolves.toBe('');
    await expect(need.rows.count()).resolves.toBe(ALL_PCNS);
    expect(new URL(page.url()).search).toBe('');
    expectNoPageProblems(opened.problems);
  });

  it('when a keyboard user works the page, then the selects, sort buttons and map all respond', async () => {
    const { page, need, opened } = await open('', ALL_PCNS);

    await need.indicatorSelect.focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/[?&]indicator=imd2025_score\b/);
    await need.waitForLegendTitle('Key: IMD 2025');

    await need.sortButton('PCN').focus();
    await page.keyboard.press('Enter');
    await need.waitForSort('PCN', 'ascending');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-sort-key'))).resolves.toBe('name');
    await expect(need.rowNames()).resolves.toEqual(
      fx.PCNS.map((p) => p.name).sort((a, b) => a.localeCompare(b, 'en-GB')),
    );

    // Focusing a PCN in the table shows its tooltip on the map.
    const [first] = fx.PCNS;
    await page.getByRole('link', { name: first.name }).focus();
    await page.locator('.signpost-map-tooltip', { hasText: first.name }).waitFor();

    await need.map.focus();
    await expect(page.evaluate(() => document.activeElement?.classList.contains('leaflet-container'))).resolves.toBe(
      true,
    );
    await page.locator('.signpost-table-scroll').focus();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('role'))).resolves.toBe('region');
    expectNoPageProblems(opened.problems);
  });

  it('when LSOA detail is switched on for an ICB, then its LSOAs load for the view; figures only known per PCN say so', async () => {
    const { page, need, opened } = await open(`?icb=${ALPHA.code}&indicator=imd2025_score`, pcnsOf(ALPHA.code).length);
    const alphaLsoas = fx.LSOAS.filter((l) => l.icbCode === ALPHA.code).length;

    await page.getByLabel('Show LSOA detail').check();

    await page.waitForURL(/[?&]lsoa=1\b/);
    const hint = page.locator('#need-lsoa-hint');
    await page.getByText(`Showing ${alphaLsoas} LSOAs in view`).waitFor();
    await page.screenshot({ path: '/tmp/need-lsoa.png', fullPage: true });
    await expectNoSeriousAxeViolations(page);

    await need.indicatorSelect.selectOption('need');
    await hint.filter({ hasText: 'only known for whole PCNs' }).waitFor();
    expectNoPageProblems(opened.problems);
  });

  it('when the database has no reference data yet, then the page says it is still loading', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page } = opened;
    await page.route('**/api/areas/icbs', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '[]' }),
    );

    await page.goto('/need');

    await page.getByText('Reference data is still loading — this page fills in when it is ready').waitFor();
    await expect(page.locator('.leaflet-container').count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(opened.problems);
  });

  it('when the API fails, then an NHS.UK error box explains it and Try again recovers', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    await page.route('**/api/areas/icbs', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, code: 'unavailable', detail: 'The database is busy' }),
      }),
    );
    await page.goto('/need');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Need figures could not be loaded');
    await expect(alert.textContent()).resolves.toContain('The database is busy');
    await expectNoSeriousAxeViolations(page);
    await page.unroute('**/api/areas/icbs');
    await page.getByRole('button', { name: 'Try again' }).click();

    await new NeedPage(page).waitForMap(ALL_PCNS);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
  });

  it.each([
    ['England with a PCN selected', `?pcn=${fx.PCNS[0].code}`, ALL_PCNS],
    ['one ICB shaded by a figure', `?icb=${ALPHA.code}&indicator=pct_65plus&sort=name`, pcnsOf(ALPHA.code).length],
  ])('when %s is checked with axe, then it has no serious or critical violations', async (_, search, areas) => {
    const { page, need, opened } = await open(search, areas);
    if (search.includes('pcn=')) await need.profile.locator('.signpost-profile__practices').waitFor();

    await expectNoSeriousAxeViolations(page);
    if (search.includes('icb=')) await page.screenshot({ path: '/tmp/need-icb.png', fullPage: true });
    expectNoPageProblems(opened.problems);
  });
});
