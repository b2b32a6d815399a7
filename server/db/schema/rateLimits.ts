/** Drizzle schema of the rate limits: one hit counter per key and fixed window, shared by every app instance. */
import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Hits of one rate-limit key (limiter prefix + client, e.g. `auth:203.0.113.7`) in one fixed window. Rows are
 * incremented atomically with insert … on conflict, so N app instances on one database share each limit; rows whose
 * window has ended are deleted opportunistically (server/middleware/rateLimitStore.ts).
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').notNull(),
    /** Start of the fixed window (database clock). */
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    /** End of the window: when the count resets and the row may be deleted. */
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limit_counters_reset_idx').on(t.resetAt)],
);
