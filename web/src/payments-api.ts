// Typed client for payments, cash application, bank statements, deposits and bank accounts.
// Amounts are decimal strings as the API sends them; the arithmetic on them is exact (bigint on
// minor units, see format.ts) and lives in components/PaymentAllocation.ts.
import * as api from './api.ts';
import type { ArDocumentSummary, Page } from './api.ts';

// ---------- Transport ----------

/** api.ts's request() with this module's short option name for the idempotency key. */
function call<T>(
  method: api.Method,
  path: string,
  opts: { body?: unknown; form?: FormData; key?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const { key, ...rest } = opts;
  return api.request<T>(method, path, { ...rest, ...(key ? { idempotencyKey: key } : {}) });
}

const query = api.qs;

const id = encodeURIComponent;
const V1 = '/api/v1';

// ---------- Payments ----------

export const PAYMENT_STATUSES = [
  'unidentified',
  'unapplied',
  'partially_applied',
  'applied',
  'reversed',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_METHODS = [
  'check',
  'ach',
  'wire',
  'card',
  'direct_deposit',
  'cash',
  'other',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type PaymentKind = 'receipt' | 'prepayment';

export const REVERSAL_KINDS = ['nsf', 'chargeback', 'stop_payment', 'error'] as const;
export type ReversalKind = (typeof REVERSAL_KINDS)[number];

export const DEDUCTION_REASONS = [
  'pricing',
  'shortage',
  'damaged',
  'returns',
  'promotion',
  'freight',
  'tax',
  'unearned_discount',
  'other',
] as const;
export type DeductionReason = (typeof DEDUCTION_REASONS)[number];

export interface PaymentSummary {
  id: string;
  number: string;
  kind: PaymentKind;
  method: PaymentMethod;
  status: PaymentStatus;
  customerId: string | null;
  customerName: string | null;
  currency: string;
  amount: string;
  unappliedAmount: string;
  receivedDate: string;
  reference: string | null;
  payerName: string | null;
  depositBatchId: string | null;
  bankAccountId: string | null;
}

export interface PaymentApplication {
  id: string;
  documentId: string;
  documentKind: string;
  documentNumber: string | null;
  via: 'cash' | 'discount' | 'write_off';
  sourceDocumentId: string;
  sourceNumber: string | null;
  amount: string;
  date: string;
  reason: string | null;
  reversesApplicationId: string | null;
  reversed: boolean;
}

export interface PaymentDeduction {
  id: string;
  documentId: string;
  documentNumber: string | null;
  amount: string;
  openAmount: string;
  reasonCode: string;
  note: string | null;
  status: DeductionStatus;
  resolution: string | null;
}

export interface PaymentDetail extends PaymentSummary {
  heldAmount: string;
  appliedAmount: string;
  payerAccount: string | null;
  memo: string | null;
  externalId: string | null;
  depositBatchNumber: string | null;
  bankAccountName: string | null;
  reversedDate: string | null;
  reversalKind: string | null;
  reversalReason: string | null;
  feeDocumentId: string | null;
  createdBy: string;
  createdAt: string;
  applications: PaymentApplication[];
  documents: {
    id: string;
    kind: string;
    number: string | null;
    state: string;
    amount: string;
    open: string;
    date: string;
  }[];
  deductions: PaymentDeduction[];
  statementLine: {
    id: string;
    statementId: string;
    lineNo: number;
    bookingDate: string | null;
    amount: string;
    counterpartyName: string | null;
    remittanceInfo: string | null;
  } | null;
}

export interface ShortPay {
  action: 'deduction' | 'write_off';
  reasonCode?: DeductionReason | undefined;
  note?: string | null | undefined;
}

export interface ApplicationInput {
  invoiceId: string;
  amount: string;
  discount?: string | undefined;
  discountReason?: string | undefined;
  shortPay?: ShortPay | undefined;
}

export interface PaymentInput {
  customerId?: string | null | undefined;
  kind?: PaymentKind | undefined;
  method: PaymentMethod;
  amount: string;
  currency: string;
  receivedDate: string;
  reference?: string | null | undefined;
  payerName?: string | null | undefined;
  payerAccount?: string | null | undefined;
  memo?: string | null | undefined;
  bankAccountId?: string | null | undefined;
  depositBatchId?: string | null | undefined;
  applications?: ApplicationInput[] | undefined;
}

export interface PaymentListParams {
  customerId?: string | undefined;
  status?: PaymentStatus | undefined;
  method?: PaymentMethod | undefined;
  depositBatchId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export function listPayments(
  params: PaymentListParams,
  signal?: AbortSignal,
): Promise<Page<PaymentSummary>> {
  return call('GET', `${V1}/payments${query({ ...params })}`, signal ? { signal } : {});
}

export function getPayment(paymentId: string): Promise<PaymentDetail> {
  return call('GET', `${V1}/payments/${id(paymentId)}`);
}

export function createPayment(body: PaymentInput, key: string): Promise<PaymentDetail> {
  return call('POST', `${V1}/payments`, { body, key });
}

export function applyPayment(
  paymentId: string,
  body: { date?: string | undefined; applications: ApplicationInput[] },
  key: string,
): Promise<PaymentDetail> {
  return call('POST', `${V1}/payments/${id(paymentId)}/applications`, { body, key });
}

export interface ReverseInput {
  reason: string;
  kind?: ReversalKind | undefined;
  date?: string | undefined;
  fee?: string | undefined;
  feeAccountCode?: string | undefined;
}

export function reversePayment(
  paymentId: string,
  body: ReverseInput,
  key: string,
): Promise<PaymentDetail> {
  return call('POST', `${V1}/payments/${id(paymentId)}/reverse`, { body, key });
}

export function assignCustomer(
  paymentId: string,
  body: { customerId: string },
  key: string,
): Promise<PaymentDetail> {
  return call('POST', `${V1}/payments/${id(paymentId)}/assign-customer`, { body, key });
}

export interface PaymentRefundInput {
  amount: string;
  reason: string;
  method: string;
  reference?: string | null | undefined;
}

export function refundPayment(
  paymentId: string,
  body: PaymentRefundInput,
  key: string,
): Promise<PaymentDetail> {
  return call('POST', `${V1}/payments/${id(paymentId)}/refund`, { body, key });
}

export interface Deduction {
  id: string;
  customerId: string;
  customerName: string;
  documentId: string;
  documentNumber: string | null;
  paymentId: string | null;
  paymentNumber: string | null;
  currency: string;
  /** what was disputed when the short pay came in */
  amount: string;
  /** what the invoice still holds of it */
  openAmount: string;
  reasonCode: string;
  note: string | null;
  status: DeductionStatus;
  resolution: string | null;
  createdAt: string;
}

/** open; settled when later payments or credits closed it; resolved by a decision */
export const DEDUCTION_STATUSES = ['open', 'settled', 'resolved'] as const;
export type DeductionStatus = (typeof DEDUCTION_STATUSES)[number];

export function listDeductions(
  params: {
    status?: DeductionStatus | undefined;
    customerId?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
  signal?: AbortSignal,
): Promise<Page<Deduction>> {
  return call('GET', `${V1}/deductions${query({ ...params })}`, signal ? { signal } : {});
}

export interface CashSettings {
  baseCurrency: string;
  /** The tolerance in the base currency ("5.00"). */
  shortPayTolerance: string;
  /** Each other currency's own; a currency not listed has none. */
  shortPayTolerances: Array<{ currency: string; amount: string }>;
  /** A score from 0 (exclusive) to 1 ("0.90"). */
  autoMatchThreshold: string;
}

/** What the PATCH takes: any of the settings; `shortPayTolerances` replaces the whole list. */
export type CashSettingsInput = Partial<Omit<CashSettings, 'baseCurrency'>>;

/** The short-pay tolerance for payments in `currency`, or null when there is none for it. */
export function toleranceIn(settings: CashSettings, currency: string): string | null {
  if (currency === settings.baseCurrency) return settings.shortPayTolerance;
  return settings.shortPayTolerances.find((t) => t.currency === currency)?.amount ?? null;
}

export function getCashSettings(): Promise<CashSettings> {
  return call('GET', `${V1}/cash-settings`);
}

/** Managers and admins only; either field may be left out. */
export function updateCashSettings(body: CashSettingsInput, key: string): Promise<CashSettings> {
  return call('PATCH', `${V1}/cash-settings`, { body, key });
}

// ---------- Open items to apply to ----------

/** An invoice or debit memo with something open, and its early-payment discount when known. */
export interface OpenItem {
  id: string;
  kind: string;
  number: string | null;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  open: string;
  poNumber: string | null;
  /** Undefined: not known yet (the list does not carry it; the document's detail does). */
  discountDate?: string | null | undefined;
  discountAmount?: string | undefined;
}

export const OPEN_ITEMS_LIMIT = 100;

export async function listOpenItems(
  customerId: string,
  q: string | undefined,
  signal?: AbortSignal,
): Promise<{ items: OpenItem[]; more: boolean }> {
  const page = await api.listDocuments(
    {
      customerId,
      kind: ['invoice', 'debit_memo'],
      status: ['open', 'partially_paid'],
      q,
      limit: OPEN_ITEMS_LIMIT,
    },
    signal,
  );
  return { items: page.items.map(openItemOf), more: !!page.nextCursor };
}

export function openItemOf(
  d: ArDocumentSummary & { discountDate?: string | null; discountAmount?: string },
): OpenItem {
  return {
    id: d.id,
    kind: d.kind,
    number: d.number,
    issueDate: d.issueDate,
    dueDate: d.dueDate,
    currency: d.currency,
    open: d.openBalance,
    poNumber: d.poNumber,
    discountDate: d.discountDate,
    discountAmount: d.discountAmount,
  };
}

// ---------- Bank accounts and deposit batches ----------

export interface BankAccount {
  id: string;
  name: string;
  identifier: string;
  bankIdentifier: string | null;
  currency: string;
  active: boolean;
}

export async function listBankAccounts(): Promise<BankAccount[]> {
  return (await call<{ items: BankAccount[] }>('GET', `${V1}/bank-accounts`)).items;
}

export function createBankAccount(
  body: { name: string; identifier: string; bankIdentifier?: string | null; currency: string },
  key: string,
): Promise<BankAccount> {
  return call('POST', `${V1}/bank-accounts`, { body, key });
}

export function updateBankAccount(
  accountId: string,
  body: { name?: string; active?: boolean },
  key: string,
): Promise<BankAccount> {
  return call('PATCH', `${V1}/bank-accounts/${id(accountId)}`, { body, key });
}

export interface DepositBatch {
  id: string;
  number: string;
  status: 'open' | 'deposited';
  currency: string;
  depositDate: string | null;
  memo: string | null;
  bankAccountId: string;
  bankAccountName: string;
  total: string;
  paymentCount: number;
  createdAt: string;
}

export async function listDepositBatches(status?: 'open' | 'deposited'): Promise<DepositBatch[]> {
  return (await call<{ items: DepositBatch[] }>('GET', `${V1}/deposit-batches${query({ status })}`))
    .items;
}

export function getDepositBatch(batchId: string): Promise<DepositBatch> {
  return call('GET', `${V1}/deposit-batches/${id(batchId)}`);
}

export function createDepositBatch(
  body: { bankAccountId: string; memo?: string | null },
  key: string,
): Promise<DepositBatch> {
  return call('POST', `${V1}/deposit-batches`, { body, key });
}

export function depositBatch(
  batchId: string,
  body: { date?: string | undefined },
  key: string,
): Promise<DepositBatch> {
  return call('POST', `${V1}/deposit-batches/${id(batchId)}/deposit`, { body, key });
}

// ---------- Bank statements and cash application ----------

export const LINE_STATUSES = [
  'unmatched',
  'suggested',
  'applied',
  'reconciled',
  'ignored',
  'duplicate',
  'debit',
] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export interface StatementSummary {
  id: string;
  format: string;
  bankAccountId: string;
  bankAccountName: string;
  accountIdentifier: string;
  /** The bank's own id of the statement. */
  statementRef: string | null;
  currency: string;
  fromDate: string | null;
  toDate: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  lineCount: number;
  creditTotal: string;
  debitTotal: string;
  balanceProblem: string | null;
  controlProblems: string[];
  fileName: string | null;
  createdAt: string;
  counts: Record<LineStatus, number>;
}

export interface StatementImport extends StatementSummary {
  /** False: the same statement was imported before (answered 200, nothing added). */
  created: boolean;
  /** Every statement of the file (the top level is the first), each new or seen before. */
  statements: (StatementSummary & { created: boolean })[];
  /** What the matcher made of the new lines. */
  match: { reconciled: number; suggested: number; unmatched: number };
}

export interface Suggestion {
  customerId: string;
  customerName: string;
  /** 0 to 1. */
  score: number;
  evidence: string[];
  unapplied: string;
  shortPay: string;
  allocations: {
    documentId: string;
    number: string | null;
    dueDate: string | null;
    amount: string;
    discount: string;
    open: string;
  }[];
}

export interface StatementLine {
  id: string;
  lineNo: number;
  bookingDate: string | null;
  valueDate: string | null;
  amount: string;
  currency: string;
  typeCode: string | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  remittanceInfo: string | null;
  endToEndId: string | null;
  bankReference: string | null;
  status: LineStatus;
  statusNote: string | null;
  paymentId: string | null;
  paymentNumber: string | null;
  suggestions: Suggestion[];
}

export const STATEMENT_MAX_BYTES = 20 * 1024 * 1024;

/** A saved column mapping for one bank account's CSV statements or lockbox files. */
export interface BankFileMapping {
  id: string;
  name: string;
  kind: 'csv' | 'lockbox';
  bankAccountId: string;
}

export async function listBankFileMappings(): Promise<BankFileMapping[]> {
  return (await call<{ items: BankFileMapping[] }>('GET', `${V1}/bank-file-mappings`)).items;
}

export function importStatement(
  file: File,
  options: { bankAccountId?: string | undefined; mappingId?: string | undefined },
  key: string,
): Promise<StatementImport> {
  const form = new FormData();
  if (options.bankAccountId) form.append('bankAccountId', options.bankAccountId);
  if (options.mappingId) form.append('mappingId', options.mappingId);
  form.append('file', file, file.name);
  return call('POST', `${V1}/bank-statements`, { form, key });
}

export async function listStatements(bankAccountId?: string): Promise<StatementSummary[]> {
  return (
    await call<{ items: StatementSummary[] }>(
      'GET',
      `${V1}/bank-statements${query({ bankAccountId })}`,
    )
  ).items;
}

export function getStatement(statementId: string): Promise<StatementSummary> {
  return call('GET', `${V1}/bank-statements/${id(statementId)}`);
}

/** Lines shown on one page of a statement (the API answers up to 5,000 at once). */
export const STATEMENT_LINES_PAGE = 100;

/** One page of a statement's lines in line order; `offset` counts lines of that status. */
export async function listStatementLines(
  statementId: string,
  params:
    | { status?: LineStatus | undefined; limit: number; offset: number }
    | { lineId: string; limit?: undefined; offset?: undefined },
  signal?: AbortSignal,
): Promise<StatementLine[]> {
  return (
    await call<{ items: StatementLine[] }>(
      'GET',
      `${V1}/bank-statements/${id(statementId)}/lines${query({ ...params })}`,
      signal ? { signal } : {},
    )
  ).items;
}

export interface AutoApplyResult {
  applied: number;
  suggested: number;
  unmatched: number;
  reconciled: number;
}

export function autoApply(statementId: string, key: string): Promise<AutoApplyResult> {
  return call('POST', `${V1}/bank-statements/${id(statementId)}/auto-apply`, { body: {}, key });
}

/** The actions on one statement line; each answers at least the line. */
export type LineAction =
  | {
      kind: 'apply';
      body: { customerId: string; date?: string; applications: ApplicationInput[] };
    }
  | { kind: 'accept'; body: { suggestion: number } }
  | { kind: 'ignore'; body: { reason: string } }
  | { kind: 'reopen'; body: Record<string, never> }
  | { kind: 'unidentified'; body: Record<string, never> }
  | { kind: 'link'; body: { paymentId: string } };

export function lineAction(
  lineId: string,
  action: LineAction,
  key: string,
): Promise<{ line: StatementLine; payment: PaymentDetail | null }> {
  return call('POST', `${V1}/bank-statement-lines/${id(lineId)}/${action.kind}`, {
    body: action.body,
    key,
  });
}

export interface CashFigures {
  bankCredits: string;
  receipts: string;
  matched: string;
  difference: string;
}

export interface CashReconciliationDay extends CashFigures {
  date: string;
  unmatchedBankLines: {
    lineId: string;
    statementId: string;
    amount: string;
    counterpartyName: string | null;
    remittanceInfo: string | null;
    status: string;
  }[];
  /** A receipt, or a deposit batch (paymentId null) not seen at the bank. */
  unmatchedReceipts: {
    paymentId: string | null;
    depositBatchId: string | null;
    number: string;
    amount: string;
    method: string;
  }[];
  /** Matched, with the other side on `otherDate`: a bank line, or a recorded receipt. */
  matchedOnOtherDays: {
    side: 'bank' | 'recorded';
    number: string;
    paymentId: string | null;
    depositBatchId: string | null;
    amount: string;
    otherDate: string;
  }[];
}

export interface CashReconciliation {
  bankAccountId: string;
  bankAccountName: string;
  currency: string;
  from: string;
  to: string;
  totals: CashFigures;
  days: CashReconciliationDay[];
}

export function getCashReconciliation(params: {
  bankAccountId: string;
  from: string;
  to: string;
}): Promise<CashReconciliation> {
  return call('GET', `${V1}/cash-reconciliation${query(params)}`);
}
