/**
 * Registered ORUK feeds: an admin registers a council's ORUK API with a schedule; the scheduler enqueues a sync job
 * for each feed when it is due (claimDueFeeds, safe with several app instances). Admin only; every write audited.
 */
import { isUniqueViolation, type Db } from '../../db';
import { conflict, notFound } from '../../errors';
import { recordAudit, requireRole, type Actor } from '../accounts';
import {
  SCHEDULE_HOURS,
  type FeedBody,
  type FeedDto,
  type FeedPatch,
  type FeedSchedule,
} from '../../../shared/schemas/feeds';
import * as repo from './repository';
import { enqueueFeedSync } from './sync';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API shape of a feed row. */
export function presentFeed(f: repo.FeedRow): FeedDto {
  return {
    id: f.id,
    name: f.name,
    url: f.url,
    schedule: f.schedule as FeedSchedule,
    enabled: f.enabled,
    nextRunAt: iso(f.nextRunAt),
    lastRunAt: iso(f.lastRunAt),
    lastSyncedAt: iso(f.lastSyncedAt),
    lastFullSyncAt: iso(f.lastFullSyncAt),
    lastJobId: f.lastJobId,
    createdAt: f.createdAt.toISOString(),
  };
}

/** When an enabled feed first runs: now, so registering a feed syncs it at the scheduler's next tick. */
const firstRun = (enabled: boolean, now: Date) => (enabled ? now : null);

export async function listFeeds(db: Db, actor: Actor | undefined): Promise<FeedDto[]> {
  requireRole(actor, 'admin');
  return (await repo.listFeeds(db)).map(presentFeed);
}

export async function getFeed(db: Db, actor: Actor | undefined, id: string): Promise<FeedDto> {
  requireRole(actor, 'admin');
  const row = await repo.getFeed(db, id);
  if (!row) throw notFound('The feed');
  return presentFeed(row);
}

export async function createFeed(db: Db, actor: Actor | undefined, body: FeedBody, now = new Date()): Promise<FeedDto> {
  const a = requireRole(actor, 'admin');
  return db.transaction(async (tx) => {
    if (await repo.findFeedByUrl(tx, body.url)) throw conflict(`A feed with the URL ${body.url} is already registered`);
    const row = await repo
      .insertFeed(tx, { ...body, nextRunAt: firstRun(body.enabled, now), createdBy: a.userId })
      .catch((err: unknown) => {
        // Two admins registering the same URL at once: the unique index decides, and the loser gets the same 409.
        if (isUniqueViolation(err)) throw conflict(`A feed with the URL ${body.url} is already registered`);
        throw err;
      });
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'feed.create',
      entityType: 'oruk_feed',
      entityId: row.id,
      before: null,
      after: { ...presentFeed(row) },
    });
    return presentFeed(row);
  });
}

export async function updateFeed(
  db: Db,
  actor: Actor | undefined,
  id: string,
  patch: FeedPatch,
  now = new Date(),
): Promise<FeedDto> {
  const a = requireRole(actor, 'admin');
  return db.transaction(async (tx) => {
    const before = await repo.getFeed(tx, id);
    if (!before) throw notFound('The feed');
    if (patch.url && patch.url !== before.url) {
      const other = await repo.findFeedByUrl(tx, patch.url);
      if (other) throw conflict(`A feed with the URL ${patch.url} is already registered`);
    }
    const enabled = patch.enabled ?? before.enabled;
    const schedule = (patch.schedule ?? before.schedule) as FeedSchedule;
    // Disabled: no next run. Re-enabled or rescheduled: the next run follows the new schedule from the last run.
    let nextRunAt = before.nextRunAt;
    if (!enabled) nextRunAt = null;
    else if (!before.enabled || patch.schedule) {
      nextRunAt = before.lastRunAt ? new Date(before.lastRunAt.getTime() + SCHEDULE_HOURS[schedule] * 3_600_000) : now;
    }
    const row = (await repo.updateFeed(tx, id, { ...patch, nextRunAt }))!;
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'feed.update',
      entityType: 'oruk_feed',
      entityId: id,
      before: { ...presentFeed(before) },
      after: { ...presentFeed(row) },
    });
    return presentFeed(row);
  });
}

export async function deleteFeed(db: Db, actor: Actor | undefined, id: string): Promise<void> {
  const a = requireRole(actor, 'admin');
  await db.transaction(async (tx) => {
    const row = await repo.deleteFeed(tx, id);
    if (!row) throw notFound('The feed');
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'feed.delete',
      entityType: 'oruk_feed',
      entityId: id,
      before: { ...presentFeed(row) },
      after: null,
    });
  });
}

/** "Sync now" (admin): enqueues a sync of the feed as a job, whatever its schedule; returns the job. */
export async function syncFeedNow(db: Db, actor: Actor | undefined, id: string) {
  const a = requireRole(actor, 'admin');
  const feed = await repo.getFeed(db, id);
  if (!feed) throw notFound('The feed');
  return enqueueFeedSync(db, feed, a.userId);
}

export { claimDueFeeds } from './repository';
