/** Shapes and calls of the accounts API (/api/auth/…, /api/admin/users, /api/admin/invites) as the client uses them. */
import type { Role } from '@shared/roles';
import { sendJson } from './client';

/** The signed-in user as GET /api/auth/me and sign-in answer it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Organisations a vcse_editor may edit. */
  organizationIds: string[];
  /** PCN of a link worker, else null. */
  pcnCode: string | null;
  /** ICB of a commissioner, else null. */
  icbCode: string | null;
}

/** A user as an admin sees it (GET /api/admin/users). */
export interface AdminUser extends SessionUser {
  status: 'active' | 'disabled';
  /** Whether the invite has been accepted (a password is set). */
  hasPassword: boolean;
  failedSignIns: number;
  /** ISO time the lockout ends, or null. */
  lockedUntil: string | null;
  /** ISO creation time. */
  createdAt: string;
}

/** Answer of GET /api/auth/me, sign-in and invite acceptance. */
export interface SessionAnswer {
  /** The user, or null when signed out. */
  user: SessionUser | null;
  /** CSRF token for state-changing requests; null when signed out. */
  csrfToken: string | null;
}

/** Reads the current session (never throws for "signed out": the answer has user null). */
export async function fetchSession(): Promise<SessionAnswer> {
  return (await sendJson<SessionAnswer>('GET', '/api/auth/me')).body;
}

/** Signs in with email and password; throws ApiError 401 `sign_in_failed` or 400 with field problems. */
export async function postSignIn(email: string, password: string): Promise<SessionAnswer> {
  return (await sendJson<SessionAnswer>('POST', '/api/auth/sign-in', { email, password })).body;
}

/** Ends the session. */
export async function postSignOut(csrfToken: string | null): Promise<void> {
  await sendJson<void>('POST', '/api/auth/sign-out', undefined, { csrfToken });
}
