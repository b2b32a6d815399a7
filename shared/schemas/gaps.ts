/** Request schemas of the gaps API (gap analysis, CSV export, flags and suggestions) and their limits. */
import { z } from 'zod';
import { FLAG_STATUSES } from '../gaps';
import { IcbCode, multiLine, PcnCode, queryNumber, recordId, singleLine } from './common';

/** Limits of flag fields, in characters. */
export const GAP_LIMITS = { reason: 500, evidence: 5000, comment: 5000, category: 80, maxReachKm: 50 } as const;

/** A top-level taxonomy code, e.g. physical_activity. */
export const CategoryCode = singleLine()
  .trim()
  .min(1, 'must not be empty')
  .max(GAP_LIMITS.category, `must be at most ${GAP_LIMITS.category} characters`)
  .regex(/^[a-z0-9_.-]+$/, 'must be a taxonomy code like physical_activity');

const weight = queryNumber(0, 1).optional();

/** GET /api/gaps/pcns?icb=&category=&reachKm=&w_accepting=…&unconfirmed=&lwWeight=&vcseWeight= (and .csv). */
export const GapListQuery = z.object({
  icb: IcbCode.optional(),
  category: CategoryCode.optional(),
  /** Distance from a catchment's population-weighted centre within which services count as reachable, km. */
  reachKm: queryNumber(0, GAP_LIMITS.maxReachKm).optional(),
  w_accepting: weight,
  w_limited: weight,
  w_waitlist: weight,
  w_not_accepting: weight,
  w_unset: weight,
  unconfirmed: weight,
  lwWeight: weight,
  vcseWeight: weight,
});

/** Parsed gap-analysis options. */
export type GapListOptions = z.output<typeof GapListQuery>;

/** GET /api/gaps/areas?level=icb|sub_icb */
export const GapAreasQuery = GapListQuery.omit({ icb: true }).extend({
  level: z.enum(['icb', 'sub_icb'], { error: 'must be icb or sub_icb' }),
});

/** GET /api/gaps/pcns/:code */
export const GapPcnParams = z.object({ code: PcnCode });

const text = (max: number, min = 1) =>
  multiLine({ error: 'is required' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

/** POST /api/gaps/flags */
export const FlagBody = z.strictObject({
  pcnCode: PcnCode,
  category: CategoryCode.nullish(),
  reason: text(GAP_LIMITS.reason),
  evidence: text(GAP_LIMITS.evidence, 0).default(''),
});

/** PATCH /api/gaps/flags/:id — status and/or owner. */
export const FlagPatch = z
  .strictObject({
    status: z.enum(FLAG_STATUSES, { error: `must be one of ${FLAG_STATUSES.join(', ')}` }).optional(),
    ownerId: recordId('a user id').nullable().optional(),
  })
  .refine((p) => p.status !== undefined || p.ownerId !== undefined, {
    message: 'give status or ownerId',
    path: ['status'],
  });

/** POST /api/gaps/flags/:id/comments */
export const FlagCommentBody = z.strictObject({ body: text(GAP_LIMITS.comment) });

/** GET /api/gaps/flags?icb=&status=&pcn= */
export const FlagListQuery = z.object({
  icb: IcbCode.optional(),
  status: z.enum(FLAG_STATUSES, { error: `must be one of ${FLAG_STATUSES.join(', ')}` }).optional(),
  pcn: PcnCode.optional(),
});

/** GET /api/gaps/suggestions?icb= */
export const SuggestionQuery = z.object({ icb: IcbCode.optional() });

/** POST /api/gaps/suggestions/:code/accept */
export const SuggestionAcceptBody = z.strictObject({
  reason: text(GAP_LIMITS.reason).optional(),
  evidence: text(GAP_LIMITS.evidence, 0).default(''),
});

/** POST /api/gaps/suggestions/:code/dismiss */
export const SuggestionDismissBody = z.strictObject({ reason: text(GAP_LIMITS.reason) });

/** GET /api/gaps/equity and /api/gaps/at-risk */
export const GapEquityQuery = GapListQuery.pick({ icb: true, reachKm: true });
