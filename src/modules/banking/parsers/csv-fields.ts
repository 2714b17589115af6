/**
 * Shared by the CSV statement and lockbox parsers: reading rows with their line numbers, finding
 * columns, and reading dates and amounts as banks write them in spreadsheets.
 */
import { parse } from 'csv-parse/sync';
import { currencyExponent } from '../../../shared/currencies.ts';
import { isIsoDate, type IsoDate } from '../../../shared/dates.ts';
import { BankFileError } from './statement.ts';

export const CSV_DATE_FORMATS = [
  'YYYY-MM-DD',
  'DD.MM.YYYY',
  'DD/MM/YYYY',
  'MM/DD/YYYY',
  'YYYYMMDD',
] as const;
export type CsvDateFormat = (typeof CSV_DATE_FORMATS)[number];
export type DecimalSeparator = '.' | ',';

/** A data row: its cells and the 1-based line of the file it starts on. */
export type CsvRow = { cells: string[]; line: number };

/** A column as the user named it: a header name, or a 1-based index when there is no header. */
export type CsvColumn = { index: number; label: string };

/** An error about one cell: `line 7, column "Amount": "12,34.5" is not an amount`. */
export function cellError(row: CsvRow, column: CsvColumn, problem: string): BankFileError {
  return new BankFileError(`line ${row.line}, column ${column.label}: ${problem}`, {
    line: row.line,
    element: column.label,
  });
}

