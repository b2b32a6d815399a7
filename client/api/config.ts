/** The public runtime configuration the server hands the client (GET /api/config). */
import { getJson } from './client';

/** Body of GET /api/config. */
export interface AppConfigDto {
  /** Map tile URL template with {z}/{x}/{y} (and optionally {s}) placeholders. */
  tileUrl: string;
  /** HTML attribution the tile provider requires to be shown on the map. */
  tileAttribution: string;
  /** Whether the development outbox is on (DEV_OUTBOX=on, never in production). */
  devOutbox: boolean;
}

/** Fetches the runtime configuration; throws ApiError when it cannot be read. */
export function fetchAppConfig(options: { signal?: AbortSignal } = {}): Promise<AppConfigDto> {
  return getJson<AppConfigDto>('/api/config', options);
}
