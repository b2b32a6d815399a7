/**
 * A first start in the browser: while the server loads England's reference data, every page shows the load's
 * progress ("Loading England's reference data — N %") instead of waiting on a hung request, and the page itself
 * once the load is done.
 */
import type { Browser } from 'playwright-core';
import type { StartupStatus } from '../../server/app';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { assertClientBuilt, startApp, type RunningApp } from './support/server';

const startupStatus: StartupStatus = {
  state: 'loading_reference_data',
  step: 'postcodes',
  percent: 37,
  stepPercent: 20,
};
let app: RunningApp;
let browser: Browser;
let opened: OpenedPage | undefined;

beforeAll(async () => {
  assertClientBuilt();
  app = await startApp({}, { deps: { startupStatus } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await opened?.close();
  await browser?.close();
  await app?.close();
});

describe('a first start in the browser', () => {
  it('when the reference data is loading, then the page shows its rising percentage, then the page itself once ready', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page, problems } = opened;
    await page.goto('/find');
    const status = page.getByRole('status');
    await status.filter({ hasText: "Loading England's reference data — 37 %" }).waitFor();
    await expect(page.locator('main h1').textContent()).resolves.toBe('Signpost is getting ready');
    await expect(page.locator('progress#reference-load-progress').getAttribute('value')).resolves.toBe('37');
    await expect(page.title()).resolves.toMatch(/^Loading reference data/);
    await expect(status.textContent()).resolves.toContain('postcodes');
    await expectNoSeriousAxeViolations(page);

    Object.assign(startupStatus, { percent: 81, step: 'catchments' });
    await status.filter({ hasText: '81 %' }).waitFor();
    await expect(status.textContent()).resolves.toContain('PCN catchments');

    Object.assign(startupStatus, { state: 'ready', step: undefined, percent: undefined, stepPercent: undefined });
    await page.locator('#reference-load-progress').waitFor({ state: 'detached' });
    await expect(page.locator('main h1').textContent()).resolves.not.toBe('Signpost is getting ready');
    await expect(page.title()).resolves.not.toMatch(/^Loading reference data/);
    expectNoPageProblems(problems);
  });
});
