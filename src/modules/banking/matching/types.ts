/**
 * The cash-application matcher's inputs and outputs. The matcher itself is pure (no database):
 * the service loads open items, customers and learned payer hints of one organization and
 * currency into a {@link MatchIndex}, then asks it about each incoming bank line.
 */
import type { IsoDate } from '../../../shared/dates.ts';

/** A posted debit document with an open balance (invoice, debit memo, ...). */
export type OpenItem = {
  id: string;
  customerId: string;
  /** the document number as printed, e.g. "INV-000123" */
  number: string;
  poNumber: string | null;
  currency: string;
  /** positive minor units still owed */
  openMinor: bigint;
  /** original amount, positive */
  amountMinor: bigint;
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  /** early-payment discount available on or before discountDate */
  discountDate: IsoDate | null;
  discountMinor: bigint;
};

export type MatchCustomer = {
  id: string;
  name: string;
  /** the customer's account number in Dunwell (customers.account_number) */
  accountNumber: string | null;
  /** other names it pays under: legal name, trading names (optional) */
  otherNames?: readonly string[];
};

/** Learned from manual matches: this payer account and/or name pays for this customer. */
export type PayerHint = {
  customerId: string;
  /** normalized counterparty account (IBAN/account number without spaces, upper case) */
  account: string | null;
  /** counterparty name as it appeared on the bank line */
  name: string | null;
};

/** The part of a bank line the matcher reads. */
export type MatchLine = {
  amountMinor: bigint;
  currency: string;
  bookingDate: IsoDate | null;
  valueDate: IsoDate | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  remittanceInfo: string | null;
  endToEndId: string | null;
};

export type Allocation = {
  documentId: string;
  /** cash applied to the document */
  amountMinor: bigint;
  /** early-payment discount taken on the document (0 when none) */
  discountMinor: bigint;
};

export type Suggestion = {
  customerId: string;
  /** what to apply; Σ amountMinor ≤ line amount (the rest stays unapplied on account) */
  allocations: Allocation[];
  /** 0..1; ≥ the organization's threshold applies automatically */
  score: number;
  /** human-readable reasons, most important first, e.g. 'Remittance names INV-000123 (as "123")' */
  evidence: string[];
  /** line amount − Σ allocations (positive: left on account; 0: exact) */
  unappliedMinor: bigint;
  /** open amount the line leaves unpaid on the allocated documents (a short pay), 0 when none */
  shortPayMinor: bigint;
};

export type MatchOptions = {
  /** most open items of one customer combined to explain an amount (bounded subset sum) */
  maxCombination?: number;
  /** how many suggestions to return per line */
  maxSuggestions?: number;
  /**
   * the organization's auto-apply threshold (default 0.90): ambiguous answers are lowered to
   * 0.10 below it, so that a tie is never applied automatically
   */
  autoApplyThreshold?: number;
};
