/**
 * What every bank-file parser produces: one or more statements, each with its lines. Pure data,
 * no database: the importer (bank-statements.service.ts) checks, de-duplicates and stores it.
 *
 * Amounts are signed bigint minor units of the statement's (or the line's) currency: positive
 * = money in (credit to the account holder), negative = money out. Dates are `YYYY-MM-DD`.
 */
import type { IsoDate } from '../../../shared/dates.ts';

export type BankFileFormat =
  'camt.052' | 'camt.053' | 'camt.054' | 'mt940' | 'mt942' | 'bai2' | 'csv' | 'lockbox';

export type StatementBalance = {
  /** signed minor units */
  amountMinor: bigint;
  currency: string;
  date: IsoDate | null;
};

export type ParsedStatementLine = {
  /** 1-based order within its statement */
  lineNo: number;
  bookingDate: IsoDate | null;
  valueDate: IsoDate | null;
  /** signed minor units: positive = credit (money received), negative = debit */
  amountMinor: bigint;
  currency: string;
  /** the bank's transaction code(s) as written (BAI type code, MT940 ;61 code, camt BkTxCd) */
  typeCode: string | null;
  counterpartyName: string | null;
  /** IBAN or other account number of the counterparty */
  counterpartyAccount: string | null;
  /** BIC or routing number of the counterparty's bank */
  counterpartyBank: string | null;
  /** free remittance text, structured references joined with a space (creditor reference) */
  remittanceInfo: string | null;
  /** end-to-end id (camt), customer reference (MT940 ;61 first ref), check number, ... */
  endToEndId: string | null;
  /** the bank's own reference for the entry (AcctSvcrRef, MT940 //bank ref, BAI bank ref) */
  bankReference: string | null;
  /** extra details worth keeping (e.g. MT940 :86: raw text, BAI 88 continuation) */
  additionalInfo: string | null;
  /** the line/element of the source file this came from, for error messages and audit */
  sourceLine: number | null;
};

export type ParsedStatement = {
  format: BankFileFormat;
  /** the statement's own identifier (camt Stmt/Id, MT940 :20:/:28C:, BAI group/account) */
  statementId: string | null;
  /** sequence / electronic sequence number if the format has one */
  sequenceNumber: string | null;
  /** the account the statement is for: IBAN, or account number as written */
  accountIdentifier: string;
  /** the servicing bank: BIC, routing number, BAI originator id */
  bankIdentifier: string | null;
  /** main currency of the account */
  currency: string;
  /** creation time of the message/file if given (ISO 8601) */
  createdAt: string | null;
  fromDate: IsoDate | null;
  toDate: IsoDate | null;
  /** opening booked balance; null when the format or file has none (camt.054, MT942) */
  openingBalance: StatementBalance | null;
  /** closing booked balance; null when the format or file has none */
  closingBalance: StatementBalance | null;
  /**
   * Control totals the file declares that the importer must verify in addition to
   * opening + Σ lines = closing (e.g. BAI2 49 account control total / 98 / 99, camt TxsSummry).
   * Each parser checks its own format's control totals and records a mismatch here.
   */
  controlProblems: string[];
  lines: ParsedStatementLine[];
  /** the file inside an uploaded archive this statement came from (`day.zip/camt053.xml`) */
  sourceFile?: string;
};

export type ParsedBankFile = {
  format: BankFileFormat;
  statements: ParsedStatement[];
};

/**
 * A file that cannot be parsed. `line` is 1-based in the file; `element` is the XML path for
 * ISO 20022 (e.g. `Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`) or the field tag (`:61:`).
 */
export class BankFileError extends Error {
  readonly line: number | null;
  readonly element: string | null;
  constructor(message: string, where: { line?: number | null; element?: string | null } = {}) {
    super(message);
    this.name = 'BankFileError';
    this.line = where.line ?? null;
    this.element = where.element ?? null;
  }
}
