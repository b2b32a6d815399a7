/** UK postcode parsing: full postcodes, sectors and districts in any case and spacing. Pure. */

/** What a query string is, once normalised. */
export type PostcodeQuery =
  | { kind: 'postcode'; key: string; label: string }
  | { kind: 'sector'; key: string; label: string }
  | { kind: 'district'; key: string; label: string };

// Outward code: area letters + district (e.g. M13, SW1A, W1D, B1); inward: digit + 2 letters.
// NPT is the one historic outward code without a digit (non-geographic Newport postcodes, still in NSPL).
const OUTWARD = '(?:[A-Z]{1,2}[0-9][A-Z0-9]?|NPT)';
/** A full postcode in its standard spaced form, e.g. "M13 9PL". */
export const SPACED_POSTCODE = new RegExp(`^${OUTWARD} [0-9][A-Z]{2}$`);
/** A sector in its standard form, e.g. "M13 9". */
export const SPACED_SECTOR = new RegExp(`^${OUTWARD} [0-9]$`);
/** A district (outward code), e.g. "M13". */
export const DISTRICT_CODE = new RegExp(`^${OUTWARD}$`);
const FULL = new RegExp(`^(${OUTWARD})([0-9][A-Z]{2})$`);
const SECTOR = new RegExp(`^(${OUTWARD}) ?([0-9])$`);
const DISTRICT = new RegExp(`^(${OUTWARD})$`);

/** Longest input accepted before parsing (anything longer is junk). */
export const MAX_POSTCODE_QUERY_LENGTH = 16;

/**
 * Parses "m13 9pl", "M139PL", "M13 9" or "M13" into a lookup key and display label; undefined when it is not
 * shaped like a postcode, sector or district.
 */
export function parsePostcodeQuery(input: string): PostcodeQuery | undefined {
  if (input.length > MAX_POSTCODE_QUERY_LENGTH) return undefined;
  const compact = input.toUpperCase().replace(/\s+/g, '');
  const full = FULL.exec(compact);
  if (full) return { kind: 'postcode', key: compact, label: `${full[1]} ${full[2]}` };
  // A sector needs the space or a trailing digit that cannot belong to the district: use the spaced input.
  const spaced = input.toUpperCase().trim().replace(/\s+/g, ' ');
  const sector = SECTOR.exec(spaced);
  if (sector && spaced.includes(' '))
    return { kind: 'sector', key: `${sector[1]} ${sector[2]}`, label: `${sector[1]} ${sector[2]}` };
  const district = DISTRICT.exec(compact);
  if (district) return { kind: 'district', key: compact, label: compact };
  return undefined;
}

/** The no-space upper-case key of a full postcode ("M13 9PL" → "M139PL"). */
export const postcodeKey = (postcode: string): string => postcode.toUpperCase().replace(/\s+/g, '');

/** The district (outward code) of a postcode, sector or district in any case and spacing ("m13 9pl" → "M13"). */
export function postcodeDistrict(input: string): string | undefined {
  const parsed = parsePostcodeQuery(input.trim());
  if (!parsed) return undefined;
  return parsed.kind === 'district' ? parsed.key : parsed.label.split(' ')[0];
}
