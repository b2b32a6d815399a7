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
