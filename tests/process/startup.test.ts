/** The real entry point as a process: configuration errors, the data-directory lock, kill -9 and restart. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
// A failed assertion must not leave servers running.
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function start(env: Record<string, string>): Started {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', REFERENCE_DATA: 'skip', HOST: '127.0.0.1', ...env },
  });
  children.push(child);
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(predicate: () => boolean, ms: number, output: () => string = () => ''): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out; process output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
