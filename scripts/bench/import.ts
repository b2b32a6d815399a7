/**
 * npm run bench:import [-- --engine pglite|postgres] [-- --rows 10000] [-- --services 5000]: imports a synthetic
 * spreadsheet (CSV, 10,000 rows) and a synthetic ORUK file (5,000 services) as background jobs through the real API
 * (POST → 202 → the in-process worker), and meanwhile GETs /healthz every 100 ms from a child process (a sampler in the
 * server's own process would be paused by the same blocked event loop it is meant to measure). Prints one JSON line:
 * seconds and rows/s per phase (from the worker's progress reports) and /healthz p50/p95/max per import.
 * Embedded: a fresh database in a temporary folder, removed afterwards; PostgreSQL: DATABASE_URL, bench rows removed
 * afterwards. Reference data is not loaded: the bench inserts the synthetic postcodes its rows use.
 * Targets (2 cores): 10,000 rows ≤ 30 s on PostgreSQL, ≤ 60 s embedded; /healthz p95 ≤ 50 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { inArray, like, sql } from 'drizzle-orm';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { bulkInsert, openDatabase, schema, type Database } from '../../server/db';
import { createApp } from '../../server/app';
import { createSession, CSRF_HEADER, SESSION_COOKIE } from '../../server/features/accounts';
import { createJobWorker, type JobProgress } from '../../server/features/jobs';
import { importJobHandlers } from '../../server/features/imports';
import { engineArg, machine, percentile, r2, timedGet } from './support';

const TARGET_SECONDS = { postgres: 30, pglite: 60 } as const;
const TARGET_HEALTHZ_P95_MS = 50;
const SAMPLE_EVERY_MS = 100;
const TAG = 'bench-import';

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
}

// ---- the /healthz sampler (child process) ----
if (process.argv.includes('--sampler')) {
  process.send!({ ready: true });
  const samples: number[] = [];
  let url = '';
  let timer: NodeJS.Timeout | undefined;
  process.on('message', (m: { url?: string; stop?: boolean }) => {
    if (m.url) {
      url = m.url;
      samples.length = 0;
      timer = setInterval(() => {
        timedGet(`${url}/healthz`).then(
          (r) => samples.push(r.ms),
          () => samples.push(Infinity),
        );
      }, SAMPLE_EVERY_MS);
    }
    if (m.stop) {
      clearInterval(timer);
      process.send!({ samples });
    }
  });
} else {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
    process.exit(1);
  });
}

async function startSampler(url: string): Promise<{ stop(): Promise<number[]> }> {
  const child: ChildProcess = fork(__filename, ['--sampler'], { execArgv: ['--import', 'tsx'] });
  await new Promise((resolve) => child.once('message', resolve));
  child.send({ url });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          child.kill();
          resolve((m as { samples: number[] }).samples);
        });
        child.send({ stop: true });
      }),
  };
}

/** Synthetic postcodes the rows use (inserted into the postcodes table). */
const postcodeOf = (i: number) =>
  `ZZ${10 + (i % 80)} ${i % 10}${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i >> 3) % 26))}`;

function syntheticCsv(rows: number): string {
  const lines = ['Name,Service,About,Postcode,Phone,Email,Web,Codes,Ref,Opening'];
  const codes = ['food', 'advice', 'physical_activity', 'mental_wellbeing', 'nature_and_green_space'];
  for (let i = 0; i < rows; i++)
    lines.push(
      [
        `Bench Organisation ${i}`,
        `Bench service ${i}`,
        `"A synthetic service, number ${i}, for the import benchmark"`,
        postcodeOf(i),
        '0161 123 4567',
        `info${i}@bench.example`,
        `https://bench${i}.example`,
        codes[i % codes.length],
        `${TAG}-${i}`,
        'Mondays 10am to 2pm',
      ].join(','),
    );
  return lines.join('\n');
}
const CSV_MAP =
  'Name=organization_name,Service=service_name,About=description,Postcode=postcode,Phone=phone,Email=email,Web=website,Codes=taxonomy,Ref=ref,Opening=opening_times';

const uuidOf = (kind: number, i: number) => `b3e70000-0000-4000-8${kind}00-${i.toString(16).padStart(12, '0')}`;

function syntheticOruk(services: number): string {
  const contents = [];
  for (let i = 0; i < services; i++)
    contents.push({
      id: uuidOf(1, i),
      name: `Bench ORUK service ${i}`,
      description: `A synthetic ORUK service ${i}`,
      status: 'active',
      url: `https://oruk${i}.example`,
      email: `oruk${i}@bench.example`,
      organization: {
        id: uuidOf(2, Math.floor(i / 2)),
        name: `Bench ORUK organisation ${Math.floor(i / 2)}`,
        description: 'Bench',
      },
      service_at_locations: [
        {
          id: uuidOf(3, i),
          location: {
            id: uuidOf(4, i),
            location_type: 'physical',
            latitude: 53.4 + (i % 100) / 1000,
            longitude: -2.3 + (i % 100) / 1000,
            addresses: [
              {
                id: uuidOf(5, i),
                address_1: `${i} Bench Street`,
                city: 'Manchester',
                state_province: '',
                postal_code: postcodeOf(i),
                country: 'GB',
                address_type: 'physical',
              },
            ],
          },
        },
      ],
    });
  return JSON.stringify({ total_items: services, total_pages: 1, page_number: 1, size: services, contents });
}

