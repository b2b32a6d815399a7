import request from 'supertest';
import type { Express } from 'express';
import { eq, sql } from 'drizzle-orm';
import { buildAppOn, buildTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/auth';
import { failingDb } from '../helpers/db';
import { query, schema } from '../../server/db';
import { deleteExpiredCounters } from '../../server/middleware/rateLimitStore';
import { SIGN_IN_FAILED_MESSAGE } from '../../server/features/accounts';
import * as signInThrottle from '../../server/features/accounts/throttle';

// Two app instances on one database, as two server processes behind a load balancer that sets X-Forwarded-For.
const ENV = { TRUST_PROXY: '1', RATE_LIMIT_API_PER_MINUTE: '20', RATE_LIMIT_AUTH_PER_MINUTE: '10' };
/** Sign-in slow-downs requested by either app (recorded, not waited for). */
const waits: number[] = [];
const sleep = async (ms: number) => {
  waits.push(ms);
};

let a: TestApp;
let b: Express;
beforeAll(async () => {
  a = await buildTestApp(ENV, { sleep });
  b = buildAppOn(a.database, ENV, { sleep });
});
afterAll(() => a.close());

let n = 0;
/** A fresh client address (TEST-NET-3), so tests never share a counter. */
const address = () => `203.0.113.${(n += 1)}`;
/** The two instances in turn. */
const instance = (i: number): Express => (i % 2 === 0 ? a.app : b);

const signIn = (app: Express, from: string, email: string, password: string) =>
  request(app).post('/api/auth/sign-in').set('X-Forwarded-For', from).send({ email, password });

async function hits(key: string): Promise<number | undefined> {
  const [row] = await query<{ hits: number }>(
    a.database.db,
    sql`select hits from rate_limit_counters where key = ${key}`,
  );
  return row?.hits;
}

async function sessionCount(userId: string): Promise<number> {
  return (await a.database.db.select().from(schema.sessions).where(eq(schema.sessions.userId, userId))).length;
}

describe('limits shared by app instances', () => {
  it('when requests from one address are split across two instances, then the combined count is limited', async () => {
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      statuses.push((await request(instance(i)).get('/api/config').set('X-Forwarded-For', from)).status);
    }

    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses[20]).toBe(429);
    expect(await hits(`api:${from}`)).toBe(21);
    await request(b).get('/api/config').set('X-Forwarded-For', address()).expect(200);
  });

  it('when requests arrive concurrently at both instances, then every one is counted exactly once', async () => {
    const from = address();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => request(instance(i)).get('/api/config').set('X-Forwarded-For', from)),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(await hits(`api:${from}`)).toBe(12);
  });

  it('when the database fails, then browsing is not limited (fail open) but sign-in answers 503 (fail closed)', async () => {
    const failing = failingDb(a.database.db);
    const broken = buildAppOn({ ...a.database, db: failing.db }, ENV, { sleep });
    failing.failAfter(0);

    await request(broken).get('/api/config').set('X-Forwarded-For', address()).expect(200);
    const res = await signIn(broken, address(), 'someone@example.org', 'a password').expect(503);

    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('unavailable');
  });

  it('when counters have expired, then clean-up deletes them in bounded batches and keeps live ones', async () => {
    const prefix = `cleanup-${Date.now()}:`;
    await a.database.db.insert(schema.rateLimitCounters).values([
      { key: `${prefix}old1`, resetAt: new Date(Date.now() - 60_000), hits: 3 },
      { key: `${prefix}old2`, resetAt: new Date(Date.now() - 60_000), hits: 3 },
      { key: `${prefix}old3`, resetAt: new Date(Date.now() - 60_000), hits: 3 },
      { key: `${prefix}live`, resetAt: new Date(Date.now() + 600_000), hits: 3 },
    ]);
    const left = async () =>
      (
        await query<{ key: string }>(
          a.database.db,
          sql`select key from rate_limit_counters where key like ${`${prefix}%`} order by key`,
        )
      ).map((r) => r.key);

    expect(await deleteExpiredCounters(a.database.db, 2)).toBe(2);
    expect(await left()).toHaveLength(2);
    await deleteExpiredCounters(a.database.db);

    expect(await left()).toEqual([`${prefix}live`]);
  });
});

