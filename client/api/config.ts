/** The public runtime configuration the server hands the client (GET /api/config). */
import { getJson } from './client';

/** Body of GET /api/config. */
export interface AppConfigDto {
  /** Map tile URL template with {z}/{x}/{y} (and optionally {s}) placeholders. */
  tileUrl: string;
  /** Attribution the tile provider requires on the map: an HTML fragment of which only text and http(s) links are shown. */
  tileAttribution: string;
  /** Whether the development outbox is on (DEV_OUTBOX=on, never in production). */
  devOutbox: boolean;
  /** Whether the demo is on (demo data loaded, never in production): every page says so. */
  demo: boolean;
}

/** Fetches the runtime configuration; throws ApiError when it cannot be read. */
export function fetchAppConfig(options: { signal?: AbortSignal } = {}): Promise<AppConfigDto> {
  return getJson<AppConfigDto>('/api/config', options);
}

/** What GET /healthz says about a first start that is still loading England's reference data. */
export interface StartupLoading {
  /** The reference-data step running now (practices, lsoas, postcodes …). */
  step?: string;
  /** Percent of the whole load done, 0–99. */
  percent?: number;
}

/**
 * Whether the server is still loading its reference data on a first start: the loading status, or null when it is
 * not. /healthz answers from memory (200 whatever the database is doing) and says so while it loads.
 */
export async function fetchStartupLoading(signal?: AbortSignal): Promise<StartupLoading | null> {
  const response = await fetch('/healthz', { headers: { Accept: 'application/json' }, cache: 'no-store', signal });
  if (!response.ok) return null;
  const body = (await response.json().catch(() => null)) as {
    startup?: { state?: string; step?: string; percent?: number };
  } | null;
  if (body?.startup?.state !== 'loading_reference_data') return null;
  return { step: body.startup.step, percent: body.startup.percent };
}
