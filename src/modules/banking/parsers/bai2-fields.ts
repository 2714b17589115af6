/**
 * BAI2 field readers: each checks one field as the specification writes it and throws a
 * {@link BankFileError} naming the line and record code when it is not.
 */
import { isCurrency } from '../../../shared/currencies.ts';
import { isIsoDate, type IsoDate } from '../../../shared/dates.ts';
import type { Bai2FieldCursor, Bai2LogicalRecord } from './bai2-records.ts';
import { BankFileError } from './statement.ts';

export const RECORD_NAMES: Record<Bai2LogicalRecord['code'], string> = {
  '01': 'file header',
  '02': 'group header',
  '03': 'account identifier',
  '16': 'transaction detail',
  '49': 'account trailer',
  '98': 'group trailer',
  '99': 'file trailer',
};

/** Default when neither the 03 nor the 02 names a currency (the specification's default). */
export const DEFAULT_CURRENCY = 'USD';
/** Upper bound on a D funds type's distribution count, so a garbled field cannot loop long. */
const MAX_DISTRIBUTIONS = 99;

/** Throws a BankFileError: `line 5 (16 transaction detail): <message>`. */
export function fail(record: Bai2LogicalRecord, message: string): never {
  const where = `line ${record.line} (${record.code} ${RECORD_NAMES[record.code]})`;
  throw new BankFileError(`${where}: ${message}`, { line: record.line, element: record.code });
}

/** Records as the trailers count them: the record and each of its 88 continuations. */
export function physicalCount(record: Bai2LogicalRecord): number {
  return record.segments.length;
}

export function readSignedInteger(record: Bai2LogicalRecord, value: string, what: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(value))
    fail(record, `${what} ${JSON.stringify(value)} is not a number`);
  return BigInt(value);
}

export function readCount(
  record: Bai2LogicalRecord,
  value: string | undefined,
  what: string,
): number {
  if (value === undefined || !/^\+?[0-9]{1,9}$/.test(value)) {
    fail(record, `${what} ${JSON.stringify(value ?? '')} is not a whole number`);
  }
  return Number.parseInt(value, 10);
}

export function readDate(
  record: Bai2LogicalRecord,
  value: string | undefined,
  what: string,
): IsoDate {
  const text = value ?? '';
  const match = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(text);
  if (!match) fail(record, `${what} ${JSON.stringify(text)} is not a date in the form YYMMDD`);
  const [, yy = '', mm = '', dd = ''] = match;
  // two-digit years: 70–99 are 1970–1999, 00–69 are 2000–2069
  const year = Number(yy) >= 70 ? `19${yy}` : `20${yy}`;
  const iso = `${year}-${mm}-${dd}`;
  if (!isIsoDate(iso)) fail(record, `${what} ${JSON.stringify(text)} is not a calendar date`);
  return iso;
}

/** HHMM, 0000–2400, or 9999 (some processors' end of day); empty allowed. Returns HH:MM:SS. */
export function readTime(record: Bai2LogicalRecord, value: string | undefined, what: string) {
  const text = value ?? '';
  if (text === '') return null;
  if (text === '2400' || text === '9999') return '23:59:59';
  const match = /^([01][0-9]|2[0-3])([0-5][0-9])$/.exec(text);
  if (!match) fail(record, `${what} ${JSON.stringify(text)} is not a time in the form HHMM`);
  return `${match[1]}:${match[2]}:00`;
}

export function readCurrency(record: Bai2LogicalRecord, value: string | undefined): string | null {
  if (!value) return null;
  if (!isCurrency(value)) fail(record, `currency ${JSON.stringify(value)} is not an ISO 4217 code`);
  return value;
}

/**
 * Reads the fields a funds type carries after it: none for blank, Z, 0, 1, 2; three availability
 * amounts for S; value date and time for V; a count and that many (days, amount) pairs for D.
 */
export function readFundsType(
  record: Bai2LogicalRecord,
  cursor: Bai2FieldCursor,
  fundsType: string,
) {
  let valueDate: IsoDate | null = null;
  switch (fundsType) {
    case '':
    case 'Z':
    case '0':
    case '1':
    case '2':
      break;
    case 'S':
      for (const what of ['immediate', 'one-day', 'two-or-more-day']) {
        const amount = cursor.next() ?? '';
        if (amount !== '') readSignedInteger(record, amount, `S ${what} availability`);
      }
      break;
    case 'V':
      valueDate = readDate(record, cursor.next(), 'V value date');
      readTime(record, cursor.next(), 'V value time');
      break;
    case 'D': {
      const count = readCount(record, cursor.next(), 'D distribution count');
      if (count > MAX_DISTRIBUTIONS) fail(record, `D distribution count ${count} is too large`);
      for (let i = 1; i <= count; i++) {
        readCount(record, cursor.next(), `D distribution ${i} days`);
        readSignedInteger(record, cursor.next() ?? '', `D distribution ${i} amount`);
      }
      break;
    }
    default:
      fail(record, `funds type ${JSON.stringify(fundsType)} is not one of Z, 0, 1, 2, S, V, D`);
  }
  return { valueDate };
}

export function readTypeCode(record: Bai2LogicalRecord, value: string | undefined): string {
  if (value === undefined || !/^[0-9]{3}$/.test(value)) {
    fail(record, `type code ${JSON.stringify(value ?? '')} is not three digits`);
  }
  return value;
}

/** +1 credit, -1 debit, 0 non-monetary, null: not a transaction code. */
export function direction(typeCode: string): bigint | null {
  const code = Number(typeCode);
  if ((code >= 100 && code <= 399) || (code >= 720 && code <= 728)) return 1n;
  if (code >= 920 && code <= 959) return 1n;
  if ((code >= 400 && code <= 699) || code === 760 || code >= 960) return -1n;
  if (code === 890) return 0n;
  return null;
}
