import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createUser, signedInAs, TEST_PASSWORD, type AuthHeaders } from '../helpers/auth';
import { startSmtpCapture, tokenFromEmail, type SmtpCapture } from '../helpers/smtp';
import { query, schema } from '../../server/db';
import { hashToken } from '../../server/features/accounts';
import type { Role } from '../../shared/roles';

const PASSWORD = 'my own long passphrase';

let t: TestApp;
let smtp: SmtpCapture;
let admin: AuthHeaders;
let adminId: string;
let orgA: string;
let orgB: string;
beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await buildTestApp({
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: 'https://signpost.test',
    RATE_LIMIT_AUTH_PER_MINUTE: '0',
  });
  const db = t.database.db;
  await db.insert(schema.icbs).values([
    { code: 'QAA', onsCode: 'E54000901', name: 'Test ICB A' },
    { code: 'QBB', onsCode: 'E54000902', name: 'Test ICB B' },
  ]);
  await db.insert(schema.pcns).values({ code: 'U10001', name: 'Test PCN', icbCode: 'QAA' });
  const orgs = await db
    .insert(schema.organizations)
    .values([{ name: 'Org A' }, { name: 'Org B' }])
    .returning({ id: schema.organizations.id });
  [orgA, orgB] = orgs.map((o) => o.id) as [string, string];
  const signedIn = await signedInAs(db, { role: 'admin' });
  admin = signedIn.headers;
  adminId = signedIn.user.id;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const asAdmin = <T extends request.Test>(req: T) =>
  req.set('Cookie', admin.Cookie).set('X-CSRF-Token', admin['x-csrf-token']);
const as = <T extends request.Test>(req: T, h: AuthHeaders) =>
  req.set('Cookie', h.Cookie).set('X-CSRF-Token', h['x-csrf-token']);

async function userByEmail(email: string) {
  const [row] = await t.database.db.select().from(schema.users).where(eq(schema.users.email, email));
  return row;
}

async function auditRows(entityId: string, action: string) {
  return query<{
    actor_user_id: string | null;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }>(
    t.database.db,
    sql`select actor_user_id, before, after from audit_log where entity_id = ${entityId} and action = ${action} order by id`,
  );
}

const inviteMailTo = (email: string) => (m: { to: string[]; subject: string }) =>
  m.to.includes(email) && m.subject === 'You have been invited to Signpost';