async function main() {
  const engine = engineArg();
  const rows = numberArg('--rows', 10_000);
  const services = numberArg('--services', 5_000);
  const dataDir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-bench-import-')) : undefined;
  if (engine === 'postgres' && !process.env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
  const database: Database = await openDatabase(
    engine === 'postgres' ? { databaseUrl: process.env.DATABASE_URL } : { dataDir },
  );
  const db = database.db;
  await database.migrate();
  const keys = [...new Set(Array.from({ length: Math.max(rows, services) }, (_, i) => postcodeOf(i)))];
  await bulkInsert(db, {
    table: 'postcodes',
    columns: [
      { name: 'key', type: 'text' },
      { name: 'postcode', type: 'text' },
      { name: 'lat', type: 'float8' },
      { name: 'lng', type: 'float8' },
    ],
    rows: keys.map((p, i) => [p.replace(' ', ''), p, 53.4 + (i % 100) / 1000, -2.3 + (i % 100) / 1000]),
    onConflict: 'on conflict do nothing',
  });
  const [user] = await db
    .insert(schema.users)
    .values({ email: `${TAG}-${Date.now()}@bench.invalid`, name: 'Bench admin', role: 'admin', passwordHash: 'x' })
    .returning({ id: schema.users.id });
  const { token, csrfToken } = await createSession(db, user!.id);
  const headers = { Cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: csrfToken };

  // Phase timings from the worker's progress reports.
  let phases: { phase: string; at: number; done: number; total: number }[] = [];
  const worker = createJobWorker({
    database,
    handlers: importJobHandlers(),
    logger: createLogger('silent'),
    onProgress: (_id, p: JobProgress) => {
      const last = phases[phases.length - 1];
      if (!last || last.phase !== p.phase)
        phases.push({ phase: p.phase, at: performance.now(), done: p.done, total: p.total });
      else Object.assign(last, { done: p.done, total: p.total });
    },
  });
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(32),
    LOG_LEVEL: 'silent',
    REFERENCE_DATA: 'skip',
    RATE_LIMIT_API_PER_MINUTE: '0',
  });
  const app = createApp({ config, logger: createLogger('silent'), database, jobs: worker });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const runImport = async (pathName: string, type: string, body: string, count: number) => {
    phases = [];
    const sampler = await startSampler(url);
    await new Promise((r) => setTimeout(r, 300)); // the sampler's first requests, before the import starts
    const started = performance.now();
    const res = await fetch(`${url}${pathName}`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': type },
      body,
    });
    if (res.status !== 202) throw new Error(`${pathName} answered ${res.status}: ${await res.text()}`);
    const { job } = (await res.json()) as { job: { id: string } };
    let status = 'queued';
    let error: string | null = null;
    let summary: unknown;
    while (status === 'queued' || status === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      const got = (await (await fetch(`${url}/api/admin/jobs/${job.id}`, { headers })).json()) as {
        job: { status: string; error: string | null; summary: unknown };
      };
      ({ status, error, summary } = got.job);
    }
    const ended = performance.now();
    const samples = await sampler.stop();
    const seconds = (ended - started) / 1000;
    const phaseStats = Object.fromEntries(
      phases.map((p, i) => {
        const s = ((phases[i + 1]?.at ?? ended) - p.at) / 1000;
        return [p.phase, { seconds: r2(s), rowsPerSec: p.phase === 'read' ? null : Math.round(count / s) }];
      }),
    );
    return {
      status,
      error,
      summary,
      rows: count,
      seconds: r2(seconds),
      rowsPerSec: Math.round(count / seconds),
      phases: phaseStats,
      healthz: {
        samples: samples.length,
        p50Ms: r2(percentile(samples, 50)),
        p95Ms: r2(percentile(samples, 95)),
        maxMs: r2(Math.max(...samples)),
      },
    };
  };

  try {
    const csv = await runImport(
      `/api/admin/imports/services?map=${encodeURIComponent(CSV_MAP)}&file=bench.csv`,
      'text/csv',
      syntheticCsv(rows),
      rows,
    );
    const oruk = await runImport(
      '/api/admin/imports/oruk?file=bench.json',
      'application/json',
      syntheticOruk(services),
      services,
    );
    const target = TARGET_SECONDS[engine];
    process.stdout.write(
      JSON.stringify({
        bench: 'import',
        engine,
        csv: {
          ...csv,
          targetSeconds: target,
          meetsTarget: csv.status === 'succeeded' && csv.seconds <= (target * rows) / 10_000,
        },
        oruk,
        healthzTargetP95Ms: TARGET_HEALTHZ_P95_MS,
        healthzMeetsTarget: csv.healthz.p95Ms <= TARGET_HEALTHZ_P95_MS && oruk.healthz.p95Ms <= TARGET_HEALTHZ_P95_MS,
        loadAvg: os.loadavg().map(r2),
        machine: machine(),
      }) + '\n',
    );
  } finally {
    await new Promise((r) => server.close(() => r(undefined)));
    await worker.stop(0);
    if (engine === 'postgres') {
      // Leave no bench rows behind (services, locations, links and schedules cascade from organisations).
      await db.delete(schema.organizations).where(like(schema.organizations.name, 'Bench %'));
      await db.delete(schema.jobs).where(inArray(schema.jobs.createdBy, [user!.id]));
      await db.delete(schema.users).where(inArray(schema.users.id, [user!.id]));
      await db.execute(sql`delete from postcodes where key like 'ZZ%'`);
    }
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
