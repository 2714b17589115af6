import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  csvStatementMappingSchema,
  parseCsvStatement,
  type CsvStatementMapping,
} from '../../src/modules/banking/parsers/csv-statement.ts';
import { parseBankFile } from '../../src/modules/banking/parsers/index.ts';
import { BankFileError } from '../../src/modules/banking/parsers/statement.ts';
import {
  COMMA_DECIMAL_CSV,
  DEBIT_CREDIT_CSV,
  DOT_DECIMAL_CSV,
  NO_HEADER_CSV,
} from './support/fixture-mappings.ts';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/bank/csv/${name}`, import.meta.url)));
const account = { accountIdentifier: 'US64SVBKUS6S3300958879', currency: 'USD' };

function errorOf(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError');
}

const dotMapping = DOT_DECIMAL_CSV;

describe('CSV statements with a saved mapping', () => {
  it('reads "." decimals with thousands separators, parentheses and trailing minus', () => {
    const file = parseCsvStatement(
      fixture('dot-decimal.csv').toString('utf8'),
      dotMapping,
      account,
    );
    expect(file.format).toBe('csv');
    const [statement] = file.statements;
    expect(statement).toMatchObject({
      format: 'csv',
      accountIdentifier: 'US64SVBKUS6S3300958879',
      currency: 'USD',
      fromDate: '2024-03-01',
      toDate: '2024-03-04',
      openingBalance: null,
      closingBalance: null,
      controlProblems: [],
    });
    expect(statement?.lines.map((line) => line.amountMinor)).toEqual([
      123456n,
      -5000n,
      -2000n,
      -1250n,
      99900n,
    ]);
    expect(statement?.lines[0]).toEqual({
      lineNo: 1,
      bookingDate: '2024-03-01',
      valueDate: '2024-03-01',
      amountMinor: 123456n,
      currency: 'USD',
      typeCode: null,
      counterpartyName: 'Acme Corp',
      counterpartyAccount: 'US12300000000001',
      counterpartyBank: null,
      remittanceInfo: 'Invoice INV-1001',
      endToEndId: 'E2E-1',
      bankReference: 'BR-1',
      additionalInfo: null,
      sourceLine: 2,
    });
    expect(statement?.lines[1]?.valueDate).toBeNull();
    expect(statement?.lines[2]?.remittanceInfo).toBe('Refund, partial');
    // a quoted field over two lines: the row starts on line 6
    expect(statement?.lines[4]).toMatchObject({
      currency: 'USD',
      remittanceInfo: 'INV-2001\nINV-2002',
      sourceLine: 6,
    });
  });

  it('reads "," decimals, ";" delimiters and Latin-1 through parseBankFile', () => {
    const mapping = COMMA_DECIMAL_CSV;
    const file = parseBankFile(fixture('comma-decimal-latin1.csv'), {
      csv: { mapping, accountIdentifier: 'DE44500105175407324931', currency: 'EUR' },
    });
    const lines = file.statements[0]?.lines ?? [];
    expect(lines.map((line) => [line.bookingDate, line.valueDate, line.amountMinor])).toEqual([
      ['2024-03-01', '2024-03-01', 123456n],
      ['2024-03-02', '2024-03-04', -5000n],
      ['2024-03-05', '2024-03-05', 50n],
    ]);
    expect(lines[0]?.counterpartyName).toBe('Müller GmbH');
    expect(lines[1]?.remittanceInfo).toBe('Abschlag; März');
    expect(lines.every((line) => line.currency === 'EUR')).toBe(true);
  });

  it('reads separate debit and credit columns and guesses the delimiter', () => {
    const mapping = DEBIT_CREDIT_CSV;
    const lines =
      parseCsvStatement(fixture('debit-credit.csv').toString('utf8'), mapping, account)
        .statements[0]?.lines ?? [];
    expect(lines.map((line) => [line.bookingDate, line.amountMinor, line.endToEndId])).toEqual([
      ['2024-03-01', 250000n, null],
      ['2024-03-02', -10000n, '1234'],
      ['2024-03-05', -1500n, null],
      ['2024-03-06', 99n, null],
    ]);
  });

  it('reads a file without header by column number', () => {
    const mapping = NO_HEADER_CSV;
    const lines =
      parseCsvStatement(fixture('no-header.csv').toString('utf8'), mapping, account).statements[0]
        ?.lines ?? [];
    expect(lines.map((line) => [line.sourceLine, line.amountMinor, line.remittanceInfo])).toEqual([
      [1, 10000n, 'INV-1001'],
      [2, -2550n, null],
    ]);
  });

  it('names the line and the column of a bad amount', () => {
    const mapping: CsvStatementMapping = {
      hasHeader: true,
      dateFormat: 'YYYY-MM-DD',
      decimalSeparator: '.',
      columns: { bookingDate: 'Date', amount: 'Amount', remittanceInfo: 'Details' },
    };
    const error = errorOf(() =>
      parseCsvStatement(fixture('errors.csv').toString('utf8'), mapping, account),
    );
    expect(error.message).toBe('line 7, column "Amount": "12,34.5" is not an amount');
    expect(error.line).toBe(7);
    expect(error.element).toBe('"Amount"');
  });

  it.each([
    [
      'a date in another format',
      'Date,Amount\n01/03/2024,1.00',
      /^line 2, column "Date": "01\/03\/2024" is not a date in the form YYYY-MM-DD$/,
    ],
    ['an impossible date', 'Date,Amount\n2024-02-30,1.00', /^line 2, column "Date": "2024-02-30"/],
    [
      'an empty amount',
      'Date,Amount\n2024-02-01,',
      /^line 2, column "Amount": the amount is empty$/,
    ],
    [
      'too many decimals',
      'Date,Amount\n2024-02-01,1.234',
      /^line 2, column "Amount": "1.234" has more than 2 decimals for USD$/,
    ],
    [
      'a missing column',
      'Datum,Amount\n2024-02-01,1.00',
      /^line 1: column "Date" not found \(the header has "Datum", "Amount"\)$/,
    ],
    [
      'an unclosed quote',
      'Date,Amount\n2024-02-01,"1.00\n',
      /^line \d+: the file is not readable as CSV/,
    ],
  ])('%s is an error naming the line', (_name, text, message) => {
    const mapping: CsvStatementMapping = {
      hasHeader: true,
      dateFormat: 'YYYY-MM-DD',
      decimalSeparator: '.',
      columns: { bookingDate: 'Date', amount: 'Amount' },
    };
    expect(errorOf(() => parseCsvStatement(text, mapping, account)).message).toMatch(message);
  });

  it('rejects a row with both debit and credit filled', () => {
    const mapping: CsvStatementMapping = {
      hasHeader: true,
      dateFormat: 'YYYY-MM-DD',
      decimalSeparator: '.',
      columns: { bookingDate: 'Date', debit: 'Out', credit: 'In' },
    };
    const text = 'Date,Out,In\n2024-01-01,,5.00\n2024-01-02,1.00,2.00\n';
    expect(errorOf(() => parseCsvStatement(text, mapping, account)).message).toBe(
      'line 3: both "In" and "Out" hold an amount',
    );
  });

  it('an empty file with a header gives a statement without lines', () => {
    const mapping: CsvStatementMapping = {
      hasHeader: true,
      dateFormat: 'YYYY-MM-DD',
      decimalSeparator: '.',
      columns: { bookingDate: 'Date', amount: 'Amount' },
    };
    const statement = parseCsvStatement('Date,Amount\n', mapping, account).statements[0];
    expect(statement?.lines).toEqual([]);
    expect(statement?.fromDate).toBeNull();
  });
});

describe('csvStatementMappingSchema', () => {
  it('accepts a saved mapping', () => {
    expect(csvStatementMappingSchema.safeParse(dotMapping).success).toBe(true);
  });

  it.each([
    ['no amount column', { ...dotMapping, columns: { bookingDate: 'Date' } }, 'columns.amount'],
    [
      'amount and debit together',
      { ...dotMapping, columns: { bookingDate: 'Date', amount: 'A', debit: 'D' } },
      'columns.amount',
    ],
    [
      'names without a header',
      { ...dotMapping, hasHeader: false, columns: { bookingDate: 'Date', amount: '2' } },
      'columns.bookingDate',
    ],
    ['an unknown date format', { ...dotMapping, dateFormat: 'D/M/YY' }, 'dateFormat'],
    ['delimiter = decimal separator', { ...dotMapping, delimiter: '.' }, 'delimiter'],
    [
      'an unknown column key',
      { ...dotMapping, columns: { bookingDate: 'D', amount: 'A', iban: 'I' } },
      'columns',
    ],
  ])('rejects %s', (_name, mapping, path) => {
    const result = csvStatementMappingSchema.safeParse(mapping);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('parseCsvStatement reports an invalid mapping as a BankFileError', () => {
    const mapping = { ...dotMapping, columns: { bookingDate: 'Date' } };
    expect(errorOf(() => parseCsvStatement('Date\n', mapping, account)).message).toMatch(
      /^the saved column mapping is not valid: columns.amount: /,
    );
  });
});

describe('CSV amounts as banks write them', () => {
  const target = { accountIdentifier: 'DE02120300000000202051', currency: 'EUR' };

  it('a negative amount in the credit column (a credit taken back) is money out', () => {
    const mapping = csvStatementMappingSchema.parse({
      hasHeader: true,
      dateFormat: 'YYYY-MM-DD',
      decimalSeparator: '.',
      columns: { bookingDate: 'Date', credit: 'Credit', debit: 'Debit' },
    });
    const csv = 'Date,Credit,Debit\n2026-11-16,250.00,\n2026-11-17,-250.00,\n2026-11-18,,-40.00\n';
    const [statement] = parseCsvStatement(csv, mapping, target).statements;
    expect(statement!.lines.map((l) => l.amountMinor)).toEqual([25000n, -25000n, -4000n]);
  });

  it('reads thousands grouped by a no-break space (French exports) or a narrow one', () => {
    const mapping = csvStatementMappingSchema.parse({
      hasHeader: true,
      dateFormat: 'DD/MM/YYYY',
      decimalSeparator: ',',
      columns: { bookingDate: 'Date', amount: 'Montant' },
    });
    const csv = 'Date;Montant\n16/11/2026;1\u00a0234,56\n17/11/2026;-12\u202f000,00\n';
    const [statement] = parseCsvStatement(csv, mapping, target).statements;
    expect(statement!.lines.map((l) => l.amountMinor)).toEqual([123456n, -1200000n]);
  });
});
