/** The real entry point as a process: configuration errors, the data-directory lock, kill -9 and restart. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer as start, waitFor } from '../helpers/serverProcess';

const portOf = (out: string) => Number(/Signpost ready on http:\/\/localhost:(\d+)/.exec(out)?.[1]);

describe('server process', () => {
  // Generous: start-up speed is measured by benchmarks, not asserted here, and CI machines are shared.
  jest.setTimeout(420_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-start-'));

  it('when PORT is not a number, then it exits non-zero naming PORT', async () => {
    const p = start({ PORT: 'abc', DATA_DIR: dataDir });
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toMatch(/PORT: must be a whole number/);
  });

  it('when a second process opens the same DATA_DIR, then it exits non-zero; after kill -9 of the first, a restart keeps the data', async () => {
    const first = start({ PORT: '0', DATA_DIR: dataDir });
    await waitFor(() => /Signpost ready/.test(first.output()), 180_000, first.output);
    const port = portOf(first.output());
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const second = start({ PORT: '0', DATA_DIR: dataDir });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/in use by another Signpost process/);
    // The first keeps serving.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;

    const third = start({ PORT: '0', DATA_DIR: dataDir });
    await waitFor(() => /Signpost ready/.test(third.output()), 180_000, third.output);
    const res = await fetch(`http://127.0.0.1:${portOf(third.output())}/readyz`);
    expect(await res.json()).toMatchObject({ status: 'ready', engine: 'pglite' });

    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(third.output()).toMatch(/database closed/);
    expect(fs.existsSync(path.join(dataDir, 'signpost.lock'))).toBe(false);
  });
});
