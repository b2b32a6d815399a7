/** Queries of demand signals: referrals, unmet need, reopen subscriptions, referral pressure and the summary. Plain rows out. */
import { and, desc, eq, gt, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';

const { referrals, unmetNeeds, reopenSubscriptions, services, organizations, serviceTaxonomy, taxonomyTerms, users } =
  schema;

export type ReferralRow = typeof referrals.$inferSelect;
export type UnmetNeedRow = typeof unmetNeeds.$inferSelect;
export type ReopenSubscriptionRow = typeof reopenSubscriptions.$inferSelect;

/** A service as demand needs it: visibility, capacity and its taxonomy codes. */
export interface DemandServiceRow {
  id: string;
  name: string;
  status: string;
  organizationStatus: string;
  capacityStatus: string | null;
  categoryCodes: string[];
}

/** One service with its organisation's status and taxonomy codes (sorted), or undefined. */
export async function findService(db: Db, id: string): Promise<DemandServiceRow | undefined> {
  const [row] = await db
    .select({
      id: services.id,
      name: services.name,
      status: services.status,
      organizationStatus: organizations.status,
      capacityStatus: services.capacityStatus,
    })
    .from(services)
    .innerJoin(organizations, eq(organizations.id, services.organizationId))
    .where(eq(services.id, id));
  if (!row) return undefined;
  const terms = await db
    .select({ code: taxonomyTerms.code })
    .from(serviceTaxonomy)
    .innerJoin(taxonomyTerms, eq(taxonomyTerms.id, serviceTaxonomy.taxonomyTermId))
    .where(eq(serviceTaxonomy.serviceId, id))
    .orderBy(taxonomyTerms.code);
  return { ...row, categoryCodes: terms.map((t) => t.code) };
}

/** Taxonomy codes among `codes` that exist. */
export async function existingTaxonomyCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const rows = await db
    .select({ code: taxonomyTerms.code })
    .from(taxonomyTerms)
    .where(inArray(taxonomyTerms.code, codes));
  return new Set(rows.map((r) => r.code));
}

/**
 * Serialises writes of one key (user + what they record) until the transaction ends, so two simultaneous clicks
 * cannot both miss each other's row. PGlite runs one transaction at a time anyway.
 */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

/** The user's referral to this service recorded since `since`, if any (the newest). */
export async function findRecentReferral(
  db: Db,
  userId: string,
  serviceId: string,
  since: Date,
): Promise<ReferralRow | undefined> {
  const [row] = await db
    .select()
    .from(referrals)
    .where(and(eq(referrals.recordedBy, userId), eq(referrals.serviceId, serviceId), gt(referrals.recordedAt, since)))
    .orderBy(desc(referrals.recordedAt))
    .limit(1);
  return row;
}

/** Records one referral. */
export async function insertReferral(db: Db, row: typeof referrals.$inferInsert): Promise<ReferralRow> {
  const [inserted] = await db.insert(referrals).values(row).returning();
  return inserted!;
}

/** The user's identical unmet-need record since `since`, if any. */
export async function findRecentUnmetNeed(
  db: Db,
  userId: string,
  body: { reason: string; categoryCodes: string[]; postcodeDistrict: string | null },
  since: Date,
): Promise<UnmetNeedRow | undefined> {
  const [row] = await db
    .select()
    .from(unmetNeeds)
    .where(
      and(
        eq(unmetNeeds.recordedBy, userId),
        eq(unmetNeeds.reason, body.reason),
        eq(unmetNeeds.categoryCodes, body.categoryCodes),
        body.postcodeDistrict === null
          ? isNull(unmetNeeds.postcodeDistrict)
          : eq(unmetNeeds.postcodeDistrict, body.postcodeDistrict),
        gt(unmetNeeds.recordedAt, since),
      ),
    )
    .orderBy(desc(unmetNeeds.recordedAt))
    .limit(1);
  return row;
}

/** Records one unmet need. */
export async function insertUnmetNeed(db: Db, row: typeof unmetNeeds.$inferInsert): Promise<UnmetNeedRow> {
  const [inserted] = await db.insert(unmetNeeds).values(row).returning();
  return inserted!;
}

/**
 * Whether the service whose id is `serviceId` (an SQL expression, e.g. a column of the caller's statement) is under
 * high referral pressure: more referrals since `since` than its declared places (capacity places, else places per
 * session), or on a waiting list / not accepting with at least `fullThreshold` of them. A boolean SQL expression, so
 * other statements (search) can carry it without a round trip of their own.
 */
export function underPressureSql(
  serviceId: SQL,
  { since, fullThreshold }: { since: Date; fullThreshold: number },
): SQL {
  return sql`coalesce((select (coalesce(ps.capacity_places, ps.capacity_session_places) is not null
             and r.n > coalesce(ps.capacity_places, ps.capacity_session_places))
          or (ps.capacity_status in ('waitlist', 'not_accepting') and r.n >= ${fullThreshold}::int)
        from services ps,
          (select count(*)::int as n from referrals pr
           where pr.service_id = ${serviceId} and pr.recorded_at > ${since.toISOString()}::timestamptz) r
        where ps.id = ${serviceId} and r.n > 0), false)`;
}

