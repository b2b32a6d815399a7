/** Request schemas of the areas and geocode API (shared by client and server). */
import { z } from 'zod';
import { MAX_POSTCODE_QUERY_LENGTH } from '../postcode';
import { Bbox, IcbCode, Latitude, Longitude, PcnCode, singleLine } from './common';

/** Largest LSOA viewport: width and height in degrees (about 70 km × 65 km). */
export const MAX_LSOA_BBOX = { width: 1.0, height: 0.6 } as const;

/** Largest simplification tolerance accepted, in degrees (about 1 km). */
export const MAX_SIMPLIFY_DEGREES = 0.01;

/** GET /api/geocode?q= */
export const GeocodeQuery = z.object({
  q: singleLine({ error: 'is required' })
    .trim()
    .min(2, 'must be a postcode, sector or district, e.g. M13 9PL, M13 9 or M13')
    .max(MAX_POSTCODE_QUERY_LENGTH, `must be at most ${MAX_POSTCODE_QUERY_LENGTH} characters`),
});

/** GET /api/areas/lookup?lat=&lng= */
export const AreaLookupQuery = z.object({ lat: Latitude, lng: Longitude });

/** GET /api/areas/pcns?icb= */
export const PcnListQuery = z.object({ icb: IcbCode.optional() });

/** GET /api/areas/pcns/:code */
export const PcnParams = z.object({ code: PcnCode });

/** GET /api/areas/pcns.geojson?icb=&simplify= */
export const PcnGeoJsonQuery = z.object({
  icb: IcbCode.optional(),
  simplify: singleLine()
    .trim()
    .regex(/^\d*\.?\d+$/, 'must be a number of degrees')
    .transform(Number)
    .pipe(z.number().min(0).max(MAX_SIMPLIFY_DEGREES, `must be at most ${MAX_SIMPLIFY_DEGREES} degrees`))
    .optional(),
});

/** GET /api/areas/lsoas.geojson?bbox= */
export const LsoaGeoJsonQuery = z.object({
  bbox: Bbox.refine(
    (b) => b.east - b.west <= MAX_LSOA_BBOX.width && b.north - b.south <= MAX_LSOA_BBOX.height,
    `is too large: at most ${MAX_LSOA_BBOX.width}° wide and ${MAX_LSOA_BBOX.height}° tall; zoom in`,
  ),
});
