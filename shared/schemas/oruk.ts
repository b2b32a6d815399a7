/** Query schemas of the Open Referral UK 3.0 API (/api/oruk/…): paging, filters and flags exactly as the standard names them. */
import { z } from 'zod';
import { RECORD_ID, singleLine } from './common';

/** Paging limits of the ORUK API. */
export const ORUK_PAGING = { defaultPerPage: 50, maxPerPage: 1000 } as const;

/** Whether a value is a record id (any hex GUID; ORUK ids are). */
export const isUuid = (v: string): boolean => RECORD_ID.test(v);

const uuid = singleLine()
  .trim()
  .regex(RECORD_ID, 'must be a UUID')
  .transform((v) => v.toLowerCase());
const int = (min: number, max: number) =>
  singleLine()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));
const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const text = singleLine().trim().max(200, 'must be at most 200 characters');

const Paging = {
  page: int(1, 1_000_000).default(1),
  per_page: int(1, ORUK_PAGING.maxPerPage).default(ORUK_PAGING.defaultPerPage),
  format: z.literal('json', { error: 'only json is supported' }).optional(),
};

/** A date-time (ISO 8601, e.g. 2026-01-01 or 2026-01-01T10:00:00Z). */
const DateTime = singleLine()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO 8601 date-time')
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be an ISO 8601 date-time');

/** GET /services. */
export const OrukServicesQuery = z.object({
  ...Paging,
  search: text.optional(),
  taxonomy_term_id: uuid.optional(),
  taxonomy_id: uuid.optional(),
  organization_id: uuid.optional(),
  modified_after: DateTime.optional(),
  minimal: bool.optional(),
  full: bool.optional(),
});

/** GET /service_at_locations. */
export const OrukServiceAtLocationsQuery = z
  .object({
    ...Paging,
    search: text.optional(),
    taxonomy_term_id: uuid.optional(),
    taxonomy_id: uuid.optional(),
    organization_id: uuid.optional(),
    modified_after: DateTime.optional(),
    full: bool.optional(),
    postcode: singleLine().trim().max(10, 'must be at most 10 characters').optional(),
    proximity: int(1, 1_000_000).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.proximity != null && !q.postcode)
      ctx.addIssue({ code: 'custom', path: ['proximity'], message: 'needs a postcode to measure from' });
  });

/** GET /organizations. */
export const OrukOrganizationsQuery = z.object({
  ...Paging,
  search: text.optional(),
  full: bool.optional(),
  full_service: bool.optional(),
});

/** GET /organizations/{id}. */
export const OrukOrganizationQuery = z.object({ full_service: bool.optional() });

/** GET /taxonomies. */
export const OrukTaxonomiesQuery = z.object({ ...Paging, search: text.optional() });

/** GET /taxonomy_terms. */
export const OrukTaxonomyTermsQuery = z.object({
  ...Paging,
  search: text.optional(),
  taxonomy_id: uuid.optional(),
  top_only: bool.optional(),
  parent_id: uuid.optional(),
});
