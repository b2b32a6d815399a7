/** SQL of registered ORUK feeds. */
import { desc, eq, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';

export type FeedRow = typeof schema.orukFeeds.$inferSelect;
export type NewFeed = typeof schema.orukFeeds.$inferInsert;

export const listFeeds = (db: Db): Promise<FeedRow[]> =>
  db.select().from(schema.orukFeeds).orderBy(desc(schema.orukFeeds.createdAt), schema.orukFeeds.name);

export async function getFeed(db: Db, id: string): Promise<FeedRow | undefined> {
  const [row] = await db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.id, id));
  return row;
}

export async function findFeedByUrl(db: Db, url: string): Promise<FeedRow | undefined> {
  const [row] = await db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.url, url));
  return row;
}

export async function insertFeed(db: Db, values: NewFeed): Promise<FeedRow> {
  const [row] = await db.insert(schema.orukFeeds).values(values).returning();
  return row!;
}

export async function updateFeed(db: Db, id: string, values: Partial<NewFeed>): Promise<FeedRow | undefined> {
  const [row] = await db
    .update(schema.orukFeeds)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(schema.orukFeeds.id, id))
    .returning();
  return row;
}

export async function deleteFeed(db: Db, id: string): Promise<FeedRow | undefined> {
  const [row] = await db.delete(schema.orukFeeds).where(eq(schema.orukFeeds.id, id)).returning();
  return row;
}

/**
 * Claims up to `limit` enabled feeds due at `now`: advances each one's next run by its schedule (from `now`, so a
 * stopped server does not replay missed runs) and returns them. FOR UPDATE SKIP LOCKED makes concurrent claimers on
 * several app instances take disjoint feeds; a feed claimed here is not due again until its next run.
 */
export async function claimDueFeeds(db: Db, now: Date, limit: number): Promise<FeedRow[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`update oruk_feeds f
        set next_run_at = ${now.toISOString()}::timestamptz + make_interval(hours =>
              case f.schedule when 'hourly' then 1 when 'weekly' then 168 else 24 end),
            updated_at = now()
        where f.id in (
          select id from oruk_feeds
          where enabled and next_run_at is not null and next_run_at <= ${now.toISOString()}::timestamptz
          order by next_run_at
          limit ${limit}
          for update skip locked)
        returning f.id`,
  );
  if (rows.length === 0) return [];
  const claimed = await Promise.all(rows.map((r) => getFeed(db, r.id)));
  return claimed.filter((f): f is FeedRow => f !== undefined);
}
