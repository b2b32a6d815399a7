/** English names of the iCalendar weekday codes (MO…SU) that schedules and the "open on" filter use. Pure. */
import { WEEKDAYS } from './schemas/search';

/** An iCalendar weekday code. */
export type Weekday = (typeof WEEKDAYS)[number];

/** Each weekday code's name, e.g. MO → Monday. */
export const WEEKDAY_NAMES: Readonly<Record<Weekday, string>> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

const isWeekday = (code: string): code is Weekday => (WEEKDAYS as readonly string[]).includes(code);

/** The name of a weekday code, or the code itself when it is not one. */
export function weekdayName(code: string): string {
  return isWeekday(code) ? WEEKDAY_NAMES[code] : code;
}
