/**
 * OpenAPI-driven fuzzing: for EVERY operation of the app's own /api/openapi.json, 300 requests (100 on the embedded
 * engine, whose leg is the slowest file of the suite; SIGNPOST_FUZZ_REQUESTS overrides both) from a fixed seed built
 * from its schemas with hostile mutations (control characters, unpaired surrogates, overlong strings, wrong types,
 * 10,000-level nesting, bodies over the limit, broken path params and percent-encoding, bad query values, malformed
 * cookies and CSRF headers), mostly signed in as an admin so they reach the authorised handlers. No response may be a
 * 5xx, and the app must still answer /healthz afterwards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createOrganization, createService, seedGeography } from '../helpers/directory';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import {
  BAD_COOKIES,
  BAD_PATH_PARAMS,
  BAD_QUERY_RAW,
  encodeAny,
  Generator,
  HOSTILE_STRINGS,
  seeded,
  type FuzzRequest,
  type Schema,
} from './support/fuzz';

const SEED = 20_261_207;
const REQUESTS_PER_OPERATION =
  Number(process.env.SIGNPOST_FUZZ_REQUESTS) || (process.env.TEST_ENGINE === 'pglite' ? 100 : 300);
const CONCURRENCY = 8;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: { mediaType: string; schema?: Schema };
}
interface Sent {
  op: string;
  req: FuzzRequest;
  status: number;
  body: string;
  error?: string;
}

let t: TestApp;
let server: http.Server;
let port: number;
let agent: http.Agent;
let admin: AuthHeaders;
let adminId: string;
let throwaway: AuthHeaders;
let ids: string[];

beforeAll(async () => {
  // Sign-in limits off: the fuzz should reach the handlers, not the limiter (429s are not what is under test).
  t = await buildTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '0' });
  const db = t.database.db;
  await seedGeography(db);
  const org = await createOrganization(db);
  const service = await createService(db, org.id);
  const editor = await signedInAs(db, { role: 'vcse_editor', organizationIds: [org.id] });
  throwaway = (await signedInAs(db, { role: 'link_worker', pcnCode: 'U10001' })).headers;
  const signedIn = await signedInAs(db, { role: 'admin' });
  admin = signedIn.headers;
  adminId = signedIn.user.id;
  // Records for the path parameters to point at, made through the API so they are real.
  const concern = await request(t.app)
    .post(`/api/services/${service.id}/concerns`)
    .set(editor.headers)
    .send({ kind: 'capacity', summary: 'Full up', details: 'Waiting list of 40' });
  const flag = await request(t.app).post('/api/gaps/flags').set(admin).send({ pcnCode: 'U10001', reason: 'No walks' });
  const taxonomy = await request(t.app).get('/api/taxonomy');
  const termIds = (taxonomy.body.terms as { id: string }[]).slice(0, 3).map((term) => term.id);
  ids = [org.id, service.id, editor.user.id, concern.body.id, flag.body.id, ...termIds].filter(
    (id): id is string => typeof id === 'string' && id !== adminId,
  );
  expect(ids.length).toBeGreaterThanOrEqual(6);

  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
});

afterAll(async () => {
  agent?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

/** Sends one raw request to the loopback server; resolves with the status and the first 2,000 characters. */
function send(req: FuzzRequest): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { status: number; body: string; error?: string }) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let out: http.ClientRequest;
    try {
      out = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent });
    } catch (err) {
      done({ status: -1, body: '', error: `client refused to send: ${(err as Error).message}` });
      return;
    }
    out.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 2000) body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: body.slice(0, 2000) }));
      res.on('error', (err) => done({ status: res.statusCode ?? 0, body, error: err.message }));
    });
    out.on('error', (err) => done({ status: 0, body: '', error: err.message }));
    out.end(req.body);
  });
}

/** The operations of the document, with path-level parameters merged in. */
function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as
        { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: Schema }> } } | undefined;
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: [...shared, ...(op.parameters ?? [])],
        body: mediaType ? { mediaType, schema: content[mediaType]!.schema } : undefined,
      });
    }
  }
  return ops;
}

