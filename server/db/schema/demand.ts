/**
 * Drizzle schema of demand signals: referrals recorded by link workers, unmet need ("nothing suitable found") and
 * "tell me when it reopens" subscriptions. Never anything that identifies a patient: no names, dates of birth, NHS
 * numbers, free text or full postcodes (a postcode district at most). See docs/demand.md.
 */
import { sql } from 'drizzle-orm';
import { bigserial, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { services } from './directory';

/** "I referred someone here": one row per referral; the service's taxonomy codes at the time; the link worker's PCN. */
export const referrals = pgTable(
  'referrals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    /** The link worker's PCN when they recorded it. */
    pcnCode: text('pcn_code').notNull(),
    /** Every taxonomy code of the service when recorded (a referral counts once in each of its categories). */
    categoryCodes: text('category_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The link worker who recorded it (staff, not the person referred); used only to ignore double clicks. */
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('referrals_service_at_idx').on(t.serviceId, t.recordedAt),
    index('referrals_pcn_at_idx').on(t.pcnCode, t.recordedAt),
  ],
);

/** "Nothing suitable found" after a search: why, for which categories, where (postcode district only). */
export const unmetNeeds = pgTable(
  'unmet_needs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** none_nearby | all_full | eligibility | language | cost | access_transport | other. */
    reason: text('reason').notNull(),
    /** Taxonomy codes the search asked for (may be empty). */
    categoryCodes: text('category_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Postcode district (outward code) such as M16; never a full postcode. */
    postcodeDistrict: text('postcode_district'),
    /** The link worker's PCN when they recorded it. */
    pcnCode: text('pcn_code').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('unmet_needs_pcn_at_idx').on(t.pcnCode, t.recordedAt),
    // The database itself refuses anything but a district (outward code), so no write path can store a full postcode.
    check('unmet_needs_district_ck', sql`${t.postcodeDistrict} ~ '^([A-Z]{1,2}[0-9][A-Z0-9]?|NPT)$'`),
    check(
      'unmet_needs_reason_ck',
      sql`${t.reason} in ('none_nearby', 'all_full', 'eligibility', 'language', 'cost', 'access_transport', 'other')`,
    ),
  ],
);

/** A link worker asked to be emailed when a waitlist / not-accepting service starts accepting again. */
export const reopenSubscriptions = pgTable(
  'reopen_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the service's capacity returned to accepting or limited (set in the capacity write's transaction). */
    reopenedAt: timestamp('reopened_at', { withTimezone: true }),
    /** When the one email went out (claimed before sending, given back if the mail server refuses). */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('reopen_subscriptions_pending_uq')
      .on(t.serviceId, t.userId)
      .where(sql`notified_at is null`),
    index('reopen_subscriptions_user_idx').on(t.userId),
  ],
);
