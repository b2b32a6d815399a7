import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createUser, sessionHeaders, signedInAs, TEST_PASSWORD } from '../helpers/auth';
import { startSmtpCapture, tokenFromEmail, type SmtpCapture } from '../helpers/smtp';
import { query, schema } from '../../server/db';
import { hashToken, SIGN_IN_FAILED_MESSAGE, SESSION_COOKIE } from '../../server/features/accounts';

const NEW_PASSWORD = 'a brand new passphrase 2026';

let t: TestApp;
let smtp: SmtpCapture;
beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await buildTestApp({
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: 'https://signpost.test',
    RATE_LIMIT_AUTH_PER_MINUTE: '0',
    DEV_OUTBOX: 'on',
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const signIn = (email: string, password: string) => request(t.app).post('/api/auth/sign-in').send({ email, password });

/** "sp_session=…" from a response's Set-Cookie, for sending back. */
function sessionCookie(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error('no session cookie set');
  return cookie.split(';')[0]!;
}

const cookieToken = (cookie: string) => decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1));

/** Polls until fn returns something (or fails after about 5 s). */
async function eventually<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

async function userRow(id: string) {
  const [row] = await t.database.db.select().from(schema.users).where(eq(schema.users.id, id));
  return row!;
}

async function sessionCount(userId: string): Promise<number> {
  const rows = await t.database.db.select().from(schema.sessions).where(eq(schema.sessions.userId, userId));
  return rows.length;
}

async function auditRows(entityId: string, action: string) {
  return query<{ actor_user_id: string | null; before: unknown; after: unknown }>(
    t.database.db,
    sql`select actor_user_id, before, after from audit_log where entity_id = ${entityId} and action = ${action} order by id`,
  );
}

