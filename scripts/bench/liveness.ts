/**
 * npm run bench:liveness [-- --engine pglite|postgres]: the first start as a new user gets it, and whether the server
 * stays responsive while its database works. Starts the real server (`server/index.ts`) on a fresh embedded DATA_DIR
 * (or DATABASE_URL with --engine postgres), polls /healthz every 100 ms and /readyz every second through the
 * reference-data load, then through five cold all-England gap analyses. Prints one JSON line: seconds to "serving"
 * and to ready, the /readyz percentages seen, and /healthz p50/p99/max in each phase. Targets (issue 13): ready
 * ≤ 60 s after serving on a quiet 2-core machine; /healthz p99 ≤ 100 ms in both phases.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineArg, machine, percentile, r2, timedGet } from './support';

const ROOT = path.resolve(__dirname, '..', '..');

function summary(latencies: number[]) {
  return {
    n: latencies.length,
    p50Ms: r2(percentile(latencies, 50)),
    p99Ms: r2(percentile(latencies, 99)),
    maxMs: r2(Math.max(...latencies)),
  };
}

/** Polls GET url every `everyMs` (or straight after a slower answer) until stopped; returns each answer's ms. */
function poller(url: string, everyMs: number) {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      try {
        latencies.push((await timedGet(url)).ms);
      } catch {
        latencies.push(performance.now() - started);
      }
      const wait = everyMs - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    latencies,
    async stop() {
      running = false;
      await done;
    },
  };
}

async function main() {
  const engine = engineArg();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-liveness-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_OPTIONS: '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
  };
  if (engine === 'pglite') delete env.DATABASE_URL;
  else if (!env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.on('exit', r));
  try {
    let port = 0;
    while (!port) {
      const match = /Signpost (?:serving|ready) on http:\/\/localhost:(\d+)/.exec(output);
      if (match) port = Number(match[1]);
      else if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
    const servingSeconds = (performance.now() - started) / 1000;
    const url = `http://127.0.0.1:${port}`;

    // Phase 1: the reference-data load (and the demo, if it loads), until /readyz says ready.
    const health = poller(`${url}/healthz`, 100);
    const percents: number[] = [];
    const steps: string[] = [];
    for (;;) {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
      const body = (await res.json()) as { startup?: { state: string; step?: string; percent?: number } };
      if (body.startup?.state === 'failed') throw new Error(`the load failed:\n${output}`);
      if (body.startup?.percent !== undefined && percents.at(-1) !== body.startup.percent)
        percents.push(body.startup.percent);
      if (body.startup?.step && steps.at(-1) !== body.startup.step) steps.push(body.startup.step);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const readyAfterServingSeconds = (performance.now() - started) / 1000 - servingSeconds;
    await health.stop();
    const loadSeconds = Number(/reference data loaded in ([\d.]+) s/.exec(output)?.[1] ?? NaN);

    // Phase 2: cold all-England gap analyses (each reach is a separate cache entry).
    const busy = poller(`${url}/healthz`, 100);
    const gapMs: number[] = [];
    for (const reachKm of [5, 6, 7, 8, 9]) {
      const res = await timedGet(`${url}/api/gaps/pcns?reachKm=${reachKm}`);
      if (res.status !== 200) throw new Error(`gap analysis answered ${res.status}`);
      gapMs.push(r2(res.ms));
    }
    await busy.stop();

    process.stdout.write(
      `${JSON.stringify({
        bench: 'liveness',
        engine,
        servingSeconds: r2(servingSeconds),
        readyAfterServingSeconds: r2(readyAfterServingSeconds),
        referenceLoadSeconds: loadSeconds,
        readyzPercents: percents,
        steps,
        loadHealthz: summary(health.latencies),
        gapAnalysisMs: gapMs,
        gapHealthz: summary(busy.latencies),
        machine: { ...machine(), loadavg: os.loadavg().map(r2) },
      })}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
