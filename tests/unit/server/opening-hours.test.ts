/**
 * parseOpeningHours: OSM syntax, the English forms volunteers type, and the real "Opening times" of the Greater
 * Manchester food banks file (≥ 85 % of the values that name a day or a time become schedules).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import {
  namesDayOrTime,
  openingHoursRate,
  parseOpeningHours,
  type ParsedSchedule,
} from '../../../server/features/imports/openingHours';

const brief = (s: ParsedSchedule[]) =>
  s.map((x) => `${x.freq === 'MONTHLY' ? 'M ' : ''}${x.byday} ${x.opensAt ?? ''}-${x.closesAt ?? ''}`);

const FOOD_BANKS = path.join(__dirname, '..', '..', '..', 'data', 'vcse', 'gm_food_banks_2018.csv');
const openingTimes = () =>
  (parse(fs.readFileSync(FOOD_BANKS), { columns: true, bom: true }) as Record<string, string>[]).map(
    (r) => r['Opening times'] ?? '',
  );

describe('parseOpeningHours', () => {
  it.each([
    ['Mon–Fri 9am–5pm', ['MO,TU,WE,TH,FR 09:00-17:00']],
    ['Wednesday 10am - 4pm', ['WE 10:00-16:00']],
    ['Tuesdays 10:00–12:00', ['TU 10:00-12:00']],
    ['Wednesday 9:30am - 12noon', ['WE 09:30-12:00']],
    ['1st and 3rd Wednesday of the month 2–4pm', ['M 1WE,3WE 14:00-16:00']],
    ['last Friday of the month 10am-12pm', ['M -1FR 10:00-12:00']],
    ['Tuesdays & Fridays 12pm - 3pm; 1st Saturday of month 10am - 12noon', ['TU,FR 12:00-15:00', 'M 1SA 10:00-12:00']],
    ['Thursday 1.30 - 3.30pm', ['TH 13:30-15:30']],
    ['Tuesday 1 - 3pm', ['TU 13:00-15:00']],
    ['Wednesday 7 - 9pm Saturday 12 - 3pm', ['WE 19:00-21:00', 'SA 12:00-15:00']],
    ['Mon - Sat 10.00 - 4.00', ['MO,TU,WE,TH,FR,SA 10:00-16:00']],
    ['Monday - Saturday 7.30am = 4.30pm', ['MO,TU,WE,TH,FR,SA 07:30-16:30']],
    [
      'Monday 6-7pm, Tuesday 12-1pm, Wednesday 2=3pm and 6-7pm',
      ['MO 18:00-19:00', 'TU 12:00-13:00', 'WE 14:00-15:00', 'WE 18:00-19:00'],
    ],
    ['Daily (except Tues & Sat) 10:30am - 12pm', ['MO,WE,TH,FR,SU 10:30-12:00']],
    ['9 - 4 weekdays except Wed 9 - 2', ['MO,TU,TH,FR 09:00-16:00', 'WE 09:00-14:00']],
    ['9 - 4 Monday - Friday.', ['MO,TU,WE,TH,FR 09:00-16:00']],
    ['Tues/Weds 10am - 12pm. Thurs 10am - 2pm', ['TU,WE 10:00-12:00', 'TH 10:00-14:00']],
    ['Tuesday from 11am', ['TU 11:00-']],
    ['Tuesdays 10:00-12:00\nThursdays 1-3pm', ['TU 10:00-12:00', 'TH 13:00-15:00']],
    ['Mo-Fr 09:00-17:00; Sa 10:00-12:00', ['MO,TU,WE,TH,FR 09:00-17:00', 'SA 10:00-12:00']],
    ['24/7', ['MO,TU,WE,TH,FR,SA,SU 00:00-24:00']],
  ])('when "%s", then %j', (text, expected) => {
    expect(brief(parseOpeningHours(text).schedules)).toEqual(expected);
  });

  it('when the text has notes beyond days and times, then it is parsed but not complete (the original is kept)', () => {
    const r = parseOpeningHours('Mon–Fri 9am–5pm; closed bank holidays');
    expect(brief(r.schedules)).toEqual(['MO,TU,WE,TH,FR 09:00-17:00']);
    expect(r.complete).toBe(false);
    expect(parseOpeningHours('Wednesday 10am - 4pm').complete).toBe(true);
  });

  it('when sessions are fortnightly, then no weekly schedule is made (the text is kept instead)', () => {
    for (const v of ['Every other Tuesday 10am-12pm', 'Fortnightly on Mondays 1-3pm', 'Alternate Fridays 2-4pm'])
      expect([v, parseOpeningHours(v)]).toEqual([v, { schedules: [], complete: false, syntax: 'none' }]);
  });

  it('when a value names no day or time ("Not known", "By appointment"), then it gives nothing and does not count', () => {
    for (const v of ['Not known', 'By appointment', 'N/A', 'Contact for details', '', 'Food Club £2 for 10 items']) {
      expect([v, parseOpeningHours(v).schedules]).toEqual([v, []]);
      expect([v, namesDayOrTime(v)]).toEqual([v, false]);
    }
  });

  it('when any day and any daytime range is written the usual ways, then it reads back exactly (property)', () => {
    const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const NAMES = [
      ['Monday', 'Mon', 'Mondays'],
      ['Tuesday', 'Tues', 'Tue'],
      ['Wednesday', 'Wed', 'Weds'],
      ['Thursday', 'Thurs', 'Thu'],
      ['Friday', 'Fri', 'Fridays'],
      ['Saturday', 'Sat', 'Saturdays'],
      ['Sunday', 'Sun', 'Sundays'],
    ];
    const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const twelve = (m: number) => {
      const h = Math.floor(m / 60);
      const mm = m % 60;
      return `${h % 12 === 0 ? 12 : h % 12}${mm ? `:${String(mm).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 7 * 4, max: 20 * 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.constantFrom(' - ', '-', ' – ', ' to '),
        (d, form, start15, len15, h24, dash) => {
          const opens = start15 * 15;
          const closes = Math.min(opens + len15 * 15, 23 * 60 + 45);
          const text = `${NAMES[d]![form]} ${h24 ? clock(opens) : twelve(opens)}${dash}${h24 ? clock(closes) : twelve(closes)}`;
          expect([text, brief(parseOpeningHours(text).schedules)]).toEqual([
            text,
            [`${DAYS[d]} ${clock(opens)}-${clock(closes)}`],
          ]);
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('when any text is given, then it never throws and every schedule has valid days and times (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        for (const s of parseOpeningHours(text).schedules) {
          expect(s.byday).toMatch(/^(?:-?\d?(?:MO|TU|WE|TH|FR|SA|SU))(?:,-?\d?(?:MO|TU|WE|TH|FR|SA|SU))*$/);
          for (const t of [s.opensAt, s.closesAt]) if (t) expect(t).toMatch(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('when the food banks file is read, then at least 85 % of the opening times that name a day or time become schedules', () => {
    const values = openingTimes();
    const { named, parsed } = openingHoursRate(values);
    expect(named).toBeGreaterThan(100);
    expect(parsed / named).toBeGreaterThanOrEqual(0.85);
    // Spot checks on real values.
    expect(brief(parseOpeningHours('Tues , Wed, Thursday, 11am - 2pm and Friday 11am - 4pm').schedules)).toEqual([
      'TU,WE,TH 11:00-14:00',
      'FR 11:00-16:00',
    ]);
    expect(
      brief(parseOpeningHours('Weekdays and Saturdays 10am-4pm, except Thursdays 10am-12.30pm.').schedules),
    ).toEqual(['MO,TU,WE,FR,SA 10:00-16:00', 'TH 10:00-12:30']);
  });
});