describe('invites', () => {
  it('when an admin invites a link worker, then the emailed link sets a password, signs in and works once', async () => {
    const email = 'new.linkworker@example.org';

    const res = await asAdmin(request(t.app).post('/api/admin/invites'))
      .send({ email: 'New.LinkWorker@Example.org', name: 'Nia Link', role: 'link_worker', pcnCode: 'u10001' })
      .expect(201);

    expect(res.body).toMatchObject({
      emailStatus: 'sent',
      user: { email, name: 'Nia Link', role: 'link_worker', pcnCode: 'U10001', hasPassword: false, status: 'active' },
    });
    const created = await userByEmail(email);
    expect(created).toMatchObject({ passwordHash: null, pcnCode: 'U10001' });
    const mail = await smtp.waitFor(inviteMailTo(email));
    const token = tokenFromEmail(mail);
    expect(mail.text).toContain(`https://signpost.test/accept-invite#token=${token}`);
    const [stored] = await t.database.db
      .select()
      .from(schema.emailTokens)
      .where(eq(schema.emailTokens.userId, created!.id));
    expect(stored).toMatchObject({ tokenHash: hashToken(token), purpose: 'invite', createdBy: adminId, usedAt: null });
    const days = (stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const audit = await auditRows(created!.id, 'user.invite');
    expect(audit).toEqual([
      {
        actor_user_id: adminId,
        before: null,
        after: {
          email,
          name: 'Nia Link',
          role: 'link_worker',
          status: 'active',
          organizationIds: [],
          pcnCode: 'U10001',
          icbCode: null,
        },
      },
    ]);

    const accepted = await request(t.app)
      .post('/api/auth/invite/accept')
      .send({ token, password: PASSWORD })
      .expect(201);

    expect(accepted.body.user).toMatchObject({ id: created!.id, role: 'link_worker', pcnCode: 'U10001' });
    expect(String(accepted.headers['set-cookie'])).toMatch(/sp_session=.+; HttpOnly/);
    const me = await request(t.app)
      .get('/api/auth/me')
      .set('Cookie', String(accepted.headers['set-cookie']).split(';')[0]!)
      .expect(200);
    expect(me.body.user.id).toBe(created!.id);
    expect((await userByEmail(email))!.passwordHash).toMatch(/^\$argon2id\$/);
    await request(t.app).post('/api/auth/invite/accept').send({ token, password: 'another passphrase!' }).expect(400);
    await request(t.app).post('/api/auth/sign-in').send({ email, password: PASSWORD }).expect(200);
    const acceptAudit = await auditRows(created!.id, 'user.accept_invite');
    expect(acceptAudit).toHaveLength(1);
    expect(JSON.stringify([audit, acceptAudit])).not.toMatch(/argon2|token/i);
  });

  it('when an invite has expired, then accepting it is refused and no password is set', async () => {
    const email = 'late.editor@example.org';
    await asAdmin(request(t.app).post('/api/admin/invites'))
      .send({ email, name: 'Late Editor', role: 'vcse_editor', organizationIds: [orgA] })
      .expect(201);
    const token = tokenFromEmail(await smtp.waitFor(inviteMailTo(email)));
    await t.database.db
      .update(schema.emailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.emailTokens.tokenHash, hashToken(token)));

    const res = await request(t.app).post('/api/auth/invite/accept').send({ token, password: PASSWORD }).expect(400);

    expect(res.body.errors[0].field).toBe('token');
    expect((await userByEmail(email))!.passwordHash).toBeNull();
  });

  it('when an editor is invited to organisations, then the memberships are created', async () => {
    const email = 'two.orgs@example.org';
    const res = await asAdmin(request(t.app).post('/api/admin/invites'))
      .send({ email, name: 'Two Orgs', role: 'vcse_editor', organizationIds: [orgA, orgB] })
      .expect(201);
    expect([...res.body.user.organizationIds].sort()).toEqual([orgA, orgB].sort());
    const rows = await t.database.db
      .select()
      .from(schema.memberships)
      .where(eq(schema.memberships.userId, res.body.user.id));
    expect(rows).toHaveLength(2);
  });

  it.each([
    [{ email: 'a@example.org', name: 'A', role: 'link_worker' }, 'pcnCode', 'is required for a link_worker'],
    [{ email: 'a@example.org', name: 'A', role: 'link_worker', pcnCode: 'U99999' }, 'pcnCode', 'is not a known PCN'],
    [{ email: 'a@example.org', name: 'A', role: 'icb_commissioner', icbCode: 'QZZ' }, 'icbCode', 'is not a known ICB'],
    [{ email: 'a@example.org', name: 'A', role: 'icb_commissioner' }, 'icbCode', 'is required for an icb_commissioner'],
    [
      {
        email: 'a@example.org',
        name: 'A',
        role: 'vcse_editor',
        organizationIds: ['00000000-0000-4000-8000-000000000000'],
      },
      'organizationIds.0',
      'is not an existing organisation',
    ],
    [
      { email: 'a@example.org', name: 'A', role: 'admin', pcnCode: 'U10001' },
      'pcnCode',
      'is only for the link_worker role',
    ],
    [{ email: 'not-an-email', name: 'A', role: 'admin' }, 'email', 'must be an email address'],
    [{ email: 'a@example.org', name: 'A', role: 'superuser' }, 'role', expect.stringMatching(/^must be one of/)],
  ])('when the invite is %j, then it answers 400 naming %s and creates nothing', async (body, field, message) => {
    const before = await t.database.db.select().from(schema.users);

    const res = await asAdmin(request(t.app).post('/api/admin/invites')).send(body).expect(400);

    expect(res.body.errors).toEqual([{ field, message }]);
    expect(await t.database.db.select().from(schema.users)).toHaveLength(before.length);
  });

  it('when the email already has an account, then it answers 409', async () => {
    const existing = await createUser(t.database.db);
    const res = await asAdmin(request(t.app).post('/api/admin/invites'))
      .send({ email: existing.email, name: 'Dup', role: 'admin' })
      .expect(409);
    expect(res.body.code).toBe('email_taken');
  });
});

