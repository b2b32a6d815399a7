/**
 * npm run bench:capacity [-- --engine pglite|postgres] [-- --n 1000]: latency of N sequential capacity updates by one
 * editor, each with the current ETag, timed twice in the same run: the domain call in-process (database and rules)
 * and PUT /api/services/:id/capacity over HTTP on loopback (plus session, CSRF, validation, JSON). Baseline: GET
 * /healthz. Prints one JSON line. Target: HTTP p95 < 30 ms. Bench rows are removed afterwards.
 */
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../server/db';
import { createSession, CSRF_HEADER, SESSION_COOKIE, type Actor } from '../../server/features/accounts';
import { setCapacity } from '../../server/features/directory';
import { CAPACITY_STATUSES } from '../../shared/capacity';
import { engineArg, machine, openBenchDatabase, percentile, r2, serve, timedGet } from './support';

const TARGET_P95_MS = 30;
const WARM_UP = 50;

function countArg(): number {
  const i = process.argv.indexOf('--n');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 1000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive whole number');
  return n;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request with a JSON body over the keep-alive agent; resolves with status, headers and milliseconds. */
function timedJson(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; etag: string | undefined; ms: number }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            etag: res.headers.etag,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates the bench organisation, service and editor (a fresh set every run). */
async function arrange(db: Db) {
  const tag = `bench-capacity-${Date.now()}`;
  const [org] = await db
    .insert(schema.organizations)
    .values({ name: 'Bench organisation', status: 'approved', source: 'bench', sourceRef: tag })
    .returning();
  const [service] = await db
    .insert(schema.services)
    .values({ organizationId: org!.id, name: 'Bench service' })
    .returning();
  const [user] = await db
    .insert(schema.users)
    .values({ email: `${tag}@bench.invalid`, name: 'Bench editor', role: 'vcse_editor', passwordHash: 'x' })
    .returning({ id: schema.users.id });
  await db.insert(schema.memberships).values({ userId: user!.id, organizationId: org!.id });
  const actor: Actor = {
    userId: user!.id,
    role: 'vcse_editor',
    organizationIds: [org!.id],
    pcnCode: null,
    icbCode: null,
  };
  return { orgId: org!.id, serviceId: service!.id, userId: user!.id, actor };
}

const bodyFor = (i: number) => ({
  status: CAPACITY_STATUSES[i % CAPACITY_STATUSES.length]!,
  places: i % 20,
  waitDays: i % 30,
  waitlistBand: null,
  sessionPlaces: null,
  note: `bench update ${i}`,
});

async function main() {
  const engine = engineArg();
  const n = countArg();
  const database = await openBenchDatabase(engine);
  const db = database.db;
  const server = await serve(database);
  const bench = await arrange(db);
  try {
    // In-process: the domain call alone (rules, row lock, update, history, audit).
    let etag = `"1"`;
    const inProcess: number[] = [];
    for (let i = 0; i < WARM_UP + n; i++) {
      const started = process.hrtime.bigint();
      const r = await setCapacity({
        db,
        actor: bench.actor,
        staleDays: 14,
        id: bench.serviceId,
        ifMatch: etag,
        body: bodyFor(i),
      });
      if (i >= WARM_UP) inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
      etag = r.etag;
    }

    // Over HTTP on loopback: the same update through the whole app.
    const { token, csrfToken } = await createSession(db, bench.userId);
    const headers = { Cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: csrfToken };
    const url = `${server.url}/api/services/${bench.serviceId}/capacity`;
    const overHttp: number[] = [];
    for (let i = 0; i < WARM_UP + n; i++) {
      const r = await timedJson(url, 'PUT', { ...headers, 'If-Match': etag }, bodyFor(i));
      if (r.status !== 200 || !r.etag) throw new Error(`PUT capacity answered ${r.status}`);
      if (i >= WARM_UP) overHttp.push(r.ms);
      etag = r.etag;
    }

    // Baseline in the same run (the machine is shared and noisy): a trivial endpoint.
    const healthz: number[] = [];
    for (let i = 0; i < WARM_UP + n; i++) {
      const r = await timedGet(`${server.url}/healthz`);
      if (i >= WARM_UP) healthz.push(r.ms);
    }
    const [history] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from capacity_history where service_id = ${bench.serviceId}`,
    );
    const p95 = percentile(overHttp, 95);
    process.stdout.write(
      JSON.stringify({
        bench: 'capacity',
        engine,
        n,
        inProcess: { p50Ms: r2(percentile(inProcess, 50)), p95Ms: r2(percentile(inProcess, 95)) },
        http: {
          p50Ms: r2(percentile(overHttp, 50)),
          p95Ms: r2(p95),
          p99Ms: r2(percentile(overHttp, 99)),
          targetP95Ms: TARGET_P95_MS,
          meetsTarget: p95 < TARGET_P95_MS,
        },
        baseline: { healthzP50Ms: r2(percentile(healthz, 50)), healthzP95Ms: r2(percentile(healthz, 95)) },
        historyRows: history!.n,
        machine: machine(),
      }) + '\n',
    );
  } finally {
    await server.close();
    // Leave no bench rows behind (services, history, memberships and sessions cascade).
    await db.delete(schema.organizations).where(eq(schema.organizations.id, bench.orgId));
    await db.delete(schema.users).where(eq(schema.users.id, bench.userId));
    await db.delete(schema.auditLog).where(eq(schema.auditLog.entityId, bench.serviceId));
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