describe('POST /api/auth/sign-in', () => {
  it('when the password is right, then it sets an HttpOnly SameSite=Lax cookie backed by a session row', async () => {
    const user = await createUser(t.database.db, { role: 'link_worker' });

    const res = await signIn(user.email.toUpperCase(), TEST_PASSWORD).expect(200);

    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sp_session='))!;
    expect(raw).toMatch(/; HttpOnly/);
    expect(raw).toMatch(/; SameSite=Lax/);
    expect(raw).toMatch(/; Path=\//);
    expect(raw).toMatch(/; Max-Age=43200/);
    expect(raw).not.toMatch(/Secure/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.user).toEqual({
      id: user.id,
      email: user.email,
      name: expect.any(String),
      role: 'link_worker',
      organizationIds: [],
      pcnCode: null,
      icbCode: null,
    });
    expect(res.body.csrfToken).toEqual(expect.any(String));
    const [session] = await t.database.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.tokenHash, hashToken(cookieToken(sessionCookie(res)))));
    expect(session).toMatchObject({ userId: user.id, csrfToken: res.body.csrfToken });
    const me = await request(t.app).get('/api/auth/me').set('Cookie', sessionCookie(res)).expect(200);
    expect(me.body.user.id).toBe(user.id);
  });

  it('when the password is wrong or the email unknown, then both get the same 401 and no session', async () => {
    const user = await createUser(t.database.db);

    const wrong = await signIn(user.email, 'not the right password').expect(401);
    const unknown = await signIn('nobody.here@example.org', 'not the right password').expect(401);

    expect(wrong.body.code).toBe('sign_in_failed');
    expect(wrong.body.detail).toBe(SIGN_IN_FAILED_MESSAGE);
    expect({ code: unknown.body.code, detail: unknown.body.detail }).toEqual({
      code: wrong.body.code,
      detail: wrong.body.detail,
    });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(await sessionCount(user.id)).toBe(0);
    expect((await userRow(user.id)).failedSignIns).toBe(1);
  });

  it('when the account is disabled or has no password yet, then the right password is refused with the same 401', async () => {
    const disabled = await createUser(t.database.db);
    await t.database.db.update(schema.users).set({ status: 'disabled' }).where(eq(schema.users.id, disabled.id));
    const invited = await createUser(t.database.db);
    await t.database.db.update(schema.users).set({ passwordHash: null }).where(eq(schema.users.id, invited.id));

    const a = await signIn(disabled.email, TEST_PASSWORD).expect(401);
    const b = await signIn(invited.email, TEST_PASSWORD).expect(401);

    expect(a.body.detail).toBe(SIGN_IN_FAILED_MESSAGE);
    expect(b.body.detail).toBe(SIGN_IN_FAILED_MESSAGE);
    expect(await sessionCount(disabled.id)).toBe(0);
    expect(await sessionCount(invited.id)).toBe(0);
  });

  it('when the body is incomplete, then it answers 400 naming the field', async () => {
    const res = await request(t.app).post('/api/auth/sign-in').send({ email: 'someone@example.org' }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'password', message: 'is required' }]);
  });

  it('when many sign-ins in a row fail, then the account is not locked: the right password still works', async () => {
    const user = await createUser(t.database.db);

    for (let i = 0; i < 6; i += 1) await signIn(user.email, `wrong password ${i}`).expect(401);
    expect(await userRow(user.id)).toMatchObject({ failedSignIns: 6, lockedUntil: null });
    await signIn(user.email, TEST_PASSWORD).expect(200);

    expect(await userRow(user.id)).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    expect(await sessionCount(user.id)).toBe(1);
    expect(await auditRows(user.id, 'user.lock')).toHaveLength(0);
  });

  it('when a lock left by an earlier version is still running, then the right password works and clears it', async () => {
    const user = await createUser(t.database.db);
    await t.database.db
      .update(schema.users)
      .set({ failedSignIns: 5, lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(schema.users.id, user.id));

    await signIn(user.email, TEST_PASSWORD).expect(200);

    const row = await userRow(user.id);
    expect(row).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    expect(await sessionCount(user.id)).toBe(1);
  });

  it('when 4 sign-ins fail and then one succeeds, then the failure count is cleared and there is no lockout', async () => {
    const user = await createUser(t.database.db);
    for (let i = 0; i < 4; i += 1) await signIn(user.email, `wrong password ${i}`).expect(401);
    expect((await userRow(user.id)).failedSignIns).toBe(4);

    await signIn(user.email, TEST_PASSWORD).expect(200);
    await signIn(user.email, 'wrong again, once').expect(401);

    expect(await userRow(user.id)).toMatchObject({ failedSignIns: 1, lockedUntil: null });
  });

  it('when already signed in, then signing in again replaces the old session (no fixation)', async () => {
    const user = await createUser(t.database.db);
    const first = await signIn(user.email, TEST_PASSWORD).expect(200);

    await request(t.app)
      .post('/api/auth/sign-in')
      .set('Cookie', sessionCookie(first))
      .set('X-CSRF-Token', first.body.csrfToken)
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);

    expect(await sessionCount(user.id)).toBe(1);
    const me = await request(t.app).get('/api/auth/me').set('Cookie', sessionCookie(first)).expect(200);
    expect(me.body.user).toBeNull();
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await buildTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '3', RATE_LIMIT_API_PER_MINUTE: '20' });
  });
  afterAll(() => limited.close());

  it('when an address exceeds the sign-in limit, then it gets 429 and the attempt is not even checked', async () => {
    const user = await createUser(limited.database.db);
    for (let i = 0; i < 3; i += 1) {
      await request(limited.app)
        .post('/api/auth/sign-in')
        .send({ email: user.email, password: 'wrong one' })
        .expect(401);
    }
    const res = await request(limited.app)
      .post('/api/auth/sign-in')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(429);

    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('rate_limited');
    const [row] = await limited.database.db.select().from(schema.users).where(eq(schema.users.id, user.id));
    expect(row!.failedSignIns).toBe(3);
    expect(await limited.database.db.select().from(schema.sessions)).toHaveLength(0);
  });

  it('when an address exceeds the reset-request limit, then it gets 429', async () => {
    for (let i = 0; i < 3; i += 1) {
      await request(limited.app).post('/api/auth/password-reset/request').send({ email: 'x@example.org' }).expect(202);
    }
    const res = await request(limited.app)
      .post('/api/auth/password-reset/request')
      .send({ email: 'x@example.org' })
      .expect(429);
    expect(res.body.code).toBe('rate_limited');
  });

  it('when an address exceeds the general API limit, then /api answers 429 but /healthz still answers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await request(limited.app).get('/api/config')).status);

    expect(statuses).toContain(200);
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.indexOf(429)).toBe(statuses.lastIndexOf(200) + 1);
    await request(limited.app).get('/healthz').expect(200);
  });
});

