/** zod building blocks shared by request schemas: numbers from query strings, bounding boxes, codes. */
import { z } from 'zod';

/** A finite number given as a query-string value, within [min, max]. */
export const queryNumber = (min: number, max: number) =>
  z
    .string({ error: 'is required' })
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

/** Latitude in decimal degrees (WGS84). */
export const Latitude = queryNumber(-90, 90);
/** Longitude in decimal degrees (WGS84). */
export const Longitude = queryNumber(-180, 180);

/** A bounding box "west,south,east,north" in decimal degrees; west < east (no antimeridian crossing) and south < north. */
export const Bbox = z.string({ error: 'is required' }).transform((s, ctx) => {
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
export const IcbCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^(Q[A-Z0-9]{2}|E54\d{6})$/, 'must be an ICB code like QHM or E54000050');

/** An NHS ODS PCN code, e.g. U00000. */
export const PcnCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^U\d{5}$/, 'must be a PCN code like U12345');
