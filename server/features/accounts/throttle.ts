/**
 * Sign-in throttling that an attacker cannot turn against an account's owner: failures are limited per
 * (address, email) pair and per address, while an account attacked from everywhere only slows down, never locks.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

/** Failed sign-ins allowed per (address, email) pair in PAIR_WINDOW_MS; the next attempt from that pair gets 429. */
export const PAIR_MAX_FAILURES = 5;
/** Window of the pair limit: 15 minutes. */
export const PAIR_WINDOW_MS = 15 * 60 * 1000;
/** Window over which an email's failures from any address are counted for the slow-down: 15 minutes. */
export const ACCOUNT_WINDOW_MS = 15 * 60 * 1000;
/** Failures of an email (from anywhere, in ACCOUNT_WINDOW_MS) before its sign-ins start to slow down. */
export const ACCOUNT_FREE_FAILURES = 5;
/** First slow-down, doubled for each further failure. */
export const ACCOUNT_BASE_DELAY_MS = 500;
/** Longest slow-down: every attempt, the owner's included, answers within this of the usual time. */
export const ACCOUNT_MAX_DELAY_MS = 4000;

/** The key an email is counted under: trimmed, lower-cased and hashed (fixed length, no address stored). */
export function emailKey(email: unknown): string {
  const normalised = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return createHash('sha256').update(normalised).digest('base64url');
}

/** The client address of a request as limiters key it (IPv6 grouped by /56). */
export function addressKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

/** Key of the (address, email) pair of a sign-in request; the body is parsed JSON, not yet validated. */
export function pairKey(req: Request): string {
  const body = req.body as { email?: unknown } | undefined;
  return `${addressKey(req)}|${emailKey(body?.email)}`;
}

/**
 * How long to hold a sign-in for an email that has failed `failures` times recently from any address:
 * nothing for the first ACCOUNT_FREE_FAILURES, then 0.5 s, 1 s, 2 s, and 4 s from then on.
 */
export function signInDelayMs(failures: number): number {
  if (failures < ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(ACCOUNT_BASE_DELAY_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES), ACCOUNT_MAX_DELAY_MS);
}
