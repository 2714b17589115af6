/**
 * Parsers for the single-value MT940 / MT942 fields: dates, amounts, balances (:60a: :62a: :64:
 * :65:), the statement line :61:, the floor limit :34F:, the date-time :13D: and the entry
 * totals :90D: / :90C:. Each throws {@link BankFileError} naming the file line and the tag.
 */
import { currencyExponent, isCurrency } from '../../../shared/currencies.ts';
import type { IsoDate } from '../../../shared/dates.ts';
import { MAX_MINOR_UNITS } from '../../../shared/money.ts';
import { BankFileError } from './statement.ts';

/** Where a value came from: the 1-based file line and the tag as written (`:61:`). */
export type FieldSite = { line: number; tag: string };

export function fieldError(site: FieldSite, message: string): BankFileError {
  return new BankFileError(`line ${site.line}, ${site.tag}: ${message}`, {
    line: site.line,
    element: site.tag,
  });
}

/**
 * Minor-unit exponent of the statement currency. Only active ISO 4217 codes are accepted, as in
 * the rest of Dunwell: a statement in a withdrawn currency (DEM, NLG, HRK, …) could not be
 * matched to anything, so it is refused here with its line rather than deeper in the import.
 */
export function exponentOf(currency: string, site: FieldSite): number {
  if (!isCurrency(currency)) {
    throw fieldError(site, `currency ${JSON.stringify(currency)} is not an active ISO 4217 code`);
  }
  return currencyExponent(currency);
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function isoDate(year: number, month: number, day: number): IsoDate | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${twoDigits(month)}-${twoDigits(day)}` as IsoDate;
}

/** Two-digit years: 80–99 are 1980–1999, 00–79 are 2000–2079. */
function fullYear(twoDigits: number): number {
  return twoDigits >= 80 ? 1900 + twoDigits : 2000 + twoDigits;
}

const SIX_DIGITS = /^\d{6}$/;

/** `YYMMDD` → `YYYY-MM-DD`. */
export function parseYymmdd(text: string, site: FieldSite, what = 'date'): IsoDate {
  const date = SIX_DIGITS.test(text)
    ? isoDate(fullYear(Number(text.slice(0, 2))), Number(text.slice(2, 4)), Number(text.slice(4)))
    : null;
  if (date === null) {
    throw fieldError(site, `${what} ${JSON.stringify(text)} is not a valid YYMMDD date`);
  }
  return date;
}

/**
 * Entry date `MMDD` of a :61: line: the year is the value date's, or the one before or after
 * when that puts the entry date closer to the value date (entries booked across a year end).
 */
export function entryDate(mmdd: string, valueDate: IsoDate, site: FieldSite): IsoDate {
  const valueYear = Number(valueDate.slice(0, 4));
  const valueDay = Date.UTC(
    valueYear,
    Number(valueDate.slice(5, 7)) - 1,
    Number(valueDate.slice(8)),
  );
  const month = Number(mmdd.slice(0, 2));
  const day = Number(mmdd.slice(2));
  let bestYear = 0;
  let bestDistance = Infinity;
  for (let year = valueYear - 1; year <= valueYear + 1; year++) {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) continue;
    const distance = Math.abs(Date.UTC(year, month - 1, day) - valueDay);
    if (distance < bestDistance) [bestYear, bestDistance] = [year, distance];
  }
  const date = bestYear === 0 ? null : isoDate(bestYear, month, day);
  if (date === null) {
    throw fieldError(site, `entry date ${JSON.stringify(mmdd)} is not a valid MMDD date`);
  }
  return date;
}

// ---------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------

const SWIFT_AMOUNT = /^(\d+),(\d*)$/;

/**
 * SWIFT `15d` amount (`1234,56`, `100,` = 100.00, `0,5`) → minor units, exactly. The decimal comma
 * is mandatory; decimals beyond the currency's exponent are accepted only when they are zeros.
 */
export function parseSwiftAmount(
  text: string,
  currency: string,
  exponent: number,
  site: FieldSite,
): bigint {
  const match = SWIFT_AMOUNT.exec(text);
  if (match === null) {
    const reason = /^\d+$/.test(text) ? 'has no decimal comma' : 'is not a number';
    throw fieldError(site, `amount ${JSON.stringify(text)} ${reason}`);
  }
  const integer = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) {
    const problem = `has more than ${exponent} decimals for ${currency}`;
    throw fieldError(site, `amount ${JSON.stringify(text)} ${problem}`);
  }
  const scaled =
    fraction.length >= exponent ? fraction.slice(0, exponent) : fraction.padEnd(exponent, '0');
  const minor = BigInt(integer + scaled);
  if (minor > MAX_MINOR_UNITS)
    throw fieldError(site, `amount ${JSON.stringify(text)} is too large`);
  return minor;
}

// ---------------------------------------------------------------------------
// Balances :60a: :62a: :64: :65:  —  1!a6!n3!a15d  (C|D, YYMMDD, currency, amount)
// ---------------------------------------------------------------------------

export type Balance = { amountMinor: bigint; currency: string; date: IsoDate };

export function parseBalance(text: string, site: FieldSite): Balance {
  const value = text.trim();
  const mark = value.charAt(0);
  if (mark !== 'C' && mark !== 'D') {
    throw fieldError(site, `balance ${JSON.stringify(value)} must start with C or D`);
  }
  const date = parseYymmdd(value.slice(1, 7), site, 'balance date');
  const currency = value.slice(7, 10);
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw fieldError(site, `balance ${JSON.stringify(value)} has no currency code after the date`);
  }
  const exponent = exponentOf(currency, site);
  const amount = parseSwiftAmount(value.slice(10), currency, exponent, site);
  return { amountMinor: mark === 'D' ? -amount : amount, currency, date };
}

// ---------------------------------------------------------------------------
// Statement line :61:  —  6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][34x]
// ---------------------------------------------------------------------------

export type StatementLineFields = {
  valueDate: IsoDate;
  bookingDate: IsoDate | null;
  /** signed: credit and reversed debit (RD) positive, debit and reversed credit (RC) negative */
  amountMinor: bigint;
  /** written with D or RC (kept apart from the sign so that zero amounts keep their side) */
  debit: boolean;
  typeCode: string;
  /** as written (`NONREF`, `EREF`, … included); null when empty */
  customerReference: string | null;
  bankReference: string | null;
  /** supplementary details written on the :61: line itself */
  supplementary: string | null;
};

const CUSTOMER_REFERENCE_LENGTH = 16;

export function parseStatementLine(
  text: string,
  currency: string,
  exponent: number,
  site: FieldSite,
): StatementLineFields {
  const valueDate = parseYymmdd(text.slice(0, 6), site, 'value date');
  let rest = text.slice(6);
  let bookingDate: IsoDate | null = null;
  if (/^\d{4}/.test(rest)) bookingDate = entryDate(rest.slice(0, 4), valueDate, site);
  if (/^(\d{4}| {4})/.test(rest)) rest = rest.slice(4);

  const mark = /^(RC|RD|C|D)/.exec(rest)?.[1];
  if (mark === undefined) {
    const found = JSON.stringify(rest.slice(0, 2));
    throw fieldError(site, `debit/credit mark (C, D, RC, RD) expected, found ${found}`);
  }
  rest = rest.slice(mark.length);
  if (/^[A-Z]/.test(rest)) rest = rest.slice(1); // funds code: third letter of the currency

  const amountText = /^[0-9,]*/.exec(rest)?.[0] ?? '';
  if (amountText === '') {
    throw fieldError(site, `amount expected, found ${JSON.stringify(rest.slice(0, 15))}`);
  }
  const amount = parseSwiftAmount(amountText, currency, exponent, site);
  rest = rest.slice(amountText.length);

  // N/F/S plus three characters in SWIFT; a few banks use other letters (MCI0) or spaces (S   )
  const typeCode = /^[A-Z][A-Z0-9 ]{3}/.exec(rest)?.[0];
  if (typeCode === undefined) {
    const found = JSON.stringify(rest.slice(0, 4));
    throw fieldError(
      site,
      `transaction type (e.g. NTRF) expected after the amount, found ${found}`,
    );
  }
  const { customerReference, bankReference, supplementary } = references(rest.slice(4));
  const credit = mark === 'C' || mark === 'RD';
  return {
    valueDate,
    bookingDate,
    amountMinor: credit ? amount : -amount,
    debit: !credit,
    typeCode: typeCode.trim(),
    customerReference,
    bankReference,
    supplementary,
  };
}

/**
 * `16x[//16x][34x]`. Without `//`, text beyond 16 characters is supplementary detail when it is
 * set apart by spaces (old Rabobank: account, then name); an unbroken longer token is kept whole
 * as the reference (ASN writes 18-character IBANs there).
 */
function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

function references(rest: string) {
  const slashes = rest.indexOf('//');
  let customer = rest;
  let bank = '';
  let supplementary = '';
  if (slashes >= 0) {
    customer = rest.slice(0, slashes);
    bank = rest.slice(slashes + 2);
  } else if (rest.trimEnd().length > CUSTOMER_REFERENCE_LENGTH && /\s/.test(rest.trim())) {
    customer = rest.slice(0, CUSTOMER_REFERENCE_LENGTH);
    supplementary = rest.slice(CUSTOMER_REFERENCE_LENGTH);
  }
  return {
    customerReference: orNull(customer),
    bankReference: bank.trim().toUpperCase() === 'NONREF' ? null : orNull(bank),
    supplementary: orNull(supplementary),
  };
}

/** True when a :61: first line stops after the D/C mark (Sparkassen wrap the amount). */
export function statementLineIsCut(text: string): boolean {
  return /^\d{6}(\d{4}| {4})?(RC|RD|C|D)[A-Z]?\s*$/.test(text);
}

// ---------------------------------------------------------------------------
// MT942: floor limit :34F:, date-time :13D:, entry totals :90D: / :90C:
// ---------------------------------------------------------------------------

/** `:34F:EURD0,00` (3!a[1!a]15d) → the currency; the amount is checked, not kept. */
export function parseFloorLimit(text: string, site: FieldSite): string {
  const match = /^([A-Z]{3})([CD ]?)(.*)$/.exec(text.trim());
  if (!match)
    throw fieldError(site, `floor limit ${JSON.stringify(text)} must start with a currency`);
  const currency = match[1] ?? '';
  parseSwiftAmount(match[3] ?? '', currency, exponentOf(currency, site), site);
  return currency;
}

/** `:13D:1610301730+0000` (YYMMDDhhmm±hhmm) → ISO 8601 `2016-10-30T17:30:00+00:00`. */
export function parseDateTime(text: string, site: FieldSite): string {
  const match = /^(\d{6})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?$/.exec(text.trim());
  if (!match) throw fieldError(site, `date-time ${JSON.stringify(text)} is not YYMMDDhhmm+hhmm`);
  const [, yymmdd = '', hour = '', minute = '', sign, offsetHour, offsetMinute] = match;
  const date = parseYymmdd(yymmdd, site);
  if (Number(hour) > 23 || Number(minute) > 59) {
    throw fieldError(site, `time ${hour}${minute} in ${JSON.stringify(text)} is not a valid hhmm`);
  }
  const zone = sign ? `${sign}${offsetHour}:${offsetMinute}` : '';
  return `${date}T${hour}:${minute}:00${zone}`;
}

export type EntryTotal = { count: number; amountMinor: bigint; currency: string };

/** `:90D:1EUR2,30` (5n3!a15d) → number of entries and their sum. */
export function parseEntryTotal(text: string, site: FieldSite): EntryTotal {
  const match = /^(\d+)([A-Z]{3})(.*)$/.exec(text.trim());
  if (!match)
    throw fieldError(site, `entry total ${JSON.stringify(text)} is not count, currency, amount`);
  const currency = match[2] ?? '';
  const amountMinor = parseSwiftAmount(match[3] ?? '', currency, exponentOf(currency, site), site);
  return { count: Number(match[1]), amountMinor, currency };
}
