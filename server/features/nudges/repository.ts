/** Queries of capacity nudges: which services are due, and the claim on each (capacity_nudged_at). Plain rows out. */
import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db';

const { services, organizations, contacts } = schema;

/** A service due a nudge, with the address to send it to (null when it has none). */
export interface DueServiceRow {
  id: string;
  name: string;
  organizationName: string;
  capacityStatus: string | null;
  capacityConfirmedAt: Date | null;
  capacityNudgedAt: Date | null;
  /** services.email, else the first contact with an email (by contact id), else the organisation's email. */
  contactEmail: string | null;
}

/**
 * Active services of organisations that are not rejected, whose capacity was last confirmed before `confirmedBefore`
 * (or never set), and that were not nudged since `nudgedBefore`.
 */
export async function listServicesDueNudge(
  db: Db,
  { confirmedBefore, nudgedBefore }: { confirmedBefore: Date; nudgedBefore: Date },
): Promise<DueServiceRow[]> {
  const firstContactEmail = sql<string | null>`(
    select ${contacts.email} from ${contacts}
    where ${contacts.serviceId} = ${services.id} and coalesce(trim(${contacts.email}), '') <> ''
    order by ${contacts.id} limit 1)`;
  const rows = await db
    .select({
      id: services.id,
      name: services.name,
      organizationName: organizations.name,
      capacityStatus: services.capacityStatus,
      capacityConfirmedAt: services.capacityConfirmedAt,
      capacityNudgedAt: services.capacityNudgedAt,
      contactEmail: sql<string | null>`coalesce(nullif(trim(${services.email}), ''), ${firstContactEmail},
        nullif(trim(${organizations.email}), ''))`,
    })
    .from(services)
    .innerJoin(organizations, eq(organizations.id, services.organizationId))
    .where(
      and(
        eq(services.status, 'active'),
        ne(organizations.status, 'rejected'),
        or(isNull(services.capacityConfirmedAt), lt(services.capacityConfirmedAt, confirmedBefore)),
        or(isNull(services.capacityNudgedAt), lt(services.capacityNudgedAt, nudgedBefore)),
      ),
    )
    .orderBy(services.id);
  return rows;
}

/**
 * Claims a service for nudging at `at` unless someone (another process) nudged it since `nudgedBefore`; true when
 * claimed. Does not bump the service version: the nudge time is bookkeeping, not part of the service.
 */
export async function claimNudge(db: Db, id: string, at: Date, nudgedBefore: Date): Promise<boolean> {
  const claimed = await db
    .update(services)
    .set({ capacityNudgedAt: at })
    .where(and(eq(services.id, id), or(isNull(services.capacityNudgedAt), lt(services.capacityNudgedAt, nudgedBefore))))
    .returning({ id: services.id });
  return claimed.length === 1;
}

/** Gives a claim back (the email failed), so the next run tries again. */
export async function releaseNudge(db: Db, id: string, at: Date, previous: Date | null): Promise<void> {
  await db
    .update(services)
    .set({ capacityNudgedAt: previous })
    .where(and(eq(services.id, id), eq(services.capacityNudgedAt, at)));
}
