/** The API reference page /api/docs in headless Chromium: renders under the strict CSP, lists every endpoint of /api/openapi.json, passes axe. */
import type { Browser } from 'playwright-core';
import {
  expectNoPageProblems,
  expectNoSeriousAxeViolations,
  launchBrowser,
  openPage,
  type OpenedPage,
} from './support/browser';
import { startApp, type RunningApp } from './support/server';

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let app: RunningApp;
let browser: Browser;
let opened: OpenedPage | undefined;

beforeAll(async () => {
  app = await startApp();
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

async function documentedOperations(): Promise<{ method: string; path: string; summary: string; isPublic: boolean }[]> {
  const res = await fetch(`${app.baseUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Json> };
  const ops: { method: string; path: string; summary: string; isPublic: boolean }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const security = (op.security as Json[] | undefined) ?? [];
      const isPublic = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
      ops.push({ method, path, summary: String(op.summary), isPublic });
    }
  }
  return ops;
}

describe('API reference page', () => {
  it('renders every documented endpoint with its method, path and summary, styled under the strict CSP', async () => {
    const ops = await documentedOperations();
    expect(ops.filter((o) => o.isPublic).length).toBeGreaterThan(30);
    opened = await openPage(browser, app.baseUrl);
    const { page } = opened;
    const response = await page.goto('/api/docs');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.locator('main h1').textContent()).resolves.toBe('Signpost API reference');

    const listed = await page.locator('section.app-operation').evaluateAll((sections) =>
      sections.map((s) => ({
        method: s.getAttribute('data-method'),
        path: s.getAttribute('data-path'),
        heading: s.querySelector('h3')?.textContent?.replace(/\s+/g, ' ').trim(),
        text: s.textContent ?? '',
      })),
    );
    // Every public endpoint (and every other one) appears once, headed "METHOD /path", with its summary.
    expect(listed.map((l) => `${l.method} ${l.path}`).sort()).toEqual(ops.map((o) => `${o.method} ${o.path}`).sort());
    for (const op of ops) {
      const section = listed.find((l) => l.method === op.method && l.path === op.path)!;
      expect(section.heading).toBe(`${op.method.toUpperCase()} ${op.path}`);
      expect(section.text).toContain(op.summary);
      expect(section.text).toContain(op.isPublic ? 'Access: public' : 'Access: signed-in session');
    }

    // Parameters and request bodies come from the zod schemas.
    const capacity = page.locator('section.app-operation[data-method="put"][data-path="/api/services/{id}/capacity"]');
    await expect(capacity.locator('table caption', { hasText: 'Parameters' }).count()).resolves.toBe(1);
    await expect(capacity.locator('th[scope="row"]', { hasText: 'If-Match' }).count()).resolves.toBe(1);
    await expect(capacity.locator('th[scope="row"]', { hasText: 'status' }).count()).resolves.toBe(1);

    // The same-origin stylesheet applied (a CSP refusal would leave the default transparent background).
    const background = await page
      .locator('section.app-operation')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(255, 255, 255)');
    expectNoPageProblems(opened.problems);
  });

  it('is keyboard usable and has no serious axe violations', async () => {
    opened = await openPage(browser, app.baseUrl);
    const { page } = opened;
    await page.goto('/api/docs');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
    await page.locator('nav a', { hasText: 'Capacity' }).click();
    expect(page.url()).toMatch(/#tag-capacity$/);
    await expectNoSeriousAxeViolations(page);
    expectNoPageProblems(opened.problems);
  }, 180_000); // axe checks a long page (every endpoint's tables) on a shared, busy machine
});
