/** Shared pieces of the benchmark scripts: open a benchmark database with reference data, serve the app, time requests. */
import { fork } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openDatabase, type Database } from '../../server/db';
import { createApp } from '../../server/app';
import { importReferenceData } from '../../server/features/areas';

/** Parsed `--engine pglite|postgres` (postgres needs DATABASE_URL). */
export function engineArg(): 'pglite' | 'postgres' {
  const i = process.argv.indexOf('--engine');
  const value = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--engine='))?.split('=')[1];
  if (value && value !== 'pglite' && value !== 'postgres') throw new Error('--engine must be pglite or postgres');
  return (value as 'pglite' | 'postgres') ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
}

/** Opens the benchmark database (./.data/bench-pglite or DATABASE_URL) and loads reference data if missing. */
export async function openBenchDatabase(engine: 'pglite' | 'postgres'): Promise<Database> {
  if (engine === 'postgres' && !process.env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
  const database = await openDatabase(
    engine === 'postgres'
      ? { databaseUrl: process.env.DATABASE_URL }
      : { dataDir: process.env.BENCH_DATA_DIR ?? './.data/bench-pglite' },
  );
  await database.migrate();
  const results = await importReferenceData({ db: database.db });
  if (results.some((r) => r.status === 'imported')) process.stderr.write('bench: reference data loaded\n');
  return database;
}

/** Serves the real app on a free loopback port; `env` overrides its configuration. */
export async function serve(
  database: Database,
  env: Record<string, string> = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(32),
    LOG_LEVEL: 'silent',
    REFERENCE_DATA: 'skip',
    // Benchmarks hammer the API from one address: measure the app, not the rate limiter.
    RATE_LIMIT_API_PER_MINUTE: '0',
    ...env,
  });
  const app = createApp({ config, logger: createLogger('silent'), database });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** GETs a URL over a keep-alive connection; resolves with status, bytes and milliseconds. */
export function timedGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
      })
      .on('error', reject);
  });
}

/** Percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Rounds to 2 decimals for printing. */
export const r2 = (v: number) => Math.round(v * 100) / 100;

/** The machine the figures were measured on. */
export const machine = () => ({
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
});

/** What the load generator reports. */
export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p97_5Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * GETs `paths` in turn from `connections` keep-alive connections for `duration` seconds, with autocannon in a child
 * process (cannon.ts): a load generator inside the server's own process would take event-loop time from it.
 */
export function loadInChild(opts: {
  url: string;
  paths: string[];
  connections: number;
  duration: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'cannon.ts'), [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(opts);
  });
}
