/** Drizzle schema of the gaps feature: under-served flags on PCNs, their history and comments, and dismissed suggestions. */
import { bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { pcns } from './reference';

/** A commissioner's flag that a PCN (optionally one service category) is under-served. */
export const gapFlags = pgTable(
  'gap_flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pcnCode: text('pcn_code')
      .notNull()
      .references(() => pcns.code),
    /** ICB of the PCN when flagged (authorisation scope). */
    icbCode: text('icb_code').notNull(),
    /** Top-level taxonomy code, or null for the PCN as a whole. */
    category: text('category'),
    reason: text('reason').notNull(),
    evidence: text('evidence').notNull().default(''),
    /** open | in_progress | resolved | dismissed (shared/gaps.ts). */
    status: text('status').notNull().default('open'),
    ownerUserId: uuid('owner_user_id'),
    /** manual, or suggestion (accepted from the suggested flags). */
    origin: text('origin').notNull().default('manual'),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('gap_flags_icb_idx').on(t.icbCode, t.status), index('gap_flags_pcn_idx').on(t.pcnCode)],
);

/** History of a flag: creation, status and owner changes, and comments, appended and never overwritten. */
export const gapFlagEvents = pgTable(
  'gap_flag_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    flagId: uuid('flag_id')
      .notNull()
      .references(() => gapFlags.id, { onDelete: 'cascade' }),
    /** created | status | owner | comment. */
    kind: text('kind').notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    body: text('body'),
    actorUserId: uuid('actor_user_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('gap_flag_events_flag_idx').on(t.flagId, t.at)],
);

/** Suggested flags a commissioner dismissed, with the reason; a dismissed PCN is not suggested again. */
export const gapSuggestionDismissals = pgTable(
  'gap_suggestion_dismissals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pcnCode: text('pcn_code')
      .notNull()
      .references(() => pcns.code),
    icbCode: text('icb_code').notNull(),
    reason: text('reason').notNull(),
    dismissedBy: uuid('dismissed_by').notNull(),
    dismissedAt: timestamp('dismissed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('gap_suggestion_dismissals_pcn_idx').on(t.pcnCode)],
);
