/**
 * Opening hours of imported files → the directory's schedules (ORUK 3.0 schedule: freq, byday, opens_at, closes_at).
 *
 * Two syntaxes are read:
 * - OpenStreetMap `opening_hours` (`Mo-Fr 09:00-17:00; Sa 10:00-12:00`), checked and evaluated by the npm package
 *   `opening_hours` over a reference week with no bank holidays;
 * - common English free text as volunteers type it ("Mon–Fri 9am–5pm", "Tuesdays & Fridays 12pm - 3pm; 1st Saturday of
 *   month 10am - 12noon", "Daily (except Tues & Sat) 10:30am - 12pm", "9 - 4 weekdays except Wed 9 - 2"). No maintained
 *   npm library parses English opening times (the `opening_hours` package's tolerant mode accepts some English but
 *   reads "1 - 3pm" as 01:00-15:00), so this is a small scanner: day words, ordinals ("1st and 3rd … of the month"),
 *   exclusions ("except …", "closed …") and times are found in order, and each time applies to the days before it.
 *
 * A value is "parsed" when it gives at least one schedule; it is "complete" when nothing but days, times and filler
 * words is left over (otherwise the importer keeps the original text as a description-only schedule, shown on the
 * service page). `namesDayOrTime` tells which values count for the parse rate ("Not known", "By appointment" don't).
 */
import OpeningHoursLib from 'opening_hours';

/** One schedule read from a text. */
export interface ParsedSchedule {
  /** WEEKLY, or MONTHLY for "1st Wednesday of the month" (byday then carries the ordinal: 1WE,3WE; -1FR = last). */
  freq: 'WEEKLY' | 'MONTHLY';
  /** Comma-separated iCal days, e.g. MO,TU or 1WE,3WE. */
  byday: string;
  /** HH:MM, or null when the text gives no time. */
  opensAt: string | null;
  /** HH:MM (24:00 = midnight at the end of the day), or null. */
  closesAt: string | null;
}

/** What a text gave. */
export interface ParsedOpeningHours {
  /** The schedules found (empty when none). */
  schedules: ParsedSchedule[];
  /** Whether the schedules say everything the text says (no notes left over). */
  complete: boolean;
  /** Which syntax gave them. */
  syntax: 'osm' | 'english' | 'none';
}

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
type Day = (typeof DAYS)[number];

const DAY_WORD =
  /\b(?:(mon)(?:day)?s?|(tue)(?:s(?:day)?)?s?|(wed)(?:s|nesday)?s?|(thu)(?:r(?:s(?:day)?)?)?s?|(fri)(?:day)?s?|(sat)(?:urday)?s?|(sun)(?:day)?s?)\b/;
const DAY_OF: Record<string, Day> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };
const ORDINAL: Record<string, string> = {
  '1st': '1',
  first: '1',
  '2nd': '2',
  second: '2',
  '3rd': '3',
  third: '3',
  '4th': '4',
  fourth: '4',
  last: '-1',
};

/** Whether a text names a day or a time (the values that count for the parse rate). */
export function namesDayOrTime(text: string | null | undefined): boolean {
  if (!text) return false;
  const t = text.toLowerCase();
  return (
    new RegExp(DAY_WORD.source).test(t) ||
    /\b(?:weekdays?|weekends?|daily|every ?day|24\/7)\b/.test(t) ||
    /\d\s*(?:am|pm)\b|\bnoon\b|\bmidday\b/.test(t) ||
    /(?<![\d.])\d{1,2}[:.]\d{2}(?!\d)/.test(t) ||
    /(?<![\d£/])\d{1,2}\s*-\s*\d{1,2}(?![\d/])/.test(t) ||
    /\b(?:mo|tu|we|th|fr|sa|su)\b.*\d\d:\d\d/i.test(text)
  );
}

// ---------------------------------------------------------------- OSM

