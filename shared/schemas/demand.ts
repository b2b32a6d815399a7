/**
 * Request schemas of demand signals (referrals, unmet need, reopen subscriptions, the commissioners' summary) and the
 * response shapes the client reads. Bodies are strict: any field not listed (a name, an NHS number, a note…) is a 400,
 * so nothing that could identify a person can be sent. See docs/demand.md.
 */
import { z } from 'zod';
import { postcodeDistrict } from '../postcode';
import { IcbCode, PcnCode, singleLine } from './common';
import { TaxonomyCode } from './directory';

/** Why nothing suitable was found. */
export const UNMET_NEED_REASONS = [
  'none_nearby',
  'all_full',
  'eligibility',
  'language',
  'cost',
  'access_transport',
  'other',
] as const;
export type UnmetNeedReason = (typeof UNMET_NEED_REASONS)[number];

/** Words for each reason, as the form and reports show them. */
export const UNMET_NEED_REASON_LABELS: Record<UnmetNeedReason, string> = {
  none_nearby: 'Nothing suitable nearby',
  all_full: 'Suitable services are all full',
  eligibility: 'The person is not eligible for what exists',
  language: 'Not available in a language the person speaks',
  cost: 'Cost is a barrier',
  access_transport: 'Access or transport is a barrier',
  other: 'Another reason',
};

/** Most category codes an unmet-need record may name. */
export const MAX_UNMET_NEED_CATEGORIES = 20;

/**
 * A postcode district (outward code, e.g. M16). A full postcode or sector is accepted and reduced to its district
 * here, so the full postcode is never stored.
 */
export const PostcodeDistrict = singleLine({ error: 'must be a postcode district like M16' }).transform((s, ctx) => {
  const district = postcodeDistrict(s);
  if (!district) {
    ctx.addIssue({ code: 'custom', message: 'must be a postcode district like M16' });
    return z.NEVER;
  }
  return district;
});

/** POST /api/unmet-needs. */
export const UnmetNeedBody = z.strictObject({
  reason: z.enum(UNMET_NEED_REASONS, { error: `must be one of ${UNMET_NEED_REASONS.join(', ')}` }),
  category: z
    .array(TaxonomyCode, { error: 'must be a list of taxonomy codes' })
    .max(MAX_UNMET_NEED_CATEGORIES, `must name at most ${MAX_UNMET_NEED_CATEGORIES} codes`)
    .default([])
    .transform((codes) => [...new Set(codes)]),
  postcodeDistrict: PostcodeDistrict.nullable().default(null),
});
export type UnmetNeedBody = z.output<typeof UnmetNeedBody>;

/** POST /api/services/:id/referrals takes no fields at all (an empty JSON object or no body). */
export const ReferralBody = z.strictObject({});

/** What the summary groups by. */
export const DEMAND_GROUPS = ['pcn', 'category', 'reason'] as const;
export type DemandGroup = (typeof DEMAND_GROUPS)[number];

const IsoDate = singleLine()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'must be a real calendar date',
    },
  );

/** GET /api/demand/summary. `from`/`to` are inclusive UTC dates; default the 365 days up to today. */
export const DemandSummaryQuery = z
  .object({
    icb: IcbCode.optional(),
    pcn: PcnCode.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    groupBy: z.enum(DEMAND_GROUPS, { error: `must be one of ${DEMAND_GROUPS.join(', ')}` }).default('pcn'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must be on or after from' });
export type DemandSummaryQuery = z.output<typeof DemandSummaryQuery>;

/** One row of the summary. `key` is the PCN code, taxonomy code or reason; `label` its name. */
export interface DemandSummaryRow {
  key: string;
  label: string;
  referrals: number;
  unmetNeeds: number;
}

/** The summary response. */
export interface DemandSummaryDto {
  groupBy: DemandGroup;
  icb: string | null;
  pcn: string | null;
  from: string;
  to: string;
  totals: { referrals: number; unmetNeeds: number };
  rows: DemandSummaryRow[];
}

/** A recorded referral (what the API returns: nothing about the person, because nothing is stored). */
export interface ReferralDto {
  id: number;
  serviceId: string;
  pcnCode: string;
  categoryCodes: string[];
  recordedAt: string;
  /** True when this was a repeat of the same referral within a minute and the first one was returned. */
  duplicate: boolean;
}

/** A recorded unmet need. */
export interface UnmetNeedDto {
  id: number;
  reason: UnmetNeedReason;
  categoryCodes: string[];
  postcodeDistrict: string | null;
  pcnCode: string;
  recordedAt: string;
  duplicate: boolean;
}

/** A link worker's reopen subscription to one service. */
export interface ReopenSubscriptionDto {
  serviceId: string;
  subscribed: boolean;
  createdAt: string | null;
}
