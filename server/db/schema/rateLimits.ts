/** Drizzle schema of the rate limits: one hit counter per key, shared by every app instance on the database. */
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Hits of one rate-limit key (limiter prefix + client, e.g. `auth:203.0.113.7`) in its current window, which starts
 * at the key's first hit and ends at reset_at. Rows are incremented atomically with insert … on conflict, so N app
 * instances on one database share each limit; ended rows are deleted opportunistically
 * (server/middleware/rateLimitStore.ts).
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    /** End of the current window (database clock): the count restarts at the next hit after it. */
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [index('rate_limit_counters_reset_idx').on(t.resetAt)],
);
