/**
 * Browser test of a real council feed after import (North Lincolnshire, December 2024: ORUK 1.0 / vendor shaped,
 * GUIDs that are not RFC 4122, HTML descriptions): a spread of the created services' pages open in Chromium with
 * their name, plain-text description (no markup or entities), opening times where the feed gave any (this feed gives
 * none), and where the record came from; no page errors, failed requests or serious axe violations.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../../server/db';
import { importOrukFeed } from '../../server/features/oruk';
import { seedGeography } from '../helpers/directory';
import { expectNoPageProblems, expectNoSeriousAxeViolations, launchBrowser, openPage } from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

// The real feed, read where the shared data sits (its licence does not allow bundling it: see data/README.md).
const FILE = '/work/shared/data/vcse/oruk_feed_north_lincolnshire_2024-12.json';
const SOURCE = 'oruk:oruk_feed_north_lincolnshire_2024-12.json';
/** Service pages opened: spread evenly over the created services in the feed's id order. */
const SAMPLE = 16;

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  assertClientBuilt();
  expect(fs.existsSync(FILE)).toBe(true);
  app = await startApp({ RATE_LIMIT_API_PER_MINUTE: '0' }, { setup: (t) => seedGeography(t.database.db) });
  const report = await importOrukFeed({ db: app.testApp.database.db, source: FILE, skipInvalid: true });
  expect(report.created).toBeGreaterThan(700);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('North Lincolnshire services in the browser', () => {
  it('when a spread of the imported services is opened, then each page shows its name, plain text, opening times and source', async () => {
    const all = await query<{ id: string; name: string; schedules: number; html: boolean }>(
      app.testApp.database.db,
      sql`select s.id, s.name, (select count(*)::int from schedules where service_id = s.id) as schedules,
            s.description ~ '<[a-z/]|&[a-z]+;' as html
          from services s where s.source = ${SOURCE} order by s.source_ref`,
    );
    // Nothing stored as markup, so no page can show it.
    expect(all.filter((s) => s.html)).toEqual([]);
    const step = Math.floor(all.length / SAMPLE);
    const sample = Array.from({ length: SAMPLE }, (_, k) => all[k * step]!);

    const o = await openPage(browser, app.baseUrl);
    try {
      for (const [k, s] of sample.entries()) {
        await o.page.goto(`/services/${s.id}`);
        await o.page.getByRole('heading', { level: 1, name: s.name.trim() }).waitFor();
        const main = await o.page.locator('main').innerText();
        expect([s.id, /<\/?[a-z][^>]*>|&(amp|nbsp|lt|gt|quot);/i.test(main)]).toEqual([s.id, false]);
        await expect(o.page.getByTestId('provenance').innerText()).resolves.toMatch(
          /^Source: oruk_feed_north_lincolnshire_2024-12\.json, last checked /,
        );
        if (s.schedules > 0) await o.page.getByRole('heading', { level: 2, name: 'Opening times' }).waitFor();
        if (k === 0) await expectNoSeriousAxeViolations(o.page);
      }
      expectNoPageProblems(o.problems);
    } finally {
      await o.close();
    }
  });
});
