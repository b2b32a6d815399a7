/** Test factories for people: create a user (optionally a member of organisations) and a signed-in session for Supertest. */
import argon2 from 'argon2';
import { schema, type Db } from '../../server/db';
import { createSession, SESSION_COOKIE, CSRF_HEADER } from '../../server/features/accounts';
import type { Role } from '../../shared/roles';

/** Password every test user gets unless overridden. */
export const TEST_PASSWORD = 'correct horse battery staple';

let counter = 0;

/** A created test user. */
export interface TestUser {
  id: string;
  email: string;
  role: Role;
}

/** Inserts an active user with an argon2id hash of `password` (fast test parameters). */
export async function createUser(
  db: Db,
  overrides: {
    role?: Role;
    email?: string;
    name?: string;
    password?: string;
    organizationIds?: string[];
    pcnCode?: string;
    icbCode?: string;
  } = {},
): Promise<TestUser> {
  counter += 1;
  const role = overrides.role ?? 'vcse_editor';
  const email = (overrides.email ?? `${role}.${counter}.${Date.now()}@example.org`).toLowerCase();
  const passwordHash = await argon2.hash(overrides.password ?? TEST_PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 4096,
    timeCost: 2,
  });
  const [user] = await db
    .insert(schema.users)
    .values({
      email,
      name: overrides.name ?? `Test ${role} ${counter}`,
      role,
      passwordHash,
      pcnCode: overrides.pcnCode ?? null,
      icbCode: overrides.icbCode ?? null,
    })
    .returning({ id: schema.users.id });
  for (const organizationId of overrides.organizationIds ?? []) {
    await db.insert(schema.memberships).values({ userId: user!.id, organizationId });
  }
  return { id: user!.id, email, role };
}

/** Headers that make a Supertest request signed in as a user: the session cookie and its CSRF token. */
// A type alias (not an interface) so it can be passed straight to Supertest's .set(headers).
export type AuthHeaders = {
  Cookie: string;
  [CSRF_HEADER]: string;
};

/** Creates a session for a user directly (arrange step) and returns the headers to send. */
export async function sessionHeaders(db: Db, userId: string): Promise<AuthHeaders> {
  const { token, csrfToken } = await createSession(db, userId);
  return { Cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: csrfToken };
}

/** Creates a user and a session; returns both. */
export async function signedInAs(
  db: Db,
  overrides: Parameters<typeof createUser>[1] = {},
): Promise<{ user: TestUser; headers: AuthHeaders }> {
  const user = await createUser(db, overrides);
  return { user, headers: await sessionHeaders(db, user.id) };
}
