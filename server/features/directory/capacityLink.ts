/**
 * Signed one-tap capacity links: base64url(JSON payload) + "." + base64url(HMAC-SHA256 of that encoded payload) with a
 * key derived from SESSION_SECRET. The service id comes only from the signed payload, so a link cannot change another
 * service. Pure apart from crypto: the clock is injected.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { recordId } from '../../../shared/schemas/common';
import { AppError } from '../../errors';

/** What a capacity link does: set one of three statuses, or confirm ("still accurate"). */
export const CAPACITY_LINK_ACTIONS = ['accepting', 'waitlist', 'not_accepting', 'confirm'] as const;

/** A capacity link action. */
export type CapacityLinkAction = (typeof CAPACITY_LINK_ACTIONS)[number];

/** How long an emailed link works: 7 days, in seconds. */
export const CAPACITY_LINK_TTL_SECONDS = 7 * 24 * 60 * 60;

/** The signed contents of a link. */
export interface CapacityLinkPayload {
  /** Service the link acts on (UUID). */
  serviceId: string;
  /** What applying the link does. */
  action: CapacityLinkAction;
  /** Expiry, Unix seconds. */
  exp: number;
  /** Random value so every link is distinct (traceable in the audit log); not single-use. */
  nonce: string;
}

const PayloadSchema = z.strictObject({
  serviceId: recordId('a service id'),
  action: z.enum(CAPACITY_LINK_ACTIONS),
  exp: z.number().int().positive(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});

/** Derives the link-signing key from SESSION_SECRET, so a key for one purpose never signs another. */
export function capacityLinkKey(sessionSecret: string): Buffer {
  return crypto.createHmac('sha256', sessionSecret).update('signpost:capacity-link:v1').digest();
}

const mac = (key: Buffer, encodedPayload: string) => crypto.createHmac('sha256', key).update(encodedPayload).digest();

/** Signs a link for one service and action, valid for `ttlSeconds` (default 7 days) from `now` (ms since epoch). */
export function signCapacityLink({
  secret,
  serviceId,
  action,
  now = Date.now(),
  ttlSeconds = CAPACITY_LINK_TTL_SECONDS,
}: {
  /** SESSION_SECRET. */
  secret: string;
  /** Service the link acts on. */
  serviceId: string;
  /** What it does. */
  action: CapacityLinkAction;
  /** Current time, ms since epoch. Default Date.now(). */
  now?: number;
  /** Lifetime, seconds. Default CAPACITY_LINK_TTL_SECONDS. */
  ttlSeconds?: number;
}): string {
  const payload: CapacityLinkPayload = {
    serviceId,
    action,
    exp: Math.floor(now / 1000) + ttlSeconds,
    nonce: crypto.randomBytes(12).toString('base64url'),
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${mac(capacityLinkKey(secret), encoded).toString('base64url')}`;
}

/** 400: the link is malformed, tampered with or signed by another key. Deliberately says nothing about which. */
export const invalidCapacityLink = () =>
  new AppError(
    400,
    'invalid_link',
    'This capacity link is not valid: use the link exactly as it was emailed, or sign in to update capacity',
  );

/**
 * Verifies a link: signature first (constant-time), then the payload's shape, then expiry. Throws 400 invalid_link
 * for anything malformed or tampered, 410 link_expired once `exp` has passed; returns the payload otherwise.
 */
export function verifyCapacityLink({
  secret,
  token,
  now = Date.now(),
}: {
  /** SESSION_SECRET. */
  secret: string;
  /** The token from the link. */
  token: string;
  /** Current time, ms since epoch. Default Date.now(). */
  now?: number;
}): CapacityLinkPayload {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]{1,2048}$/.test(parts[0]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1]!))
    throw invalidCapacityLink();
  const [encoded, signature] = parts as [string, string];
  const expected = mac(capacityLinkKey(secret), encoded);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw invalidCapacityLink();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw invalidCapacityLink();
  }
  const payload = PayloadSchema.safeParse(parsed);
  if (!payload.success) throw invalidCapacityLink();
  if (payload.data.exp * 1000 <= now)
    throw new AppError(
      410,
      'link_expired',
      `This capacity link expired on ${new Date(payload.data.exp * 1000).toISOString()}: links work for 7 days. ` +
        'Use the link in the latest email, or sign in to update capacity',
      { extra: { expiredAt: new Date(payload.data.exp * 1000).toISOString() } },
    );
  return payload.data;
}