describe('production cookies', () => {
  it('when NODE_ENV=production, then the session cookie is also Secure', async () => {
    const prod = await buildTestApp({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    try {
      const user = await createUser(prod.database.db);
      const res = await request(prod.app)
        .post('/api/auth/sign-in')
        .send({ email: user.email, password: TEST_PASSWORD });
      expect(res.status).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
      await request(prod.app).get('/api/dev/outbox').expect(404);
    } finally {
      await prod.close();
    }
  });
});

describe('POST /api/auth/sign-out', () => {
  it('when signed in, then sign-out deletes the session row and the cookie stops working', async () => {
    const user = await createUser(t.database.db);
    const res = await signIn(user.email, TEST_PASSWORD).expect(200);
    const cookie = sessionCookie(res);

    const out = await request(t.app)
      .post('/api/auth/sign-out')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', res.body.csrfToken)
      .expect(204);

    expect(String(out.headers['set-cookie'])).toMatch(/sp_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(await sessionCount(user.id)).toBe(0);
    const me = await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body).toEqual({ user: null, csrfToken: null });
  });

  it('when sign-out comes without the CSRF token, then it is refused and the session survives', async () => {
    const { user, headers } = await signedInAs(t.database.db);
    await request(t.app).post('/api/auth/sign-out').set('Cookie', headers.Cookie).expect(403);
    expect(await sessionCount(user.id)).toBe(1);
  });
});

describe('GET /api/auth/me', () => {
  it('when anonymous, then user is null', async () => {
    const res = await request(t.app).get('/api/auth/me').expect(200);
    expect(res.body).toEqual({ user: null, csrfToken: null });
  });

  it('when signed in as an editor, then it returns the scope and the session CSRF token', async () => {
    const [org] = await t.database.db.insert(schema.organizations).values({ name: 'Me Org' }).returning();
    const { user, headers } = await signedInAs(t.database.db, { organizationIds: [org!.id] });
    const res = await request(t.app).get('/api/auth/me').set('Cookie', headers.Cookie).expect(200);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'vcse_editor', organizationIds: [org!.id] });
    expect(res.body.csrfToken).toBe(headers['x-csrf-token']);
  });
});

describe('CSRF', () => {
  it.each([
    ['without', undefined],
    ['with a wrong', 'not-the-token'],
  ])('when a signed-in POST comes %s X-CSRF-Token, then it answers 403 and nothing changes', async (_, token) => {
    const { user, headers } = await signedInAs(t.database.db);
    const hashBefore = (await userRow(user.id)).passwordHash;

    let req = request(t.app).post('/api/auth/password').set('Cookie', headers.Cookie);
    if (token) req = req.set('X-CSRF-Token', token);
    const res = await req.send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }).expect(403);

    expect(res.body.code).toBe('csrf_failed');
    expect((await userRow(user.id)).passwordHash).toBe(hashBefore);
    expect(await auditRows(user.id, 'user.password_change')).toHaveLength(0);
  });

  it('when a POST comes from another origin, then it answers 403 even with the right token', async () => {
    const { user, headers } = await signedInAs(t.database.db);
    const hashBefore = (await userRow(user.id)).passwordHash;

    const res = await request(t.app)
      .post('/api/auth/password')
      .set({ ...headers })
      .set('Origin', 'https://evil.example')
      .send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(403);

    expect(res.body.code).toBe('csrf_failed');
    expect((await userRow(user.id)).passwordHash).toBe(hashBefore);
  });

  it('when an anonymous sign-in comes from another origin, then it is refused (login CSRF)', async () => {
    const user = await createUser(t.database.db);
    await signIn(user.email, TEST_PASSWORD).set('Origin', 'https://evil.example').expect(403);
    expect(await sessionCount(user.id)).toBe(0);
  });
});

