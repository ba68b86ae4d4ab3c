import { addMonths, addYears, daysBetween, firstDayOfNextMonth, isValidBusinessDate } from './index';

describe('isValidBusinessDate', () => {
  it.each([
    ['2025-02-28', true],
    ['2024-02-29', true],
    ['2025-12-31', true],
    ['2025-02-30', false],
    ['2023-02-29', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-1-01', false],
    ['2025-01-01T00:00:00Z', false],
    [' 2025-01-01', false],
    ['', false],
  ])('%j → %s', (text, valid) => {
    expect(isValidBusinessDate(text)).toBe(valid);
  });

  /** The check it replaced (a RegExp and a round trip through Date.UTC): same answer on every input. */
  function throughDate(s: string): boolean {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!match) return false;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }

  it('answers as the check through Date did, on every day of years 0–2400 and malformed texts', () => {
    const texts: string[] = ['2025-01-01\n', '2025-01-0a', '２０２５-01-01', '2025/01/01', '-025-01-01', '2025-01-1 ', '0000-01-01', '0099-12-31', '0100-01-01', '9999-12-31'];
    for (const year of [0, 1, 99, 100, 1582, 1900, 2000, 2023, 2024, 2100, 2400]) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          texts.push(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
        }
      }
    }
    for (const text of texts) expect([text, isValidBusinessDate(text)]).toEqual([text, throughDate(text)]);
  });
});

describe('daysBetween (to − from, calendar days, no time-zone or DST drift)', () => {
  it.each([
    ['2024-01-01', '2024-01-01', 0],
    ['2024-01-01', '2024-03-31', 90],
    ['2024-01-01', '2024-04-01', 91],
    ['2024-12-31', '2025-01-01', 1],
    ['2024-02-28', '2024-03-01', 2],
    ['2023-02-28', '2023-03-01', 1],
    ['2025-03-10', '2025-03-01', -9],
    // Dates around DST switches elsewhere in the world must still be whole days apart.
    ['2024-03-09', '2024-03-11', 2],
    ['2024-10-26', '2024-10-28', 2],
  ])('%s → %s = %d', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('rejects impossible dates', () => {
    expect(() => daysBetween('2025-02-30', '2025-03-01')).toThrow(RangeError);
  });
});

describe('calendar helpers', () => {
  it.each([
    ['2024-03-10', 1, '2025-03-10'],
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
  ])('addYears(%s, %d) = %s', (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });

  it.each([
    ['2024-04-01', '2024-05-01'],
    ['2024-12-15', '2025-01-01'],
    ['2024-01-31', '2024-02-01'],
  ])('firstDayOfNextMonth(%s) = %s', (date, expected) => {
    expect(firstDayOfNextMonth(date)).toBe(expected);
  });
});

describe('addMonths', () => {
  it.each([
    ['2025-03-15', -12, '2024-03-15'],
    ['2025-01-31', -1, '2024-12-31'],
    ['2025-03-31', -1, '2025-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-02-29', -12, '2023-02-28'],
    ['2024-11-30', 3, '2025-02-28'],
  ])('addMonths(%s, %d) = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});
