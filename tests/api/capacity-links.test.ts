import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs } from '../helpers/auth';
import { createOrganization, createService, snapshotDirectory } from '../helpers/directory';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../helpers/smtp';
import { query, schema, type Db } from '../../server/db';
import { createMailer, type Mailer } from '../../server/features/email';
import { sendCapacityNudges } from '../../server/features/nudges';
import { signCapacityLink } from '../../server/features/directory';

const DAY = 86_400_000;
const BASE = 'https://signpost.test';

let t: TestApp;
let db: Db;
let smtp: SmtpCapture;
let mailer: Mailer;
let orgId: string;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await buildTestApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: BASE, CAPACITY_STALE_DAYS: '14' });
  db = t.database.db;
  mailer = createMailer(t.config);
  orgId = (await createOrganization(db)).id;
});
afterAll(async () => {
  mailer.close();
  await t.close();
  await smtp.close();
});

const nudge = (now = new Date()) => sendCapacityNudges({ db, mailer, now, config: t.config });
const serviceRow = async (id: string) =>
  (await db.select().from(schema.services).where(eq(schema.services.id, id)))[0]!;
const historyOf = (id: string) =>
  db.select().from(schema.capacityHistory).where(eq(schema.capacityHistory.serviceId, id));
const auditOf = (id: string) =>
  query<{ actor_user_id: string | null; action: string; after: Record<string, unknown> }>(
    db,
    sql`select actor_user_id, action, after from audit_log where entity_id = ${id} order by id`,
  );

let counter = 0;
/** A service whose capacity was confirmed `daysAgo` days ago, with a unique contact email unless told otherwise. */
async function staleService(daysAgo: number, overrides: Partial<typeof schema.services.$inferInsert> = {}) {
  counter += 1;
  const at = new Date(Date.now() - daysAgo * DAY);
  return createService(db, orgId, {
    name: `Befriending ${counter}`,
    email: `contact${counter}@example.org`,
    capacitySetAt: at,
    capacityConfirmedAt: at,
    ...overrides,
  });
}

const mailTo = (email: string) => (m: CapturedMail) => m.to.includes(email);

/** The token of each one-tap link in an email's text, by button label. */
function linksIn(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text
    .replace(/\r\n/g, '\n')
    .matchAll(/^(.+):\n(https:\/\/signpost\.test\/capacity-link\?token=([A-Za-z0-9._-]+))$/gm))
    out[m[1]!] = m[3]!;
  return out;
}

/** Re-encodes a token's payload with changes, keeping the original signature (a forgery). */
function forge(token: string, change: Record<string, unknown>): string {
  const [payload, signature] = token.split('.') as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url')}.${signature}`;
}