describe('POST /api/auth/password', () => {
  it('when the current password is right, then it changes the password, keeps this session and revokes the others', async () => {
    const user = await createUser(t.database.db);
    const mine = await sessionHeaders(t.database.db, user.id);
    const other = await sessionHeaders(t.database.db, user.id);
    const changedBefore = (await userRow(user.id)).passwordChangedAt;

    await request(t.app)
      .post('/api/auth/password')
      .set({ ...mine })
      .send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);

    expect(await sessionCount(user.id)).toBe(1);
    expect((await request(t.app).get('/api/auth/me').set('Cookie', mine.Cookie)).body.user.id).toBe(user.id);
    expect((await request(t.app).get('/api/auth/me').set('Cookie', other.Cookie)).body.user).toBeNull();
    await signIn(user.email, TEST_PASSWORD).expect(401);
    await signIn(user.email, NEW_PASSWORD).expect(200);
    const row = await userRow(user.id);
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,/);
    const audit = await auditRows(user.id, 'user.password_change');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: user.id,
      before: { passwordChangedAt: changedBefore },
      after: { passwordChangedAt: row.passwordChangedAt!.toISOString(), otherSessionsRevoked: true },
    });
    expect(JSON.stringify(audit)).not.toContain('argon2');
  });

  it.each([
    [{ currentPassword: 'wrong current password', newPassword: NEW_PASSWORD }, 'currentPassword', 'is wrong'],
    [{ currentPassword: TEST_PASSWORD, newPassword: 'short' }, 'newPassword', 'must be at least 12 characters'],
    [
      { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
      'newPassword',
      'must differ from your current password',
    ],
  ])('when the input is %j, then it answers 400 naming %s and nothing changes', async (body, field, message) => {
    const { user, headers } = await signedInAs(t.database.db);
    const other = await sessionHeaders(t.database.db, user.id);
    const hashBefore = (await userRow(user.id)).passwordHash;

    const res = await request(t.app)
      .post('/api/auth/password')
      .set({ ...headers })
      .send(body)
      .expect(400);

    expect(res.body.errors).toEqual([{ field, message }]);
    expect((await userRow(user.id)).passwordHash).toBe(hashBefore);
    expect((await request(t.app).get('/api/auth/me').set('Cookie', other.Cookie)).body.user.id).toBe(user.id);
  });

  it('when the new password is the email address, then it answers 400', async () => {
    const email = 'long.enough.address@example.org';
    const { headers } = await signedInAs(t.database.db, { email });
    const res = await request(t.app)
      .post('/api/auth/password')
      .set({ ...headers })
      .send({ currentPassword: TEST_PASSWORD, newPassword: email.toUpperCase() })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'newPassword', message: 'must not be your email address' }]);
  });

  it('when anonymous, then it answers 401', async () => {
    const res = await request(t.app)
      .post('/api/auth/password')
      .send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});