const OSM_SHAPE = /^(?:\s|[0-9:,;\-+[\]]|\b(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH|off|closed)\b|24\/7)+$/;
const NOMINATIM = { lat: 53.48, lon: -2.24, address: { country_code: 'gb', state: 'England' } };
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function parseOsm(text: string): ParsedSchedule[] | null {
  if (!OSM_SHAPE.test(text) || text.includes('[') || !/\d|24\/7/.test(text)) return null;
  let oh: OpeningHoursLib;
  try {
    oh = new OpeningHoursLib(text, NOMINATIM);
  } catch {
    return null;
  }
  // A reference week with no bank holiday: Monday 4 March 2024.
  const byTimes = new Map<string, Day[]>();
  DAYS.forEach((day, i) => {
    const from = new Date(2024, 2, 4 + i);
    const to = new Date(2024, 2, 5 + i);
    for (const [start, end] of oh.getOpenIntervals(from, to)) {
      const s = Math.round((start.getTime() - from.getTime()) / 60000);
      const e = Math.round((end.getTime() - from.getTime()) / 60000);
      const key = `${hhmm(s)}-${hhmm(e)}`;
      byTimes.set(key, [...(byTimes.get(key) ?? []), day]);
    }
  });
  return [...byTimes].map(([key, days]) => ({
    freq: 'WEEKLY' as const,
    byday: days.join(','),
    opensAt: key.slice(0, 5),
    closesAt: key.slice(6),
  }));
}

// ---------------------------------------------------------------- English

type Token =
  | { kind: 'day'; at: number; end: number; day: Day }
  | { kind: 'all'; at: number; end: number; days: Day[] }
  | { kind: 'ord'; at: number; end: number; n: string }
  | { kind: 'except'; at: number; end: number }
  | { kind: 'range'; at: number; end: number; opens: string; closes: string | null };

const H = String.raw`(?<![\d:.£/])(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?`;
const TIME_RANGE = new RegExp(
  String.raw`${H}\s*(?:-|to|until|till)\s*${H.replace('(?<![\\d:.£/])', '')}(?![\d/])`,
  'g',
);
const SINGLE_TIME = /(?<![\d:.£/])(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)(?![a-z])/g;

const to24 = (h: number, suffix: string | undefined) =>
  suffix === 'am' ? (h === 12 ? 0 : h) : suffix === 'pm' ? (h === 12 ? 12 : h + 12) : h;

/** Times of a range, inferring am/pm the way people write them ("1-3pm", "11-1pm", "9 - 4", "10 - 12"). */
function rangeTimes(m: RegExpExecArray): { opens: string; closes: string } | null {
  const [h1, m1, s1, h2, m2, s2] = [Number(m[1]), Number(m[2] ?? 0), m[3], Number(m[4]), Number(m[5] ?? 0), m[6]];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  let start: number;
  let end: number;
  if (s1 && s2) {
    start = to24(h1, s1) * 60 + m1;
    end = to24(h2, s2) * 60 + m2;
  } else if (s2) {
    end = to24(h2, s2) * 60 + m2;
    start = to24(h1, s2) * 60 + m1;
    if (start >= end) start = to24(h1, 'am') * 60 + m1;
  } else if (s1) {
    start = to24(h1, s1) * 60 + m1;
    end = h2 * 60 + m2;
    if (end <= start && h2 < 12) end += 12 * 60;
  } else {
    start = (h1 < 7 ? h1 + 12 : h1) * 60 + m1;
    end = h2 * 60 + m2;
    if (end <= start && h2 < 12) end += 12 * 60;
  }
  if (end <= start || end > 24 * 60) return null;
  return { opens: hhmm(start), closes: hhmm(end) };
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\b12\s*noon\b|\bnoon\b|\bmidday\b/g, '12pm')
    .replace(/\bmidnight\b/g, '12am')
    .replace(/(\d\s*(?:am|pm)?)\s*=\s*(\d)/g, '$1-$2');
}

