/** Sessions: an opaque random cookie whose SHA-256 is stored in the database, loaded into req.actor; CSRF checks on writes. */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { and, eq, gt, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import { AppError } from '../../errors';
import type { Role } from '../../../shared/roles';
import type { Actor } from './actor';
import { textProblem } from '../../../shared/schemas/common';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'sp_session';
/** Header carrying the CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** Session lifetime: 12 hours, renewed on use up to this age since last seen. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** SHA-256 of a token, hex. */
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
/** A new random URL-safe token (32 bytes). */
export const newToken = () => crypto.randomBytes(32).toString('base64url');

/** Creates a session for a user; returns the cookie token and CSRF token. */
export async function createSession(
  db: Db,
  userId: string,
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insert(schema.sessions).values({ tokenHash: hashToken(token), userId, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** Deletes one session (sign-out). */
export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.delete(schema.sessions).where(eq(schema.sessions.tokenHash, hashToken(token)));
}

/** Deletes every session of a user (password change, disable). */
export async function revokeUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(schema.sessions).where(eq(schema.sessions.userId, userId));
}

/**
 * Reads one cookie from a Cookie header; never throws. A value that is not valid percent-encoding (e.g. %E0%A4%A) or
 * that holds control characters is treated as absent, so a malformed cookie means "no session", not a 500.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      let value: string;
      try {
        value = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
      return textProblem(value, 'single') ? undefined : value;
    }
  }
  return undefined;
}

/** Loads the actor for a session token, or undefined if the session is missing, expired or the user disabled. */
export async function loadActor(db: Db, token: string): Promise<{ actor: Actor; csrfToken: string } | undefined> {
  const [row] = await db
    .select({
      userId: schema.users.id,
      role: schema.users.role,
      status: schema.users.status,
      pcnCode: schema.users.pcnCode,
      icbCode: schema.users.icbCode,
      csrfToken: schema.sessions.csrfToken,
    })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(and(eq(schema.sessions.tokenHash, hashToken(token)), gt(schema.sessions.expiresAt, new Date())));
  if (!row || row.status !== 'active') return undefined;
  const orgs = await query<{ organization_id: string }>(
    db,
    sql`select organization_id from memberships where user_id = ${row.userId}`,
  );
  return {
    actor: {
      userId: row.userId,
      role: row.role as Role,
      organizationIds: orgs.map((o) => o.organization_id),
      pcnCode: row.pcnCode,
      icbCode: row.icbCode,
    },
    csrfToken: row.csrfToken,
  };
}

/** Middleware: sets req.actor and req.csrfToken from the session cookie (anonymous when absent or invalid). */
export function sessionMiddleware(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) {
      const loaded = await loadActor(db, token);
      if (loaded) {
        req.actor = loaded.actor;
        req.csrfToken = loaded.csrfToken;
      }
    }
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes authorised by a capability in the URL (a signed emailed link), not by the session: they need no CSRF token
 * even from a signed-in browser, because a forged request would have to know the secret link already. The Origin
 * check still applies.
 */
const CAPABILITY_PATHS = [/^\/api\/capacity-links\/[^/]+\/apply$/];

/**
 * Middleware: on state-changing requests, a signed-in request must carry its session's CSRF token in X-CSRF-Token,
 * and any request with an Origin header must come from this site (defence in depth with SameSite=Lax cookies).
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE.has(req.method)) return next();
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) return next(new AppError(403, 'csrf_failed', 'Cross-site request refused'));
  }
  if (req.actor && !CAPABILITY_PATHS.some((p) => p.test(req.path))) {
    const given = req.headers[CSRF_HEADER];
    const expected = req.csrfToken ?? '';
    // Compare bytes, not characters: a header with non-ASCII (latin1) characters has more bytes than characters,
    // and timingSafeEqual throws on buffers of different lengths.
    const givenBytes = Buffer.from(typeof given === 'string' ? given : '');
    const expectedBytes = Buffer.from(expected);
    if (
      typeof given !== 'string' ||
      givenBytes.length !== expectedBytes.length ||
      !crypto.timingSafeEqual(givenBytes, expectedBytes)
    ) {
      return next(new AppError(403, 'csrf_failed', 'Missing or wrong CSRF token: reload the page and try again'));
    }
  }
  next();
};