/** The delimiter most used in the first line outside quotes, among `,`, `;`, tab and `|`. */
export function guessDelimiter(text: string): string {
  const firstLine = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const count = unquoted.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Parses CSV text into rows with the line each starts on. Rows whose cells are all blank are
 * left out. A malformed file (an unclosed quote) is a BankFileError naming the line.
 */
export function readCsvRows(text: string, delimiter: string): CsvRow[] {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(normalized, {
      delimiter,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line =
      typeof (error as { lines?: unknown }).lines === 'number'
        ? (error as { lines: number }).lines
        : null;
    throw new BankFileError(
      `${line ? `line ${line}: ` : ''}the file is not readable as CSV: ${(error as Error).message}`,
      { line },
    );
  }
  return records
    .filter(({ record }) => record.some((cell) => cell.trim() !== ''))
    .map(({ record, info, raw }) => {
      const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
      const extraLines = body.split('\n').length - 1;
      return { cells: record, line: info.lines - extraLines };
    });
}

/**
 * Finds a column by header name (exact after trimming, else ignoring case) or, without a header,
 * by its 1-based index written as a string. Returns every matching index for names that repeat.
 */
export function findColumns(header: string[] | null, name: string): CsvColumn[] {
  if (!header) {
    if (!/^[1-9][0-9]{0,3}$/.test(name)) return [];
    return [{ index: Number(name) - 1, label: name }];
  }
  const label = JSON.stringify(name);
  const wanted = name.trim();
  const exact = header.flatMap((cell, index) => (cell.trim() === wanted ? [{ index, label }] : []));
  if (exact.length > 0) return exact;
  const lower = wanted.toLowerCase();
  return header.flatMap((cell, index) =>
    cell.trim().toLowerCase() === lower ? [{ index, label: JSON.stringify(cell.trim()) }] : [],
  );
}

export function missingColumnError(header: string[] | null, name: string, line: number) {
  const found = header
    ? `the header has ${header.map((cell) => JSON.stringify(cell.trim())).join(', ')}`
    : 'columns are numbered from 1';
  return new BankFileError(`line ${line}: column ${JSON.stringify(name)} not found (${found})`, {
    line,
    element: name,
  });
}

/** The trimmed cell, or null when empty or absent. */
export function cellText(row: CsvRow, column: CsvColumn | null): string | null {
  if (!column) return null;
  const value = row.cells[column.index]?.trim() ?? '';
  return value === '' ? null : value;
}

const DATE_PATTERNS: Record<CsvDateFormat, RegExp> = {
  'YYYY-MM-DD': /^(?<y>[0-9]{4})-(?<m>[0-9]{1,2})-(?<d>[0-9]{1,2})$/,
  'DD.MM.YYYY': /^(?<d>[0-9]{1,2})\.(?<m>[0-9]{1,2})\.(?<y>[0-9]{4})$/,
  'DD/MM/YYYY': /^(?<d>[0-9]{1,2})\/(?<m>[0-9]{1,2})\/(?<y>[0-9]{4})$/,
  'MM/DD/YYYY': /^(?<m>[0-9]{1,2})\/(?<d>[0-9]{1,2})\/(?<y>[0-9]{4})$/,
  YYYYMMDD: /^(?<y>[0-9]{4})(?<m>[0-9]{2})(?<d>[0-9]{2})$/,
};

/**
 * Reads a date in the given format; a time after it (`2024-03-01 00:00:00`, as spreadsheets
 * export) is ignored. Gives the reason when the text is not such a date.
 */
export function parseCsvDate(
  text: string,
  format: CsvDateFormat,
): { date: IsoDate; problem?: never } | { date?: never; problem: string } {
  const datePart = text.trim().replace(/[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$/, '');
  const groups = DATE_PATTERNS[format].exec(datePart)?.groups;
  const iso = groups
    ? `${groups.y}-${groups.m?.padStart(2, '0')}-${groups.d?.padStart(2, '0')}`
    : '';
  if (!isIsoDate(iso))
    return { problem: `${JSON.stringify(text)} is not a date in the form ${format}` };
  return { date: iso };
}

/**
 * Reads an amount as banks export it: `1234.56`, `1,234.56`, `1.234,56` (decimal ','), a leading
 * `-` or `+`, a trailing `-` (`12.50-`) or parentheses (`(12.50)`) for negative. Thousands
 * separators must be the other mark than the decimal one and group three digits; spaces and
 * apostrophes may group too. Returns minor units of `currency`, or a reason.
 */
export function parseCsvAmount(
  text: string,
  decimalSeparator: DecimalSeparator,
  currency: string,
): bigint | string {
  const notAmount = `${JSON.stringify(text)} is not an amount`;
  let body = text.trim();
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(body);
  if (parenthesised) {
    negative = true;
    body = (parenthesised[1] ?? '').trim();
  }
  if (body.endsWith('-')) {
    if (negative) return notAmount;
    negative = true;
    body = body.slice(0, -1).trim();
  }
  const sign = /^([+-])\s*/.exec(body);
  if (sign) {
    if (negative) return notAmount;
    negative = sign[1] === '-';
    body = body.slice(sign[0].length);
  }
  const thousands = decimalSeparator === '.' ? ',' : '.';
  const parts = body.split(decimalSeparator);
  if (parts.length > 2) return notAmount;
  const [integerPart = '', fraction = ''] = parts;
  if (parts.length === 2 && !/^[0-9]+$/.test(fraction)) return notAmount;
  // digits grouped by the other separator, a space, a no-break space (French exports), a
  // narrow no-break space or an apostrophe (Swiss)
  const grouping = new RegExp(
    `^[0-9]{1,3}(?:[${thousands === '.' ? '\\.' : ','} '’\u00a0\u202f][0-9]{3})+$`,
  );
  const integerDigits = /^[0-9]+$/.test(integerPart)
    ? integerPart
    : grouping.test(integerPart)
      ? integerPart.replace(/[^0-9]/g, '')
      : null;
  if (integerDigits === null) return notAmount;
  const exponent = currencyExponent(currency);
  const decimals = fraction.replace(/0+$/, '');
  if (decimals.length > exponent) {
    return `${JSON.stringify(text)} has more than ${exponent} decimals for ${currency}`;
  }
  const magnitude = BigInt(integerDigits + decimals.padEnd(exponent, '0'));
  return negative ? -magnitude : magnitude;
}