function tokens(t: string): Token[] {
  const out: Token[] = [];
  const taken: [number, number][] = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  const add = (tok: Token) => {
    if (!free(tok.at, tok.end)) return;
    taken.push([tok.at, tok.end]);
    out.push(tok);
  };
  for (const m of t.matchAll(TIME_RANGE)) {
    const r = rangeTimes(m as RegExpExecArray);
    if (r) add({ kind: 'range', at: m.index, end: m.index + m[0].length, opens: r.opens, closes: r.closes });
  }
  for (const m of t.matchAll(SINGLE_TIME)) {
    const h = to24(Number(m[1]), m[3]);
    if (Number(m[1]) <= 12 && Number(m[2] ?? 0) < 60)
      add({
        kind: 'range',
        at: m.index,
        end: m.index + m[0].length,
        opens: hhmm(h * 60 + Number(m[2] ?? 0)),
        closes: null,
      });
  }
  for (const m of t.matchAll(new RegExp(DAY_WORD.source, 'g'))) {
    const stem = m.slice(1).find(Boolean)!;
    add({ kind: 'day', at: m.index, end: m.index + m[0].length, day: DAY_OF[stem]! });
  }
  for (const m of t.matchAll(/\b(?:weekdays?|mon(?:day)?\s*to\s*fri(?:day)?)\b/g))
    add({ kind: 'all', at: m.index, end: m.index + m[0].length, days: ['MO', 'TU', 'WE', 'TH', 'FR'] });
  for (const m of t.matchAll(/(?<!\d)24\s*\/\s*7(?!\d)/g)) {
    add({ kind: 'all', at: m.index, end: m.index + 2, days: [...DAYS] });
    add({ kind: 'range', at: m.index + 2, end: m.index + m[0].length, opens: '00:00', closes: '24:00' });
  }
  for (const m of t.matchAll(/\bweekends?\b/g))
    add({ kind: 'all', at: m.index, end: m.index + m[0].length, days: ['SA', 'SU'] });
  for (const m of t.matchAll(/\b(?:daily|every ?day|7 days a week|seven days a week)\b/g))
    add({ kind: 'all', at: m.index, end: m.index + m[0].length, days: [...DAYS] });
  for (const m of t.matchAll(/\b(1st|2nd|3rd|4th|first|second|third|fourth|last)\b/g))
    add({ kind: 'ord', at: m.index, end: m.index + m[0].length, n: ORDINAL[m[1]!]! });
  for (const m of t.matchAll(/\b(?:except|excluding|not|closed|apart from|but not)\b/g))
    add({ kind: 'except', at: m.index, end: m.index + m[0].length });
  return out.sort((a, b) => a.at - b.at);
}

interface Group {
  days: string[];
  exclusion: boolean;
  times: { opens: string; closes: string | null }[];
  /** Its times were written before its days ("9 - 4 Monday - Friday"), so more days may still follow. */
  timesFirst?: boolean;
}

const JOINER = /^[\s,&/+]*(?:(?:and|or|&|,|\/)[\s,&/]*)*$/;
const RANGE_JOINER = /^\s*(?:-|to|through|thru|till|until)\s*$/;
const FILLER =
  /\b(?:and|or|also|open|opening|opens|only|from|on|at|every|each|of|the|a|month|months|per|week|weekly|times|time|hours|s|am|pm|in|between)\b/g;

function expand(a: Day, b: Day): Day[] {
  const i = DAYS.indexOf(a);
  const j = DAYS.indexOf(b);
  const out: Day[] = [];
  for (let k = i; ; k = (k + 1) % 7) {
    out.push(DAYS[k]!);
    if (k === j || out.length > 7) break;
  }
  return out;
}