describe('the weekly nudge email', () => {
  it('when capacity is about to go stale, then the contact gets a real email with four signed links, and applying "Waiting list" sets it via email_link', async () => {
    const s = await staleService(12);

    const run = await nudge();

    expect(run.sentServiceIds).toContain(s.id);
    const mail = await smtp.waitFor(mailTo(s.email!));
    expect(mail.subject).toBe(`Is ${s.name} still up to date?`);
    expect(mail.raw).toMatch(/multipart\/alternative/);
    const links = linksIn(mail.text);
    expect(Object.keys(links)).toEqual([
      'Accepting referrals',
      'Waiting list',
      'Full (not accepting referrals)',
      'Still accurate',
    ]);
    for (const token of Object.values(links)) expect(mail.html).toContain(`${BASE}/capacity-link?token=${token}`);
    expect((await serviceRow(s.id)).capacityNudgedAt).not.toBeNull();
    const [recorded] = await query<{ status: string }>(
      db,
      sql`select status from outbound_emails where "to" = ${s.email} order by id desc limit 1`,
    );
    expect(recorded?.status).toBe('sent');

    const before = await snapshotDirectory(db);
    const shown = await request(t.app).get(`/api/capacity-links/${links['Waiting list']}`).expect(200);
    expect(shown.body).toMatchObject({
      service: { id: s.id, name: s.name },
      action: 'waitlist',
      actionLabel: 'Waiting list',
      wouldRecord: 'set',
      canApply: true,
      currentCapacity: { status: 'accepting' },
      apply: { method: 'POST', href: `/api/capacity-links/${links['Waiting list']}/apply` },
    });
    expect(Date.parse(shown.body.expiresAt)).toBeGreaterThan(Date.now() + 6 * DAY);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(await snapshotDirectory(db)).toEqual(before);

    const applied = await request(t.app).post(`/api/capacity-links/${links['Waiting list']}/apply`).expect(200);

    expect(applied.body).toMatchObject({
      applied: 'set',
      action: 'waitlist',
      capacity: { status: 'waitlist', places: null, setBy: null, freshness: 'confirmed', version: s.version + 1 },
    });
    expect(applied.headers.etag).toBe(`"${s.version + 1}"`);
    expect(await serviceRow(s.id)).toMatchObject({
      capacityStatus: 'waitlist',
      capacityPlaces: null,
      capacitySetBy: null,
      version: s.version + 1,
    });
    expect(await historyOf(s.id)).toEqual([
      expect.objectContaining({ kind: 'set', status: 'waitlist', via: 'email_link', setBy: null, version: 2 }),
    ]);
    const audit = await auditOf(s.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: null,
      action: 'capacity.set',
      after: { status: 'waitlist', via: 'email_link', linkAction: 'waitlist' },
    });
    const history = await request(t.app).get(`/api/services/${s.id}/capacity/history`).expect(200);
    expect(history.body.history[0]).toMatchObject({ via: 'email_link' });
  });

  it('when the same status link is applied twice, then the second apply records a confirm; "Still accurate" confirms too', async () => {
    const s = await staleService(13);
    await nudge();
    const links = linksIn((await smtp.waitFor(mailTo(s.email!))).text);

    await request(t.app).post(`/api/capacity-links/${links['Full (not accepting referrals)']}/apply`).expect(200);
    const again = await request(t.app)
      .post(`/api/capacity-links/${links['Full (not accepting referrals)']}/apply`)
      .expect(200);
    const confirmed = await request(t.app).post(`/api/capacity-links/${links['Still accurate']}/apply`).expect(200);

    expect(again.body).toMatchObject({ applied: 'confirm', capacity: { status: 'not_accepting' } });
    expect(confirmed.body).toMatchObject({ applied: 'confirm', capacity: { status: 'not_accepting', version: 4 } });
    const kinds = (await historyOf(s.id))
      .map((h) => [h.kind, h.status, h.via])
      .sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(kinds).toEqual([
      ['confirm', 'not_accepting', 'email_link'],
      ['confirm', 'not_accepting', 'email_link'],
      ['set', 'not_accepting', 'email_link'],
    ]);
  });

  it('when a nudge was sent, then it is not sent again within 6 days, but is after', async () => {
    const s = await staleService(20);
    const first = await nudge();
    expect(first.sentServiceIds).toContain(s.id);
    const count = () => smtp.messages.filter(mailTo(s.email!)).length;
    expect(count()).toBe(1);

    const fiveDaysOn = await nudge(new Date(Date.now() + 5 * DAY));
    expect(fiveDaysOn.sentServiceIds).not.toContain(s.id);
    expect(count()).toBe(1);

    const sevenDaysOn = await nudge(new Date(Date.now() + 7 * DAY));
    expect(sevenDaysOn.sentServiceIds).toContain(s.id);
    await smtp.waitFor((m) => mailTo(s.email!)(m) && count() === 2);
  });

  it('when capacity was confirmed recently, or the service is not active, then no nudge is sent', async () => {
    const fresh = await staleService(5);
    const inactive = await staleService(30, { status: 'inactive' });
    const run = await nudge();
    expect(run.sentServiceIds).not.toContain(fresh.id);
    expect(run.sentServiceIds).not.toContain(inactive.id);
    expect(smtp.messages.filter((m) => m.to.includes(fresh.email!) || m.to.includes(inactive.email!))).toEqual([]);
  });

  it('when a service has no email of its own, then the first contact with an email gets it, else the organisation', async () => {
    const viaContact = await staleService(15, { email: null });
    await db.insert(schema.contacts).values([
      { serviceId: viaContact.id, name: 'No email' },
      { serviceId: viaContact.id, name: 'Pat', email: 'pat.contact@example.org' },
    ]);
    const org = await createOrganization(db, { email: 'office@org-fallback.example' });
    const viaOrg = await createService(db, org.id, {
      name: 'Allotment',
      capacityStatus: null,
      capacitySetAt: null,
      capacityConfirmedAt: null,
    });

    const run = await nudge();

    expect(run.sentServiceIds).toEqual(expect.arrayContaining([viaContact.id, viaOrg.id]));
    await smtp.waitFor(mailTo('pat.contact@example.org'));
    const neverSet = await smtp.waitFor(mailTo('office@org-fallback.example'));
    expect(neverSet.subject).toBe('Is Allotment still missing its capacity?');
    // Nothing to confirm yet: the three status links only.
    expect(Object.keys(linksIn(neverSet.text))).toEqual([
      'Accepting referrals',
      'Waiting list',
      'Full (not accepting referrals)',
    ]);
  });

  it('when a due service has no contact email anywhere, then it is skipped and nothing is recorded', async () => {
    const s = await staleService(30, { email: null, name: 'Nobody to tell' });
    const emailsBefore = await query<{ n: number }>(db, sql`select count(*)::int as n from outbound_emails`);

    const run = await nudge();

    expect(run.sentServiceIds).not.toContain(s.id);
    expect(run.skippedNoEmail).toBeGreaterThanOrEqual(1);
    expect((await serviceRow(s.id)).capacityNudgedAt).toBeNull();
    const emailsAfter = await query<{ n: number }>(db, sql`select count(*)::int as n from outbound_emails`);
    expect(emailsAfter[0]!.n - emailsBefore[0]!.n).toBe(run.sent + run.failed);
  });
});

