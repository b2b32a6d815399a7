/** Drizzle schema of the spreadsheet import: saved column mappings, reused by name (the four presets are built in). */
import { boolean, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

/**
 * A saved mapping of spreadsheet columns to Signpost fields (`{ "Opening times": "opening_times", … }`) with its
 * import defaults (`{ source, taxonomy: { codes } | { byKeywords: true } }`). Built-in rows (the presets, seeded by
 * the migration) cannot be changed or deleted.
 */
export const importMappings = pgTable('import_mappings', {
  /** Lower-case slug, e.g. `gm-food-banks`; also the source prefix of the rows it imports. */
  name: text('name').primaryKey(),
  mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
  defaults: jsonb('defaults')
    .$type<{ source: string; taxonomy: { codes: string[] } | { byKeywords: true } }>()
    .notNull(),
  builtIn: boolean('built_in').notNull().default(false),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
