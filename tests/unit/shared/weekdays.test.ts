/** shared/weekdays: names of the iCalendar weekday codes. */
import { WEEKDAY_NAMES, weekdayName } from '../../../shared/weekdays';

describe('weekdayName', () => {
  it('when given a weekday code, then it names the day', () => {
    expect(weekdayName('MO')).toBe('Monday');
    expect(weekdayName('SU')).toBe('Sunday');
    expect(Object.keys(WEEKDAY_NAMES)).toEqual(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);
  });

  it('when given anything else, then it gives it back unchanged', () => {
    expect(weekdayName('XX')).toBe('XX');
    expect(weekdayName('toString')).toBe('toString');
  });
});
