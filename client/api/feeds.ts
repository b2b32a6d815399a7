/** Typed calls of the registered ORUK feeds API (admin). */
import type { FeedDto, FeedSchedule } from '@shared/schemas/feeds';
import { getJson, sendJson } from './client';

export type { FeedDto, FeedSchedule };
export { FEED_SCHEDULES } from '@shared/schemas/feeds';

const feedPath = (id: string) => `/api/admin/feeds/${encodeURIComponent(id)}`;

/** Registered feeds, newest first. */
export const fetchFeeds = (signal?: AbortSignal) => getJson<FeedDto[]>('/api/admin/feeds', { signal });

/** Registers a feed; its first sync is due at once. */
export async function registerFeed(
  body: { name: string; url: string; schedule: FeedSchedule },
  csrfToken: string | null,
): Promise<FeedDto> {
  return (await sendJson<FeedDto>('POST', '/api/admin/feeds', body, { csrfToken })).body;
}

/** Changes a feed (e.g. turns it off). */
export async function changeFeed(
  id: string,
  patch: Partial<{ name: string; url: string; schedule: FeedSchedule; enabled: boolean }>,
  csrfToken: string | null,
): Promise<FeedDto> {
  return (await sendJson<FeedDto>('PATCH', feedPath(id), patch, { csrfToken })).body;
}

/** Stops syncing a feed (what it imported stays). */
export async function removeFeed(id: string, csrfToken: string | null): Promise<void> {
  await sendJson('DELETE', feedPath(id), undefined, { csrfToken });
}

/** "Sync now": starts a sync job of the feed; resolves to the queued job (follow it with JobProgress). */
export async function syncFeedNow(id: string, csrfToken: string | null): Promise<{ id: string }> {
  return (await sendJson<{ job: { id: string } }>('POST', `${feedPath(id)}/sync`, {}, { csrfToken })).body.job;
}
