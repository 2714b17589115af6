/**
 * Business dates: calendar dates without a time or zone, as `YYYY-MM-DD`
 * strings. Arithmetic runs on integer day numbers (days since 1970-01-01) using
 * Howard Hinnant's civil-from-days algorithms — never on local time, so results
 * do not depend on the server's time zone or on DST.
 */
import { assert } from './assert.ts';
import { DomainError } from './errors.ts';

/** A valid calendar date `YYYY-MM-DD` with year 1900..2999. Obtain via {@link parseIsoDate}. */
export type IsoDate = string & { readonly __brand: 'IsoDate' };

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const DATE_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

type Civil = { year: number; month: number; day: number };

function invalidDate(message: string): DomainError {
  return new DomainError('invalid_date', message);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses and validates; returns the components or a reason why the text is invalid. */
function toCivil(text: string): Civil | string {
  if (typeof text !== 'string') return 'Date must be a string in the form YYYY-MM-DD';
  const match = DATE_PATTERN.exec(text);
  if (!match) return `${JSON.stringify(text)} is not a date in the form YYYY-MM-DD`;
  const [year, month, day] = match.slice(1).map((part) => Number.parseInt(part, 10)) as [
    number,
    number,
    number,
  ];
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return `${JSON.stringify(text)} is outside the years ${MIN_YEAR}..${MAX_YEAR}`;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return `${JSON.stringify(text)} is not a calendar date`;
  }
  return { year, month, day };
}

function civilOf(date: IsoDate): Civil {
  const civil = toCivil(date);
  if (typeof civil === 'string') throw invalidDate(civil);
  return civil;
}

function fromCivil({ year, month, day }: Civil): IsoDate {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw invalidDate(`Date is outside the years ${MIN_YEAR}..${MAX_YEAR}`);
  }
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` as IsoDate;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function dayNumber({ year, month, day }: Civil): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Inverse of {@link dayNumber} (Hinnant's civil_from_days). */
function civilFromDayNumber(days: number): Civil {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Parses a strict `YYYY-MM-DD` calendar date with year 1900..2999. Rejects
 * impossible dates (`2026-02-30`), missing padding (`2026-2-3`), times
 * (`2026-02-03T00:00`) and surrounding whitespace.
 * @throws DomainError `invalid_date`.
 */
export function parseIsoDate(text: string): IsoDate {
  const civil = toCivil(text);
  if (typeof civil === 'string') throw invalidDate(civil);
  return text as IsoDate;
}

/** True when {@link parseIsoDate} would accept `text`. */
export function isIsoDate(text: string): text is IsoDate {
  return typeof toCivil(text) !== 'string';
}

/**
 * `d` plus `n` calendar days (`n` may be negative).
 * @throws DomainError `invalid_date` when the result leaves the years 1900..2999.
 */
export function addDays(d: IsoDate, n: number): IsoDate {
  assert(Number.isSafeInteger(n), `addDays() needs an integer, got ${n}`);
  return fromCivil(civilFromDayNumber(dayNumber(civilOf(d)) + n));
}

/**
 * `d` plus `n` calendar months (`n` may be negative). The day is clamped to the
 * end of the target month: Jan 31 + 1 month = Feb 28 (Feb 29 in leap years),
 * Mar 31 − 1 month = Feb 28/29. Not associative: (Jan 31 + 1) + 1 = Mar 28.
 * @throws DomainError `invalid_date` when the result leaves the years 1900..2999.
 */
export function addMonths(d: IsoDate, n: number): IsoDate {
  assert(Number.isSafeInteger(n), `addMonths() needs an integer, got ${n}`);
  const { year, month, day } = civilOf(d);
  const monthIndex = year * 12 + (month - 1) + n;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return fromCivil({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** The last day of `d`'s month (2028-02-10 → 2028-02-29). */
export function endOfMonth(d: IsoDate): IsoDate {
  const { year, month } = civilOf(d);
  return fromCivil({ year, month, day: daysInMonth(year, month) });
}

/** `b − a` in days: positive when `b` is later (daysBetween(2026-01-01, 2026-01-31) = 30). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(civilOf(b)) - dayNumber(civilOf(a));
}

/** −1 when `a` is earlier than `b`, 0 when equal, 1 when later. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** The earliest of one or more dates. */
export function minDate(...dates: IsoDate[]): IsoDate {
  return extreme(dates, -1);
}

/** The latest of one or more dates. */
export function maxDate(...dates: IsoDate[]): IsoDate {
  return extreme(dates, 1);
}

function extreme(dates: IsoDate[], wanted: -1 | 1): IsoDate {
  const [first, ...rest] = dates;
  assert(first !== undefined, 'minDate()/maxDate() need at least one date');
  civilOf(first);
  return rest.reduce((best, d) => (compareDates(d, best) === wanted ? d : best), first);
}

// ---------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat | undefined {
  if (typeof timeZone !== 'string' || timeZone === '') return undefined;
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        calendar: 'gregory',
        numberingSystem: 'latn',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      return undefined;
    }
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `tz` is a time zone the runtime knows (IANA names such as `Europe/Berlin`, or `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  return zoneFormatter(tz) !== undefined;
}

/**
 * The calendar date that `instant` falls on in the IANA time zone `timeZone`:
 * 2026-01-01T03:00Z is 2025-12-31 in America/New_York and 2026-01-01 in Europe/Berlin.
 * @throws DomainError `invalid_time_zone` for an unknown zone, `invalid_date`
 * when the date is outside the years 1900..2999.
 */
export function todayIn(timeZone: string, instant: Date): IsoDate {
  assert(
    instant instanceof Date && !Number.isNaN(instant.getTime()),
    'todayIn() needs a valid Date',
  );
  const formatter = zoneFormatter(timeZone);
  if (!formatter)
    throw new DomainError('invalid_time_zone', `Unknown time zone ${JSON.stringify(timeZone)}`);
  const parts = formatter.formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number.parseInt(parts.find((p) => p.type === type)?.value ?? 'NaN', 10);
  const civil = { year: field('year'), month: field('month'), day: field('day') };
  assert(
    Number.isInteger(civil.year) && Number.isInteger(civil.month) && Number.isInteger(civil.day),
    'Intl returned no date parts',
  );
  return fromCivil(civil);
}
