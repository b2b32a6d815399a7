import request from 'supertest';
import { eq } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { schema } from '../../server/db';
import { DEMO_ACCOUNTS, seedDemo } from '../../scripts/seed-demo';

const PASSWORD = 'demo password for tests';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '0' });
});
afterAll(() => t.close());

describe('seed:demo', () => {
  it('when run twice, then there is one account per role, the editor is in the demo organisation, and each can sign in', async () => {
    const first = await seedDemo({ db: t.database.db, password: PASSWORD });
    await t.database.db
      .update(schema.users)
      .set({ lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(schema.users.email, 'admin@signpost.example'));
    const second = await seedDemo({ db: t.database.db, password: PASSWORD });

    expect(first.map((r) => r.action)).toEqual(['created', 'created', 'created', 'created']);
    expect(second.map((r) => r.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
    const users = await t.database.db.select().from(schema.users);
    expect(users.map((u) => u.email).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
    expect(await t.database.db.select().from(schema.organizations)).toHaveLength(1);
    expect(await t.database.db.select().from(schema.services)).toHaveLength(1);
    const editor = users.find((u) => u.role === 'vcse_editor')!;
    const memberships = await t.database.db.select().from(schema.memberships);
    expect(memberships).toEqual([expect.objectContaining({ userId: editor.id })]);
    for (const account of DEMO_ACCOUNTS) {
      const res = await request(t.app).post('/api/auth/sign-in').send({ email: account.email, password: PASSWORD });
      expect([account.email, res.status, res.body.user?.role]).toEqual([account.email, 200, account.role]);
    }
  });
});
