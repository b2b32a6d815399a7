/** Browser tests of the admin tools: the taxonomy editor (add, rename, delete, delete refused) and the CSV import of services. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query, schema } from '../../server/db';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { createOrganization, createService } from '../helpers/directory';
import { expectNoSeriousAxeViolations, launchBrowser, openPage, type OpenedPage } from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

let app: RunningApp;
let browser: Browser;
const opened: OpenedPage[] = [];
let admin: { email: string };
let tempDir: string;

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp();
  admin = await createUser(app.testApp.database.db, { role: 'admin', name: 'Alex Admin' });
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-e2e-imports-'));
  browser = await launchBrowser();
});

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

/** Signs the admin in and opens `pathname`. */
async function openAsAdmin(pathname: string): Promise<OpenedPage> {
  const opened_ = await openPage(browser, app.baseUrl);
  opened.push(opened_);
  const { page } = opened_;
  await page.goto(`/sign-in?next=${encodeURIComponent(pathname)}`);
  await signIn(page, admin.email);
  await page.waitForURL(`**${pathname}`);
  await page.locator('main h1').waitFor();
  return opened_;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('Admin tools in the browser', () => {
  it('when an admin adds a taxonomy term, then it is listed and stored', async () => {
    const { page, problems } = await openAsAdmin('/admin/taxonomy');
    await page.getByRole('cell', { name: 'food', exact: true }).waitFor();
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Code').fill('advice.pensions');
    await page.getByLabel('Name', { exact: true }).fill('Pension advice');
    await page.getByLabel('Description (optional)').fill('Help to understand and claim a pension');
    await page.getByRole('button', { name: 'Add term' }).click();

    await page.getByRole('status').getByText('Added Pension advice (advice.pensions).').waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'advice.pensions', exact: true }) });
    await expect(row.textContent()).resolves.toContain('Pension advice');
    await expectNoSeriousAxeViolations(page);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedResponses: [], unexpectedRequests: [] });

    const stored = await query<{ name: string; description: string }>(
      app.testApp.database.db,
      sql`select name, description from taxonomy_terms where code = 'advice.pensions'`,
    );
    expect(stored).toEqual([{ name: 'Pension advice', description: 'Help to understand and claim a pension' }]);
  });

  it('when an admin renames a term, deletes an unused one and tries to delete one in use, then the page and database agree', async () => {
    const db = app.testApp.database.db;
    // Idempotent set-up, so a retried attempt starts from the same state.
    await db.execute(
      sql`delete from service_taxonomy where taxonomy_term_id in (select id from taxonomy_terms where code in ('crafts_old', 'knitting'))`,
    );
    await db.execute(sql`delete from taxonomy_terms where code in ('crafts_old', 'knitting')`);
    const [unused] = await db
      .insert(schema.taxonomyTerms)
      .values({ code: 'crafts_old', name: 'Old crafts' })
      .returning();
    const [used] = await db
      .insert(schema.taxonomyTerms)
      .values({ code: 'knitting', name: 'Knitting circles' })
      .returning();
    const org = await createOrganization(db, { name: 'Sale Wool Collective' });
    const service = await createService(db, org.id, { name: 'Knit and natter' });
    await db.insert(schema.serviceTaxonomy).values({ serviceId: service.id, taxonomyTermId: used!.id });
    const termRow = (code: string) =>
      page.getByRole('row').filter({ has: page.getByRole('cell', { name: code, exact: true }) });
    const stored = async (id: string) =>
      query<{ name: string; description: string }>(
        db,
        sql`select name, description from taxonomy_terms where id = ${id}`,
      );

    const { page, problems } = await openAsAdmin('/admin/taxonomy');
    await termRow('knitting').waitFor();

    // Rename
    await page.getByRole('button', { name: 'Edit knitting', exact: true }).click();
    await page.getByLabel('Name of knitting').fill('Knitting and crochet circles');
    await page.getByLabel('Description of knitting').fill('Make things together');
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('button', { name: 'Save knitting', exact: true }).click();
    await page.getByRole('status').getByText('Saved Knitting and crochet circles (knitting).').waitFor();
    // The table re-reads the terms after a save; wait for the new name rather than reading it at once.
    await termRow('knitting').filter({ hasText: 'Knitting and crochet circles' }).waitFor();
    await expect(stored(used!.id)).resolves.toEqual([
      { name: 'Knitting and crochet circles', description: 'Make things together' },
    ]);

    // Delete refused: a service uses the term
    await page.getByRole('button', { name: 'Delete knitting', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete knitting', exact: true }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    const refusal = (await summary.textContent()) ?? '';
    expect(refusal).toContain('Knitting and crochet circles (knitting) was not deleted because it is in use.');
    expect(refusal).toContain('in use by 1 service(s)');
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toContain('nhsuk-error-summary');
    await expect(page.getByRole('status').textContent()).resolves.toBe('');
    await expectNoSeriousAxeViolations(page);
    await summary.getByRole('link').click();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Delete knitting');
    await expect(stored(used!.id)).resolves.toHaveLength(1);

    // Delete
    await page.getByRole('button', { name: 'Delete crafts_old', exact: true }).click();
    await page.getByRole('button', { name: 'Keep crafts_old', exact: true }).click();
    await expect(stored(unused!.id)).resolves.toHaveLength(1);
    await page.getByRole('button', { name: 'Delete crafts_old', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete crafts_old', exact: true }).click();
    await page.getByRole('status').getByText('Deleted Old crafts (crafts_old).').waitFor();
    await termRow('crafts_old').waitFor({ state: 'detached' });
    await expect(summary.count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);
    await expect(stored(unused!.id)).resolves.toEqual([]);

    expect(problems.failedResponses).toEqual([`409 ${app.baseUrl}/api/admin/taxonomy/${used!.id}`]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('409'))).toBe(true);
  });

  it('when an admin uploads a CSV with a bad row and does not skip bad rows, then nothing is imported and the row is listed', async () => {
    const csvPath = path.join(tempDir, 'food-banks.csv');
    fs.writeFileSync(
      csvPath,
      [
        'Name,Referral method,Opening times,Address,Postcode,Contact,Website,Area name,Area code,lng,lat',
        'Hulme Community Pantry,Self referral,Tuesdays 10am,1 High St,,,,Manchester,E08000003,-2.25,53.47',
        'Nowhere Food Bank,,,,,,,,,,',
      ].join('\n'),
    );
    const countOrgs = async () =>
      (await query<{ n: number }>(app.testApp.database.db, sql`select count(*)::int as n from organizations`))[0]!.n;
    const before = await countOrgs();

    const { page, problems } = await openAsAdmin('/admin/imports');
    await expectNoSeriousAxeViolations(page);
    await page.getByLabel('CSV file').setInputFiles(csvPath);
    await page.getByLabel('Kind of file').selectOption('gm-food-banks');
    await page.getByRole('button', { name: 'Upload' }).click();

    await page.getByRole('status').getByText('Nothing was imported').waitFor();
    const table = page.getByRole('table', { name: 'Rejected rows' });
    await table.waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[2]).not.toBe('');
    await expect(table.locator('tbody td:first-child').allTextContents()).resolves.not.toContain('2');
    await expectNoSeriousAxeViolations(page);

    // The import is a job: 202, then the job is polled until it has failed with its report.
    expect(problems.failedResponses).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.unexpectedRequests).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    await expect(countOrgs()).resolves.toBe(before);
    const past = page.getByRole('table', { name: 'Past imports' });
    await past.getByText('Not imported').first().waitFor();
    await expect(
      past
        .getByRole('link', { name: /Download problems of food-banks.csv/ })
        .first()
        .getAttribute('href'),
    ).resolves.toMatch(/^\/api\/admin\/jobs\/[0-9a-f-]{36}\/problems\.csv$/);
  });

  it('when an admin imports a good CSV, then a live progress bar shows, then the report, and the import is listed', async () => {
    const csvPath = path.join(tempDir, 'pantries.csv');
    fs.writeFileSync(
      csvPath,
      [
        'Name,Referral method,Opening times,Address,Postcode,Contact,Website,Area name,Area code,lng,lat',
        'Moss Side Pantry,Self referral,Tuesdays 10am,2 High St,,,,Manchester,E08000003,-2.24,53.46',
        'Rusholme Pantry,Self referral,Fridays 1pm,3 High St,,,,Manchester,E08000003,-2.22,53.45',
      ].join('\n'),
    );
    const { page, problems } = await openAsAdmin('/admin/imports');
    // Record whether the progress bar was ever shown (the job may finish between two polls).
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('progress[id^="job-progress-"]')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('CSV file').setInputFiles(csvPath);
    await page.getByLabel('Kind of file').selectOption('gm-food-banks');
    await page.getByRole('button', { name: 'Upload' }).click();

    await page.getByRole('status').getByText('Imported pantries.csv.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    const report = page.locator('dl.nhsuk-summary-list');
    await expect(report.textContent()).resolves.toContain('Created2');
    const past = page.getByRole('table', { name: 'Past imports' });
    const row = past.locator('tbody tr').filter({ hasText: 'pantries.csv' });
    await row.getByText('Imported').waitFor();
    await expectNoSeriousAxeViolations(page);
    expect(problems.failedResponses).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    const [{ n } = { n: 0 }] = await query<{ n: number }>(
      app.testApp.database.db,
      sql`select count(*)::int as n from organizations where name in ('Moss Side Pantry', 'Rusholme Pantry') and status = 'approved'`,
    );
    expect(n).toBe(2);
  });
});
