/**
 * Bank statements exported as CSV, read with a column mapping the user saved for the account
 * (CSV is never guessed: every bank names and formats its columns differently).
 */
import { z } from 'zod';
import { isCurrency } from '../../../shared/currencies.ts';
import { compareDates, type IsoDate } from '../../../shared/dates.ts';
import {
  CSV_DATE_FORMATS,
  cellError,
  cellText,
  findColumns,
  guessDelimiter,
  missingColumnError,
  parseCsvAmount,
  parseCsvDate,
  readCsvRows,
  type CsvColumn,
  type CsvRow,
} from './csv-fields.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
  type ParsedStatementLine,
} from './statement.ts';

export type CsvStatementMapping = {
  /** one character; guessed from the first line (`,` `;` tab `|`) when absent */
  delimiter?: string;
  hasHeader: boolean;
  dateFormat: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'YYYYMMDD';
  decimalSeparator: '.' | ',';
  /** header names, or 1-based column numbers as strings when the file has no header */
  columns: {
    bookingDate: string;
    valueDate?: string;
    /** signed amount; or `credit` and/or `debit` columns instead */
    amount?: string;
    credit?: string;
    debit?: string;
    currency?: string;
    counterpartyName?: string;
    counterpartyAccount?: string;
    remittanceInfo?: string;
    reference?: string;
    bankReference?: string;
  };
};

export type CsvStatementOptions = { accountIdentifier: string; currency: string };

const columnName = z.string().trim().min(1).max(200);

/** Validates a saved mapping (the API stores and checks it with this). */
export const csvStatementMappingSchema = z
  .object({
    delimiter: z
      .string()
      .length(1)
      .refine((value) => !/["\r\n]/.test(value), 'a delimiter cannot be a quote or line break')
      .optional(),
    hasHeader: z.boolean(),
    dateFormat: z.enum(CSV_DATE_FORMATS),
    decimalSeparator: z.enum(['.', ',']),
    columns: z.strictObject({
      bookingDate: columnName,
      valueDate: columnName.optional(),
      amount: columnName.optional(),
      credit: columnName.optional(),
      debit: columnName.optional(),
      currency: columnName.optional(),
      counterpartyName: columnName.optional(),
      counterpartyAccount: columnName.optional(),
      remittanceInfo: columnName.optional(),
      reference: columnName.optional(),
      bankReference: columnName.optional(),
    }),
  })
  .superRefine((mapping, ctx) => {
    const { amount, credit, debit } = mapping.columns;
    if (amount === undefined && credit === undefined && debit === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['columns', 'amount'],
        message: 'map an amount column, or credit and debit columns',
      });
    }
    if (amount !== undefined && (credit !== undefined || debit !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['columns', 'amount'],
        message: 'map either an amount column or credit/debit columns, not both',
      });
    }
    if (mapping.delimiter === mapping.decimalSeparator) {
      ctx.addIssue({
        code: 'custom',
        path: ['delimiter'],
        message: 'the delimiter cannot be the decimal separator',
      });
    }
    if (!mapping.hasHeader) {
      for (const [key, value] of Object.entries(mapping.columns)) {
        if (value !== undefined && !/^[1-9][0-9]{0,3}$/.test(value)) {
          ctx.addIssue({
            code: 'custom',
            path: ['columns', key],
            message: 'without a header row, columns are numbers from 1',
          });
        }
      }
    }
  }) satisfies z.ZodType<CsvStatementMapping>;

type ColumnKey = keyof CsvStatementMapping['columns'];
type ResolvedColumns = Partial<Record<ColumnKey, CsvColumn>>;

function resolveColumns(mapping: CsvStatementMapping, header: string[] | null): ResolvedColumns {
  const resolved: ResolvedColumns = {};
  for (const [key, name] of Object.entries(mapping.columns) as [ColumnKey, string | undefined][]) {
    if (name === undefined) continue;
    const [column] = findColumns(header, name);
    if (!column) throw missingColumnError(header, name, 1);
    resolved[key] = column;
  }
  return resolved;
}

function readDate(row: CsvRow, column: CsvColumn, format: CsvStatementMapping['dateFormat']) {
  const text = cellText(row, column);
  if (text === null) throw cellError(row, column, 'the date is empty');
  const { date, problem } = parseCsvDate(text, format);
  if (problem !== undefined) throw cellError(row, column, problem);
  return date;
}

function readAmount(
  row: CsvRow,
  column: CsvColumn,
  mapping: CsvStatementMapping,
  currency: string,
): bigint | null {
  const text = cellText(row, column);
  if (text === null) return null;
  const amount = parseCsvAmount(text, mapping.decimalSeparator, currency);
  if (typeof amount === 'string') throw cellError(row, column, amount);
  return amount;
}