describe('sign-in throttling an attacker cannot turn against the owner', () => {
  it('when one address fails 5 times for an email, then that address is refused but the owner signs in elsewhere', async () => {
    const owner = await createUser(a.database.db);
    const attacker = address();
    waits.length = 0;

    for (let i = 0; i < 5; i += 1) await signIn(instance(i), attacker, owner.email, `guess ${i}`).expect(401);
    const refused = await signIn(a.app, attacker, owner.email, TEST_PASSWORD).expect(429);
    const fromHome = await signIn(b, address(), owner.email.toUpperCase(), TEST_PASSWORD).expect(200);

    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(fromHome.body.user.id).toBe(owner.id);
    expect(await sessionCount(owner.id)).toBe(1);
    expect(await hits(`signin-pair:${attacker}|${signInThrottle.emailKey(owner.email)}`)).toBe(6);
    // The owner's attempt came after 5 failures of the email: slowed by half a second, not refused.
    expect(waits).toEqual([500]);
  });

  it('when an email fails from many addresses, then its sign-ins slow down up to 4 s but the owner still gets in', async () => {
    const owner = await createUser(a.database.db);
    waits.length = 0;

    for (let i = 0; i < 9; i += 1) await signIn(instance(i), address(), owner.email, `guess ${i}`).expect(401);
    expect(waits).toEqual([500, 1000, 2000, 4000]);
    await signIn(a.app, address(), owner.email, TEST_PASSWORD).expect(200);

    expect(waits).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(await hits(`signin-email:${signInThrottle.emailKey(owner.email)}`)).toBe(9);
    expect(await sessionCount(owner.id)).toBe(1);
  });

  it('when the email has no account, then the answers and slow-downs are the same as for one that has', async () => {
    const known = await createUser(a.database.db);
    const run = async (email: string) => {
      const from = address();
      const start = waits.length;
      const answers = [];
      for (let i = 0; i < 7; i += 1) {
        const res = await signIn(instance(i), i < 6 ? from : address(), email, 'a wrong guess');
        answers.push({
          status: res.status,
          code: res.body.code,
          detail: String(res.body.detail).replace(/\d+ seconds/, 'N seconds'),
          retryAfter: res.headers['retry-after'] !== undefined,
        });
      }
      return { answers, waits: waits.slice(start) };
    };

    const forUnknown = await run(`nobody.${Date.now()}@example.org`);
    const forKnown = await run(known.email);

    expect(forUnknown).toEqual(forKnown);
    expect(forKnown.answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 401]);
    expect(forKnown.answers[0]!.detail).toBe(SIGN_IN_FAILED_MESSAGE);
    expect(forKnown.waits).toEqual([500]);
  });

  it('when one address fails for many emails, then the address is refused (credential stuffing)', async () => {
    const from = address();
    for (let i = 0; i < 10; i += 1) {
      await signIn(instance(i), from, `someone.${i}.${Date.now()}@example.org`, 'a wrong guess').expect(401);
    }
    const res = await signIn(b, from, `someone.else.${Date.now()}@example.org`, 'a wrong guess').expect(429);

    expect(res.body.detail).toMatch(/^Too many failed sign-ins from your address: try again in \d+ seconds$/);
    expect(await hits(`auth:${from}`)).toBe(11);
  });
});

describe('TRUST_PROXY', () => {
  it('when it is false (the default), then X-Forwarded-For is ignored and the TCP peer is the client', async () => {
    const direct = buildAppOn(a.database, { RATE_LIMIT_API_PER_MINUTE: '3' });
    const claimed = [address(), address(), address(), address()];
    const statuses: number[] = [];
    for (const from of claimed) {
      statuses.push((await request(direct).get('/api/config').set('X-Forwarded-For', from)).status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
    const keys = claimed.map((c) => `api:${c}`);
    const rows = await query<{ key: string }>(
      a.database.db,
      sql`select key from rate_limit_counters where key in (${sql.join(
        keys.map((k) => sql`${k}`),
        sql`, `,
      )})`,
    );
    expect(rows).toEqual([]);
  });
});
