/** The demo as a person meets it: loaded at the first start, one-click sign-in, seed:demo while running, demo:clear. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer as start, waitFor } from '../helpers/serverProcess';

const ROOT = path.resolve(__dirname, '..', '..');
const portOf = (out: string) => Number(/Signpost ready on http:\/\/localhost:(\d+)/.exec(out)?.[1]);

/** Runs an npm script's entry file as `npm run` would, with DATA_DIR. */
function runScript(file: string, dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, DEMO_PASSWORD: '' },
    encoding: 'utf8',
  });
}

describe('the demo at start', () => {
  jest.setTimeout(420_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-demo-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when an empty embedded database starts, then the demo is on with one-click sign-in; seed:demo while it runs says why not in one line; after demo:clear a restart stays empty', async () => {
    const first = start({ PORT: '0', DATA_DIR: dataDir, DEMO: 'auto' });
    await waitFor(() => /Signpost ready/.test(first.output()), 240_000, first.output);
    expect(first.output()).toMatch(/demo loaded/);
    const base = `http://127.0.0.1:${portOf(first.output())}`;
    expect(await (await fetch(`${base}/api/config`)).json()).toMatchObject({ demo: true });
    const demo = (await (await fetch(`${base}/api/demo`)).json()) as { on: boolean; accounts: { role: string }[] };
    expect(demo.on).toBe(true);
    expect(demo.accounts.map((a) => a.role).sort()).toEqual([
      'admin',
      'icb_commissioner',
      'link_worker',
      'vcse_editor',
    ]);
    const signIn = await fetch(`${base}/api/demo/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'link_worker' }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ user: { role: 'link_worker', pcnCode: 'U66368' } });
    const search = (await (
      await fetch(`${base}/api/services/search?lat=53.4249&lng=-2.3211&radiusKm=2&q=carers`)
    ).json()) as { total?: number };
    expect(JSON.stringify(search)).toContain('Trafford Carers Centre');

    // seed:demo while the server holds the embedded database: one line saying why, no stack trace.
    const seed = runScript('scripts/seed-demo.ts', dataDir);
    expect(seed.status).toBe(75);
    expect(seed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/cannot run while Signpost is running/)]);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const clear = runScript('scripts/demo-clear.ts', dataDir);
    expect(clear.stdout).toMatch(/Demo cleared: \d+ organisations and 6 accounts removed/);
    expect(clear.status).toBe(0);

    const second = start({ PORT: '0', DATA_DIR: dataDir, DEMO: 'auto' });
    await waitFor(() => /Signpost ready/.test(second.output()), 240_000, second.output);
    const base2 = `http://127.0.0.1:${portOf(second.output())}`;
    expect(await (await fetch(`${base2}/api/config`)).json()).toMatchObject({ demo: false });
    expect(await (await fetch(`${base2}/api/demo`)).json()).toEqual({ on: false, accounts: [] });
    expect(
      (
        await fetch(`${base2}/api/demo/sign-in`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"role":"admin"}',
        })
      ).status,
    ).toBe(404);
    expect(second.output()).not.toMatch(/demo loaded/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
