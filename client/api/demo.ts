/** The demo API (GET /api/demo, POST /api/demo/sign-in): whether the demo is on, and one-click sign-in per role. */
import type { Role } from '@shared/roles';
import type { SessionAnswer } from './accounts';
import { getJson, sendJson } from './client';

/** A demo account offered for one-click sign-in. */
export interface DemoAccountDto {
  role: Role;
  name: string;
  email: string;
}

/** Body of GET /api/demo. */
export interface DemoDto {
  /** Whether the demo is loaded and one-click sign-in is allowed (never in production). */
  on: boolean;
  /** One account per role when on; empty otherwise. */
  accounts: DemoAccountDto[];
}

/** Reads whether the demo is on. */
export function fetchDemo(options: { signal?: AbortSignal } = {}): Promise<DemoDto> {
  return getJson<DemoDto>('/api/demo', options);
}

/** Signs in as the demo account of `role`; 404 when the demo is not on. */
export async function postDemoSignIn(role: Role, csrfToken: string | null): Promise<SessionAnswer> {
  return (await sendJson<SessionAnswer>('POST', '/api/demo/sign-in', { role }, { csrfToken })).body;
}
