/**
 * England only, and honest places, for feed imports. A location is in England when its point lies in the union of
 * the ICB boundaries loaded in the reference data (ICBs cover England exactly). When it does not, where it is comes
 * from, in order: its postcode's area (the letters before the digits: BT is Northern Ireland, JE Jersey, CF Wales…),
 * else its coordinates against coarse boxes around the Crown dependencies, Northern Ireland, Scotland and Wales
 * (approximate: used only for points already known to be outside England), else "outside the UK". Reference data
 * holds no country per postcode, hence the postcode-area table.
 */

/** Postcode areas wholly outside England, by where they are (cross-border areas such as CH, SY, LD, TD are left out). */
const AREA_PLACE: Record<string, string> = {
  BT: 'Northern Ireland',
  JE: 'Jersey',
  GY: 'Guernsey',
  IM: 'the Isle of Man',
  CF: 'Wales',
  SA: 'Wales',
  LL: 'Wales',
  NP: 'Wales',
  ...Object.fromEntries(
    ['AB', 'DD', 'DG', 'EH', 'FK', 'G', 'HS', 'IV', 'KA', 'KW', 'KY', 'ML', 'PA', 'PH', 'ZE'].map((a) => [
      a,
      'Scotland',
    ]),
  ),
};

/** Where a postcode is when its area is wholly outside England, else undefined. */
export function placeOfPostcode(postcode: string | null): string | undefined {
  if (!postcode) return undefined;
  const area = /^([A-Z]{1,2})\d/.exec(postcode.replace(/\s+/g, '').toUpperCase())?.[1];
  return area ? AREA_PLACE[area] : undefined;
}

const BOXES: { place: string; s: number; n: number; w: number; e: number }[] = [
  { place: 'Jersey', s: 49.15, n: 49.28, w: -2.27, e: -1.98 },
  { place: 'Guernsey', s: 49.4, n: 49.76, w: -2.7, e: -2.15 },
  { place: 'the Isle of Man', s: 54.04, n: 54.43, w: -4.83, e: -4.3 },
  { place: 'Northern Ireland', s: 54.0, n: 55.35, w: -8.2, e: -5.4 },
  { place: 'Scotland', s: 54.6, n: 60.9, w: -8.7, e: -0.7 },
  { place: 'Wales', s: 51.35, n: 53.45, w: -5.4, e: -2.65 },
];

/** Where a point known to be outside England is (see the module comment). */
export function placeOutsideEngland(lat: number | null, lng: number | null, postcode: string | null): string {
  const byPostcode = placeOfPostcode(postcode);
  if (byPostcode) return byPostcode;
  if (lat != null && lng != null) {
    const box = BOXES.find((b) => lat >= b.s && lat <= b.n && lng >= b.w && lng <= b.e);
    if (box) return box.place;
    if (lat >= 49.8 && lat <= 61 && lng >= -8.7 && lng <= 1.8) return 'outside England (not on land in an ICB)';
  }
  return 'outside the UK';
}

/** Great-circle distance in km. */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}