/** The services among `ids` under high referral pressure (see underPressureSql). */
export async function servicesUnderPressure(
  db: Db,
  ids: string[],
  { days, fullThreshold }: { days: number; fullThreshold: number },
): Promise<string[]> {
  if (!ids.length) return [];
  const since = new Date(Date.now() - days * 86_400_000);
  const rows = await db
    .select({ id: services.id })
    .from(services)
    .where(and(inArray(services.id, ids), underPressureSql(sql`${services.id}`, { since, fullThreshold })));
  return rows.map((r) => r.id);
}

/** Referrals of a service in the `days` before now. */
export async function countRecentReferrals(db: Db, serviceId: string, days: number): Promise<number> {
  const since = new Date(Date.now() - days * 86_400_000);
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(referrals)
    .where(and(eq(referrals.serviceId, serviceId), gt(referrals.recordedAt, since)));
  return row?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Reopen subscriptions

/** The user's pending (not yet notified) subscription to a service. */
export async function findPendingSubscription(
  db: Db,
  userId: string,
  serviceId: string,
): Promise<ReopenSubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(reopenSubscriptions)
    .where(
      and(
        eq(reopenSubscriptions.userId, userId),
        eq(reopenSubscriptions.serviceId, serviceId),
        isNull(reopenSubscriptions.notifiedAt),
      ),
    );
  return row;
}

/** Subscribes; returns the existing pending row when there is one (the partial unique index decides). */
export async function insertSubscription(db: Db, userId: string, serviceId: string): Promise<ReopenSubscriptionRow> {
  const [inserted] = await db
    .insert(reopenSubscriptions)
    .values({ userId, serviceId })
    .onConflictDoNothing({
      target: [reopenSubscriptions.serviceId, reopenSubscriptions.userId],
      where: sql`notified_at is null`,
    })
    .returning();
  return inserted ?? (await findPendingSubscription(db, userId, serviceId))!;
}

/** Removes the user's pending subscription; true when there was one. */
export async function deletePendingSubscription(db: Db, userId: string, serviceId: string): Promise<boolean> {
  const deleted = await db
    .delete(reopenSubscriptions)
    .where(
      and(
        eq(reopenSubscriptions.userId, userId),
        eq(reopenSubscriptions.serviceId, serviceId),
        isNull(reopenSubscriptions.notifiedAt),
      ),
    )
    .returning({ id: reopenSubscriptions.id });
  return deleted.length > 0;
}

/** Marks every waiting subscription of a service as due (the service reopened at `at`). */
export async function markReopened(db: Db, serviceId: string, at: Date): Promise<number> {
  const marked = await db
    .update(reopenSubscriptions)
    .set({ reopenedAt: at })
    .where(
      and(
        eq(reopenSubscriptions.serviceId, serviceId),
        isNull(reopenSubscriptions.notifiedAt),
        isNull(reopenSubscriptions.reopenedAt),
      ),
    )
    .returning({ id: reopenSubscriptions.id });
  return marked.length;
}

/** A due subscription with what its email needs. */
export interface DueSubscriptionRow {
  id: string;
  serviceId: string;
  serviceName: string;
  organizationName: string;
  capacityStatus: string | null;
  email: string;
}

/** Subscriptions of a service that are due (reopened, not notified) while it is still accepting or limited. */
export async function listDueSubscriptions(db: Db, serviceId: string): Promise<DueSubscriptionRow[]> {
  return db
    .select({
      id: reopenSubscriptions.id,
      serviceId: services.id,
      serviceName: services.name,
      organizationName: organizations.name,
      capacityStatus: services.capacityStatus,
      email: users.email,
    })
    .from(reopenSubscriptions)
    .innerJoin(services, eq(services.id, reopenSubscriptions.serviceId))
    .innerJoin(organizations, eq(organizations.id, services.organizationId))
    .innerJoin(users, eq(users.id, reopenSubscriptions.userId))
    .where(
      and(
        eq(reopenSubscriptions.serviceId, serviceId),
        isNotNull(reopenSubscriptions.reopenedAt),
        isNull(reopenSubscriptions.notifiedAt),
        inArray(services.capacityStatus, ['accepting', 'limited']),
        eq(users.status, 'active'),
      ),
    )
    .orderBy(reopenSubscriptions.createdAt);
}

/** Claims a due subscription for sending; false when another process already did. */
export async function claimSubscription(db: Db, id: string, at: Date): Promise<boolean> {
  const claimed = await db
    .update(reopenSubscriptions)
    .set({ notifiedAt: at })
    .where(and(eq(reopenSubscriptions.id, id), isNull(reopenSubscriptions.notifiedAt)))
    .returning({ id: reopenSubscriptions.id });
  return claimed.length === 1;
}