/** The signed amount: the amount column, or credit − |debit|. */
function lineAmount(
  row: CsvRow,
  columns: ResolvedColumns,
  mapping: CsvStatementMapping,
  currency: string,
) {
  if (columns.amount) {
    const amount = readAmount(row, columns.amount, mapping, currency);
    if (amount === null) throw cellError(row, columns.amount, 'the amount is empty');
    return amount;
  }
  const abs = (value: bigint) => (value < 0n ? -value : value);
  const credit = columns.credit ? readAmount(row, columns.credit, mapping, currency) : null;
  const debit = columns.debit ? readAmount(row, columns.debit, mapping, currency) : null;
  const where = [columns.credit?.label, columns.debit?.label].filter(Boolean).join(' and ');
  if (credit && debit) {
    throw new BankFileError(`line ${row.line}: both ${where} hold an amount`, { line: row.line });
  }
  if (credit === null && debit === null) {
    throw new BankFileError(`line ${row.line}: no amount in ${where}`, { line: row.line });
  }
  // a debit is money out whatever its sign; a credit keeps its sign (a negative one is a
  // credit taken back)
  return debit ? -abs(debit) : (credit ?? 0n);
}

function readLine(
  row: CsvRow,
  lineNo: number,
  columns: ResolvedColumns,
  mapping: CsvStatementMapping,
  statementCurrency: string,
): ParsedStatementLine {
  const currencyText = cellText(row, columns.currency ?? null)?.toUpperCase() ?? null;
  if (currencyText !== null && !isCurrency(currencyText) && columns.currency) {
    throw cellError(
      row,
      columns.currency,
      `${JSON.stringify(currencyText)} is not a currency code`,
    );
  }
  const currency = currencyText ?? statementCurrency;
  const bookingDate = readDate(row, columns.bookingDate as CsvColumn, mapping.dateFormat);
  const valueDateText = cellText(row, columns.valueDate ?? null);
  const valueDate =
    valueDateText === null
      ? null
      : readDate(row, columns.valueDate as CsvColumn, mapping.dateFormat);
  const text = (key: ColumnKey) => cellText(row, columns[key] ?? null);
  return {
    lineNo,
    bookingDate,
    valueDate,
    amountMinor: lineAmount(row, columns, mapping, currency),
    currency,
    typeCode: null,
    counterpartyName: text('counterpartyName'),
    counterpartyAccount: text('counterpartyAccount'),
    counterpartyBank: null,
    remittanceInfo: text('remittanceInfo'),
    endToEndId: text('reference'),
    bankReference: text('bankReference'),
    additionalInfo: null,
    sourceLine: row.line,
  };
}

function checkOptions(options: CsvStatementOptions) {
  if (!options.accountIdentifier.trim()) {
    throw new BankFileError('a CSV statement needs the account it belongs to');
  }
  if (!isCurrency(options.currency)) {
    throw new BankFileError(`${JSON.stringify(options.currency)} is not a currency code`);
  }
}

/** The mapping, validated; a bad saved mapping is reported like a bad file. */
export function checkCsvMapping(mapping: CsvStatementMapping): CsvStatementMapping {
  const result = csvStatementMappingSchema.safeParse(mapping);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new BankFileError(`the saved column mapping is not valid: ${reasons.join('; ')}`);
}

/**
 * Parses a CSV statement with a saved column mapping into one statement for the given account.
 * Balances are not in such files, so only the lines are read.
 * @throws BankFileError naming the line and column of the first cell it cannot read.
 */
export function parseCsvStatement(
  text: string,
  mapping: CsvStatementMapping,
  options: CsvStatementOptions,
): ParsedBankFile {
  const checked = checkCsvMapping(mapping);
  checkOptions(options);
  const rows = readCsvRows(text, checked.delimiter ?? guessDelimiter(text));
  const header = checked.hasHeader ? (rows.shift()?.cells ?? null) : null;
  if (checked.hasHeader && !header) throw new BankFileError('line 1: the file is empty');
  const columns = resolveColumns(checked, header);
  const lines = rows.map((row, index) =>
    readLine(row, index + 1, columns, checked, options.currency),
  );
  const dates = lines.map((line) => line.bookingDate as IsoDate).sort(compareDates);
  const statement: ParsedStatement = {
    format: 'csv',
    statementId: null,
    sequenceNumber: null,
    accountIdentifier: options.accountIdentifier.trim(),
    bankIdentifier: null,
    currency: options.currency,
    createdAt: null,
    fromDate: dates[0] ?? null,
    toDate: dates.at(-1) ?? null,
    openingBalance: null,
    closingBalance: null,
    controlProblems: [],
    lines,
  };
  return { format: 'csv', statements: [statement] };
}