/** The signed-in (or not) headers of one request. Sign-out never gets the admin's cookie (it would end the session). */
function authHeaders(g: Generator, op: Operation): Record<string, string> {
  const roll = g.rand();
  const signOut = op.path === '/api/auth/sign-out';
  if (roll < 0.8 && !signOut) return { ...admin };
  if (roll < 0.8) return { ...throwaway };
  if (roll < 0.87) return {};
  if (roll < 0.94) return { Cookie: g.pick(BAD_COOKIES) };
  if (signOut) return { Cookie: throwaway.Cookie, 'x-csrf-token': 'wrong' };
  // The admin's cookie with a missing, wrong or non-ASCII CSRF token (same length in characters, not in bytes).
  const csrf = g.pick(['', 'wrong', 'é'.repeat(admin['x-csrf-token'].length), '\u00ff'.repeat(43), 'x'.repeat(5000)]);
  return csrf ? { Cookie: admin.Cookie, 'x-csrf-token': csrf } : { Cookie: admin.Cookie };
}

/** A path parameter: mostly a real id or code, otherwise broken (inserted raw). */
function pathParam(g: Generator, name: string): string {
  if (g.chance(0.35)) return g.pick(BAD_PATH_PARAMS);
  if (g.chance(0.1)) return encodeAny(String(g.hostile()));
  if (name === 'code') return g.pick(['U10001', 'U20001', 'U99999']);
  if (name === 'token') return g.pick(['abc', 'x'.repeat(300), 'eyJhbGciOiJub25lIn0.e30.']);
  return g.pick(ids);
}