/** Gives a claim back (the mail server refused), so the next capacity write of the service tries again. */
export async function releaseSubscription(db: Db, id: string, at: Date): Promise<void> {
  await db
    .update(reopenSubscriptions)
    .set({ notifiedAt: null })
    .where(and(eq(reopenSubscriptions.id, id), eq(reopenSubscriptions.notifiedAt, at)));
}

// ---------------------------------------------------------------------------------------------------------------
// Summary

/** Filters of the summary: inclusive [from, to) instants, optional ICB (through the PCN) and PCN. */
export interface SummaryFilter {
  from: Date;
  toExclusive: Date;
  icb: string | null;
  pcn: string | null;
}

const scoped = (table: typeof referrals | typeof unmetNeeds, f: SummaryFilter) =>
  sql.join(
    [
      sql`${table.recordedAt} >= ${f.from.toISOString()}::timestamptz and ${table.recordedAt} < ${f.toExclusive.toISOString()}::timestamptz`,
      f.pcn ? sql`${table.pcnCode} = ${f.pcn}` : sql`true`,
      f.icb ? sql`${table.pcnCode} in (select code from pcns where icb_code = ${f.icb})` : sql`true`,
    ],
    sql` and `,
  );

/** Totals of referrals and unmet needs. */
export async function summaryTotals(db: Db, f: SummaryFilter): Promise<{ referrals: number; unmetNeeds: number }> {
  const [row] = await query<{ referrals: number; unmet_needs: number }>(
    db,
    sql`select (select count(*)::int from ${referrals} where ${scoped(referrals, f)}) as referrals,
               (select count(*)::int from ${unmetNeeds} where ${scoped(unmetNeeds, f)}) as unmet_needs`,
  );
  return { referrals: row?.referrals ?? 0, unmetNeeds: row?.unmet_needs ?? 0 };
}

/** Raw summary row. */
export interface SummaryRow {
  key: string;
  label: string | null;
  referrals: number;
  unmet_needs: number;
}

/** Counts by PCN (the link worker's PCN), with PCN names. */
export function summaryByPcn(db: Db, f: SummaryFilter): Promise<SummaryRow[]> {
  return query<SummaryRow>(
    db,
    sql`with r as (select ${referrals.pcnCode} as key, count(*)::int as n from ${referrals}
                   where ${scoped(referrals, f)} group by 1),
             u as (select ${unmetNeeds.pcnCode} as key, count(*)::int as n from ${unmetNeeds}
                   where ${scoped(unmetNeeds, f)} group by 1)
        select k.key, p.name as label, coalesce(r.n, 0) as referrals, coalesce(u.n, 0) as unmet_needs
        from (select key from r union select key from u) k
        left join r on r.key = k.key left join u on u.key = k.key
        left join pcns p on p.code = k.key
        order by k.key`,
  );
}

/** Counts by taxonomy code (a record with several codes counts once in each), with term names. */
export function summaryByCategory(db: Db, f: SummaryFilter): Promise<SummaryRow[]> {
  return query<SummaryRow>(
    db,
    sql`with r as (select c as key, count(*)::int as n from ${referrals}, unnest(${referrals.categoryCodes}) c
                   where ${scoped(referrals, f)} group by 1),
             u as (select c as key, count(*)::int as n from ${unmetNeeds}, unnest(${unmetNeeds.categoryCodes}) c
                   where ${scoped(unmetNeeds, f)} group by 1)
        select k.key, t.name as label, coalesce(r.n, 0) as referrals, coalesce(u.n, 0) as unmet_needs
        from (select key from r union select key from u) k
        left join r on r.key = k.key left join u on u.key = k.key
        left join ${taxonomyTerms} t on t.code = k.key and t.taxonomy = 'signpost-social-prescribing'
        order by k.key`,
  );
}

/** Unmet needs by reason (referrals have no reason). */
export function summaryByReason(db: Db, f: SummaryFilter): Promise<SummaryRow[]> {
  return query<SummaryRow>(
    db,
    sql`select ${unmetNeeds.reason} as key, null as label, 0 as referrals, count(*)::int as unmet_needs
        from ${unmetNeeds} where ${scoped(unmetNeeds, f)} group by 1 order by 1`,
  );
}

/** Whether a PCN belongs to an ICB. */
export async function pcnIcb(db: Db, pcn: string): Promise<string | null | undefined> {
  const [row] = await query<{ icb_code: string | null }>(db, sql`select icb_code from pcns where code = ${pcn}`);
  return row ? row.icb_code : undefined;
}

/** The ODS code of an ICB given by its ODS (QAA) or ONS (E54…) code; undefined when unknown. */
export async function resolveIcb(db: Db, code: string): Promise<string | undefined> {
  const [row] = await query<{ code: string }>(
    db,
    sql`select code from icbs where code = ${code} or ons_code = ${code} limit 1`,
  );
  return row?.code;
}