describe('refused links', () => {
  it('when a link has expired, then GET and apply answer 410 and nothing changes', async () => {
    const s = await staleService(1);
    const token = signCapacityLink({
      secret: t.config.sessionSecret,
      serviceId: s.id,
      action: 'waitlist',
      now: Date.now() - 8 * DAY,
    });
    const before = await snapshotDirectory(db);

    const shown = await request(t.app).get(`/api/capacity-links/${token}`).expect(410);
    const applied = await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(410);

    expect(shown.body.code).toBe('link_expired');
    expect(applied.body).toMatchObject({ code: 'link_expired', detail: expect.stringMatching(/expired on .*7 days/) });
    expect(await snapshotDirectory(db)).toEqual(before);
  });

  it("when service A's link has B's id swapped in without re-signing, then it is refused and B is unchanged", async () => {
    const a = await staleService(1);
    const b = await staleService(1);
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: a.id, action: 'not_accepting' });
    const forged = forge(token, { serviceId: b.id });
    const before = await snapshotDirectory(db);

    const res = await request(t.app).post(`/api/capacity-links/${forged}/apply`).expect(400);
    await request(t.app).get(`/api/capacity-links/${forged}`).expect(400);

    expect(res.body.code).toBe('invalid_link');
    expect(await snapshotDirectory(db)).toEqual(before);
    expect(await serviceRow(b.id)).toMatchObject({ capacityStatus: 'accepting', version: 1 });
  });

  it('when the signature is tampered with, or the expiry extended, then it is refused and nothing changes', async () => {
    const s = await staleService(1);
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'waitlist' });
    const sig = token.split('.')[1]!;
    const tampered = `${token.split('.')[0]}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const extended = forge(token, { exp: Math.floor(Date.now() / 1000) + 365 * 86_400 });
    const before = await snapshotDirectory(db);

    for (const bad of [tampered, extended, 'not-a-token', `${token}x`]) {
      const res = await request(t.app).post(`/api/capacity-links/${bad}/apply`).expect(400);
      expect(res.body.code).toBe('invalid_link');
    }
    expect(await snapshotDirectory(db)).toEqual(before);
  });

  it('when a link is signed with another secret, then it is refused', async () => {
    const s = await staleService(1);
    const token = signCapacityLink({ secret: 'z'.repeat(32), serviceId: s.id, action: 'waitlist' });
    await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(400);
    expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: 'accepting', version: 1 });
  });

  it('when the service was removed, then the link answers 404 and changes nothing', async () => {
    const s = await staleService(1, { status: 'defunct' });
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'accepting' });
    await request(t.app).get(`/api/capacity-links/${token}`).expect(404);
    await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(409);
    expect(await historyOf(s.id)).toEqual([]);
  });

  it('when "Still accurate" is applied to capacity never set, then it answers 409 capacity_not_set', async () => {
    const s = await staleService(1, { capacityStatus: null, capacitySetAt: null, capacityConfirmedAt: null });
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'confirm' });
    const shown = await request(t.app).get(`/api/capacity-links/${token}`).expect(200);
    expect(shown.body).toMatchObject({ canApply: false });
    const res = await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(409);
    expect(res.body.code).toBe('capacity_not_set');
  });
});

describe('applying from a browser', () => {
  it('when someone signed in applies a link without a CSRF token, then it still works (the link is the authority) and records no actor', async () => {
    const s = await staleService(1);
    const { headers } = await signedInAs(db, { role: 'vcse_editor' });
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'waitlist' });

    await request(t.app)
      .post(`/api/capacity-links/${token}/apply`)
      .set('Cookie', headers.Cookie)
      .set('Origin', 'http://127.0.0.1')
      .set('Host', '127.0.0.1')
      .expect(200);

    expect(await historyOf(s.id)).toEqual([expect.objectContaining({ via: 'email_link', setBy: null })]);
    expect((await auditOf(s.id))[0]?.actor_user_id).toBeNull();
  });

  it('when the apply comes from another site (Origin), then it is refused as cross-site', async () => {
    const s = await staleService(1);
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'waitlist' });
    const res = await request(t.app)
      .post(`/api/capacity-links/${token}/apply`)
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(res.body.code).toBe('csrf_failed');
    expect(await historyOf(s.id)).toEqual([]);
  });

  it('when a browser opens the API link, then it gets a confirm page with a form, and posting it applies', async () => {
    const s = await staleService(1, { name: 'Men <b>in</b> sheds' });
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'not_accepting' });

    const page = await request(t.app).get(`/api/capacity-links/${token}`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain(`<form method="post" action="/api/capacity-links/${token}/apply">`);
    expect(page.text).toContain('Men &lt;b&gt;in&lt;/b&gt; sheds');
    expect(await historyOf(s.id)).toEqual([]);

    const done = await request(t.app)
      .post(`/api/capacity-links/${token}/apply`)
      .set('Accept', 'text/html')
      .type('form')
      .send('')
      .expect(200);
    expect(done.text).toContain('<strong>Not accepting referrals</strong>');
    expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: 'not_accepting' });
  });
});
