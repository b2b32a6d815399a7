/**
 * The OpenAPI document of Signpost's own API: structurally valid OpenAPI 3.1, every $ref resolves, every embedded
 * schema is a valid JSON Schema (2020-12), and it lists exactly the routes the Express app registers — both ways —
 * so the docs stay true as routes are added.
 */
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs } from '../helpers/auth';

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

let t: TestApp;
let doc: Json;
beforeAll(async () => {
  // Every optional route mounted (the dev outbox), so every documented operation exists.
  t = await buildTestApp({ DEV_OUTBOX: 'on' });
  const res = await request(t.app).get('/api/openapi.json').expect(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  doc = res.body as Json;
});
afterAll(() => t.close());

/** Every (method, path) the app's router stack registers, Express `:param` written as OpenAPI `{param}`. */
function appRoutes(app: Express): Set<string> {
  const found = new Set<string>();
  const walk = (stack: unknown[]) => {
    for (const layer of stack as {
      route?: { path: unknown; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
    }[]) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          if (typeof p !== 'string') continue; // the client shell's catch-all regex, not part of the API
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (on && m !== 'head' && m !== '_all') found.add(`${m} ${p.replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return found;
}

function operations(): { key: string; method: string; path: string; op: Json }[] {
  const out: { key: string; method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (op) out.push({ key: `${method} ${path}`, method, path, op });
    }
  }
  return out;
}

function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), root);
}

function collectRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, refs));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') refs.push(v);
      else collectRefs(v, refs);
    }
  }
  return refs;
}

/** A sample value for a path parameter that passes its schema. */
function sample(schema: Json | undefined): string {
  if (schema?.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (typeof schema?.pattern === 'string' && schema.pattern.includes('U')) return 'U12345';
  return 'x1';
}

const ajv = () => {
  const a = new Ajv2020({ strict: false, allErrors: true });
  addFormats(a);
  return a;
};

/** Minimal structural schema of an OpenAPI 3.1 document (the parts this app uses). */
const OPENAPI_31 = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } },
    },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'parameters', 'summary', 'description'] },
        additionalProperties: { $ref: '#/$defs/operation' },
      },
    },
    components: { type: 'object' },
  },
  $defs: {
    operation: {
      type: 'object',
      required: ['responses', 'summary', 'tags', 'operationId'],
      properties: {
        summary: { type: 'string', minLength: 1 },
        tags: { type: 'array', minItems: 1, items: { type: 'string' } },
        operationId: { type: 'string', minLength: 1 },
        parameters: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'in', 'schema'],
            properties: {
              name: { type: 'string', minLength: 1 },
              in: { enum: ['query', 'header', 'path', 'cookie'] },
              schema: { type: 'object' },
              required: { type: 'boolean' },
            },
            if: { properties: { in: { const: 'path' } } },
            then: { required: ['required'], properties: { required: { const: true } } },
          },
        },
        requestBody: { type: 'object', required: ['content'] },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^[1-5]\\d\\d$' },
          additionalProperties: { type: 'object', required: ['description'] },
        },
        security: { type: 'array' },
      },
    },
  },
};

describe('the OpenAPI document', () => {
  it('is structurally valid OpenAPI 3.1 with unique operation ids', () => {
    const validate = ajv().compile(OPENAPI_31);
    expect(validate.errors ?? (validate(doc) ? [] : validate.errors)).toEqual([]);
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref and declares every security scheme it uses', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect({ ref, resolved: pointer(doc, ref) !== undefined }).toEqual({ ref, resolved: true });
    const schemes = Object.keys(((doc.components as Json).securitySchemes ?? {}) as Json);
    for (const { op } of operations()) {
      for (const requirement of (op.security as Json[] | undefined) ?? []) {
        for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      }
    }
  });

  it('gives every parameter a valid JSON Schema and declares each path template parameter', () => {
    const a = ajv();
    a.addSchema({ ...doc, $id: 'openapi.json' }, undefined, undefined, false);
    const compile = (schema: unknown) =>
      a.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/')) as Json);
    for (const { key, path, op } of operations()) {
      const params = (op.parameters as Json[] | undefined) ?? [];
      for (const p of params) expect(() => compile(p.schema)).not.toThrow();
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = params
        .filter((p) => p.in === 'path')
        .map((p) => p.name as string)
        .sort();
      expect({ key, declared }).toEqual({ key, declared: templated });
      const bodies = [op.requestBody, ...Object.values(op.responses as Json)] as (Json | undefined)[];
      for (const b of bodies) {
        for (const media of Object.values((b?.content ?? {}) as Record<string, Json>)) {
          expect(() => compile(media.schema ?? {})).not.toThrow();
        }
      }
    }
  });

  it('documents every route the app registers, and nothing the app lacks', () => {
    const registered = appRoutes(t.app);
    expect(registered.size).toBeGreaterThan(50);
    const documented = new Set(operations().map((o) => o.key));
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((d) => !registered.has(d)).sort()).toEqual([]);
  });

  it('every documented operation is routed by the app (no "No route for" 404)', async () => {
    for (const { key, method, path, op } of operations()) {
      const params = (op.parameters as Json[] | undefined) ?? [];
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        sample(params.find((p) => p.in === 'path' && p.name === name)?.schema as Json | undefined),
      );
      const res = await request(t.app)[method as 'get'](url).set('Accept', 'application/json');
      const noRoute = res.status === 404 && String(res.body?.detail ?? '').startsWith('No route for');
      expect({ key, noRoute }).toEqual({ key, noRoute: false });
      expect({ key, status: res.status < 500 }).toEqual({ key, status: true });
    }
  });

  it('operations documented as needing a session refuse anonymous callers, and public reads need none', async () => {
    for (const { key, method, path, op } of operations()) {
      const security = (op.security as Json[] | undefined) ?? [];
      const needsSession = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
      const url = path.replace(/\{(\w+)\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await request(t.app)[method as 'get'](url).set('Accept', 'application/json').send({});
      if (needsSession)
        expect({ key, refused: [400, 401, 403, 404].includes(res.status) }).toEqual({ key, refused: true });
      if (!needsSession && method === 'get') expect({ key, status: res.status }).not.toEqual({ key, status: 401 });
    }
  });

  it('real responses match the documented schemas (success and problem+json)', async () => {
    const a = ajv();
    a.addSchema({ ...doc, $id: 'openapi.json' }, undefined, undefined, false);
    const validatorFor = (schema: unknown) =>
      a.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/')) as Json);
    let checked = 0;
    for (const { key, method, path, op } of operations()) {
      if (method !== 'get' || path.includes('{')) continue;
      const schema = ((op.responses as Json)['200'] as Json | undefined)?.content as Record<string, Json> | undefined;
      const json = schema?.['application/json']?.schema as Json | undefined;
      if (!json || Object.keys(json).length === 0) continue;
      const res = await request(t.app).get(path).expect(200);
      const validate = validatorFor(json);
      expect({ key, errors: validate(res.body) ? null : validate.errors }).toEqual({ key, errors: null });
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(5);

    const problem = validatorFor({ $ref: '#/components/schemas/ProblemDetails' });
    const bad = await request(t.app).get('/api/areas/lookup?lat=north&lng=1').expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(bad.body) ? null : problem.errors).toBeNull();
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lat' })]));
    const { headers } = await signedInAs(t.database.db, { role: 'vcse_editor' });
    const forbidden = await request(t.app).get('/api/admin/users').set(headers).expect(403);
    expect(problem(forbidden.body) ? null : problem.errors).toBeNull();
  });

  it('documents exactly the values route-local query schemas accept', async () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const statusParam = ((paths['/api/admin/organizations']!.get!.parameters as Json[]) ?? []).find(
      (p) => p.name === 'status',
    );
    const values = (statusParam?.schema as Json).enum as string[];
    expect(values.length).toBeGreaterThan(0);
    const { headers } = await signedInAs(t.database.db, { role: 'admin' });
    for (const value of values) {
      await request(t.app).get(`/api/admin/organizations?status=${value}`).set(headers).expect(200);
    }
    const bad = await request(t.app).get('/api/admin/organizations?status=archived').set(headers).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'status' })]);
  });

  it('generates query parameters from the zod schemas (search contract, ETag writes, CSV import)', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const names = (op: Json) => ((op.parameters as Json[]) ?? []).map((p) => `${String(p.in)}:${String(p.name)}`);
    expect(names(paths['/api/services/search']!.get!)).toEqual(expect.arrayContaining(['query:q', 'query:category']));
    expect(names(paths['/api/services/{id}/capacity']!.put!)).toEqual(['path:id', 'header:If-Match']);
    const capacityBody = (paths['/api/services/{id}/capacity']!.put!.requestBody as Json).content as Record<
      string,
      Json
    >;
    expect(((capacityBody['application/json']!.schema as Json).properties as Json).status).toBeDefined();
    expect(Object.keys((paths['/api/admin/imports/services']!.post!.requestBody as Json).content as Json)).toEqual([
      'text/csv',
    ]);
    expect(paths['/api/services/{id}/capacity']!.put!.security).toEqual([{ session: [], csrf: [] }]);
  });
});