function parseEnglish(text: string): { schedules: ParsedSchedule[]; complete: boolean } {
  const t = normalise(text);
  const toks = tokens(t);
  const groups: Group[] = [];
  let current: Group | null = null;
  let pendingTimes: Group['times'] = [];
  let ordinals: string[] = [];
  let excepting = false;
  let prevEnd = 0;
  let prev: Token | null = null;
  const between = (tok: Token) => t.slice(prevEnd, tok.at);

  for (const tok of toks) {
    const gap = between(tok);
    if (tok.kind === 'ord') {
      if (!(prev?.kind === 'ord' && JOINER.test(gap))) ordinals = [];
      ordinals.push(tok.n);
    } else if (tok.kind === 'except') {
      excepting = true;
    } else if (tok.kind === 'day' || tok.kind === 'all') {
      const days: string[] =
        tok.kind === 'all'
          ? [...tok.days]
          : ordinals.length && prev?.kind === 'ord' && /^\s*$/.test(gap)
            ? ordinals.map((n) => `${n}${tok.day}`)
            : [tok.day];
      ordinals = [];
      const continues =
        current &&
        (current.times.length === 0 || current.timesFirst) &&
        (prev?.kind === 'day' || prev?.kind === 'all') &&
        (JOINER.test(gap) || RANGE_JOINER.test(gap));
      if (continues && current) {
        if (RANGE_JOINER.test(gap) && prev?.kind === 'day' && tok.kind === 'day')
          current.days.push(...expand(prev.day, tok.day).slice(1));
        else current.days.push(...days);
      } else {
        const exclusion = excepting && (prev?.kind === 'except' || /^[\s(:]*(?:on|the|for)?[\s(:]*$/.test(gap));
        current = { days, exclusion, times: [] };
        groups.push(current);
        if (pendingTimes.length && !exclusion) {
          current.times.push(...pendingTimes);
          current.timesFirst = true;
          pendingTimes = [];
        }
      }
      excepting = false;
    } else if (tok.kind === 'range') {
      const time = { opens: tok.opens, closes: tok.closes };
      if (!current) pendingTimes.push(time);
      else if (current.exclusion) {
        // "Daily (except Tue) 10-12": the time is the days' before; "Weekdays 10-4, except Thu 10-12": Thursday's own.
        const before = groups
          .slice(0, -1)
          .reverse()
          .find((g) => !g.exclusion);
        if (before && before.times.length === 0) before.times.push(time);
        else {
          current.exclusion = false;
          current.times.push(time);
          for (const g of groups.slice(0, -1)) g.days = g.days.filter((d) => !current!.days.includes(d));
        }
      } else current.times.push(time);
    }
    if (tok.kind !== 'except') excepting = false;
    prev = tok;
    prevEnd = tok.end;
  }
  // Exclusions with no time of their own remove their days from the groups before them.
  for (const [i, g] of groups.entries())
    if (g.exclusion) for (const o of groups.slice(0, i)) o.days = o.days.filter((d) => !g.days.includes(d));

  const schedules: ParsedSchedule[] = [];
  for (const g of groups) {
    if (g.exclusion) continue;
    const days = [...new Set(g.days)];
    const weekly = DAYS.filter((d) => days.includes(d));
    const monthly = days.filter((d) => !(DAYS as readonly string[]).includes(d));
    const times = g.times.length ? g.times : [{ opens: null, closes: null }];
    for (const time of times) {
      if (weekly.length)
        schedules.push({ freq: 'WEEKLY', byday: weekly.join(','), opensAt: time.opens, closesAt: time.closes });
      if (monthly.length)
        schedules.push({ freq: 'MONTHLY', byday: monthly.join(','), opensAt: time.opens, closesAt: time.closes });
    }
  }
  // Complete when only days, times, ordinals and filler words are left.
  let rest = t;
  for (const tok of [...toks].sort((a, b) => b.at - a.at)) rest = rest.slice(0, tok.at) + ' ' + rest.slice(tok.end);
  rest = rest
    .replace(FILLER, ' ')
    .replace(/[^a-z]+/g, ' ')
    .trim();
  const unused = pendingTimes.length > 0;
  return { schedules, complete: schedules.length > 0 && !rest && !unused };
}

/** Reads opening hours (OSM syntax or English) into schedules; see the file comment. Never throws. */
export function parseOpeningHours(text: string | null | undefined): ParsedOpeningHours {
  const value = (text ?? '').trim();
  if (!value) return { schedules: [], complete: false, syntax: 'none' };
  const osm = parseOsm(value);
  if (osm?.length) return { schedules: osm, complete: true, syntax: 'osm' };
  // Fortnightly sessions cannot be told as weekly ones (schedules have no interval): keep them as text only.
  if (/\bfortnight|\bevery other\b|\balternate\b|\bbi-?weekly\b|\bevery (?:2nd|second) week/i.test(value))
    return { schedules: [], complete: false, syntax: 'none' };
  const english = parseEnglish(value);
  return english.schedules.length
    ? { ...english, syntax: 'english' }
    : { schedules: [], complete: false, syntax: 'none' };
}

/** Parse rate of a set of values: of those that name a day or a time, how many gave schedules. */
export function openingHoursRate(values: (string | null | undefined)[]): { named: number; parsed: number } {
  let named = 0;
  let parsed = 0;
  for (const v of values) {
    if (!namesDayOrTime(v)) continue;
    named += 1;
    if (parseOpeningHours(v).schedules.length) parsed += 1;
  }
  return { named, parsed };
}
