/**
 * Every role × every state-changing directory endpoint: only the allowed cells succeed; refused cells answer 401/403
 * (or 409 where the rule is "already a member") and leave every directory table exactly as it was.
 */
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import {
  ICB_A,
  createOrganization,
  createService,
  seedGeography,
  serviceBody,
  snapshotDirectory,
} from '../helpers/directory';
import { schema, type Db } from '../../server/db';

let t: TestApp;
let db: Db;
let orgA: string;
let orgB: string;
const headers: Record<string, AuthHeaders | undefined> = {};

const ROLES = ['anonymous', 'editorA', 'editorB', 'link_worker', 'icb_commissioner', 'admin'] as const;
type RoleName = (typeof ROLES)[number];

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
  orgA = (await createOrganization(db, { name: 'Org A' })).id;
  orgB = (await createOrganization(db, { name: 'Org B' })).id;
  headers.anonymous = undefined;
  headers.editorA = (await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgA] })).headers;
  headers.editorB = (await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgB] })).headers;
  headers.link_worker = (await signedInAs(db, { role: 'link_worker', pcnCode: 'U10001' })).headers;
  headers.icb_commissioner = (await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_A })).headers;
  headers.admin = (await signedInAs(db, { role: 'admin' })).headers;
});
afterAll(() => t.close());

/** Fresh records of org A for one cell, so that allowed cells cannot affect the next. */
async function arrange() {
  const service = await createService(db, orgA);
  const pending = await createOrganization(db, { status: 'pending', source: 'self' });
  const claimant = await signedInAs(db, { role: 'vcse_editor' });
  const [claim] = await db
    .insert(schema.organizationClaims)
    .values({ organizationId: orgA, userId: claimant.user.id, evidence: 'I run it' })
    .returning();
  const [term] = await db
    .insert(schema.taxonomyTerms)
    .values({ code: `test_${Math.random().toString(36).slice(2, 10)}`, name: 'Temporary' })
    .returning();
  const [concern] = await db
    .insert(schema.concerns)
    .values({ organizationId: orgA, serviceId: service.id, kind: 'capacity', summary: 'Demand doubled' })
    .returning();
  return { service, pendingId: pending.id, claimId: claim!.id, termId: term!.id, concernId: concern!.id };
}
type Arranged = Awaited<ReturnType<typeof arrange>>;

interface Endpoint {
  name: string;
  allowed: RoleName[];
  /** Expected status for refused signed-in roles other than 403. */
  refusedStatus?: Partial<Record<RoleName, number>>;
  send: (a: Arranged) => request.Test;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /api/organizations/:A/services',
    allowed: ['editorA', 'admin'],
    send: () => request(t.app).post(`/api/organizations/${orgA}/services`).send(serviceBody()),
  },
  {
    name: "PUT /api/services/:id (org A's service, id guessed)",
    allowed: ['editorA', 'admin'],
    send: (a) =>
      request(t.app)
        .put(`/api/services/${a.service.id}`)
        .set('If-Match', '"1"')
        .send(serviceBody({ name: 'Renamed' })),
  },
  {
    name: 'DELETE /api/services/:id',
    allowed: ['editorA', 'admin'],
    send: (a) => request(t.app).delete(`/api/services/${a.service.id}`).set('If-Match', '"1"'),
  },
  {
    name: 'PUT /api/services/:id/capacity',
    allowed: ['editorA', 'admin'],
    send: (a) =>
      request(t.app).put(`/api/services/${a.service.id}/capacity`).set('If-Match', '"1"').send({ status: 'limited' }),
  },
  {
    name: 'POST /api/services/:id/capacity/confirm',
    allowed: ['editorA', 'admin'],
    send: (a) => request(t.app).post(`/api/services/${a.service.id}/capacity/confirm`).set('If-Match', '"1"'),
  },
  {
    name: 'POST /api/services/:id/concerns',
    allowed: ['editorA', 'admin'],
    send: (a) =>
      request(t.app)
        .post(`/api/services/${a.service.id}/concerns`)
        .send({ kind: 'funding', summary: 'Grant ends', fundingEndsOn: '2099-01-01' }),
  },
  {
    name: 'POST /api/concerns/:id/messages',
    allowed: ['editorA', 'admin', 'icb_commissioner'],
    send: (a) => request(t.app).post(`/api/concerns/${a.concernId}/messages`).send({ body: 'Thanks, noted' }),
  },
  {
    name: 'PATCH /api/organizations/:A',
    allowed: ['editorA', 'admin'],
    send: () =>
      request(t.app)
        .patch(`/api/organizations/${orgA}`)
        .send({ description: `Changed ${Math.random()}` }),
  },
  {
    name: 'POST /api/organizations',
    allowed: ['editorA', 'editorB', 'admin'],
    send: () => request(t.app).post('/api/organizations').send({ name: 'New community group' }),
  },
  {
    name: 'POST /api/organizations/:A/claims',
    allowed: ['editorB'],
    refusedStatus: { editorA: 409, admin: 409 },
    send: () =>
      request(t.app).post(`/api/organizations/${orgA}/claims`).send({ evidence: 'I am the coordinator there' }),
  },
  {
    name: 'POST /api/admin/organizations/:id/decision',
    allowed: ['admin'],
    send: (a) => request(t.app).post(`/api/admin/organizations/${a.pendingId}/decision`).send({ decision: 'approve' }),
  },
  {
    name: 'POST /api/admin/claims/:id/decision',
    allowed: ['admin'],
    send: (a) => request(t.app).post(`/api/admin/claims/${a.claimId}/decision`).send({ decision: 'approve' }),
  },
  {
    name: 'POST /api/admin/taxonomy',
    allowed: ['admin'],
    send: () =>
      request(t.app)
        .post('/api/admin/taxonomy')
        .send({ code: `x_${Math.random().toString(36).slice(2, 10)}`, name: 'New', parentCode: 'advice' }),
  },
  {
    name: 'PATCH /api/admin/taxonomy/:id',
    allowed: ['admin'],
    send: (a) => request(t.app).patch(`/api/admin/taxonomy/${a.termId}`).send({ name: 'Renamed' }),
  },
  {
    name: 'DELETE /api/admin/taxonomy/:id',
    allowed: ['admin'],
    send: (a) => request(t.app).delete(`/api/admin/taxonomy/${a.termId}`),
  },
];

const cells = ENDPOINTS.flatMap((e) => ROLES.map((role) => [e.name, role, e] as const));

describe('authorisation matrix', () => {
  it.each(cells)('%s as %s', async (_name, role, endpoint) => {
    const arranged = await arrange();
    const before = await snapshotDirectory(db);
    const req = endpoint.send(arranged);
    const h = headers[role];
    const res = await (h ? req.set(h) : req);
    if (endpoint.allowed.includes(role)) {
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      const after = await snapshotDirectory(db);
      expect(after.audit_log!.length).toBe(before.audit_log!.length + 1);
    } else {
      const expected = role === 'anonymous' ? 401 : (endpoint.refusedStatus?.[role] ?? 403);
      expect({ status: res.status, code: res.body.code }).toMatchObject({ status: expected });
      expect(await snapshotDirectory(db)).toEqual(before);
    }
  });
});