describe('password reset by email', () => {
  const resetMailTo = (email: string, after: number) => (m: { to: string[]; subject: string }) =>
    m.to.includes(email) && m.subject === 'Reset your Signpost password' && smtp.messages.indexOf(m as never) >= after;

  it('when a user resets by the emailed link, then the new password works, the old fails, sessions end and the link is single-use', async () => {
    const user = await createUser(t.database.db);
    const oldSession = await sessionHeaders(t.database.db, user.id);
    const seen = smtp.messages.length;

    const req = await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    const mail = await smtp.waitFor(resetMailTo(user.email, seen));
    const token = tokenFromEmail(mail);

    expect(req.body.message).toMatch(/If an account has this email/);
    expect(mail.text).toContain(`https://signpost.test/reset-password#token=${token}`);
    const [stored] = await t.database.db
      .select()
      .from(schema.emailTokens)
      .where(eq(schema.emailTokens.userId, user.id));
    expect(stored).toMatchObject({ tokenHash: hashToken(token), purpose: 'reset', usedAt: null });
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeGreaterThan(59 * 60_000);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeLessThanOrEqual(61 * 60_000);
    // The app records the send once the SMTP server has accepted it, a moment after the message arrives here.
    const recorded = await eventually(async () => {
      const rows = await t.database.db
        .select()
        .from(schema.outboundEmails)
        .where(eq(schema.outboundEmails.to, user.email));
      return rows.length ? rows : undefined;
    });
    expect(recorded).toMatchObject([{ status: 'sent', subject: 'Reset your Signpost password' }]);

    await request(t.app).post('/api/auth/password-reset/complete').send({ token, password: NEW_PASSWORD }).expect(204);

    await signIn(user.email, TEST_PASSWORD).expect(401);
    await signIn(user.email, NEW_PASSWORD).expect(200);
    expect((await request(t.app).get('/api/auth/me').set('Cookie', oldSession.Cookie)).body.user).toBeNull();
    const again = await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token, password: 'yet another passphrase' })
      .expect(400);
    expect(again.body.errors[0].field).toBe('token');
    await signIn(user.email, NEW_PASSWORD).expect(200);
    const audit = await auditRows(user.id, 'user.password_reset');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(await auditRows(user.id, 'user.password_reset_request'))).not.toContain(token);
  });

  it('when a reset link has expired, then it is refused and the password stays', async () => {
    const user = await createUser(t.database.db);
    const seen = smtp.messages.length;
    await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    const token = tokenFromEmail(await smtp.waitFor(resetMailTo(user.email, seen)));
    await t.database.db
      .update(schema.emailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.emailTokens.tokenHash, hashToken(token)));

    const res = await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token, password: NEW_PASSWORD })
      .expect(400);

    expect(res.body.errors).toEqual([{ field: 'token', message: expect.stringMatching(/expired/) }]);
    await signIn(user.email, TEST_PASSWORD).expect(200);
  });

  it('when a second reset is requested, then only the newest link works', async () => {
    const user = await createUser(t.database.db);
    let seen = smtp.messages.length;
    await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    const first = tokenFromEmail(await smtp.waitFor(resetMailTo(user.email, seen)));
    seen = smtp.messages.length;
    await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    const second = tokenFromEmail(await smtp.waitFor(resetMailTo(user.email, seen)));

    await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token: first, password: NEW_PASSWORD })
      .expect(400);
    await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token: second, password: NEW_PASSWORD })
      .expect(204);
  });

  it('when the email has no account, then the answer is the same 202 and no email is sent', async () => {
    const user = await createUser(t.database.db);
    const seen = smtp.messages.length;

    const unknown = await request(t.app)
      .post('/api/auth/password-reset/request')
      .send({ email: 'no.such.person@example.org' })
      .expect(202);
    const known = await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    // The known request was answered after the unknown one; once its email has arrived the unknown one is done too.
    await smtp.waitFor(resetMailTo(user.email, seen));

    expect(unknown.body).toEqual(known.body);
    expect(smtp.messages.slice(seen).map((m) => m.to)).toEqual([[user.email]]);
    const recorded = await t.database.db
      .select()
      .from(schema.outboundEmails)
      .where(eq(schema.outboundEmails.to, 'no.such.person@example.org'));
    expect(recorded).toHaveLength(0);
  });

  it('when the new password is too short, then it answers 400 and the token still works', async () => {
    const user = await createUser(t.database.db);
    const seen = smtp.messages.length;
    await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    const token = tokenFromEmail(await smtp.waitFor(resetMailTo(user.email, seen)));

    const res = await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token, password: 'short' })
      .expect(400);

    expect(res.body.errors).toEqual([{ field: 'password', message: 'must be at least 12 characters' }]);
    await request(t.app).post('/api/auth/password-reset/complete').send({ token, password: NEW_PASSWORD }).expect(204);
  });

  it('when a made-up token is used, then it answers 400 naming token', async () => {
    const res = await request(t.app)
      .post('/api/auth/password-reset/complete')
      .send({ token: 'made-up-token', password: NEW_PASSWORD })
      .expect(400);
    expect(res.body.errors[0].field).toBe('token');
  });
});

