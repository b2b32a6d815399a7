/** zod building blocks shared by request schemas: safe text, numbers from query strings, bounding boxes, codes. */
import { z } from 'zod';

/** C0 control characters except tab, LF and CR; DEL; C1 control characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A UTF-16 surrogate that is not half of a pair (not valid Unicode; PostgreSQL and UTF-8 cannot store it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Tab, LF or CR: allowed only in multi-line text. */
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

/** Whether text may span lines (descriptions, notes, messages) or must be one line (names, codes, addresses…). */
export type TextLines = 'single' | 'multi';

/**
 * Why a piece of text is not acceptable input, or undefined when it is: control characters (NUL, other C0 except
 * tab/CR/LF, DEL, C1) and unpaired surrogates are never accepted; single-line text also refuses tabs and line breaks.
 */
export function textProblem(value: string, lines: TextLines = 'single'): string | undefined {
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (no unpaired surrogates)';
  if (lines === 'single' && LINE_BREAK_OR_TAB.test(value)) return 'must be a single line (no tabs or line breaks)';
  return undefined;
}

/** A string that passes textProblem; chain .trim(), .max() etc. as on z.string(). */
const safeString = (lines: TextLines, params?: Parameters<typeof z.string>[0]) =>
  z.string(params).superRefine((value, ctx) => {
    const problem = textProblem(value, lines);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, continue: false });
  });

/** Single-line text (names, codes, addresses, query values): no control characters, tabs or line breaks. */
export const singleLine = (params?: Parameters<typeof z.string>[0]) => safeString('single', params);

/** Multi-line text (descriptions, notes, messages): tabs and line breaks allowed, other control characters not. */
export const multiLine = (params?: Parameters<typeof z.string>[0]) => safeString('multi', params);

/** A finite number given as a query-string value, within [min, max]. */
export const queryNumber = (min: number, max: number) =>
  singleLine({ error: 'is required' })
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

/** Latitude in decimal degrees (WGS84). */
export const Latitude = queryNumber(-90, 90);
/** Longitude in decimal degrees (WGS84). */
export const Longitude = queryNumber(-180, 180);

/** A bounding box "west,south,east,north" in decimal degrees; west < east (no antimeridian crossing) and south < north. */
export const Bbox = singleLine({ error: 'is required' }).transform((s, ctx) => {
  const parts = s.split(',').map((p) => p.trim());
  const nums = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: 'custom', message: 'must be four numbers: west,south,east,north' });
    return z.NEVER;
  }
  const [west, south, east, north] = nums as [number, number, number, number];
  if (west < -180 || east > 180 || south < -90 || north > 90) {
    ctx.addIssue({ code: 'custom', message: 'must lie within longitude -180..180 and latitude -90..90' });
    return z.NEVER;
  }
  if (west >= east || south >= north) {
    ctx.addIssue({
      code: 'custom',
      message: 'west must be less than east and south less than north (boxes may not cross the antimeridian)',
    });
    return z.NEVER;
  }
  return { west, south, east, north };
});

/** A parsed bounding box. */
export type BboxValue = z.output<typeof Bbox>;

/** An NHS ODS ICB code (e.g. QHM) or ONS ICB code (E54…). */
export const IcbCode = singleLine()
  .trim()
  .toUpperCase()
  .regex(/^(Q[A-Z0-9]{2}|E54\d{6})$/, 'must be an ICB code like QHM or E54000050');

/** An NHS ODS PCN code, e.g. U00000. */
export const PcnCode = singleLine()
  .trim()
  .toUpperCase()
  .regex(/^U\d{5}$/, 'must be a PCN code like U12345');

/**
 * A record id: any 8-4-4-4-12 hex GUID, as PostgreSQL's uuid type accepts. Deliberately not RFC 4122 only (zod's
 * z.uuid() checks the version and variant nibbles): feeds and older databases hold GUIDs that are not RFC 4122.
 */
export const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a record id (see RECORD_ID). */
export const isRecordId = (v: unknown): v is string => typeof v === 'string' && RECORD_ID.test(v);

/** A record id (see RECORD_ID), lower-cased; `what` names it in the error ("must be a user id"). */
export const recordId = (what = 'an id') =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .regex(RECORD_ID, `must be ${what}`)
    .transform((v) => v.toLowerCase());
