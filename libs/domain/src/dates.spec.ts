import { shanghaiDateOf } from './dates';

describe('shanghaiDateOf', () => {
  it('turns the date at Shanghai midnight, also when asked again within the same second', () => {
    // 2025-03-01T00:00:00+08:00
    const midnight = Date.UTC(2025, 1, 28, 16, 0, 0);
    const instants = [midnight - 1000, midnight - 1, midnight - 1, midnight, midnight + 999, midnight - 1];
    expect(instants.map((ms) => shanghaiDateOf(new Date(ms)))).toEqual(['2025-02-28', '2025-02-28', '2025-02-28', '2025-03-01', '2025-03-01', '2025-02-28']);
  });

  it('matches a fresh formatter over a spread of instants', () => {
    const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    for (let ms = Date.UTC(2024, 11, 31, 15, 59, 58); ms < Date.UTC(2024, 11, 31, 16, 0, 3); ms += 250) {
      expect(shanghaiDateOf(new Date(ms))).toBe(format.format(new Date(ms)));
    }
  });

  it('still refuses an invalid instant', () => {
    expect(() => shanghaiDateOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});
