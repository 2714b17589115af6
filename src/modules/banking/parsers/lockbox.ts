/**
 * Lockbox files as CSV: one row per check the bank received on the company's behalf, with the
 * invoices the payer said it pays. Becomes one statement whose lines are the checks; the invoice
 * references (and per-invoice amounts, when the payer gave them) are also available per line
 * through {@link parseLockboxRemittances} for the matcher.
 *
 * Invoice references: one column holding several (`INV-1; INV-2`, `INV-1, INV-2`, `INV-1 INV-2`),
 * optionally with amounts (`INV-1:100.00;INV-2:50.00`), or the same column repeated
 * (`invoices, invoices` or `invoices_1, invoices_2`). A reference cannot contain spaces, commas,
 * semicolons or colons.
 */
import { z } from 'zod';
import { isCurrency } from '../../../shared/currencies.ts';
import { compareDates, type IsoDate } from '../../../shared/dates.ts';
import { formatAmount } from '../../../shared/money.ts';
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
  type CsvDateFormat,
  type CsvRow,
  type DecimalSeparator,
} from './csv-fields.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
  type ParsedStatementLine,
} from './statement.ts';

export type LockboxColumns = {
  checkNumber: string;
  amount: string;
  payer: string;
  /** routing and account number in one cell (`021000021/123456789`) or the account alone */
  payerAccount: string;
  depositDate: string;
  /** one name, also matching `name_1`, `name 2`, …; or several names */
  invoices: string | string[];
};

export const DEFAULT_LOCKBOX_COLUMNS: LockboxColumns = {
  checkNumber: 'check_number',
  amount: 'amount',
  payer: 'payer',
  payerAccount: 'payer_account',
  depositDate: 'deposit_date',
  invoices: 'invoices',
};

/** How a bank's lockbox file is laid out; every part has a default. */
export type LockboxMapping = {
  columns?: Partial<LockboxColumns>;
  delimiter?: string;
  /** default YYYY-MM-DD */
  dateFormat?: CsvDateFormat;
  /** default '.' */
  decimalSeparator?: DecimalSeparator;
};

export type LockboxOptions = LockboxMapping & { accountIdentifier: string; currency: string };

const columnName = z.string().trim().min(1).max(200);

/** Validates a saved lockbox mapping. */
export const lockboxMappingSchema = z.object({
  columns: z
    .strictObject({
      checkNumber: columnName.optional(),
      amount: columnName.optional(),
      payer: columnName.optional(),
      payerAccount: columnName.optional(),
      depositDate: columnName.optional(),
      invoices: z.union([columnName, z.array(columnName).min(1).max(50)]).optional(),
    })
    .optional(),
  delimiter: z.string().length(1).optional(),
  dateFormat: z.enum(CSV_DATE_FORMATS).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
}) satisfies z.ZodType<LockboxMapping>;

export type LockboxRemittance = { reference: string; amountMinor: bigint | null };

export type LockboxRemittanceLine = {
  /** the `lineNo` of the statement line (the check) */
  lineNo: number;
  sourceLine: number;
  checkNumber: string;
  remittances: LockboxRemittance[];
};

type Columns = {
  checkNumber: CsvColumn;
  amount: CsvColumn;
  depositDate: CsvColumn;
  payer: CsvColumn | null;
  payerAccount: CsvColumn | null;
  invoices: CsvColumn[];
};

