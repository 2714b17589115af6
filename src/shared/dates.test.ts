import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedClock, systemClock } from './clock.ts';
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  endOfMonth,
  isIsoDate,
  isValidTimeZone,
  maxDate,
  minDate,
  parseIsoDate,
  todayIn,
  type IsoDate,
} from './dates.ts';
import { DomainError, InvariantError } from './errors.ts';

const DAY_MS = 86_400_000;
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2999, 11, 31);

/** Reference implementation via the JS Date UTC calendar, used only as a test oracle. */
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utcMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

const d = (text: string) => parseIsoDate(text);

function expectDomainError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    return;
  }
  expect.fail(`expected DomainError ${code}`);
}

/** Any supported date, as a day offset from 1900-01-01. */
const isoDateArb = fc
  .integer({ min: 0, max: (MAX_MS - MIN_MS) / DAY_MS })
  .map((offset) => utcDate(MIN_MS + offset * DAY_MS) as IsoDate);

describe('parseIsoDate', () => {
  it.each([
    '2026-02-28',
    '2024-02-29',
    '2000-02-29',
    '1900-01-01',
    '2999-12-31',
    '2026-04-30',
    '2026-12-31',
  ])('accepts %s', (text) => {
    expect(parseIsoDate(text)).toBe(text);
    expect(isIsoDate(text)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2100-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-32',
    '2026-2-3',
    '2026-02-3',
    '26-02-03',
    '2026-02-03T00:00',
    '2026-02-03T00:00:00Z',
    ' 2026-01-01',
    '2026-01-01 ',
    '2026-01-01\n',
    '20260101',
    '2026/01/01',
    '01.02.2026',
    '',
    '+2026-01-01',
    '-2026-01-01',
    '02026-01-01',
    '1899-12-31',
    '3000-01-01',
    '٢٠٢٦-٠١-٠١',
    'yyyy-mm-dd',
  ])('rejects %j', (text) => {
    expectDomainError(() => parseIsoDate(text), 'invalid_date');
    expect(isIsoDate(text)).toBe(false);
  });

  it('rejects non-strings', () => {
    expectDomainError(() => parseIsoDate(new Date() as unknown as string), 'invalid_date');
    expect(isIsoDate(20260101 as unknown as string)).toBe(false);
  });

  it('accepts exactly the real calendar dates (oracle: Date.UTC)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, day) => {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const real =
            m >= 1 && m <= 12 && day >= 1 && new Date(Date.UTC(y, m - 1, day)).getUTCDate() === day;
          expect(isIsoDate(text)).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('addDays and daysBetween', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-08', 0, '2026-03-08'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['1970-01-01', -1, '1969-12-31'],
  ] as const)('%s + %i days = %s', (start, n, expected) => {
    expect(addDays(d(start), n)).toBe(expected);
    expect(daysBetween(d(start), d(expected))).toBe(n);
  });

  it('counts b − a', () => {
    expect(daysBetween(d('2026-01-01'), d('2026-01-31'))).toBe(30);
    expect(daysBetween(d('2026-01-31'), d('2026-01-01'))).toBe(-30);
    expect(daysBetween(d('1900-01-01'), d('2999-12-31'))).toBe(401_766);
  });

  it('matches the UTC calendar', () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: -5000, max: 5000 }), (start, n) => {
        const ms = utcMs(start) + n * DAY_MS;
        fc.pre(ms >= MIN_MS && ms <= MAX_MS);
        expect(addDays(start, n)).toBe(utcDate(ms));
      }),
      { numRuns: 1000 },
    );
  });

  it('are inverse to each other', () => {
    fc.assert(
      fc.property(isoDateArb, isoDateArb, (a, b) => {
        const n = daysBetween(a, b);
        expect(addDays(a, n)).toBe(b);
        expect(daysBetween(b, a) + n).toBe(0);
        expect(n).toBe((utcMs(b) - utcMs(a)) / DAY_MS);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects results outside 1900..2999 and fractional days', () => {
    expectDomainError(() => addDays(d('2999-12-31'), 1), 'invalid_date');
    expectDomainError(() => addDays(d('1900-01-01'), -1), 'invalid_date');
    expect(() => addDays(d('2026-01-01'), 1.5)).toThrow(InvariantError);
    expect(() => addDays(d('2026-01-01'), Number.NaN)).toThrow(InvariantError);
  });

  it('rejects forged IsoDate values', () => {
    expectDomainError(() => addDays('2026-02-30' as IsoDate, 1), 'invalid_date');
    expectDomainError(
      () => daysBetween('2026-02-03T00:00' as IsoDate, d('2026-02-03')),
      'invalid_date',
    );
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2026-01-30', 1, '2026-02-28'],
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2026-03-10', -27, '2023-12-10'],
    ['2026-03-10', 0, '2026-03-10'],
  ] as const)('%s + %i months = %s', (start, n, expected) => {
    expect(addMonths(d(start), n)).toBe(expected);
  });

  it('moves the month by n and keeps the day, clamped to the month end', () => {
    fc.assert(
      fc.property(isoDateArb, fc.integer({ min: -600, max: 600 }), (start, n) => {
        const [y, m, day] = start.split('-').map(Number) as [number, number, number];
        const index = y * 12 + m - 1 + n;
        const ty = Math.floor(index / 12);
        const tm = index - ty * 12 + 1;
        fc.pre(ty >= 1900 && ty <= 2999);
        const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
        const expected = `${ty}-${String(tm).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
        expect(addMonths(start, n)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects results outside 1900..2999', () => {
    expectDomainError(() => addMonths(d('1900-01-15'), -1), 'invalid_date');
    expectDomainError(() => addMonths(d('2999-12-31'), 1), 'invalid_date');
    expect(() => addMonths(d('2026-01-01'), 0.5)).toThrow(InvariantError);
  });
});

describe('endOfMonth', () => {
  it.each([
    ['2026-02-10', '2026-02-28'],
    ['2028-02-10', '2028-02-29'],
    ['2100-02-01', '2100-02-28'],
    ['2000-02-01', '2000-02-29'],
    ['2026-04-30', '2026-04-30'],
    ['2026-12-01', '2026-12-31'],
  ] as const)('endOfMonth(%s) = %s', (date, expected) => {
    expect(endOfMonth(d(date))).toBe(expected);
  });

  it('is the last day of the same month', () => {
    fc.assert(
      fc.property(isoDateArb, (date) => {
        const end = endOfMonth(date);
        expect(end.slice(0, 7)).toBe(date.slice(0, 7));
        expect(compareDates(end, date)).toBeGreaterThanOrEqual(0);
        if (end !== '2999-12-31') expect(addDays(end, 1).slice(8)).toBe('01');
      }),
    );
  });
});

describe('compareDates, minDate, maxDate', () => {
  it('orders dates', () => {
    expect(compareDates(d('2026-01-01'), d('2026-01-02'))).toBe(-1);
    expect(compareDates(d('2026-01-02'), d('2026-01-01'))).toBe(1);
    expect(compareDates(d('2026-01-02'), d('2026-01-02'))).toBe(0);
    expect(compareDates(d('1999-12-31'), d('2000-01-01'))).toBe(-1);
  });

  it('picks the earliest and latest', () => {
    const dates = [d('2026-03-01'), d('2025-12-31'), d('2026-12-01')];
    expect(minDate(...dates)).toBe('2025-12-31');
    expect(maxDate(...dates)).toBe('2026-12-01');
    expect(minDate(d('2026-01-01'))).toBe('2026-01-01');
    expect(() => minDate()).toThrow(InvariantError);
  });

  it('agrees with chronological order', () => {
    fc.assert(
      fc.property(fc.array(isoDateArb, { minLength: 1, maxLength: 10 }), (dates) => {
        const sorted = [...dates].sort((a, b) => utcMs(a) - utcMs(b));
        expect(minDate(...dates)).toBe(sorted[0]);
        expect(maxDate(...dates)).toBe(sorted[sorted.length - 1]);
        const [a, b] = [dates[0]!, dates[dates.length - 1]!];
        expect(compareDates(a, b)).toBe(Math.sign(utcMs(a) - utcMs(b)) || 0);
      }),
    );
  });
});

describe('todayIn', () => {
  it.each([
    ['2026-01-01T03:00:00Z', 'America/New_York', '2025-12-31'],
    ['2026-01-01T03:00:00Z', 'Europe/Berlin', '2026-01-01'],
    ['2026-01-01T03:00:00Z', 'UTC', '2026-01-01'],
    ['2025-12-31T23:30:00Z', 'Europe/Berlin', '2026-01-01'],
    ['2026-01-01T10:00:00Z', 'Pacific/Kiritimati', '2026-01-02'], // UTC+14
    ['2026-01-01T10:00:00Z', 'Pacific/Pago_Pago', '2025-12-31'], // UTC−11
    ['2026-06-30T18:29:00Z', 'Asia/Kolkata', '2026-06-30'], // UTC+5:30
    ['2026-06-30T18:30:00Z', 'Asia/Kolkata', '2026-07-01'],
    ['2026-03-08T04:59:00Z', 'America/New_York', '2026-03-07'], // 23:59 EST
    ['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08'],
    ['2026-07-01T03:59:00Z', 'America/New_York', '2026-06-30'], // 23:59 EDT
    ['2026-07-01T04:00:00Z', 'America/New_York', '2026-07-01'],
    ['2024-02-29T12:00:00Z', 'Australia/Sydney', '2024-02-29'],
  ] as const)('%s in %s is %s', (instant, zone, expected) => {
    expect(todayIn(zone, new Date(instant))).toBe(expected);
  });

  it('equals the UTC date shifted by a fixed offset', () => {
    // Etc/GMT-14 is UTC+14 and Etc/GMT+12 is UTC−12 (POSIX sign convention).
    const zones = [
      ['UTC', 0],
      ['Etc/GMT-14', 14],
      ['Etc/GMT+12', -12],
      ['Etc/GMT-5', 5],
    ] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2999, 11, 30) }),
        fc.constantFrom(...zones),
        (ms, [zone, hours]) => {
          expect(todayIn(zone, new Date(ms))).toBe(utcDate(ms + hours * 3_600_000));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('works with a FixedClock', () => {
    const clock = new FixedClock('2026-01-01T03:00:00Z');
    expect(todayIn('America/New_York', clock.now())).toBe('2025-12-31');
    clock.advance(2 * 3_600_000);
    expect(todayIn('America/New_York', clock.now())).toBe('2026-01-01');
    clock.set(new Date('2026-06-15T12:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-06-15T12:00:00.000Z');
    clock.now().setUTCFullYear(2000); // mutating a returned Date does not move the clock
    expect(todayIn('UTC', clock.now())).toBe('2026-06-15');
    expect(() => new FixedClock('not a date')).toThrow(InvariantError);
    expect(() => clock.advance(Number.NaN)).toThrow(InvariantError);
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('rejects unknown zones, invalid instants and dates outside 1900..2999', () => {
    expectDomainError(() => todayIn('Mars/Olympus_Mons', new Date()), 'invalid_time_zone');
    expectDomainError(() => todayIn('', new Date()), 'invalid_time_zone');
    expect(() => todayIn('UTC', new Date('nope'))).toThrow(InvariantError);
    expectDomainError(() => todayIn('UTC', new Date('3000-01-01T00:00:00Z')), 'invalid_date');
    expectDomainError(() => todayIn('UTC', new Date('1899-12-31T23:59:59Z')), 'invalid_date');
  });
});

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Berlin ', 'Not a zone'])('rejects %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});