describe('GET /api/dev/outbox', () => {
  it('when the default development mode runs, then the outbox is not mounted and the reset-token takeover fails', async () => {
    // The takeover path of issue 11: request a reset, read the token from the outbox, set a password.
    const dev = await buildTestApp({ NODE_ENV: 'development', SMTP_URL: smtp.url, RATE_LIMIT_AUTH_PER_MINUTE: '0' });
    try {
      const admin = await createUser(dev.database.db, { role: 'admin' });
      await request(dev.app).post('/api/auth/password-reset/request').send({ email: admin.email }).expect(202);
      const res = await request(dev.app).get('/api/dev/outbox');
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('token');
      const config = await request(dev.app).get('/api/config').expect(200);
      expect(config.body.devOutbox).toBe(false);
    } finally {
      await dev.close();
    }
  });

  it('when DEV_OUTBOX=on in development, then anonymous and non-admin callers are still refused', async () => {
    const dev = await buildTestApp({ NODE_ENV: 'development', DEV_OUTBOX: 'on' });
    try {
      await request(dev.app).get('/api/dev/outbox').expect(401);
      const { headers: worker } = await signedInAs(dev.database.db, { role: 'link_worker' });
      await request(dev.app).get('/api/dev/outbox').set('Cookie', worker.Cookie).expect(403);
      const { headers: admin } = await signedInAs(dev.database.db, { role: 'admin' });
      await request(dev.app).get('/api/dev/outbox').set('Cookie', admin.Cookie).expect(200);
      expect((await request(dev.app).get('/api/config')).body.devOutbox).toBe(true);
    } finally {
      await dev.close();
    }
  });

  it('when an admin asks outside production, then it lists recent emails; other roles and anonymous are refused', async () => {
    const user = await createUser(t.database.db);
    const seen = smtp.messages.length;
    await request(t.app).post('/api/auth/password-reset/request').send({ email: user.email }).expect(202);
    await smtp.waitFor((m) => m.to.includes(user.email) && smtp.messages.indexOf(m) >= seen);
    const { headers: admin } = await signedInAs(t.database.db, { role: 'admin' });
    const { headers: worker } = await signedInAs(t.database.db, { role: 'link_worker' });

    const res = await eventually(async () => {
      const r = await request(t.app).get('/api/dev/outbox').set('Cookie', admin.Cookie).expect(200);
      return r.body.emails[0]?.to === user.email ? r : undefined;
    });
    await request(t.app).get('/api/dev/outbox').expect(401);
    await request(t.app).get('/api/dev/outbox').set('Cookie', worker.Cookie).expect(403);

    expect(res.body.emails[0]).toMatchObject({
      to: user.email,
      status: 'sent',
      subject: 'Reset your Signpost password',
    });
    expect(res.body.emails[0].text).toContain('#token=');
  });
});
