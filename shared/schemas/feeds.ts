/** Contract of the registered ORUK feeds API (/api/admin/feeds): request bodies and the answer shape. */
import { z } from 'zod';
import { singleLine } from './common';

/** How often a feed is synced. */
export const FEED_SCHEDULES = ['hourly', 'daily', 'weekly'] as const;
export type FeedSchedule = (typeof FEED_SCHEDULES)[number];

/** Hours between two runs of each schedule. */
export const SCHEDULE_HOURS: Record<FeedSchedule, number> = { hourly: 1, daily: 24, weekly: 24 * 7 };

const name = singleLine({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters');
const url = singleLine({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(2000, 'must be at most 2000 characters')
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
const schedule = z.enum(FEED_SCHEDULES, { error: `must be one of ${FEED_SCHEDULES.join(', ')}` });
const enabled = z.boolean({ error: 'must be true or false' });

/** POST /api/admin/feeds */
export const FeedBody = z.strictObject({
  name,
  url,
  schedule: schedule.default('daily'),
  enabled: enabled.default(true),
});
export type FeedBody = z.output<typeof FeedBody>;

/** PATCH /api/admin/feeds/:id: any of the fields, at least one. */
export const FeedPatch = z
  .strictObject({
    name: name.optional(),
    url: url.optional(),
    schedule: schedule.optional(),
    enabled: enabled.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'must change at least one field' });
export type FeedPatch = z.output<typeof FeedPatch>;

/** A registered feed as the API gives it. */
export interface FeedDto {
  id: string;
  name: string;
  url: string;
  schedule: FeedSchedule;
  enabled: boolean;
  /** When the scheduler next syncs it (ISO); null while disabled. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  /** Start of the latest sync that succeeded (ISO). */
  lastSyncedAt: string | null;
  /** Start of the latest full sync that succeeded (ISO): only a full read marks services that vanished. */
  lastFullSyncAt: string | null;
  /** The latest run's job, if any (GET /api/admin/jobs/:id). */
  lastJobId: string | null;
  createdAt: string;
}
