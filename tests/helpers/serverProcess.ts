/** Runs the real entry point (server/index.ts) as a child process for process tests; kills leftovers after the file. */
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..', '..');

/** A started server process. */
export interface Started {
  /** The child process. */
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves with its exit code. */
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
// A failed assertion must not leave servers running.
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Starts `node --import tsx server/index.ts` with `env` over the defaults (info logs, no reference data, loopback). */
export function startServer(env: Record<string, string>): Started {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    // DEMO=off: a process test gets the demo only when it asks for it (DEMO=auto).
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'info',
      REFERENCE_DATA: 'skip',
      HOST: '127.0.0.1',
      DEMO: 'off',
      ...env,
    },
  });
  children.push(child);
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls `predicate` every `everyMs` until it holds; throws with the process output after `ms`. */
export async function waitFor(
  predicate: () => boolean,
  ms: number,
  output: () => string,
  everyMs = 100,
): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out; process output:\n${output()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