function resolveColumns(header: string[], mapping: LockboxMapping): Columns {
  const names = { ...DEFAULT_LOCKBOX_COLUMNS, ...mapping.columns };
  const required = (name: string) => {
    const [column] = findColumns(header, name);
    if (!column) throw missingColumnError(header, name, 1);
    return column;
  };
  // a column left at its default name may be absent; one the user named must be there
  const optional = (key: 'payer' | 'payerAccount') =>
    mapping.columns?.[key] === undefined
      ? (findColumns(header, names[key])[0] ?? null)
      : required(names[key]);
  const invoiceNames = Array.isArray(names.invoices) ? names.invoices : [names.invoices];
  const invoices = invoiceNames.flatMap((name) => {
    const exact = findColumns(header, name);
    const numbered = new RegExp(
      `^${name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ _-]?[0-9]+$`,
      'i',
    );
    const found = [
      ...exact,
      ...header.flatMap((cell, index) =>
        numbered.test(cell.trim()) ? [{ index, label: JSON.stringify(cell.trim()) }] : [],
      ),
    ];
    if (found.length === 0 && mapping.columns?.invoices !== undefined) {
      throw missingColumnError(header, name, 1);
    }
    return found;
  });
  return {
    checkNumber: required(names.checkNumber),
    amount: required(names.amount),
    depositDate: required(names.depositDate),
    payer: optional('payer'),
    payerAccount: optional('payerAccount'),
    invoices: invoices
      .filter((column, i) => invoices.findIndex((other) => other.index === column.index) === i)
      .sort((a, b) => a.index - b.index),
  };
}

function amountPattern(decimalSeparator: DecimalSeparator): string {
  return decimalSeparator === '.'
    ? String.raw`[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?`
    : String.raw`[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?(?![0-9])|[0-9]+(?:,[0-9]+)?`;
}

/** Splits one cell into references with optional amounts; returns a reason when it cannot. */
function readInvoiceCell(
  text: string,
  decimalSeparator: DecimalSeparator,
  currency: string,
): LockboxRemittance[] | string {
  const item = new RegExp(
    String.raw`([^\s,;:]+)(?:\s*:\s*(-?(?:${amountPattern(decimalSeparator)})))?`,
    'y',
  );
  const separator = /[\s,;]+/y;
  const remittances: LockboxRemittance[] = [];
  let position = 0;
  while (position < text.length) {
    separator.lastIndex = position;
    if (separator.test(text)) position = separator.lastIndex;
    if (position >= text.length) break;
    item.lastIndex = position;
    const match = item.exec(text);
    const next = match ? text.charAt(item.lastIndex) : '';
    if (!match || !/^[\s,;]?$/.test(next)) {
      return `${JSON.stringify(text)} is not a list of invoice references (as in "INV-1; INV-2" or "INV-1:100.00; INV-2:50.00")`;
    }
    position = item.lastIndex;
    const [, reference = '', amountText] = match;
    let amountMinor: bigint | null = null;
    if (amountText !== undefined) {
      const amount = parseCsvAmount(amountText, decimalSeparator, currency);
      if (typeof amount === 'string') return amount;
      amountMinor = amount;
    }
    remittances.push({ reference, amountMinor });
  }
  return remittances;
}

function splitPayerAccount(text: string | null) {
  if (text === null) return { account: null, bank: null };
  const routed = /^([0-9]{9})[\s/:-]+(\S+)$/.exec(text);
  return routed
    ? { account: routed[2] ?? null, bank: routed[1] ?? null }
    : { account: text, bank: null };
}

type LockboxCheck = {
  line: ParsedStatementLine;
  remittance: LockboxRemittanceLine;
  problem: string | null;
};

