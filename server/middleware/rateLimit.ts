/** Per-IP rate limits (express-rate-limit, in-memory per process) that answer with the app's problem+json 429. */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../errors';

const WINDOW_MS = 60_000;

/** Options of one limiter. */
export interface RateLimitOptions {
  /** Requests allowed per minute per IP address; 0 disables the limiter. */
  perMinute: number;
  /** Count only failed responses (status ≥ 400), e.g. for sign-in where brute force means failures. Default false. */
  countOnlyFailures?: boolean;
  /** What the client should wait for, in the 429 message. */
  what?: string;
}

/** A per-IP limiter over a one-minute window; a pass-through when perMinute is 0. */
export function perMinuteLimit({
  perMinute,
  countOnlyFailures = false,
  what = 'requests',
}: RateLimitOptions): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: countOnlyFailures,
    handler: (_req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After')) || WINDOW_MS / 1000;
      next(
        new AppError(429, 'rate_limited', `Too many ${what} from your address: try again in ${retryAfter} seconds`, {
          extra: { retryAfterSeconds: retryAfter },
        }),
      );
    },
  });
}
