/** Queries of accounts: users, memberships, emailed tokens and sign-in counters. Plain rows out. */
import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { schema, type Db } from '../../db';

/** A user row. */
export type UserRow = typeof schema.users.$inferSelect;

/** A user with the organisations they may edit. */
export type UserWithOrgs = UserRow & { organizationIds: string[] };

/** Finds a user by lower-cased email. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(schema.users).where(eq(schema.users.email, email));
  return row;
}

/** Finds a user by id. */
export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(schema.users).where(eq(schema.users.id, id));
  return row;
}

/** Organisation ids of each user, keyed by user id. */
export async function membershipsOf(db: Db, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return map;
  const rows = await db
    .select({ userId: schema.memberships.userId, organizationId: schema.memberships.organizationId })
    .from(schema.memberships)
    .where(inArray(schema.memberships.userId, userIds))
    .orderBy(asc(schema.memberships.organizationId));
  for (const r of rows) map.get(r.userId)?.push(r.organizationId);
  return map;
}

/** A user with their memberships, or undefined. */
export async function findUserWithOrgs(db: Db, id: string): Promise<UserWithOrgs | undefined> {
  const user = await findUserById(db, id);
  if (!user) return undefined;
  return { ...user, organizationIds: (await membershipsOf(db, [id])).get(id) ?? [] };
}

/** Lists users (optionally by role and status), ordered by email. */
export async function listUsers(db: Db, filter: { role?: string; status?: string }): Promise<UserWithOrgs[]> {
  const where: SQL[] = [];
  if (filter.role) where.push(eq(schema.users.role, filter.role));
  if (filter.status) where.push(eq(schema.users.status, filter.status));
  const users = await db
    .select()
    .from(schema.users)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(schema.users.email));
  const orgs = await membershipsOf(
    db,
    users.map((u) => u.id),
  );
  return users.map((u) => ({ ...u, organizationIds: orgs.get(u.id) ?? [] }));
}

/** Inserts a user without a password (an invite). */
export async function insertUser(
  db: Db,
  values: { email: string; name: string; role: string; pcnCode: string | null; icbCode: string | null },
): Promise<UserRow> {
  const [row] = await db.insert(schema.users).values(values).returning();
  return row!;
}

/** Updates user columns. */
export async function updateUser(db: Db, id: string, values: Partial<typeof schema.users.$inferInsert>): Promise<void> {
  await db.update(schema.users).set(values).where(eq(schema.users.id, id));
}

/** Replaces a user's memberships. */
export async function replaceMemberships(db: Db, userId: string, organizationIds: string[]): Promise<void> {
  await db.delete(schema.memberships).where(eq(schema.memberships.userId, userId));
  if (organizationIds.length) {
    await db.insert(schema.memberships).values(organizationIds.map((organizationId) => ({ userId, organizationId })));
  }
}

/** Which of these organisation ids exist. */
export async function existingOrganizationIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: schema.organizations.id })
    .from(schema.organizations)
    .where(inArray(schema.organizations.id, ids));
  return new Set(rows.map((r) => r.id));
}

/** Whether a PCN with this code exists. */
export async function pcnExists(db: Db, code: string): Promise<boolean> {
  const rows = await db.select({ code: schema.pcns.code }).from(schema.pcns).where(eq(schema.pcns.code, code));
  return rows.length > 0;
}

/** Whether an ICB with this ODS code exists. */
export async function icbExists(db: Db, code: string): Promise<boolean> {
  const rows = await db.select({ code: schema.icbs.code }).from(schema.icbs).where(eq(schema.icbs.code, code));
  return rows.length > 0;
}

/** Adds one to the account's count of consecutive failed sign-ins (shown to admins; it never locks the account). */
export async function recordFailedSignIn(db: Db, userId: string): Promise<void> {
  await db
    .update(schema.users)
    .set({ failedSignIns: sql`${schema.users.failedSignIns} + 1` })
    .where(eq(schema.users.id, userId));
}

/** Clears the failed-sign-in count and any lockout. */
export async function clearFailedSignIns(db: Db, userId: string): Promise<void> {
  await db.update(schema.users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(schema.users.id, userId));
}

/** Stores an emailed token's hash. */
export async function insertEmailToken(
  db: Db,
  values: { tokenHash: string; purpose: 'invite' | 'reset'; userId: string; createdBy: string | null; expiresAt: Date },
): Promise<void> {
  await db.insert(schema.emailTokens).values(values);
}

/** Marks every unused token of a purpose for a user as used (a newer one replaces them). */
export async function retireEmailTokens(db: Db, userId: string, purpose: 'invite' | 'reset', now: Date): Promise<void> {
  await db
    .update(schema.emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(schema.emailTokens.userId, userId),
        eq(schema.emailTokens.purpose, purpose),
        isNull(schema.emailTokens.usedAt),
      ),
    );
}

/** Consumes a valid token atomically (unused, unexpired, right purpose); returns its user id or undefined. */
export async function consumeEmailToken(
  db: Db,
  tokenHash: string,
  purpose: 'invite' | 'reset',
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .update(schema.emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(schema.emailTokens.tokenHash, tokenHash),
        eq(schema.emailTokens.purpose, purpose),
        isNull(schema.emailTokens.usedAt),
        gt(schema.emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: schema.emailTokens.userId });
  return row?.userId;
}

/** Deletes every session of a user except one (by token hash). */
export async function deleteOtherSessions(db: Db, userId: string, keepTokenHash: string): Promise<void> {
  await db
    .delete(schema.sessions)
    .where(and(eq(schema.sessions.userId, userId), sql`${schema.sessions.tokenHash} <> ${keepTokenHash}`));
}

/** The user id of a valid (unused, unexpired) token of a purpose, without consuming it. */
export async function findValidEmailToken(
  db: Db,
  tokenHash: string,
  purpose: 'invite' | 'reset',
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: schema.emailTokens.userId })
    .from(schema.emailTokens)
    .where(
      and(
        eq(schema.emailTokens.tokenHash, tokenHash),
        eq(schema.emailTokens.purpose, purpose),
        isNull(schema.emailTokens.usedAt),
        gt(schema.emailTokens.expiresAt, now),
      ),
    );
  return row?.userId;
}
