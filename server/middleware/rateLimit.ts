/**
 * Rate limits (express-rate-limit) counted in the database (rate_limit_counters), so N app instances share one
 * limit, answering with the app's problem+json 429 and Retry-After.
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Db } from '../db';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { DbRateLimitStore, type OnStoreError } from './rateLimitStore';

/** Default window: one minute. */
export const MINUTE_MS = 60_000;

/** Options of one limiter. */
export interface RateLimitOptions {
  /** Database holding the shared counters. */
  db: Db;
  /** Where store failures are logged. */
  logger: Logger;
  /** Unique name of the limiter: the prefix of its keys in the shared table (e.g. `api`). */
  name: string;
  /** Requests allowed per window per key; 0 disables the limiter. */
  limit: number;
  /** Window length; default one minute. */
  windowMs?: number;
  /** Count only failed responses (status ≥ 400), e.g. for sign-in where brute force means failures. Default false. */
  countOnlyFailures?: boolean;
  /** What the client should wait for, in the 429 message, e.g. `sign-in attempts from your address`. */
  what?: string;
  /**
   * When the database fails: `allow` lets requests through unlimited (fail open, logged), `refuse` answers 503
   * (fail closed). Choose per limiter: refusing every request during an outage is worse than briefly not limiting
   * browsing, but sign-in and token endpoints must never become unlimited.
   */
  onStoreError: OnStoreError;
  /** Key of a request; default the client address (IPv6 grouped by /56), as express-rate-limit does. */
  keyGenerator?: (req: Request) => string;
}

/** A limiter middleware that can also forget one key (e.g. a pair's failures after a successful sign-in). */
export type Limiter = RequestHandler & {
  /** Deletes the counts of `key` (as built by the limiter's key generator). */
  resetKey(key: string): Promise<void>;
};

/** A database-backed limiter with a fixed window; a pass-through when limit is 0. */
export function dbRateLimit({
  db,
  logger,
  name,
  limit,
  windowMs = MINUTE_MS,
  countOnlyFailures = false,
  what = 'requests from your address',
  onStoreError,
  keyGenerator,
}: RateLimitOptions): Limiter {
  if (limit <= 0)
    return Object.assign<RequestHandler, Pick<Limiter, 'resetKey'>>((_req, _res, next) => next(), {
      resetKey: async () => {},
    });
  const store = new DbRateLimitStore(db, {
    prefix: `${name}:`,
    windowMs,
    onError: onStoreError,
    logger,
    unavailableMessage: 'We cannot check this request against our limits right now: try again in a minute',
  });
  const middleware = rateLimit({
    windowMs,
    limit,
    store,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: countOnlyFailures,
    passOnStoreError: onStoreError === 'allow',
    logger: {
      error: (err, message) => logger.error({ err, limiter: name }, message ?? 'rate limiter error'),
      warn: (err, message) => logger.warn({ err, limiter: name }, message ?? 'rate limiter warning'),
    },
    // TRUST_PROXY decides whether X-Forwarded-For counts; a client sending it anyway is not a misconfiguration.
    validate: { xForwardedForHeader: false },
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (_req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After')) || Math.ceil(windowMs / 1000);
      next(
        new AppError(429, 'rate_limited', `Too many ${what}: try again in ${retryAfter} seconds`, {
          extra: { retryAfterSeconds: retryAfter },
        }),
      );
    },
  });
  return Object.assign<RequestHandler, Pick<Limiter, 'resetKey'>>(middleware, {
    resetKey: (key) => store.resetKey(key),
  });
}

/** Options of perMinuteLimit: dbRateLimit's with the limit given per minute. */
export type PerMinuteOptions = Omit<RateLimitOptions, 'limit' | 'windowMs'> & {
  /** Requests allowed per minute per key; 0 disables the limiter. */
  perMinute: number;
};

/** A database-backed limiter over a one-minute window; a pass-through when perMinute is 0. */
export function perMinuteLimit({ perMinute, ...options }: PerMinuteOptions): Limiter {
  return dbRateLimit({ ...options, limit: perMinute, windowMs: MINUTE_MS });
}