/** A query string from the declared parameters, with hostile values, repeats and unexpected keys. */
function queryString(g: Generator, params: Parameter[]): string {
  const pairs: string[] = [];
  for (const p of params.filter((p) => p.in === 'query')) {
    if (!g.chance(0.5)) continue;
    const roll = g.rand();
    let value: string;
    if (roll < 0.55) value = encodeAny(String(g.valid(p.schema)));
    else if (roll < 0.85) value = encodeAny(String(g.pick(HOSTILE_STRINGS)));
    else value = g.pick(BAD_QUERY_RAW);
    pairs.push(`${encodeURIComponent(p.name)}=${value}`);
    if (g.chance(0.08)) pairs.push(`${encodeURIComponent(p.name)}=${encodeAny(String(g.hostile()))}`);
  }
  if (g.chance(0.1))
    pairs.push(g.pick(['%00=1', 'a%01b=c', 'x[y]=z', '__proto__=1', '%E0%A4%A=1', `${'k'.repeat(3000)}=v`, '&&=&']));
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** CSV text for the import endpoint: a plausible header with hostile cells, or junk. */
function csvBody(g: Generator): string {
  const cell = () => {
    const v = g.chance(0.5) ? g.pick(['Walk group', 'M13 9PL', 'Friends of the park', '']) : String(g.hostile());
    return g.chance(0.5) ? `"${v.replace(/"/g, '""')}"` : v.replace(/[",\r\n]/g, ' ');
  };
  if (g.chance(0.15)) return g.pick(['', '\u0000', '"unterminated', 'a,b\n"x', '\ufeff', 'x'.repeat(200_000)]);
  const header = g.chance(0.8) ? 'Organisation,Service,Postcode' : [cell(), cell(), cell()].join(',');
  const rows = Array.from({ length: g.int(1, 4) }, () => [cell(), cell(), cell()].join(','));
  return [header, ...rows].join(g.chance(0.8) ? '\n' : '\r\n');
}

/** One fuzzed request for an operation. */
function buildRequest(g: Generator, op: Operation): FuzzRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = pathParam(g, name);
    // Node's client refuses spaces and control characters in a path: encode those, leave broken escapes as they are.
    return /[^\u0021-\u00ff]/.test(value) ? encodeAny(value) : value;
  });
  const headers: Record<string, string> = authHeaders(g, op);
  for (const p of op.parameters.filter((p) => p.in === 'header'))
    if (g.chance(0.6))
      headers[p.name] = g.pick(['"abc"', '*', 'W/"1"', '', 'é'.repeat(10), '"' + 'x'.repeat(3000) + '"']);
  if (g.chance(0.05)) headers.Origin = g.pick(['null', 'http://evil.example', '%E0%A4%A', 'http://[::1', 'é']);
  let body: string | undefined;
  if (op.body?.mediaType === 'text/csv') {
    headers['Content-Type'] = g.pick([
      'text/csv',
      'text/csv',
      'text/plain',
      'application/json',
      'text/csv; charset=latin1',
    ]);
    body = csvBody(g);
  } else if (op.body) {
    const valid = g.valid(op.body.schema);
    const roll = g.rand();
    if (roll < 0.25) body = JSON.stringify(valid);
    else if (roll < 0.6) body = JSON.stringify(g.mutate(valid));
    else body = g.rawBody(valid);
    headers['Content-Type'] = g.chance(0.9)
      ? 'application/json'
      : g.pick([
          'text/plain',
          'application/json; charset=utf-16',
          'application/x-www-form-urlencoded',
          'application/xml',
        ]);
  } else if (op.method !== 'GET' && g.chance(0.3)) {
    headers['Content-Type'] = 'application/json';
    body = g.rawBody({ unexpected: true });
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return { method: op.method, path: path + queryString(g, op.parameters), headers, body };
}

/** A readable line about a failed request. */
const describe5xx = (s: Sent) =>
  `${s.op}: ${s.req.method} ${s.req.path.slice(0, 300)}\n  headers: ${JSON.stringify(s.req.headers).slice(0, 300)}` +
  `\n  body: ${JSON.stringify(s.req.body ?? '').slice(0, 300)}\n  → ${s.status} ${s.body.slice(0, 500)}`;

it(
  `sends ${REQUESTS_PER_OPERATION} hostile requests to every operation of the OpenAPI document without a 5xx`,
  async () => {
    const docResponse = await request(t.app).get('/api/openapi.json').expect(200);
    const doc = docResponse.body as { paths: Record<string, Record<string, unknown>>; components?: unknown };
    const resolve = (ref: string): Schema =>
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as Schema;
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(80);

    const g = new Generator(seeded(SEED), resolve);
    const started = Date.now();
    const failures: Sent[] = [];
    const noResponse: Sent[] = [];
    const byStatus = new Map<number, number>();
    const msByOperation = new Map<string, number>();
    let total = 0;
    for (const op of ops) {
      const name = `${op.method} ${op.path}`;
      const opStarted = Date.now();
      const requests = Array.from({ length: REQUESTS_PER_OPERATION }, () => buildRequest(g, op));
      for (let i = 0; i < requests.length; i += CONCURRENCY) {
        const batch = requests.slice(i, i + CONCURRENCY);
        const results = await Promise.all(batch.map((req) => send(req)));
        results.forEach((r, j) => {
          const sent: Sent = { op: name, req: batch[j]!, ...r };
          total += 1;
          byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
          if (r.status >= 500) failures.push(sent);
          else if (r.status <= 0) noResponse.push(sent);
        });
      }
      msByOperation.set(name, Date.now() - opStarted);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    if (failures.length) {
      const shown = failures.slice(0, 15).map(describe5xx).join('\n\n');
      throw new Error(`${failures.length} requests answered 5xx (first ${Math.min(15, failures.length)}):\n\n${shown}`);
    }
    // No response at all is acceptable only where Node itself drops the request: a body or header over the limits.
    const unexplained = noResponse.filter(
      (s) => (s.req.body?.length ?? 0) < 100_000 && s.req.path.length < 8000 && !s.error?.startsWith('client refused'),
    );
    expect(unexplained.map((s) => `${s.op}: ${s.req.method} ${s.req.path.slice(0, 200)} → ${s.error}`)).toEqual([]);

    // The admin session survived (so most requests really were authorised), and the app still answers.
    const me = await request(t.app).get('/api/auth/me').set(admin).expect(200);
    expect(me.body.user?.id).toBe(adminId);
    await request(t.app).get('/healthz').expect(200);
    await request(`http://127.0.0.1:${port}`).get('/healthz').expect(200);
    const twoHundreds = [...byStatus].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
    expect(twoHundreds).toBeGreaterThan(ops.length);

    const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`);
    console.log(
      `fuzz: ${ops.length} operations × ${REQUESTS_PER_OPERATION} requests = ${total}, 0 5xx ` +
        `(${seconds} s; statuses ${statuses.join(' ')}; slowest ` +
        [...msByOperation]
          .sort(([, a], [, b]) => b - a)
          .slice(0, 5)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(', ') +
        ')',
    );
  },
  15 * 60_000,
);
