/** Drizzle schema of the demo: when it was loaded and cleared, so a cleared demo is not loaded again at the next start. */
import { bigserial, integer, pgTable, timestamp } from 'drizzle-orm/pg-core';

/** One row per demo load (npm run seed:demo or the first start); cleared_at set by npm run demo:clear. */
export const demoRuns = pgTable('demo_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** The seed the demo was generated from (same seed and day → same data). */
  seed: integer('seed').notNull(),
  seededAt: timestamp('seeded_at', { withTimezone: true }).notNull().defaultNow(),
  clearedAt: timestamp('cleared_at', { withTimezone: true }),
});
