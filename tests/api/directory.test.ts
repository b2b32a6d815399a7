import request from 'supertest';
import { eq, inArray, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import {
  ICB_A,
  ICB_B,
  POSTCODES,
  countRows,
  createOrganization,
  seedGeography,
  serviceBody,
  snapshotDirectory,
} from '../helpers/directory';
import { query, schema, type Db } from '../../server/db';

let t: TestApp;
let db: Db;
let orgId: string;
let editor: { user: { id: string }; headers: AuthHeaders };
let admin: { user: { id: string }; headers: AuthHeaders };

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
  orgId = (await createOrganization(db, { name: 'Chorlton Walkers' })).id;
  editor = await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgId] });
  admin = await signedInAs(db, { role: 'admin' });
});
afterAll(() => t.close());

async function createViaApi(body = serviceBody()) {
  const res = await request(t.app)
    .post(`/api/organizations/${orgId}/services`)
    .set(editor.headers)
    .send(body)
    .expect(201);
  return res;
}

describe('taxonomy', () => {
  it('when anyone asks for the taxonomy, then the default social prescribing tree is there', async () => {
    const res = await request(t.app).get('/api/taxonomy').expect(200);
    const codes = res.body.terms.map((n: { code: string }) => n.code).sort();
    expect(codes).toEqual(
      [
        'advice',
        'arts_and_culture',
        'befriending_and_social_connection',
        'carers',
        'employment_learning_and_volunteering',
        'food',
        'mental_wellbeing',
        'nature_and_green_space',
        'physical_activity',
        'practical_support',
      ].sort(),
    );
    const advice = res.body.terms.find((n: { code: string }) => n.code === 'advice');
    expect(advice.children.map((c: { code: string }) => c.code).sort()).toEqual([
      'advice.benefits',
      'advice.debt',
      'advice.housing',
      'advice.legal',
    ]);
  });

  it('when an admin adds, renames and deletes a term, then the database follows; a term in use cannot be deleted', async () => {
    const created = await request(t.app)
      .post('/api/admin/taxonomy')
      .set(admin.headers)
      .send({ code: 'advice.immigration', name: 'Immigration advice', parentCode: 'advice' })
      .expect(201);
    await request(t.app)
      .post('/api/admin/taxonomy')
      .set(admin.headers)
      .send({ code: 'advice.immigration', name: 'Again' })
      .expect(409);
    await request(t.app)
      .patch(`/api/admin/taxonomy/${created.body.id}`)
      .set(admin.headers)
      .send({ name: 'Immigration and asylum advice' })
      .expect(200);
    const [row] = await db.select().from(schema.taxonomyTerms).where(eq(schema.taxonomyTerms.id, created.body.id));
    expect(row).toMatchObject({ name: 'Immigration and asylum advice', code: 'advice.immigration' });

    await createViaApi(serviceBody({ taxonomy: ['advice.immigration'] }));
    const refused = await request(t.app)
      .delete(`/api/admin/taxonomy/${created.body.id}`)
      .set(admin.headers)
      .expect(409);
    expect(refused.body.code).toBe('term_in_use');
    const unused = await request(t.app)
      .post('/api/admin/taxonomy')
      .set(admin.headers)
      .send({ code: 'unused_term', name: 'Unused' })
      .expect(201);
    await request(t.app).delete(`/api/admin/taxonomy/${unused.body.id}`).set(admin.headers).expect(204);
    expect(
      await db.select().from(schema.taxonomyTerms).where(eq(schema.taxonomyTerms.id, unused.body.id)),
    ).toHaveLength(0);
  });
});

