/** Finding an organisation to claim (GET /api/organizations?q=) and a person's own claims (GET /api/my/claims). */
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs } from '../helpers/auth';
import { createOrganization, createService, seedGeography } from '../helpers/directory';
import { schema, type Db } from '../../server/db';
import { ORGANIZATION_SEARCH_LIMIT } from '../../shared/schemas/directory';

let t: TestApp;
let db: Db;

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
});
afterAll(() => t.close());

describe('GET /api/organizations?q=', () => {
  it('when anyone searches by part of a name, then only approved organisations match, with the town of their location', async () => {
    const gardens = await createOrganization(db, { name: 'Moss Side Community Gardens' });
    await db.insert(schema.locations).values({ organizationId: gardens.id, city: 'Manchester', postcode: 'M16 7AA' });
    const alt = await createOrganization(db, { name: 'MSCG Trust', alternateName: 'Moss Side Growers' });
    await createOrganization(db, { name: 'Moss Side Pending Group', status: 'pending', source: 'self' });
    await createOrganization(db, { name: 'Moss Side Rejected Group', status: 'rejected', source: 'self' });
    await createOrganization(db, { name: 'Hulme Allotments' });

    const res = await request(t.app).get('/api/organizations').query({ q: 'moss SIDE' }).expect(200);
    expect(res.body.organizations).toEqual([
      { id: gardens.id, name: 'Moss Side Community Gardens', town: 'Manchester', postcode: 'M16 7AA' },
      { id: alt.id, name: 'MSCG Trust', town: null, postcode: null },
    ]);
  });

  it('when a name starts with the words, then it comes before names that only contain them', async () => {
    const later = await createOrganization(db, { name: 'Abbey Wordsworth Readers' });
    const first = await createOrganization(db, { name: 'Wordsworth Walkers' });
    const res = await request(t.app).get('/api/organizations?q=wordsworth').expect(200);
    expect(res.body.organizations.map((o: { id: string }) => o.id)).toEqual([first.id, later.id]);
  });

  it('when the search has % or _, then they match only themselves', async () => {
    const literal = await createOrganization(db, { name: '100% Volunteers' });
    await createOrganization(db, { name: '1000 Volunteers' });
    const res = await request(t.app).get('/api/organizations?q=0%25').expect(200);
    expect(res.body.organizations.map((o: { id: string }) => o.id)).toEqual([literal.id]);
    const underscore = await request(t.app).get('/api/organizations?q=_0').expect(200);
    expect(underscore.body.organizations).toEqual([]);
  });

  it('when many organisations match, then at most the limit are answered, in name order', async () => {
    for (let i = 0; i < ORGANIZATION_SEARCH_LIMIT + 3; i++) {
      await createOrganization(db, { name: `Zephyr club ${String(i).padStart(2, '0')}` });
    }
    const res = await request(t.app).get('/api/organizations?q=zephyr').expect(200);
    const names = res.body.organizations.map((o: { name: string }) => o.name);
    expect(names).toHaveLength(ORGANIZATION_SEARCH_LIMIT);
    expect(names[0]).toBe('Zephyr club 00');
    expect(names).toEqual([...names].sort());
  });

  it.each([
    ['missing', '', 'is required'],
    ['one character', '?q=a', 'must be at least 2 characters'],
    ['only spaces', '?q=%20%20%20', 'must be at least 2 characters'],
    ['too long', `?q=${'a'.repeat(101)}`, 'must be at most 100 characters'],
  ])('when q is %s, then it answers 400 naming q', async (_label, qs, message) => {
    const res = await request(t.app).get(`/api/organizations${qs}`).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'q', message }]);
  });
});

describe('GET /api/my/claims', () => {
  it('when nobody is signed in, then it answers 401', async () => {
    const res = await request(t.app).get('/api/my/claims').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a person has claimed an organisation, then they see their claim as pending, then approved; others do not see it', async () => {
    const org = await createOrganization(db, { name: 'Whalley Range Lunch Club' });
    await createService(db, org.id);
    const claimant = await signedInAs(db, { role: 'vcse_editor' });
    const other = await signedInAs(db, { role: 'vcse_editor' });
    const admin = await signedInAs(db, { role: 'admin' });

    await expect(request(t.app).get('/api/my/claims').set(claimant.headers).expect(200)).resolves.toMatchObject({
      body: { claims: [] },
    });
    const claim = await request(t.app)
      .post(`/api/organizations/${org.id}/claims`)
      .set(claimant.headers)
      .send({ evidence: 'I chair the committee.' })
      .expect(201);

    const mine = await request(t.app).get('/api/my/claims').set(claimant.headers).expect(200);
    expect(mine.headers['cache-control']).toBe('no-store');
    expect(mine.body.claims).toEqual([
      expect.objectContaining({
        id: claim.body.id,
        organizationId: org.id,
        organizationName: 'Whalley Range Lunch Club',
        status: 'pending',
        evidence: 'I chair the committee.',
      }),
    ]);
    const others = await request(t.app).get('/api/my/claims').set(other.headers).expect(200);
    expect(others.body.claims).toEqual([]);

    const review = await request(t.app).get('/api/admin/claims').set(admin.headers).expect(200);
    expect(review.body.claims).toContainEqual(
      expect.objectContaining({ id: claim.body.id, organizationName: 'Whalley Range Lunch Club' }),
    );
    await request(t.app)
      .post(`/api/admin/claims/${claim.body.id}/decision`)
      .set(admin.headers)
      .send({ decision: 'approve' })
      .expect(200);
    const after = await request(t.app).get('/api/my/claims').set(claimant.headers).expect(200);
    expect(after.body.claims).toEqual([expect.objectContaining({ id: claim.body.id, status: 'approved' })]);
  });
});
