/** The saved mappings that read the CSV and lockbox fixtures (test/fixtures/bank/{csv,lockbox}). */
import type { CsvStatementMapping } from '../../../src/modules/banking/parsers/csv-statement.ts';
import type { LockboxOptions } from '../../../src/modules/banking/parsers/lockbox.ts';

/** dot-decimal.csv: a header, ISO dates, "." decimals, one amount column. */
export const DOT_DECIMAL_CSV: CsvStatementMapping = {
  hasHeader: true,
  dateFormat: 'YYYY-MM-DD',
  decimalSeparator: '.',
  columns: {
    bookingDate: 'Booking Date',
    valueDate: 'Value Date',
    amount: 'Amount',
    currency: 'Currency',
    counterpartyName: 'Counterparty',
    counterpartyAccount: 'Counterparty IBAN',
    remittanceInfo: 'Details',
    reference: 'Reference',
    bankReference: 'Bank Reference',
  },
};

/** comma-decimal-latin1.csv: ";" delimiters, German dates and "," decimals, in Latin-1. */
export const COMMA_DECIMAL_CSV: CsvStatementMapping = {
  delimiter: ';',
  hasHeader: true,
  dateFormat: 'DD.MM.YYYY',
  decimalSeparator: ',',
  columns: {
    bookingDate: 'Buchungstag',
    valueDate: 'Valuta',
    amount: 'Betrag',
    counterpartyName: 'Auftraggeber',
    counterpartyAccount: 'IBAN',
    remittanceInfo: 'Verwendungszweck',
  },
};

/** debit-credit.csv: US dates, separate debit and credit columns, the delimiter guessed. */
export const DEBIT_CREDIT_CSV: CsvStatementMapping = {
  hasHeader: true,
  dateFormat: 'MM/DD/YYYY',
  decimalSeparator: '.',
  columns: {
    bookingDate: 'date',
    debit: 'Debit',
    credit: 'Credit',
    remittanceInfo: 'Description',
    reference: 'Check No',
  },
};

/** no-header.csv: "|" delimiters, columns by number. */
export const NO_HEADER_CSV: CsvStatementMapping = {
  delimiter: '|',
  hasHeader: false,
  dateFormat: 'YYYYMMDD',
  decimalSeparator: '.',
  columns: { bookingDate: '1', amount: '2', counterpartyName: '3', remittanceInfo: '4' },
};

/** repeated-columns.csv (lockbox): ";" delimiters, "," decimals, invoice columns repeated. */
export const REPEATED_COLUMNS_LOCKBOX: Omit<LockboxOptions, 'accountIdentifier' | 'currency'> = {
  delimiter: ';',
  dateFormat: 'DD.MM.YYYY',
  decimalSeparator: ',',
  columns: {
    checkNumber: 'Check',
    amount: 'Check Amount',
    payer: 'Remitter',
    depositDate: 'Date',
    invoices: 'Invoice',
  },
};