describe('organisations and claims', () => {
  it('when someone creates an organisation, then it is pending, they are a member, and only an admin approval makes it public', async () => {
    const person = await signedInAs(db, { role: 'vcse_editor' });
    const res = await request(t.app)
      .post('/api/organizations')
      .set(person.headers)
      .send({ name: 'Levenshulme Lunch Club', email: 'hello@lunch.example.org', phone: '0161 000 0000' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'pending', source: 'self', name: 'Levenshulme Lunch Club' });
    const members = await db
      .select()
      .from(schema.memberships)
      .where(eq(schema.memberships.organizationId, res.body.id));
    expect(members.map((m) => m.userId)).toEqual([person.user.id]);

    await request(t.app).get(`/api/organizations/${res.body.id}`).expect(404);
    await request(t.app).get(`/api/organizations/${res.body.id}`).set(person.headers).expect(200);
    await request(t.app)
      .post(`/api/admin/organizations/${res.body.id}/decision`)
      .set(admin.headers)
      .send({ decision: 'approve' })
      .expect(200);
    const pub = await request(t.app).get(`/api/organizations/${res.body.id}`).expect(200);
    expect(pub.body.status).toBe('approved');
    const audit = await query<{ action: string }>(
      db,
      sql`select action from audit_log where entity_id = ${res.body.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['organization.create', 'organization.approve']);
  });

  it('when a link worker or commissioner adds or claims an organisation, then 403 and nothing is written', async () => {
    const listed = await createOrganization(db, { name: 'Didsbury Knit and Natter' });
    for (const person of [
      await signedInAs(db, { role: 'link_worker', pcnCode: 'U00001' }),
      await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QOP' }),
    ]) {
      const add = await request(t.app)
        .post('/api/organizations')
        .set(person.headers)
        .send({ name: 'Not Mine Trust' })
        .expect(403);
      expect(add.body.detail).toMatch(/vcse_editor/);
      const claim = await request(t.app)
        .post(`/api/organizations/${listed.id}/claims`)
        .set(person.headers)
        .send({ evidence: 'I refer people there' })
        .expect(403);
      expect(claim.body.detail).toMatch(/vcse_editor/);
    }
    expect(await db.select().from(schema.organizations).where(eq(schema.organizations.name, 'Not Mine Trust'))).toEqual(
      [],
    );
    expect(
      await db.select().from(schema.organizationClaims).where(eq(schema.organizationClaims.organizationId, listed.id)),
    ).toEqual([]);
  });

  it('when a person claims an imported organisation and an admin approves, then they become a member', async () => {
    const imported = await createOrganization(db, { name: 'Imported Trust', source: 'import', sourceRef: 'CC-1' });
    const person = await signedInAs(db, { role: 'vcse_editor' });
    const claim = await request(t.app)
      .post(`/api/organizations/${imported.id}/claims`)
      .set(person.headers)
      .send({ evidence: 'I am the volunteer coordinator' })
      .expect(201);
    await request(t.app)
      .post(`/api/organizations/${imported.id}/claims`)
      .set(person.headers)
      .send({ evidence: 'I am the volunteer coordinator' })
      .expect(409);
    const list = await request(t.app).get('/api/admin/claims').set(admin.headers).expect(200);
    expect(list.body.claims.map((c: { id: string }) => c.id)).toContain(claim.body.id);
    await request(t.app)
      .post(`/api/admin/claims/${claim.body.id}/decision`)
      .set(admin.headers)
      .send({ decision: 'approve' })
      .expect(200);
    const members = await db
      .select()
      .from(schema.memberships)
      .where(eq(schema.memberships.organizationId, imported.id));
    expect(members.map((m) => m.userId)).toEqual([person.user.id]);
    await request(t.app)
      .post(`/api/admin/claims/${claim.body.id}/decision`)
      .set(admin.headers)
      .send({ decision: 'reject' })
      .expect(409);
  });

  it('when an editor patches their organisation with a bad website, then it answers 400 and nothing changes', async () => {
    const before = await snapshotDirectory(db);
    const res = await request(t.app)
      .patch(`/api/organizations/${orgId}`)
      .set(editor.headers)
      .send({ website: 'javascript:alert(1)' })
      .expect(400);
    expect(res.body.errors[0].field).toBe('website');
    expect(await snapshotDirectory(db)).toEqual(before);
  });
});

describe('services', () => {
  it('when an editor creates a service with every field, then it is stored one-to-one and the public detail shows it all', async () => {
    const before = await countRows(db, 'audit_log');
    const res = await createViaApi();
    expect(res.headers.etag).toBe('"1"');
    const id = res.body.id;
    const [row] = await db.select().from(schema.services).where(eq(schema.services.id, id));
    expect(row).toMatchObject({
      organizationId: orgId,
      name: 'Chorlton walking for health',
      email: 'walks@example.org',
      minimumAge: 18,
      maximumAge: 99,
      deliveryModes: ['in_person', 'phone'],
      referralMethod: 'either',
      version: 1,
    });
    const [loc] = await query<{ postcode: string; lat: number; lng: number }>(
      db,
      sql`select l.postcode, ST_Y(l.geom) as lat, ST_X(l.geom) as lng from locations l
          join service_at_locations s on s.location_id = l.id where s.service_id = ${id}`,
    );
    expect(loc).toMatchObject({ postcode: 'M13 9PL', lat: POSTCODES.inA.lat, lng: POSTCODES.inA.lng });
    expect(await countRows(db, 'audit_log')).toBe(before + 1);

    const pub = await request(t.app).get(`/api/services/${id}`).expect(200);
    expect(pub.headers.etag).toBe('"1"');
    expect(pub.body).toMatchObject({
      organization: { id: orgId, name: 'Chorlton Walkers' },
      locations: [{ postcode: 'M13 9PL', lat: POSTCODES.inA.lat, lng: POSTCODES.inA.lng, city: 'Manchester' }],
      schedules: [
        { freq: 'WEEKLY', byday: 'MO,WE', opensAt: '10:00', closesAt: '11:30', sessionPlaces: 12, locationIndex: 0 },
      ],
      contacts: [{ name: 'Sam Lee', phone: '0161 123 4567' }],
      costOptions: [{ option: 'Session', amount: 0, currency: 'GBP' }],
      languages: [
        { code: 'en', name: 'English' },
        { code: 'ur', name: 'Urdu' },
      ],
      serviceAreas: [{ areaType: 'pcn', areaCode: 'U10001' }],
      funding: [{ source: 'National Lottery', endsOn: '2099-03-31' }],
      fundingEndingSoon: false,
      capacity: { status: null, freshness: 'unconfirmed', asOf: null },
    });
    expect(pub.body.taxonomy.map((x: { code: string }) => x.code).sort()).toEqual([
      'nature_and_green_space',
      'physical_activity',
    ]);
  });

  it('when a service is created without saying whether it is free, then its cost is stored and shown as not stated', async () => {
    const { isFree: _stated, ...body } = serviceBody({ feesDescription: null });
    const unstated = await createViaApi({ ...body, name: 'Unstated cost' });
    const stated = await createViaApi(serviceBody({ name: 'Stated cost', isFree: false }));
    const rows = await db
      .select({ id: schema.services.id, isFree: schema.services.isFree })
      .from(schema.services)
      .where(inArray(schema.services.id, [unstated.body.id, stated.body.id]));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.isFree]))).toEqual({
      [unstated.body.id]: null,
      [stated.body.id]: false,
    });
    const pub = await request(t.app).get(`/api/services/${unstated.body.id}`).expect(200);
    expect(pub.body.isFree).toBeNull();
  });

  it('when an editor replaces a service with the current ETag, then every field and nested list is replaced', async () => {
    const created = await createViaApi();
    const id = created.body.id;
    const res = await request(t.app)
      .put(`/api/services/${id}`)
      .set(editor.headers)
      .set('If-Match', created.headers.etag as string)
      .send(
        serviceBody({
          name: 'Walk and talk',
          locations: [
            { postcode: POSTCODES.inB.postcode, lat: 53.465, lng: -2.11 },
            { postcode: POSTCODES.inA.postcode },
          ],
          schedules: [],
          contacts: [],
          languages: ['pl'],
          taxonomy: ['advice.debt'],
          funding: [{ source: 'ICB grant', endsOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }],
        }),
      )
      .expect(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      name: 'Walk and talk',
      version: 2,
      fundingEndingSoon: true,
      schedules: [],
      contacts: [],
    });
    expect(res.body.locations).toHaveLength(2);
    const pinned = res.body.locations.find((l: { postcode: string }) => l.postcode === POSTCODES.inB.postcode);
    expect(pinned).toMatchObject({ lat: 53.465, lng: -2.11 });
    expect(await db.select().from(schema.schedules).where(eq(schema.schedules.serviceId, id))).toHaveLength(0);
    expect(await db.select().from(schema.serviceLanguages).where(eq(schema.serviceLanguages.serviceId, id))).toEqual([
      { serviceId: id, code: 'pl', name: 'Polish' },
    ]);
    const [audit] = await query<{ before: { name: string }; after: { name: string } }>(
      db,
      sql`select before, after from audit_log where entity_id = ${id} and action = 'service.update'`,
    );
    expect(audit).toMatchObject({ before: { name: 'Chorlton walking for health' }, after: { name: 'Walk and talk' } });

    const mine = await request(t.app).get('/api/my/organizations').set(editor.headers).expect(200);
    const org = mine.body.organizations.find((o: { id: string }) => o.id === orgId);
    expect(org.servicesWithFundingEndingSoon).toContain(id);
  });

  it('when the ETag is stale or missing, then PUT answers 412 with the current service or 428, and nothing changes', async () => {
    const created = await createViaApi();
    const id = created.body.id;
    await request(t.app)
      .put(`/api/services/${id}`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .send(serviceBody({ name: 'First' }))
      .expect(200);
    const before = await snapshotDirectory(db);
    const stale = await request(t.app)
      .put(`/api/services/${id}`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .send(serviceBody({ name: 'Second' }))
      .expect(412);
    expect(stale.body).toMatchObject({
      code: 'stale_version',
      currentVersion: 2,
      current: { name: 'First', version: 2 },
    });
    expect(stale.headers.etag).toBe('"2"');
    await request(t.app)
      .put(`/api/services/${id}`)
      .set(editor.headers)
      .send(serviceBody({ name: 'Third' }))
      .expect(428);
    expect(await snapshotDirectory(db)).toEqual(before);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(201) }],
    ['alternateName', { alternateName: 'x'.repeat(201) }],
    ['description', { description: 'x'.repeat(5001) }],
    ['url', { url: 'ftp://example.org' }],
    ['email', { email: 'not-an-email' }],
    ['status', { status: 'defunct' }],
    ['referralMethod', { referralMethod: 'fax' }],
    ['referralUrl', { referralUrl: 'walks.example.org' }],
    ['isFree', { isFree: 'yes' }],
    ['minimumAge', { minimumAge: -1 }],
    ['maximumAge', { maximumAge: 121 }],
    ['maximumAge', { minimumAge: 60, maximumAge: 18 }],
    ['deliveryModes', { deliveryModes: [] }],
    ['deliveryModes.0', { deliveryModes: ['carrier_pigeon'] }],
    ['alert', { alert: 'x'.repeat(501) }],
    ['locations.0.postcode', { locations: [{ postcode: 'NOT A POSTCODE' }] }],
    ['locations.0.postcode', { locations: [{ postcode: 'ZZ9 9ZZ' }] }],
    ['locations.0.lat', { locations: [{ postcode: 'M13 9PL', lat: 10, lng: -2 }] }],
    ['locations.0.lng', { locations: [{ postcode: 'M13 9PL', lat: 53.4 }] }],
    ['schedules.0.freq', { schedules: [{ freq: 'DAILY' }] }],
    ['schedules.0.byday', { schedules: [{ byday: 'MON,TUE' }] }],
    ['schedules.0.opensAt', { schedules: [{ opensAt: '25:00', closesAt: '26:00' }] }],
    ['schedules.0.closesAt', { schedules: [{ opensAt: '12:00', closesAt: '11:00' }] }],
    ['schedules.0.validTo', { schedules: [{ validFrom: '2026-05-01', validTo: '2026-04-01' }] }],
    ['schedules.0.validFrom', { schedules: [{ validFrom: '2026-13-01' }] }],
    ['schedules.0.sessionPlaces', { schedules: [{ sessionPlaces: -3 }] }],
    ['schedules.0.locationIndex', { schedules: [{ locationIndex: 5 }] }],
    ['contacts.0.email', { contacts: [{ email: 'sam@' }] }],
    ['contacts.0.phone', { contacts: [{ phone: '12345' }] }],
    ['costOptions.0.amount', { costOptions: [{ amount: -5 }] }],
    ['languages.0', { languages: ['english'] }],
    ['languages.0', { languages: ['xx'] }],
    ['serviceAreas.0.areaType', { serviceAreas: [{ areaType: 'galaxy', areaCode: 'X' }] }],
    ['serviceAreas.0.areaCode', { serviceAreas: [{ areaType: 'pcn', areaCode: 'U1 0001!' }] }],
    ['taxonomy.0', { taxonomy: ['no_such_term'] }],
    ['taxonomy.0', { taxonomy: ['Bad Code'] }],
    ['funding.0.source', { funding: [{ source: '' }] }],
    ['funding.0.endsOn', { funding: [{ source: 'Lottery', endsOn: '31/03/2027' }] }],
  ];

  it.each(bad)(
    'when %s is invalid on create, then it answers 400 naming it and nothing is written',
    async (field, override) => {
      const before = await snapshotDirectory(db);
      const res = await request(t.app)
        .post(`/api/organizations/${orgId}/services`)
        .set(editor.headers)
        .send(serviceBody(override))
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshotDirectory(db)).toEqual(before);
    },
  );

  it('when an update has an unknown taxonomy code and an unknown postcode, then both are named and nothing changes', async () => {
    const created = await createViaApi();
    const before = await snapshotDirectory(db);
    const res = await request(t.app)
      .put(`/api/services/${created.body.id}`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .send(serviceBody({ locations: [{ postcode: 'M13 9PL' }, { postcode: 'SW1A 1AA' }], taxonomy: ['food', 'nope'] }))
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'locations.1.postcode',
      'taxonomy.1',
    ]);
    expect(await snapshotDirectory(db)).toEqual(before);
  });

  it('when an editor deletes a service, then it becomes defunct and disappears from public view', async () => {
    const created = await createViaApi();
    await request(t.app)
      .delete(`/api/services/${created.body.id}`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .expect(204);
    const [row] = await db.select().from(schema.services).where(eq(schema.services.id, created.body.id));
    expect(row).toMatchObject({ status: 'defunct', version: 2 });
    await request(t.app).get(`/api/services/${created.body.id}`).expect(404);
    await request(t.app).get(`/api/services/${created.body.id}`).set(editor.headers).expect(200);
  });

  it('when a service belongs to a pending organisation, then the public cannot see it', async () => {
    const pending = await createOrganization(db, { status: 'pending' });
    const member = await signedInAs(db, { role: 'vcse_editor', organizationIds: [pending.id] });
    const res = await request(t.app)
      .post(`/api/organizations/${pending.id}/services`)
      .set(member.headers)
      .send(serviceBody())
      .expect(201);
    await request(t.app).get(`/api/services/${res.body.id}`).expect(404);
    await request(t.app).get(`/api/services/${res.body.id}`).set(member.headers).expect(200);
  });
});

describe('concerns', () => {
  it('when an editor raises a concern, then commissioners of the covering ICB and admins see it, others do not, and replies reach the organisation', async () => {
    const created = await createViaApi(serviceBody({ serviceAreas: [] })); // covered via its location in ICB A
    const raised = await request(t.app)
      .post(`/api/services/${created.body.id}/concerns`)
      .set(editor.headers)
      .send({ kind: 'funding', summary: 'Lottery grant ends', details: 'No renewal', fundingEndsOn: '2099-06-30' })
      .expect(201);
    expect(raised.body).toMatchObject({
      status: 'open',
      kind: 'funding',
      fundingEndsOn: '2099-06-30',
      organizationId: orgId,
    });

    const commissionerA = await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_A });
    const commissionerB = await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_B });
    const seenA = await request(t.app).get('/api/concerns').set(commissionerA.headers).expect(200);
    expect(seenA.body.concerns.map((c: { id: string }) => c.id)).toContain(raised.body.id);
    const seenB = await request(t.app).get('/api/concerns').set(commissionerB.headers).expect(200);
    expect(seenB.body.concerns.map((c: { id: string }) => c.id)).not.toContain(raised.body.id);
    const seenAdmin = await request(t.app).get('/api/concerns').set(admin.headers).expect(200);
    expect(seenAdmin.body.concerns.map((c: { id: string }) => c.id)).toContain(raised.body.id);
    await request(t.app).get('/api/concerns').set(editor.headers).expect(403);

    await request(t.app)
      .post(`/api/concerns/${raised.body.id}/messages`)
      .set(commissionerA.headers)
      .send({ body: 'We will discuss at the next panel', status: 'acknowledged' })
      .expect(201);
    const before = await snapshotDirectory(db);
    await request(t.app)
      .post(`/api/concerns/${raised.body.id}/messages`)
      .set(commissionerB.headers)
      .send({ body: 'Not mine' })
      .expect(403);
    expect(await snapshotDirectory(db)).toEqual(before);

    const mine = await request(t.app).get('/api/my/concerns').set(editor.headers).expect(200);
    const concern = mine.body.concerns.find((c: { id: string }) => c.id === raised.body.id);
    expect(concern).toMatchObject({
      status: 'acknowledged',
      messages: [{ body: 'We will discuss at the next panel' }],
    });
  });

  it('when a commissioner lists concerns, then each names its service, organisation and PCNs, filters by kind and status apply, and another ICB is refused', async () => {
    const created = await createViaApi(serviceBody({ name: 'Levenshulme tea dance', serviceAreas: [] }));
    const surge = await request(t.app)
      .post(`/api/services/${created.body.id}/concerns`)
      .set(editor.headers)
      .send({ kind: 'demand_surge', summary: 'Waiting list doubled' })
      .expect(201);
    const capacity = await request(t.app)
      .post(`/api/services/${created.body.id}/concerns`)
      .set(editor.headers)
      .send({ kind: 'capacity', summary: 'Lost our volunteers' })
      .expect(201);
    const commissionerA = await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_A });
    const commissionerB = await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_B });

    const surges = await request(t.app).get('/api/concerns?kind=demand_surge').set(commissionerA.headers).expect(200);
    const mineSurge = surges.body.concerns.filter((c: { serviceId: string }) => c.serviceId === created.body.id);
    expect(mineSurge).toEqual([
      expect.objectContaining({
        id: surge.body.id,
        serviceName: 'Levenshulme tea dance',
        organizationName: 'Chorlton Walkers',
        pcns: [{ code: 'U10001', name: 'PCN U10001', icbCode: ICB_A }],
      }),
    ]);
    expect(surges.body.concerns.every((c: { kind: string }) => c.kind === 'demand_surge')).toBe(true);

    await request(t.app)
      .post(`/api/concerns/${capacity.body.id}/messages`)
      .set(commissionerA.headers)
      .send({ body: 'Resolved by the volunteer hub', status: 'resolved' })
      .expect(201);
    const open = await request(t.app).get('/api/concerns?status=open').set(commissionerA.headers).expect(200);
    const openIds = open.body.concerns.map((c: { id: string }) => c.id);
    expect(openIds).toContain(surge.body.id);
    expect(openIds).not.toContain(capacity.body.id);

    const all = await request(t.app).get('/api/concerns').set(commissionerA.headers).expect(200);
    const times = all.body.concerns.map((c: { createdAt: string }) => c.createdAt);
    expect(times).toEqual([...times].sort().reverse());

    const adminA = await request(t.app).get(`/api/concerns?icb=${ICB_A}`).set(admin.headers).expect(200);
    expect(adminA.body.concerns.map((c: { id: string }) => c.id)).toContain(surge.body.id);
    const adminB = await request(t.app).get(`/api/concerns?icb=${ICB_B}`).set(admin.headers).expect(200);
    expect(adminB.body.concerns.map((c: { id: string }) => c.id)).not.toContain(surge.body.id);

    await request(t.app).get(`/api/concerns?icb=${ICB_B}`).set(commissionerA.headers).expect(403);
    const bad = await request(t.app).get('/api/concerns?kind=weather').set(commissionerA.headers).expect(400);
    expect(bad.body.errors[0].field).toBe('kind');
    await request(t.app).get(`/api/concerns/${surge.body.id}`).set(commissionerB.headers).expect(404);
    const before = await snapshotDirectory(db);
    await request(t.app)
      .post(`/api/concerns/${surge.body.id}/messages`)
      .set(commissionerB.headers)
      .send({ body: 'Acknowledged', status: 'acknowledged' })
      .expect(403);
    expect(await snapshotDirectory(db)).toEqual(before);
    const state = () =>
      query<{ status: string; messages: number }>(
        db,
        sql`select c.status, (select count(*)::int from concern_messages m where m.concern_id = c.id) as messages
            from concerns c where c.id = ${surge.body.id}`,
      );
    expect(await state()).toEqual([{ status: 'open', messages: 0 }]);

    // The organisation's editor may reply, but only commissioners and admins move the status.
    const beforeEditor = await snapshotDirectory(db);
    await request(t.app)
      .post(`/api/concerns/${surge.body.id}/messages`)
      .set(editor.headers)
      .send({ body: 'Sorted it ourselves', status: 'resolved' })
      .expect(403);
    expect(await snapshotDirectory(db)).toEqual(beforeEditor);
    expect(await state()).toEqual([{ status: 'open', messages: 0 }]);
    await request(t.app)
      .post(`/api/concerns/${surge.body.id}/messages`)
      .set(editor.headers)
      .send({ body: 'Now three months long' })
      .expect(201);
    expect(await state()).toEqual([{ status: 'open', messages: 1 }]);
  });

  it('when a funding concern has no end date, then it answers 400 naming fundingEndsOn', async () => {
    const created = await createViaApi();
    const res = await request(t.app)
      .post(`/api/services/${created.body.id}/concerns`)
      .set(editor.headers)
      .send({ kind: 'funding', summary: 'Ending' })
      .expect(400);
    expect(res.body.errors[0].field).toBe('fundingEndsOn');
  });
});
