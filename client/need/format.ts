/** Number and name formatting for the need page: one place decides decimals, signs and the "no data" wording. */

/** What a missing figure reads as, everywhere (never 0: missing data is not a zero). */
export const NO_DATA = 'no data';

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const fixed = (digits: number) =>
  new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const oneDecimal = fixed(1);
const twoDecimals = fixed(2);

/** Whole number with thousands separators, e.g. 12,345. */
export const formatCount = (value: number): string => integer.format(value);

/** One decimal place, e.g. 23.4. */
export const formatScore = (value: number): string => oneDecimal.format(value);

/** Percentage with one decimal place, e.g. 12.5%. */
export const formatPercent = (value: number): string => `${oneDecimal.format(value)}%`;

/** Two decimal places, e.g. 0.45 (staff per 10,000 patients). */
export const formatRate = (value: number): string => twoDecimals.format(value);

/** Signed two decimal places with a true minus sign, e.g. +0.84 or −0.52 (a standardised index around 0). */
export const formatSigned = (value: number): string => {
  const text = twoDecimals.format(Math.abs(value));
  if (text === twoDecimals.format(0)) return text;
  return value < 0 ? `−${text}` : `+${text}`;
};

/** Formats a figure that may be missing: `format(value)`, or "no data" for null/undefined/NaN. */
export function formatOrNoData(value: number | null | undefined, format: (v: number) => string): string {
  return value === null || value === undefined || !Number.isFinite(value) ? NO_DATA : format(value);
}

/** Shortens an ICB's published name for menus and captions: "NHS X Integrated Care Board" → "NHS X ICB". */
export function shortIcbName(name: string): string {
  return name.replace(/\s+Integrated Care Board$/i, ' ICB');
}