describe('admin-only endpoints', () => {
  const others: Role[] = ['vcse_editor', 'link_worker', 'icb_commissioner'];

  it.each(others)('when a %s calls them, then each answers 403 and nothing changes', async (role) => {
    const target = await createUser(t.database.db, { role: 'link_worker', pcnCode: 'U10001' });
    const { headers } = await signedInAs(t.database.db, {
      role,
      organizationIds: role === 'vcse_editor' ? [orgA] : [],
      pcnCode: role === 'link_worker' ? 'U10001' : undefined,
      icbCode: role === 'icb_commissioner' ? 'QAA' : undefined,
    });
    const usersBefore = await t.database.db.select().from(schema.users);
    const auditBefore = await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log`);

    const invite = await as(request(t.app).post('/api/admin/invites'), headers)
      .send({ email: `sneaky.${role}@example.org`, name: 'Sneaky', role: 'admin' })
      .expect(403);
    await as(request(t.app).get('/api/admin/users'), headers).expect(403);
    await as(request(t.app).patch(`/api/admin/users/${target.id}`), headers)
      .send({ status: 'disabled' })
      .expect(403);
    // Even bad input is refused for the role first, so outsiders learn nothing about validation.
    await as(request(t.app).post('/api/admin/invites'), headers).send({}).expect(403);

    expect(invite.body.code).toBe('forbidden');
    expect(await t.database.db.select().from(schema.users)).toEqual(usersBefore);
    expect(await query(t.database.db, sql`select count(*)::int as n from audit_log`)).toEqual(auditBefore);
  });

  it('when anonymous, then each answers 401 and nothing changes', async () => {
    const target = await createUser(t.database.db);
    const usersBefore = await t.database.db.select().from(schema.users);

    await request(t.app)
      .post('/api/admin/invites')
      .send({ email: 'anon@example.org', name: 'Anon', role: 'admin' })
      .expect(401);
    await request(t.app).get('/api/admin/users').expect(401);
    await request(t.app).patch(`/api/admin/users/${target.id}`).send({ status: 'disabled' }).expect(401);

    expect(await t.database.db.select().from(schema.users)).toEqual(usersBefore);
  });
});

describe('GET /api/admin/users', () => {
  it('when an admin lists users, then each has status and scope but never a password hash', async () => {
    const worker = await createUser(t.database.db, { role: 'link_worker', pcnCode: 'U10001' });

    const res = await asAdmin(request(t.app).get('/api/admin/users').query({ role: 'link_worker' })).expect(200);

    const found = res.body.users.find((u: { id: string }) => u.id === worker.id);
    expect(found).toMatchObject({
      role: 'link_worker',
      pcnCode: 'U10001',
      status: 'active',
      hasPassword: true,
      failedSignIns: 0,
    });
    expect(res.body.users.every((u: { role: string }) => u.role === 'link_worker')).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash/);
  });

  it('when the filter is not a role, then it answers 400 naming role', async () => {
    const res = await asAdmin(request(t.app).get('/api/admin/users').query({ role: 'wizard' })).expect(400);
    expect(res.body.errors[0].field).toBe('role');
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('when an admin disables a user, then their sessions end, sign-in is refused, and the audit has before/after', async () => {
    const { user, headers } = await signedInAs(t.database.db, { role: 'icb_commissioner', icbCode: 'QAA' });

    const res = await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ status: 'disabled' })
      .expect(200);

    expect(res.body.user).toMatchObject({ id: user.id, status: 'disabled' });
    expect(await t.database.db.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id))).toHaveLength(
      0,
    );
    expect((await request(t.app).get('/api/auth/me').set('Cookie', headers.Cookie)).body.user).toBeNull();
    await request(t.app).post('/api/auth/sign-in').send({ email: user.email, password: TEST_PASSWORD }).expect(401);
    const audit = await auditRows(user.id, 'user.update');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: adminId,
      before: { status: 'active', role: 'icb_commissioner', icbCode: 'QAA' },
      after: { status: 'disabled', role: 'icb_commissioner', icbCode: 'QAA' },
    });

    await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ status: 'active' })
      .expect(200);
    await request(t.app).post('/api/auth/sign-in').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  });

  it('when the role changes, then the old scope is cleared and the new one required and stored', async () => {
    const user = await createUser(t.database.db, { role: 'link_worker', pcnCode: 'U10001' });

    const missing = await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ role: 'icb_commissioner' })
      .expect(400);
    expect(missing.body.errors).toEqual([{ field: 'icbCode', message: 'is required for an icb_commissioner' }]);
    expect(await userByEmail(user.email)).toMatchObject({ role: 'link_worker', pcnCode: 'U10001' });

    const res = await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ role: 'icb_commissioner', icbCode: 'QBB' })
      .expect(200);

    expect(res.body.user).toMatchObject({ role: 'icb_commissioner', icbCode: 'QBB', pcnCode: null });
    expect(await userByEmail(user.email)).toMatchObject({ role: 'icb_commissioner', icbCode: 'QBB', pcnCode: null });
  });

  it("when an editor's organisations change, then the memberships are replaced and audited", async () => {
    const user = await createUser(t.database.db, { organizationIds: [orgA] });

    await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ organizationIds: [orgB] })
      .expect(200);

    const rows = await t.database.db.select().from(schema.memberships).where(eq(schema.memberships.userId, user.id));
    expect(rows.map((r) => r.organizationId)).toEqual([orgB]);
    const [audit] = await auditRows(user.id, 'user.update');
    expect(audit!.before!.organizationIds).toEqual([orgA]);
    expect(audit!.after!.organizationIds).toEqual([orgB]);
  });

  it('when an admin unlocks a locked account, then the lockout is cleared', async () => {
    const user = await createUser(t.database.db);
    await t.database.db
      .update(schema.users)
      .set({ failedSignIns: 3, lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(schema.users.id, user.id));

    await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ unlock: true })
      .expect(200);

    expect(await userByEmail(user.email)).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    await request(t.app).post('/api/auth/sign-in').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  });

  it('when the admin tries to disable themselves, then it answers 409 and nothing changes', async () => {
    const res = await asAdmin(request(t.app).patch(`/api/admin/users/${adminId}`))
      .send({ status: 'disabled' })
      .expect(409);
    expect(res.body.code).toBe('self_lockout');
    const [row] = await t.database.db.select().from(schema.users).where(eq(schema.users.id, adminId));
    expect(row!.status).toBe('active');
  });

  it('when the id is unknown, then 404; when malformed or the body empty or unknown, then 400', async () => {
    await asAdmin(request(t.app).patch('/api/admin/users/00000000-0000-4000-8000-000000000000'))
      .send({ status: 'disabled' })
      .expect(404);
    const bad = await asAdmin(request(t.app).patch('/api/admin/users/not-a-uuid'))
      .send({ status: 'disabled' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('id');
    const user = await createUser(t.database.db);
    await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({})
      .expect(400);
    const unknown = await asAdmin(request(t.app).patch(`/api/admin/users/${user.id}`))
      .send({ passwordHash: 'x' })
      .expect(400);
    expect(unknown.body.detail).toMatch(/passwordHash/);
  });
});
