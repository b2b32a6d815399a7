/**
 * Browser tests of "Find services" against the real search and map API: search a postcode, see markers and the list,
 * filter to accepting services (and go Back), open a detail, shortlist two services, copy the summary, print the
 * handout; a postcode the API does not know; and the page at phone width. axe runs on every page.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import type { CapacityStatus } from '../../shared/capacity';
import { distanceText } from '../../client/find/searchView';
import { signedInAs } from '../helpers/auth';
import { createOrganization, serviceBody } from '../helpers/directory';
import { POSTCODES } from '../helpers/referenceFixture';
import type { TestApp } from '../helpers/app';
import { query } from '../../server/db';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { loadReferenceFixture } from '../helpers/referenceData';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

const CENTRE = POSTCODES.find((p) => p.postcode === 'M13 9PL')!;

/** A service the test creates: where it is (offset from the centre, degrees), what it offers and its capacity. */
interface Fixture {
  name: string;
  category: string;
  status: CapacityStatus;
  /** null = phone only, covering the centre's area. */
  offset: { dLat: number; dLng: number } | null;
  id?: string;
}

const FIXTURES: Fixture[] = [
  { name: 'Ardwick debt advice', category: 'advice.debt', status: 'accepting', offset: { dLat: 0.003, dLng: 0 } },
  { name: 'Longsight carers café', category: 'carers', status: 'limited', offset: { dLat: -0.01, dLng: 0.004 } },
  {
    name: 'Rusholme walking group',
    category: 'physical_activity',
    status: 'waitlist',
    offset: { dLat: 0.006, dLng: -0.012 },
  },
  {
    name: 'Hulme art club',
    category: 'arts_and_culture',
    status: 'not_accepting',
    offset: { dLat: -0.004, dLng: -0.02 },
  },
  {
    name: 'Manchester phone befriending',
    category: 'befriending_and_social_connection',
    status: 'accepting',
    offset: null,
  },
];
/** Great-circle distance in km (spherical Earth, mean radius), as the cards round it. */
function kmFromCentre(f: Fixture): number {
  const rad = Math.PI / 180;
  const lat = CENTRE.lat + f.offset!.dLat;
  const lng = CENTRE.lng + f.offset!.dLng;
  const a =
    Math.sin(((lat - CENTRE.lat) * rad) / 2) ** 2 +
    Math.cos(CENTRE.lat * rad) * Math.cos(lat * rad) * Math.sin(((lng - CENTRE.lng) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
}
const byName = (name: string) => FIXTURES.find((f) => f.name === name)!;
const isAccepting = (f: Fixture) => f.status === 'accepting' || f.status === 'limited';

/** Creates the fixture services through the directory API as their organisation's editor. */
async function createServices(testApp: TestApp): Promise<void> {
  const db = testApp.database.db;
  const org = await createOrganization(db, { name: 'South Manchester Community Network' });
  const { headers } = await signedInAs(db, { role: 'vcse_editor', organizationIds: [org.id] });
  for (const f of FIXTURES) {
    const body = serviceBody({
      name: f.name,
      description: `${f.name}: friendly support for people in south Manchester.`,
      taxonomy: [f.category],
      languages: ['en'],
      deliveryModes: f.offset ? ['in_person'] : ['phone'],
      serviceAreas: f.offset ? [] : [{ areaType: 'icb', areaCode: 'QAA', name: 'Alpha ICB' }],
      locations: f.offset
        ? [
            {
              name: `${f.name} hall`,
              address1: '1 Test Street',
              city: 'Manchester',
              postcode: CENTRE.postcode,
              lat: CENTRE.lat + f.offset.dLat,
              lng: CENTRE.lng + f.offset.dLng,
            },
          ]
        : [],
      schedules: f.offset
        ? [{ freq: 'WEEKLY', byday: 'TU', opensAt: '10:00', closesAt: '12:00', locationIndex: 0 }]
        : [{ freq: 'WEEKLY', byday: 'MO,WE', opensAt: '09:00', closesAt: '17:00' }],
      minimumAge: null,
      maximumAge: null,
    });
    const created = await request(testApp.app).post(`/api/organizations/${org.id}/services`).set(headers).send(body);
    if (created.status !== 201)
      throw new Error(`creating ${f.name}: ${created.status} ${JSON.stringify(created.body)}`);
    f.id = (created.body as { id: string }).id;
    const capacity = await request(testApp.app)
      .put(`/api/services/${f.id}/capacity`)
      .set(headers)
      .set('If-Match', String(created.headers.etag ?? ''))
      .send({ status: f.status, places: isAccepting(f) ? 4 : null, waitDays: f.status === 'waitlist' ? 21 : null });
    if (capacity.status !== 200) {
      throw new Error(`capacity of ${f.name}: ${capacity.status} ${JSON.stringify(capacity.body)}`);
    }
  }
}

/**
 * A town full of services 28–39 km from the searched postcode: outside its 5 km searches, inside a 50 km one (more
 * than a page), and more than the map API draws as points, so England-wide map views have to cluster.
 */
const CROWD = { count: 520, west: -2.0, south: 53.68, stepDeg: 0.004, perRow: 26 };

/** Inserts CROWD services with one location each, directly (the search table's triggers index them). */
async function createCrowd(testApp: TestApp): Promise<void> {
  const db = testApp.database.db;
  const org = await createOrganization(db, { name: 'Pennine Community Groups' });
  await query(
    db,
    sql`with g as (select n from generate_series(1, ${CROWD.count}::int) n),
        s as (
          insert into services (organization_id, name, capacity_status, capacity_set_at, capacity_confirmed_at)
          select ${org.id}::uuid, 'Pennine group ' || n, 'accepting', now(), now() from g order by n
          returning id, name),
        l as (
          insert into locations (organization_id, postcode, geom)
          select ${org.id}::uuid, 'OL1 ' || n, ST_SetSRID(ST_MakePoint(
                   ${CROWD.west}::float8 + ((n - 1) % ${CROWD.perRow}::int) * ${CROWD.stepDeg}::float8,
                   ${CROWD.south}::float8 + ((n - 1) / ${CROWD.perRow}::int) * ${CROWD.stepDeg}::float8), 4326)
          from g order by n
          returning id, postcode)
        insert into service_at_locations (service_id, location_id)
        select s.id, l.id from s join l on s.name = 'Pennine group ' || substring(l.postcode from 5)
        returning service_id`,
  );
}

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp(
    {},
    {
      setup: async (testApp) => {
        await loadReferenceFixture(testApp);
        await createServices(testApp);
        await createCrowd(testApp);
      },
    },
  );
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const resultNames = (page: Page) => page.locator('.signpost-find-results h3').allTextContents();
const cardOf = (page: Page, name: string) => page.locator('article.signpost-find-result', { hasText: name });
const markerOf = (page: Page, name: string) =>
  page.locator(`.leaflet-marker-icon[data-service-id="${byName(name).id}"]`);

async function searchFor(page: Page, postcode: string): Promise<void> {
  await page.getByLabel('Postcode', { exact: true }).fill(postcode);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

describe('Find services in the browser', () => {
  it('when a link worker searches a postcode, filters, opens a service, shortlists two and prints, then each step works', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, context, problems } = opening;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });

    await page.goto('/find');
    await page.getByRole('heading', { name: 'Find services' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // Search: every fixture service is within the default 5 km or covers the area by phone.
    await searchFor(page, 'm13 9pl');
    await page.waitForURL(/\/find\?postcode=m13\+9pl$/);
    const status = page.locator('.signpost-find-count');
    await status.getByText(`${FIXTURES.length} services found within 5 km of ${CENTRE.postcode}`).waitFor();
    expect((await resultNames(page)).sort()).toEqual(FIXTURES.map((f) => f.name).sort());
    await expect(page.title()).resolves.toBe('Services near M13 9PL – Signpost');

    // The card says how far, what capacity, and why; the phone service is marked as such.
    const debt = cardOf(page, 'Ardwick debt advice');
    await expect(debt.textContent()).resolves.toContain(
      distanceText({ distanceKm: kmFromCentre(byName('Ardwick debt advice')), remote: false }),
    );
    await expect(debt.locator('.signpost-capacity').textContent()).resolves.toContain('Accepting');
    await expect(debt.locator('.signpost-find-result__why').textContent()).resolves.toMatch(/^Why it matched: /);
    await expect(cardOf(page, 'Manchester phone befriending').textContent()).resolves.toContain(
      'Phone/online — covers your area',
    );

    // Markers: one per result with a place, labelled with its capacity in words; the phone service has none.
    for (const f of FIXTURES.filter((x) => x.offset)) await markerOf(page, f.name).waitFor();
    await expect(page.locator('.leaflet-marker-icon[data-service-id]').count()).resolves.toBe(
      FIXTURES.filter((f) => f.offset).length,
    );
    await expect(markerOf(page, 'Manchester phone befriending').count()).resolves.toBe(0);
    await expect(markerOf(page, 'Hulme art club').getAttribute('aria-label')).resolves.toBe('Hulme art club: Full');
    await expect(
      markerOf(page, 'Rusholme walking group').locator('.signpost-marker__letter').textContent(),
    ).resolves.toBe('W');
    await page.getByText('Map key').waitFor();

    // List and map are synchronised: hovering a card highlights its marker; clicking a marker focuses its card.
    await cardOf(page, 'Longsight carers café').hover();
    await expect(markerOf(page, 'Longsight carers café').getAttribute('class')).resolves.toContain('is-active');
    await markerOf(page, 'Rusholme walking group').click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(
      `result-${byName('Rusholme walking group').id}`,
    );
    // And by keyboard: Enter on a focused marker focuses its card, whose marker stays highlighted.
    await markerOf(page, 'Hulme art club').focus();
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(
      `result-${byName('Hulme art club').id}`,
    );
    await expect(markerOf(page, 'Hulme art club').getAttribute('class')).resolves.toContain('is-active');
    await expectNoSeriousAxeViolations(page);

    // Filter to services accepting people now (accepting or limited places).
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Only services accepting people now (including limited places)').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/capacity=accepting/);
    const accepting = FIXTURES.filter(isAccepting);
    await status.getByText(`${accepting.length} services found`).waitFor();
    expect((await resultNames(page)).sort()).toEqual(accepting.map((f) => f.name).sort());
    await expectNoSeriousAxeViolations(page);

    // Back undoes the filter: every service again, and the form follows the URL.
    await page.goBack();
    await status.getByText(`${FIXTURES.length} services found`).waitFor();
    await expect(
      page.getByLabel('Only services accepting people now (including limited places)').isChecked(),
    ).resolves.toBe(false);
    await page.goForward();
    await status.getByText(`${accepting.length} services found`).waitFor();

    // Shortlist two services.
    const shortlisted = accepting.filter((f) => f.offset).slice(0, 2);
    expect(shortlisted).toHaveLength(2);
    for (const f of shortlisted) {
      await cardOf(page, f.name)
        .getByRole('button', { name: `Add ${f.name} to shortlist` })
        .click();
      // The button now says what it does: the card is on the shortlist and a second press removes it.
      await cardOf(page, f.name)
        .getByRole('button', { name: `On shortlist — remove ${f.name}` })
        .waitFor();
    }
    await page.getByRole('heading', { name: 'Shortlist (2)' }).waitFor();
    const stored = await page.evaluate(() => sessionStorage.getItem('signpost:shortlist'));
    expect(JSON.parse(stored!)).toEqual(shortlisted.map((f) => ({ id: f.id, name: f.name })));

    await page.getByRole('button', { name: 'Copy summary' }).click();
    await page.getByText('Summary of 2 services copied.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split('\n').slice(1)).toEqual(
      shortlisted.map((f, i) => `${i + 1}. ${f.name} – ${app.baseUrl}/services/${f.id}`),
    );

    // Open a detail, then come back to the same results and shortlist.
    await cardOf(page, shortlisted[0]!.name).getByRole('link', { name: shortlisted[0]!.name }).click();
    await page.waitForURL(`**/services/${shortlisted[0]!.id}`);
    await page.getByRole('heading', { name: shortlisted[0]!.name }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await page.goBack();
    await status.getByText(`${accepting.length} services found`).waitFor();
    await page.getByRole('heading', { name: 'Shortlist (2)' }).waitFor();

    // Print view: a plain handout of the two services.
    await page.getByRole('link', { name: 'Print handout' }).click();
    await page.waitForURL(`**/find/print?ids=${shortlisted.map((f) => f.id).join(',')}`);
    for (const f of shortlisted) await page.getByRole('heading', { name: f.name, level: 2 }).waitFor();
    const handout = (await page.locator('.signpost-handout').textContent()) ?? '';
    expect(handout).toContain('Services that could help you');
    expect(handout).toContain(`${shortlisted[0]!.name} hall, 1 Test Street, Manchester, ${CENTRE.postcode}`);
    expect(handout).toContain('Tuesdays, 10:00 to 12:00');
    expect(handout).toContain('Phone: 0161 123 4567');
    expect(handout).toMatch(/Cost\s*Free/);
    await expect(page.getByRole('link', { name: /^Directions to / }).count()).resolves.toBe(2);
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Print' }).click();
    await expect(page.evaluate(() => (window as unknown as { printed: number }).printed)).resolves.toBe(1);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.nhsuk-header').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Print' }).isVisible()).resolves.toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await expectNoSeriousAxeViolations(page);

    expectNoPageProblems(problems);
  });

  it('when the postcode is not known, then the API’s reason shows on the field and in the error summary', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    await page.goto('/find');

    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Enter a postcode' }).waitFor();
    expect(page.url()).toBe(`${app.baseUrl}/find`);

    await searchFor(page, 'ZZ99 9ZZ');
    const summary = page.locator('.nhsuk-error-summary');
    const link = summary.getByRole('link', { name: /ZZ99 ?9ZZ/i });
    await link.waitFor();
    const message = await link.textContent();
    await expect(page.locator('#find-postcode-error').textContent()).resolves.toBe(`Error: ${message}`);
    await expect(page.getByLabel('Postcode', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    // The summary's link leads to the field, and typing there keeps the focus there.
    await link.click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('find-postcode');
    await page.keyboard.type(' ');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('find-postcode');
    await expectNoSeriousAxeViolations(page);

    // The only failures are the API's 400 for the unknown postcode (and Chromium's console line about it).
    expect(problems.failedResponses).toHaveLength(1);
    expect(problems.failedResponses[0]).toMatch(/^400 .*\/api\/services\/search\?postcode=ZZ99/);
    expect(problems.consoleErrors.every((e) => e.includes('status of 400'))).toBe(true);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
  });

  it('when the screen is phone-sized, then the list comes first, the map opens on request, and nothing overflows', async () => {
    const opening = await openPage(browser, app.baseUrl, { viewport: { width: 375, height: 740 } });
    opened.push(opening);
    const { page, problems } = opening;
    await page.goto('/find?postcode=M13%209PL&sort=distance');
    await page.locator('.signpost-find-count').getByText(`${FIXTURES.length} services found`).waitFor();

    // Nearest first: the order follows the distance the cards show.
    const distances = await page.locator('.signpost-find-result__distance strong').allTextContents();
    const kms = distances.flatMap((d) => {
      const m = /^([\d.]+) (m|km) away$/.exec(d);
      return m ? [Number(m[1]) / (m[2] === 'm' ? 1000 : 1)] : [];
    });
    expect(kms).toHaveLength(FIXTURES.filter((f) => f.offset).length);
    expect(kms).toEqual([...kms].sort((a, b) => a - b));
    await expect(page.locator('#find-sort').inputValue()).resolves.toBe('distance');

    const mapToggle = page.getByRole('button', { name: 'Show map' });
    await expect(mapToggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.locator('.leaflet-container').count()).resolves.toBe(0);
    const listTop = await page.locator('.signpost-find-results').boundingBox();
    const toggleTop = await mapToggle.boundingBox();
    expect(listTop!.y).toBeLessThan(toggleTop!.y);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousAxeViolations(page);

    await mapToggle.click();
    await page.getByRole('button', { name: 'Hide map' }).waitFor();
    await markerOf(page, 'Ardwick debt advice').waitFor();
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });

  it('when the map shows all of England, then it draws clusters with counts, and a cluster click zooms in', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    const firstMap = page.waitForResponse((r) => r.url().includes('/api/services/map?') && r.status() === 200);
    await page.goto('/find');
    const answer = (await (await firstMap).json()) as { mode: string; total: number };
    expect(answer).toMatchObject({ mode: 'clusters', total: CROWD.count + FIXTURES.filter((f) => f.offset).length });

    const clusters = page.locator('.signpost-cluster-marker');
    await clusters.first().waitFor();
    const labels = await clusters.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const counts = labels.map((l) => Number(/^(\d+) services?,/.exec(l)?.[1]));
    // Every located service is somewhere in England's clusters: the crowd and the fixtures with a place.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(CROWD.count + FIXTURES.filter((f) => f.offset).length);
    const biggest = clusters.nth(counts.indexOf(Math.max(...counts)));
    await expect(biggest.locator('.signpost-marker__letter').textContent()).resolves.toBe(String(Math.max(...counts)));
    await page.getByText('Number of services in an area: zoom in to see them').waitFor();
    await expectNoSeriousAxeViolations(page);

    // By keyboard, like a button: Enter on a focused cluster zooms in.
    const zoomed = page.waitForResponse((r) => /\/api\/services\/map\?.*zoom=8/.test(r.url()));
    await biggest.focus();
    await page.keyboard.press('Enter');
    await zoomed;
    expectNoPageProblems(problems);
  });

  it('when a search finds more than a page, then "Load more results" brings the rest in order, each once', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    await page.goto('/find?postcode=M13%209PL&radiusKm=50&sort=distance');
    await page.locator('.signpost-find-count').getByText('found within 50 km of M13 9PL, and more to load').waitFor();

    const cards = page.locator('article.signpost-find-result');
    const more = page.getByRole('button', { name: 'Load more results' });
    let isFirst = true;
    while ((await more.count()) > 0) {
      const before = await cards.count();
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('article.signpost-find-result').length > n, before);
      if (isFirst) {
        // Focus moves to the first new result, so keyboard users carry on from there.
        await page.waitForFunction(
          (n) => document.activeElement === document.querySelectorAll('article.signpost-find-result')[n],
          before,
        );
        isFirst = false;
      }
      await page.waitForFunction(() => !document.querySelector('button[disabled].nhsuk-button--secondary'));
    }
    expect(isFirst).toBe(false);

    const names = await resultNames(page);
    expect(names).toHaveLength(CROWD.count + FIXTURES.length);
    expect(new Set(names).size).toBe(names.length);
    const kms = (await page.locator('.signpost-find-result__distance strong').allTextContents()).flatMap((d) => {
      const m = /^([\d.]+) (m|km) away$/.exec(d);
      return m ? [Number(m[1]) / (m[2] === 'm' ? 1000 : 1)] : [];
    });
    expect(kms).toHaveLength(CROWD.count + FIXTURES.filter((f) => f.offset).length);
    expect(kms).toEqual([...kms].sort((a, b) => a - b));
    expectNoPageProblems(problems);
  });

  it('when a type of support is chosen, then only services in it or its children are listed, and the URL says so', async () => {
    const opening = await openPage(browser, app.baseUrl);
    opened.push(opening);
    const { page, problems } = opening;
    await page.goto('/find?postcode=M13%209PL');
    const status = page.locator('.signpost-find-count');
    await status.getByText(`${FIXTURES.length} services found`).waitFor();

    await page.getByText('Filters', { exact: true }).click();
    // "Advice" includes its children (debt advice among them).
    await page.getByLabel('Type of support').selectOption({ label: 'Advice' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/category=advice$/);
    const advice = FIXTURES.filter((f) => f.category === 'advice' || f.category.startsWith('advice.'));
    await status.getByText(`${advice.length === 1 ? '1 service' : `${advice.length} services`} found`).waitFor();
    expect((await resultNames(page)).sort()).toEqual(advice.map((f) => f.name).sort());
    await expect(page.getByText('Filters (1 set)').count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(problems);
  });
});