function readCheck(
  row: CsvRow,
  lineNo: number,
  columns: Columns,
  options: LockboxOptions,
): LockboxCheck {
  const decimalSeparator = options.decimalSeparator ?? '.';
  const checkNumber = cellText(row, columns.checkNumber);
  if (checkNumber === null) throw cellError(row, columns.checkNumber, 'the check number is empty');
  const amountText = cellText(row, columns.amount) ?? '';
  const amount = parseCsvAmount(amountText, decimalSeparator, options.currency);
  if (typeof amount === 'string') throw cellError(row, columns.amount, amount);
  if (amount <= 0n)
    throw cellError(
      row,
      columns.amount,
      `a check amount must be positive, not ${JSON.stringify(amountText)}`,
    );
  const dateText = cellText(row, columns.depositDate);
  if (dateText === null) throw cellError(row, columns.depositDate, 'the deposit date is empty');
  const { date, problem } = parseCsvDate(dateText, options.dateFormat ?? 'YYYY-MM-DD');
  if (problem !== undefined) throw cellError(row, columns.depositDate, problem);

  const written: string[] = [];
  const remittances: LockboxRemittance[] = [];
  for (const column of columns.invoices) {
    const cell = cellText(row, column);
    if (cell === null) continue;
    const items = readInvoiceCell(cell, decimalSeparator, options.currency);
    if (typeof items === 'string') throw cellError(row, column, items);
    written.push(cell);
    remittances.push(...items);
  }
  const payerAccount = splitPayerAccount(cellText(row, columns.payerAccount));
  return {
    line: {
      lineNo,
      bookingDate: date,
      valueDate: null,
      amountMinor: amount,
      currency: options.currency,
      typeCode: null,
      counterpartyName: cellText(row, columns.payer),
      counterpartyAccount: payerAccount.account,
      counterpartyBank: payerAccount.bank,
      remittanceInfo: written.length > 0 ? written.join('; ') : null,
      endToEndId: checkNumber,
      bankReference: null,
      additionalInfo: null,
      sourceLine: row.line,
    },
    remittance: { lineNo, sourceLine: row.line, checkNumber, remittances },
    problem: invoiceTotalProblem(row, checkNumber, amount, remittances, options.currency),
  };
}

/** Per-invoice amounts that cannot be what the check pays. */
function invoiceTotalProblem(
  row: CsvRow,
  checkNumber: string,
  amount: bigint,
  remittances: LockboxRemittance[],
  currency: string,
): string | null {
  const explicit = remittances.filter((item) => item.amountMinor !== null);
  if (explicit.length === 0) return null;
  const total = explicit.reduce((sum, item) => sum + (item.amountMinor ?? 0n), 0n);
  const complete = explicit.length === remittances.length;
  if (complete ? total === amount : total <= amount) return null;
  const show = (value: bigint) => `${formatAmount(value, currency)} ${currency}`;
  return (
    `line ${row.line}, check ${checkNumber}: the invoice amounts add up to ${show(total)}, ` +
    `the check is ${show(amount)}`
  );
}

function readLockbox(text: string, options: LockboxOptions) {
  const mapping = lockboxMappingSchema.safeParse({
    columns: options.columns,
    delimiter: options.delimiter,
    dateFormat: options.dateFormat,
    decimalSeparator: options.decimalSeparator,
  });
  if (!mapping.success) {
    const reasons = mapping.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new BankFileError(`the lockbox mapping is not valid: ${reasons.join('; ')}`);
  }
  if (!options.accountIdentifier.trim())
    throw new BankFileError('a lockbox file needs the account it is deposited to');
  if (!isCurrency(options.currency))
    throw new BankFileError(`${JSON.stringify(options.currency)} is not a currency code`);
  const rows = readCsvRows(text, options.delimiter ?? guessDelimiter(text));
  const header = rows.shift();
  if (!header) throw new BankFileError('line 1: the lockbox file is empty');
  const columns = resolveColumns(header.cells, options);
  return rows.map((row, index) => readCheck(row, index + 1, columns, options));
}

/**
 * Parses a lockbox CSV (with a header row) into one statement of checks for the given account.
 * @throws BankFileError naming the line and column of the first cell it cannot read.
 */
export function parseLockbox(text: string, options: LockboxOptions): ParsedBankFile {
  const checks = readLockbox(text, options);
  const lines = checks.map((check) => check.line);
  const dates = lines.map((line) => line.bookingDate as IsoDate).sort(compareDates);
  const statement: ParsedStatement = {
    format: 'lockbox',
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
    controlProblems: checks.flatMap((check) => (check.problem ? [check.problem] : [])),
    lines,
  };
  return { format: 'lockbox', statements: [statement] };
}

/**
 * The invoices each check pays, in the order of the statement lines of {@link parseLockbox}:
 * `amountMinor` is the payer's own split when written (`INV-1:100.00`), else null.
 */
export function parseLockboxRemittances(
  text: string,
  options: LockboxOptions,
): LockboxRemittanceLine[] {
  return readLockbox(text, options).map((check) => check.remittance);
}
