/**
 * Receipts and cash application. A payment from a known customer is an AR document of kind
 * 'payment' (cash against AR); its unapplied part stays open on that document, on the
 * customer's account. A receipt whose customer is not known yet, and a prepayment, are held
 * outside AR (unapplied-cash suspense, customer deposits) until the customer is identified or
 * the deposit is applied: then the money moves into AR as a payment document.
 *
 * Every function runs inside the caller's transaction; every step posts its journal entry and
 * an audit record. Documents are locked in id order before any balance is read, and the
 * database refuses an open balance past zero, so concurrent applications can neither push an
 * invoice below zero nor apply more than was received.
 */
import type {
  ArDocument,
  Payment,
  PaymentKind,
  PaymentMethod,
  ReversalKind,
} from '../../db/schema.ts';
import { ACCESS, hasRole } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { compareDates, maxDate, type IsoDate } from '../../shared/dates.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../../shared/errors.ts';
import { IBAN_SHAPE, isIban } from '../../shared/iban.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount, parseAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import {
  activeApplications,
  amountOf,
  createMemo,
  createRefund,
  dateNotBefore,
  dateOf,
  DEBIT_KINDS,
  insertApplication,
  latestMovement,
  loadCustomer,
  lockDocuments,
  markVoided,
  orgToday,
  requireManager,
  requireReason,
  unapply,
  type Ctx,
} from '../billing/documents.service.ts';
import { openDeductionsOn, resolveDeductions } from '../billing/deductions.ts';
import { documentLabel, documentPosting } from '../billing/posting.ts';
import { accountsByRole, type AccountsByRole } from '../ledger/accounts.ts';
import { assertPeriodOpen, postEntry, reverseEntry } from '../ledger/journal.ts';
import { nextNumber } from '../ledger/numbering.ts';
import { shortPayTolerance } from './cash-settings.ts';
import { learnPayer, unlearnPayer } from './payer-hints.ts';
import { discountsTaken, newPaymentRow } from './payments.repository.ts';

export const PAYMENT_METHODS = [
  'check',
  'ach',
  'wire',
  'card',
  'direct_deposit',
  'cash',
  'other',
] as const satisfies readonly PaymentMethod[];
export const REVERSAL_KINDS = [
  'nsf',
  'chargeback',
  'stop_payment',
  'error',
] as const satisfies readonly ReversalKind[];
/** Why a customer paid less than the invoice: the codes a deduction carries. */
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

export type ShortPayInput = {
  action: 'deduction' | 'write_off';
  reasonCode?: string | undefined;
  note?: string | null | undefined;
};

export type ApplicationLineInput = {
  invoiceId: string;
  /** cash applied to the invoice */
  amount: string;
  /** early-payment discount taken on it */
  discount?: string | undefined;
  /** required when the discount is taken outside its window or above the invoice's discount */
  discountReason?: string | undefined;
  /** what happens to what is still open on the invoice after cash and discount */
  shortPay?: ShortPayInput | undefined;
};

export type PaymentInput = {
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
  externalId?: string | null | undefined;
  bankAccountId?: string | null | undefined;
  depositBatchId?: string | null | undefined;
  applications?: ApplicationLineInput[] | undefined;
};

export type ApplyInput = {
  date?: string | undefined;
  /**
   * The day the money came (a bank line's booking date): without `date`, the applications are
   * dated then, or later only as far as their documents require, so a discount is judged on
   * the day the bank received the money (as the auto-apply batch does).
   */
  on?: IsoDate | undefined;
  applications: ApplicationLineInput[];
};

export type ReverseInput = {
  reason: string;
  kind?: ReversalKind | undefined;
  date?: string | undefined;
  /** a returned-item fee charged to the customer as a debit memo */
  fee?: string | undefined;
  feeAccountCode?: string | undefined;
};

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export async function loadPayment(ctx: Ctx, id: string, lock = false): Promise<Payment> {
  let query = ctx.db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const payment = await query.executeTakeFirst();
  if (!payment) throw new NotFoundError(`Payment ${id} not found`);
  return payment;
}

/** The payment's AR documents (payment documents first, then discounts and write-offs). */
async function paymentDocuments(ctx: Ctx, paymentId: string): Promise<ArDocument[]> {
  return ctx.db
    .selectFrom('ar_documents')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('payment_id', '=', paymentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** What of the payment is not applied yet: held outside AR plus open on its payment documents. */
export function unappliedOf(payment: Payment, docs: readonly ArDocument[]): bigint {
  let open = 0n;
  for (const d of docs) if (d.kind === 'payment' && d.state === 'posted') open += -d.open_minor;
  return payment.held_minor + open;
}

function optionalText(value: string | null | undefined): string | null {
  const t = value?.trim();
  return t ? t : null;
}

/** IBAN or account number without spaces and dashes, upper case. */
export function normalizeAccount(value: string | null | undefined): string | null {
  const t = value?.replace(/[\s-]/g, '').toUpperCase();
  return t ? t : null;
}

/**
 * Per invoice, the early-payment discounts granted on it so far beyond what its terms offered:
 * those dated after its discount window (or on an invoice without one), and what those inside
 * the window came to above the discount offered.
 */
async function discountsBeyondTerms(
  ctx: Ctx,
  invoices: ReadonlyArray<Pick<ArDocument, 'id' | 'discount_date' | 'discount_minor'>>,
): Promise<Map<string, bigint>> {
  const beyond = new Map<string, bigint>();
  if (invoices.length === 0) return beyond;
  const granted = await ctx.db
    .selectFrom('ar_documents')
    .select(['related_document_id', 'issue_date', 'amount_minor'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('kind', '=', 'discount')
    .where('state', '=', 'posted')
    .where(
      'related_document_id',
      'in',
      invoices.map((i) => i.id),
    )
    .execute();
  for (const invoice of invoices) {
    let inWindow = 0n;
    let outside = 0n;
    for (const d of granted) {
      if (d.related_document_id !== invoice.id) continue;
      const inside =
        invoice.discount_date !== null &&
        compareDates(d.issue_date as IsoDate, invoice.discount_date as IsoDate) <= 0;
      if (inside) inWindow -= d.amount_minor;
      else outside -= d.amount_minor;
    }
    const above = inWindow > invoice.discount_minor ? inWindow - invoice.discount_minor : 0n;
    beyond.set(invoice.id, outside + above);
  }
  return beyond;
}

/**
 * An account as bank files name it, in the form camt files and the bank accounts page use:
 * without spaces, upper case, and
 * - without the currency some banks write after it in MT940's :25: (ING "NL77INGB0574908765EUR",
 *   Rabobank "NL34RABO0142623393 EUR", "51210600/9223382012EUR"), when what is left reads as
 *   an IBAN or a German bank code and account number and the whole is no IBAN;
 * - a German bank code and account number ("50010517/5407324931") as its IBAN
 *   (DE44500105175407324931).
 */
export function accountIdentifierOf(raw: string | null | undefined): string | null {
  let plain = normalizeAccount(raw);
  if (!plain) return plain;
  const withCurrency = /^(.+?)([A-Z]{3})$/.exec(plain);
  if (withCurrency && isCurrency(withCurrency[2]!) && !isIban(plain)) {
    const rest = withCurrency[1]!;
    if (IBAN_SHAPE.test(rest) || GERMAN_ACCOUNT.test(rest)) plain = rest;
  }
  const german = GERMAN_ACCOUNT.exec(plain);
  if (!german) return plain;
  const bban = `${german[1]}${german[2]!.padStart(10, '0')}`;
  // ISO 13616 check digits: the BBAN, then "DE" as 1314 and "00", modulo 97
  const check = 98n - (BigInt(`${bban}131400`) % 97n);
  return `DE${check.toString().padStart(2, '0')}${bban}`;
}

/** A German bank code (8 digits) and account number (up to 10), as MT940 gives them. */
const GERMAN_ACCOUNT = /^(\d{8})\/(\d{1,10})$/;

// ---------------------------------------------------------------------------------------------
// AR documents the payment posts (payment, discount, short-pay write-off)
// ---------------------------------------------------------------------------------------------

type SideDocument = {
  kind: 'payment' | 'discount' | 'write_off';
  number: string;
  customerId: string;
  currency: string;
  date: IsoDate;
  /** positive magnitude; the document's amount is its negative */
  amountMinor: bigint;
  offsetAccountId: string;
  paymentId: string;
  relatedDocumentId?: string | null;
  reason?: string | null;
};

/** Inserts a posted credit document and its journal entry (AR credited against the offset). */
async function postSideDocument(
  ctx: Ctx,
  accounts: AccountsByRole,
  input: SideDocument,
): Promise<ArDocument> {
  const id = newId();
  const amount = -input.amountMinor;
  const row = {
    id,
    org_id: ctx.actor.orgId,
    customer_id: input.customerId,
    kind: input.kind,
    state: 'posted' as const,
    number: input.number,
    currency: input.currency,
    issue_date: input.date,
    subtotal_minor: amount,
    amount_minor: amount,
    open_minor: amount,
    reason: input.reason ?? null,
    related_document_id: input.relatedDocumentId ?? null,
    offset_account_id: input.offsetAccountId,
    payment_id: input.paymentId,
    posted_at: ctx.now,
    created_by_name: ctx.actor.name,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const inserted = await ctx.db
    .insertInto('ar_documents')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
  const posting = documentPosting(
    {
      id,
      kind: input.kind,
      number: input.number,
      customerId: input.customerId,
      currency: input.currency,
      issueDate: input.date,
      amountMinor: amount,
      taxMinor: 0n,
      offsetAccountId: input.offsetAccountId,
    },
    [],
    accounts,
  );
  await postEntry(ctx.db, ctx.actor, ctx.now, { ...posting, paymentId: input.paymentId });
  return inserted;
}

/** The next number for another payment document of the same payment: PMT-000123-2, -3, ... */
async function paymentDocumentNumber(ctx: Ctx, payment: Payment): Promise<string> {
  const row = await ctx.db
    .selectFrom('ar_documents')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', ctx.actor.orgId)
    .where('payment_id', '=', payment.id)
    .where('kind', '=', 'payment')
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n === 0 ? payment.number : `${payment.number}-${n + 1}`;
}

/**
 * Moves `amount` of what the payment holds outside AR (suspense or customer deposits) into AR
 * as a payment document of the customer, dated `date`.
 */
async function release(
  ctx: Ctx,
  accounts: AccountsByRole,
  payment: Payment,
  amount: bigint,
  date: IsoDate,
): Promise<ArDocument> {
  if (!payment.customer_id) throw new Error('release needs a customer');
  const held = payment.kind === 'prepayment' ? accounts.customer_deposits : accounts.unapplied_cash;
  const doc = await postSideDocument(ctx, accounts, {
    kind: 'payment',
    number: await paymentDocumentNumber(ctx, payment),
    customerId: payment.customer_id,
    currency: payment.currency,
    date,
    amountMinor: amount,
    offsetAccountId: held.id,
    paymentId: payment.id,
  });
  await ctx.db
    .updateTable('payments')
    .set({ held_minor: payment.held_minor - amount, updated_at: ctx.now })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', payment.id)
    .execute();
  payment.held_minor -= amount;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Receipts
// ---------------------------------------------------------------------------------------------

function requireWriter(ctx: Ctx) {
  if (!hasRole(ctx.actor, ACCESS.write)) throw new ForbiddenError('Only AR staff can record cash');
}

/**
 * A customer's cash is in the currency it is billed in: a receipt in another currency could
 * never be applied to its invoices, nor charged a fee when it bounces (Dunwell does not convert).
 */
export function customerCurrencyProblem(billedIn: string, currency: string): string | null {
  return currency === billedIn ? null : `the customer is billed in ${billedIn}`;
}

function requireCustomerCurrency(
  customer: { name: string; currency: string },
  currency: string,
  path: string,
) {
  if (customerCurrencyProblem(customer.currency, currency) === null) return;
  throw new DomainError(
    'currency_mismatch',
    `Customer ${customer.name} is billed in ${customer.currency}, the payment is in ${currency}`,
    [{ path, message: `the customer's currency is ${customer.currency}` }],
  );
}

/** Records a receipt; with `applications` it is applied in the same transaction. Returns its id. */
export async function createPayment(ctx: Ctx, input: PaymentInput): Promise<string> {
  requireWriter(ctx);
  const errors: FieldError[] = [];
  if (!isCurrency(input.currency)) errors.push({ path: 'currency', message: 'unknown currency' });
  if (!(PAYMENT_METHODS as readonly string[]).includes(input.method))
    errors.push({ path: 'method', message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  const kind = input.kind ?? 'receipt';
  if (kind === 'prepayment' && !input.customerId)
    errors.push({ path: 'customerId', message: 'a prepayment needs its customer' });
  if (errors.length) throw new ValidationError('The payment is not valid', errors);
  const amount = amountOf(input.amount, input.currency, 'amount');
  if (amount <= 0n) {
    throw new ValidationError('The amount must be more than zero', [
      { path: 'amount', message: 'must be more than 0' },
    ]);
  }
  const today = await orgToday(ctx);
  const receivedDate = dateOf(input.receivedDate, 'receivedDate', today);
  if (compareDates(receivedDate, today) > 0) {
    throw new ValidationError('A payment cannot be received in the future', [
      { path: 'receivedDate', message: `is after today (${today})` },
    ]);
  }
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, receivedDate);
  const customer = input.customerId ? await loadCustomer(ctx, input.customerId) : null;
  if (customer) requireCustomerCurrency(customer, input.currency, 'currency');
  const externalId = optionalText(input.externalId);
  if (externalId) {
    const taken = await ctx.db
      .selectFrom('payments')
      .select('number')
      .where('org_id', '=', ctx.actor.orgId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    if (taken) {
      throw new ConflictError(
        'duplicate_external_id',
        `External id ${externalId} is already used by payment ${taken.number}`,
      );
    }
  }
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const bankAccountId = input.bankAccountId ?? null;
  let batch: { id: string; bank_account_id: string; number: string } | null = null;
  if (input.depositBatchId) {
    const found = await ctx.db
      .selectFrom('deposit_batches')
      .select(['id', 'bank_account_id', 'number', 'status', 'currency'])
      .where('org_id', '=', ctx.actor.orgId)
      .where('id', '=', input.depositBatchId)
      .forShare()
      .executeTakeFirst();
    if (!found) {
      throw new DomainError('unknown_deposit_batch', 'No such deposit batch', [
        { path: 'depositBatchId', message: 'no such deposit batch' },
      ]);
    }
    if (found.status !== 'open' || found.currency !== input.currency) {
      throw new DomainError(
        'batch_closed',
        found.status !== 'open'
          ? `Deposit batch ${found.number} is already deposited`
          : `Deposit batch ${found.number} is in ${found.currency}`,
        [{ path: 'depositBatchId', message: 'cannot take this payment' }],
      );
    }
    batch = found;
  }
  if (bankAccountId) await loadBankAccount(ctx, bankAccountId, input.currency, 'bankAccountId');
  const cashAccount = batch ? accounts.undeposited_funds : accounts.cash;
  const id = newId();
  // the invoices it applies to are locked before a number is taken, in the order the batch
  // of auto-apply takes them: the other order deadlocked with it
  await lockDocuments(ctx, input.applications?.map((a) => a.invoiceId) ?? []);
  const number = await nextNumber(ctx.db, ctx.actor.orgId, 'payment');
  const held = customer && kind === 'receipt' ? 0n : amount;
  const payment = await ctx.db
    .insertInto('payments')
    .values(
      newPaymentRow(ctx.actor, ctx.now, {
        id,
        org_id: ctx.actor.orgId,
        number,
        kind,
        method: input.method,
        customer_id: customer?.id ?? null,
        currency: input.currency,
        amount_minor: amount,
        held_minor: held,
        received_date: receivedDate,
        reference: optionalText(input.reference),
        payer_name: optionalText(input.payerName),
        payer_account: normalizeAccount(input.payerAccount),
        memo: optionalText(input.memo),
        external_id: externalId,
        bank_account_id: batch?.bank_account_id ?? bankAccountId,
        deposit_batch_id: batch?.id ?? null,
        cash_account_id: cashAccount.id,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  if (held > 0n) {
    const liability = kind === 'prepayment' ? accounts.customer_deposits : accounts.unapplied_cash;
    await postEntry(ctx.db, ctx.actor, ctx.now, {
      effectiveDate: receivedDate,
      currency: input.currency,
      kind: 'receipt',
      description: `Payment ${number}${kind === 'prepayment' ? ' (customer deposit)' : ' (customer not identified)'}`,
      paymentId: id,
      lines: [
        { accountId: cashAccount.id, debitMinor: amount },
        { accountId: liability.id, creditMinor: amount },
      ],
    });
  } else {
    await postSideDocument(ctx, accounts, {
      kind: 'payment',
      number,
      customerId: customer!.id,
      currency: input.currency,
      date: receivedDate,
      amountMinor: amount,
      offsetAccountId: cashAccount.id,
      paymentId: id,
    });
  }
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'payment',
      entityId: id,
      action: 'create',
      after: {
        number,
        kind,
        method: input.method,
        customerId: customer?.id ?? null,
        amount: formatAmount(amount, input.currency),
        currency: input.currency,
        receivedDate,
        reference: payment.reference,
        depositBatchId: batch?.id ?? null,
      },
    },
  ]);
  if (customer && (payment.payer_account || payment.payer_name)) {
    await learnPayer(ctx, customer.id, payment.payer_account, payment.payer_name);
  }
  if (input.applications?.length) {
    // on the day received, or later where an invoice is dated later (as the auto-apply batch)
    await applyPayment(ctx, id, { on: receivedDate, applications: input.applications });
  }
  return id;
}

export async function loadBankAccount(
  ctx: Ctx,
  id: string,
  currency: string | null,
  field: string,
) {
  const account = await ctx.db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!account) {
    throw new DomainError('unknown_bank_account', 'No such bank account', [
      { path: field, message: 'no such bank account' },
    ]);
  }
  if (currency && account.currency !== currency) {
    throw new DomainError(
      'currency_mismatch',
      `Bank account ${account.name} is in ${account.currency}`,
      [{ path: field, message: `is a ${account.currency} account` }],
    );
  }
  return account;
}

/** Names the customer of a receipt taken without one: its money moves into their account. */
export async function assignCustomer(
  ctx: Ctx,
  paymentId: string,
  input: { customerId: string; date?: string | undefined },
): Promise<void> {
  requireWriter(ctx);
  const payment = await loadPayment(ctx, paymentId, true);
  if (payment.status !== 'posted') {
    throw new DomainError('payment_reversed', `Payment ${payment.number} was reversed`);
  }
  if (payment.customer_id) {
    throw new DomainError('customer_known', `Payment ${payment.number} already has its customer`, [
      { path: 'customerId', message: 'the payment already has a customer' },
    ]);
  }
  const customer = await loadCustomer(ctx, input.customerId);
  requireCustomerCurrency(customer, payment.currency, 'customerId');
  const date = await dateNotBefore(
    ctx,
    input.date,
    payment.received_date as IsoDate,
    'The customer cannot be named before the payment was received',
  );
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);
  await ctx.db
    .updateTable('payments')
    .set({ customer_id: customer.id, updated_at: ctx.now })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', payment.id)
    .execute();
  payment.customer_id = customer.id;
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  await release(ctx, accounts, payment, payment.held_minor, date);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'payment',
      entityId: payment.id,
      action: 'assign_customer',
      before: { customerId: null },
      after: { customerId: customer.id, date },
    },
  ]);
  if (payment.payer_account || payment.payer_name) {
    await learnPayer(ctx, customer.id, payment.payer_account, payment.payer_name);
  }
}

// ---------------------------------------------------------------------------------------------
// Application
// ---------------------------------------------------------------------------------------------

type PlannedLine = {
  index: number;
  invoice: ArDocument;
  cash: bigint;
  discount: bigint;
  /** the part of the discount the terms do not offer now (outside the window, or above it) */
  unearned: bigint;
  discountReason: string | null;
  shortPay: ShortPayInput | null;
};

/**
 * Applies a payment to invoices and debit memos of its customer: cash, early-payment discount
 * and what happens to a short pay. All or nothing; returns the application ids.
 */
export async function applyPayment(
  ctx: Ctx,
  paymentId: string,
  input: ApplyInput,
): Promise<string[]> {
  requireWriter(ctx);
  if (!input.applications.length) {
    throw new ValidationError('Nothing to apply', [
      { path: 'applications', message: 'needs at least one invoice' },
    ]);
  }
  // the payment row first, then every document in id order: concurrent writers queue here
  const payment = await loadPayment(ctx, paymentId, true);
  if (payment.status !== 'posted') {
    throw new DomainError('payment_reversed', `Payment ${payment.number} was reversed`);
  }
  if (!payment.customer_id) {
    throw new DomainError(
      'customer_unknown',
      `Payment ${payment.number} has no customer yet: name the customer first`,
      [{ path: 'customerId', message: 'the payment has no customer' }],
    );
  }
  const customerId = payment.customer_id;
  const docsBefore = await paymentDocuments(ctx, payment.id);
  const invoiceIds = input.applications.map((a) => a.invoiceId);
  if (new Set(invoiceIds).size !== invoiceIds.length) {
    throw new ValidationError('An invoice appears twice', [
      { path: 'applications', message: 'each invoice at most once' },
    ]);
  }
  await lockDocuments(ctx, [...invoiceIds, ...docsBefore.map((d) => d.id)]);
  const docs = await paymentDocuments(ctx, payment.id);
  const invoices = await ctx.db
    .selectFrom('ar_documents')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', 'in', invoiceIds)
    .execute();
  const byId = new Map(invoices.map((d) => [d.id, d]));
  // the payment's own documents count: after assign-customer they are dated that day
  const latest = await latestMovement(
    ctx,
    [...invoiceIds, ...docs.map((d) => d.id)],
    maxDate(
      payment.received_date as IsoDate,
      ...invoices.map((d) => d.issue_date as IsoDate),
      ...docs.map((d) => d.issue_date as IsoDate),
    ),
  );
  const date = await dateNotBefore(
    ctx,
    input.date ?? (input.on ? maxDate(input.on, latest) : undefined),
    latest,
    'An application cannot be dated before the payment, its invoices or their latest application',
  );
  const taken = await discountsTaken(ctx.db, ctx.actor.orgId, invoiceIds);
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);

  const errors: FieldError[] = [];
  const planned: PlannedLine[] = [];
  input.applications.forEach((a, index) => {
    const path = `applications[${index}]`;
    const invoice = byId.get(a.invoiceId);
    if (!invoice || invoice.customer_id !== customerId) {
      errors.push({
        path: `${path}.invoiceId`,
        message: "is not a document of the payment's customer",
      });
      return;
    }
    if (
      invoice.state !== 'posted' ||
      !DEBIT_KINDS.includes(invoice.kind) ||
      invoice.kind === 'refund'
    ) {
      errors.push({
        path: `${path}.invoiceId`,
        message: `${documentLabel(invoice.kind, invoice.number)} cannot take a payment`,
      });
      return;
    }
    if (invoice.currency !== payment.currency) {
      errors.push({
        path: `${path}.invoiceId`,
        message: `is in ${invoice.currency}, the payment in ${payment.currency}`,
      });
      return;
    }
    let cash: bigint;
    let discount = 0n;
    let field = 'amount';
    try {
      cash = parseAmount(a.amount, payment.currency);
      field = 'discount';
      if (a.discount !== undefined && a.discount !== '')
        discount = parseAmount(a.discount, payment.currency);
    } catch (e) {
      errors.push({
        path: `${path}.${field}`,
        message: e instanceof Error ? e.message : String(e),
      });
      return;
    }
    if (cash < 0n || discount < 0n || cash + discount === 0n) {
      errors.push({ path: `${path}.amount`, message: 'must be more than 0' });
      return;
    }
    if (cash + discount > invoice.open_minor) {
      errors.push({
        path: `${path}.amount`,
        message: `${formatAmount(cash + discount, payment.currency)} is more than the open balance ${formatAmount(invoice.open_minor, invoice.currency)} of ${documentLabel(invoice.kind, invoice.number)}`,
      });
      return;
    }
    const discountReason = optionalText(a.discountReason);
    let unearned = 0n;
    if (discount > 0n) {
      const takenBefore = taken.get(invoice.id) ?? 0n;
      const offered = invoice.discount_minor - takenBefore;
      const windowOpen =
        invoice.discount_date !== null && compareDates(date, invoice.discount_date as IsoDate) <= 0;
      const earned = windowOpen && offered > 0n ? (discount < offered ? discount : offered) : 0n;
      unearned = discount - earned;
      if (unearned > 0n && !discountReason) {
        const label = documentLabel(invoice.kind, invoice.number);
        errors.push({
          path: `${path}.discountReason`,
          message:
            invoice.discount_date === null || invoice.discount_minor === 0n
              ? `${label} has no early-payment discount: give a reason to allow one`
              : offered <= 0n
                ? `the ${formatAmount(invoice.discount_minor, invoice.currency)} early-payment discount on ${label} was already taken: give a reason to allow more`
                : discount > offered
                  ? `the discount is more than the ${formatAmount(offered, invoice.currency)} offered${takenBefore > 0n ? ` (${formatAmount(takenBefore, invoice.currency)} of it was already taken)` : ''}: give a reason`
                  : `the discount window closed on ${invoice.discount_date}: give a reason to allow it`,
        });
        return;
      }
    }
    let shortPay: ShortPayInput | null = null;
    if (a.shortPay) {
      const rest = invoice.open_minor - cash - discount;
      if (rest <= 0n) {
        errors.push({ path: `${path}.shortPay`, message: 'nothing is left open on the invoice' });
        return;
      }
      if (a.shortPay.action === 'deduction') {
        if (
          !a.shortPay.reasonCode ||
          !(DEDUCTION_REASONS as readonly string[]).includes(a.shortPay.reasonCode)
        ) {
          errors.push({
            path: `${path}.shortPay.reasonCode`,
            message: `must be one of ${DEDUCTION_REASONS.join(', ')}`,
          });
          return;
        }
      }
      shortPay = a.shortPay;
    }
    planned.push({ index, invoice, cash, discount, unearned, discountReason, shortPay });
  });
  if (errors.length) {
    throw new DomainError('cannot_apply', 'The payment cannot be applied like this', errors);
  }
  const cashTotal = planned.reduce((s, p) => s + p.cash, 0n);
  const unapplied = unappliedOf(payment, docs);
  if (cashTotal > unapplied) {
    throw new DomainError(
      'over_application',
      `${formatAmount(cashTotal, payment.currency)} is more than the ${formatAmount(unapplied, payment.currency)} of payment ${payment.number} not yet applied`,
      [{ path: 'applications', message: 'apply at most what is unapplied' }],
    );
  }
  // what AR staff may give away without a manager: a short pay written off, or a discount the
  // terms do not offer, each at most the tolerance of the payment's currency
  const tolerance = await shortPayTolerance(ctx.db, ctx.actor.orgId, payment.currency);
  if (!hasRole(ctx.actor, ACCESS.manage)) {
    const unearnedBefore = await discountsBeyondTerms(
      ctx,
      planned.filter((p) => p.unearned > 0n).map((p) => p.invoice),
    );
    const limit = tolerance.set
      ? `above the ${formatAmount(tolerance.minor, payment.currency)} ${payment.currency} tolerance`
      : `in ${payment.currency}, which has no short-pay tolerance`;
    for (const p of planned) {
      const label = documentLabel(p.invoice.kind, p.invoice.number);
      const rest = p.invoice.open_minor - p.cash - p.discount;
      if (p.shortPay?.action === 'write_off' && rest > tolerance.minor) {
        throw new ForbiddenError(
          `The short pay of ${formatAmount(rest, payment.currency)} on ${label} is ${limit}: only a manager can write it off; keep it as a deduction instead`,
        );
      }
      if (p.unearned === 0n) continue;
      // what was given on the invoice beyond its terms before counts too: twenty discounts of
      // 5.00 are 100.00 given away
      const before = unearnedBefore.get(p.invoice.id) ?? 0n;
      if (p.unearned + before > tolerance.minor) {
        const earlier =
          before > 0n
            ? ` (${formatAmount(before, payment.currency)} beyond its terms was granted before)`
            : '';
        throw new ForbiddenError(
          `The discount on ${label} goes ${formatAmount(p.unearned, payment.currency)} beyond what its terms offer now${earlier}, ${limit}: only a manager can grant it`,
        );
      }
    }
  }

  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  // cash comes from the payment documents in order; held money is released when they run out
  const sources = docs.filter(
    (d) => d.kind === 'payment' && d.state === 'posted' && d.open_minor < 0n,
  );
  const inAr = sources.reduce((s, d) => s - d.open_minor, 0n);
  if (cashTotal > inAr) sources.push(await release(ctx, accounts, payment, cashTotal - inAr, date));
  const applicationIds: string[] = [];
  for (const p of planned) {
    let need = p.cash;
    for (const source of sources) {
      if (need === 0n) break;
      const available = -source.open_minor;
      if (available === 0n) continue;
      const take = need < available ? need : available;
      applicationIds.push(
        await insertApplication(ctx, accounts, {
          debit: p.invoice,
          credit: source,
          amountMinor: take,
          date,
        }),
      );
      source.open_minor += take;
      need -= take;
    }
    if (p.discount > 0n) {
      const discountDoc = await postSideDocument(ctx, accounts, {
        kind: 'discount',
        number: await nextNumber(ctx.db, ctx.actor.orgId, 'discount'),
        customerId,
        currency: payment.currency,
        date,
        amountMinor: p.discount,
        offsetAccountId: accounts.discounts_allowed.id,
        paymentId: payment.id,
        relatedDocumentId: p.invoice.id,
        reason: p.discountReason ?? `Early-payment discount with payment ${payment.number}`,
      });
      applicationIds.push(
        await insertApplication(ctx, accounts, {
          debit: p.invoice,
          credit: discountDoc,
          amountMinor: p.discount,
          date,
          reason: p.discountReason,
        }),
      );
    }
    const rest = p.invoice.open_minor - p.cash - p.discount;
    if (p.shortPay?.action === 'write_off') {
      const reason = `Short pay on payment ${payment.number}${p.shortPay.reasonCode ? ` (${p.shortPay.reasonCode})` : ''}${p.shortPay.note ? `: ${p.shortPay.note}` : ''}`;
      const writeOff = await postSideDocument(ctx, accounts, {
        kind: 'write_off',
        number: await nextNumber(ctx.db, ctx.actor.orgId, 'write_off'),
        customerId,
        currency: payment.currency,
        date,
        amountMinor: rest,
        offsetAccountId: accounts.bad_debt_expense.id,
        paymentId: payment.id,
        relatedDocumentId: p.invoice.id,
        reason,
      });
      applicationIds.push(
        await insertApplication(ctx, accounts, {
          debit: p.invoice,
          credit: writeOff,
          amountMinor: rest,
          date,
          reason,
        }),
      );
    } else if (p.shortPay?.action === 'deduction') {
      // what earlier deductions still hold of the invoice (the applications above have just
      // brought them within its balance) is disputed already; the new one takes the rest
      const held = await openDeductionsOn(ctx, p.invoice.id);
      const disputed = rest - held;
      if (disputed <= 0n) continue;
      const deductionId = newId();
      await ctx.db
        .insertInto('deductions')
        .values({
          id: deductionId,
          org_id: ctx.actor.orgId,
          customer_id: customerId,
          document_id: p.invoice.id,
          payment_id: payment.id,
          currency: payment.currency,
          amount_minor: disputed,
          open_minor: disputed,
          reason_code: p.shortPay.reasonCode!,
          note: optionalText(p.shortPay.note),
          status: 'open',
          resolution: null,
          created_by_name: ctx.actor.name,
          created_at: ctx.now,
          resolved_at: null,
        })
        .execute();
      await recordAudit(ctx.db, ctx.actor, ctx.now, [
        {
          entityType: 'deduction',
          entityId: deductionId,
          action: 'create',
          after: {
            documentId: p.invoice.id,
            paymentId: payment.id,
            amount: formatAmount(disputed, payment.currency),
            reasonCode: p.shortPay.reasonCode,
          },
        },
      ]);
    }
  }
  return applicationIds;
}

// ---------------------------------------------------------------------------------------------
// Reversal (returned check / NSF, chargeback) and refund
// ---------------------------------------------------------------------------------------------

/**
 * Takes a payment back: every application it made (cash, discounts, short-pay write-offs) is
 * unapplied, its documents are voided, held money leaves the suspense or deposit account, the
 * cash goes out of the bank account, open deductions it raised are closed, and an optional fee
 * is charged to the customer as a debit memo.
 */
export async function reversePayment(
  ctx: Ctx,
  paymentId: string,
  input: ReverseInput,
): Promise<void> {
  requireWriter(ctx);
  const reason = requireReason(input.reason);
  const kind = input.kind ?? 'nsf';
  if (!(REVERSAL_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError('Unknown reversal kind', [
      { path: 'kind', message: `must be one of ${REVERSAL_KINDS.join(', ')}` },
    ]);
  }
  const payment = await loadPayment(ctx, paymentId, true);
  if (payment.status === 'reversed') {
    throw new DomainError(
      'already_reversed',
      `Payment ${payment.number} was already reversed on ${payment.reversed_date}`,
    );
  }
  const docs = await paymentDocuments(ctx, payment.id);
  const appDocs = await ctx.db
    .selectFrom('ar_applications')
    .select(['debit_document_id', 'credit_document_id'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('credit_document_id', 'in', docs.length ? docs.map((d) => d.id) : [newId()])
    .execute();
  await lockDocuments(ctx, [...docs.map((d) => d.id), ...appDocs.map((a) => a.debit_document_id)]);
  // its deposit batch, locked: a deposit of the batch running now either comes first (and the
  // reversal sees it deposited) or waits and leaves this payment out
  const batch = payment.deposit_batch_id
    ? await ctx.db
        .selectFrom('deposit_batches')
        .select(['status', 'number', 'deposit_date'])
        .where('org_id', '=', ctx.actor.orgId)
        .where('id', '=', payment.deposit_batch_id)
        .forUpdate()
        .executeTakeFirstOrThrow()
    : null;
  const latest = await latestMovement(
    ctx,
    docs.map((d) => d.id),
    docs.reduce(
      (d, doc) => maxDate(d, doc.issue_date as IsoDate),
      maxDate(
        payment.received_date as IsoDate,
        // money that reached the bank leaves it again no earlier than it arrived
        (batch?.deposit_date ?? payment.received_date) as IsoDate,
      ),
    ),
  );
  const date = await dateNotBefore(
    ctx,
    input.date,
    latest,
    'A reversal cannot be dated before the payment, its deposit or its applications',
  );
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);
  const label = `${kindLabel(kind)} of payment ${payment.number}: ${reason}`;
  for (const doc of docs) {
    if (doc.state !== 'posted') continue;
    for (const application of await activeApplications(ctx, doc.id)) {
      await unapply(ctx, application.id, { reason: label, date }, { partOfReversal: true });
    }
    await markVoided(ctx, doc, date, label, 'payment_reversal', label);
  }
  // the receipt entry of money held outside AR (suspense, customer deposit)
  const heldEntry = await ctx.db
    .selectFrom('journal_entries')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('payment_id', '=', payment.id)
    .where('document_id', 'is', null)
    .where('reverses_entry_id', 'is', null)
    .where('kind', '=', 'receipt')
    .executeTakeFirst();
  if (heldEntry) {
    await reverseEntry(ctx.db, ctx.actor, ctx.now, heldEntry.id, date, 'payment_reversal', label);
  }
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  if (batch && payment.cash_account_id === accounts.undeposited_funds.id) {
    if (batch.status === 'deposited') {
      // the reversal above credited undeposited funds; the money left the bank account
      await postEntry(ctx.db, ctx.actor, ctx.now, {
        effectiveDate: date,
        currency: payment.currency,
        kind: 'payment_reversal',
        description: `${label} (deposited in ${batch.number})`,
        paymentId: payment.id,
        depositBatchId: payment.deposit_batch_id,
        lines: [
          { accountId: accounts.undeposited_funds.id, debitMinor: payment.amount_minor },
          { accountId: accounts.cash.id, creditMinor: payment.amount_minor },
        ],
      });
    }
  }
  if (kind === 'error') {
    // recorded by mistake (wrong customer, wrong line): what it taught the matcher about its
    // payer is taken back, and the bank line is open again
    if (payment.customer_id && (payment.payer_account || payment.payer_name)) {
      await unlearnPayer(ctx, payment.customer_id, payment.payer_account, payment.payer_name);
    }
    await ctx.db
      .updateTable('bank_statement_lines')
      .set({
        status: 'unmatched',
        payment_id: null,
        status_note: `Payment ${payment.number} reversed: ${reason}`,
        updated_by_name: ctx.actor.name,
      })
      .where('org_id', '=', ctx.actor.orgId)
      .where('payment_id', '=', payment.id)
      .execute();
  }
  await resolveDeductions(ctx, 'payment_id', payment.id, `Payment reversed: ${reason}`);
  let feeDocumentId: string | null = null;
  if (input.fee !== undefined && input.fee !== '') {
    if (!payment.customer_id) {
      throw new DomainError('customer_unknown', 'A fee needs the customer of the payment', [
        { path: 'fee', message: 'the payment has no customer' },
      ]);
    }
    const fee = amountOf(input.fee, payment.currency, 'fee');
    if (fee < 0n) {
      throw new ValidationError('The fee cannot be negative', [
        { path: 'fee', message: 'must be 0 or more' },
      ]);
    }
    if (fee > 0n) {
      feeDocumentId = await createMemo(ctx, 'debit_memo', {
        customerId: payment.customer_id,
        amount: input.fee,
        currency: payment.currency,
        issueDate: date,
        reason: `${kindLabel(kind)} fee for payment ${payment.number}`,
        accountCode: input.feeAccountCode,
      });
    }
  }
  await ctx.db
    .updateTable('payments')
    .set({
      status: 'reversed',
      held_minor: 0n,
      reversed_date: date,
      reversal_kind: kind,
      reversal_reason: reason,
      fee_document_id: feeDocumentId,
      updated_at: ctx.now,
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', payment.id)
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'payment',
      entityId: payment.id,
      action: 'reverse',
      before: { status: 'posted' },
      after: { status: 'reversed', kind, reason, date, feeDocumentId },
    },
  ]);
}

function kindLabel(kind: ReversalKind): string {
  return {
    nsf: 'Returned item (NSF)',
    chargeback: 'Chargeback',
    stop_payment: 'Stop payment',
    error: 'Reversal',
  }[kind];
}

/**
 * Pays unapplied cash back to the customer (manager): refunds from the payment's documents,
 * releasing held deposit money into AR first when that is where it sits.
 */
export async function refundPayment(
  ctx: Ctx,
  paymentId: string,
  input: {
    amount: string;
    reason: string;
    method: string;
    reference?: string | null;
    date?: string | undefined;
  },
): Promise<string[]> {
  requireManager(ctx.actor, 'refund unapplied cash');
  const reason = requireReason(input.reason);
  const payment = await loadPayment(ctx, paymentId, true);
  if (payment.status !== 'posted' || !payment.customer_id) {
    throw new DomainError(
      'cannot_refund',
      `Payment ${payment.number} has no unapplied cash of a known customer to refund`,
    );
  }
  const amount = amountOf(input.amount, payment.currency, 'amount');
  const docs = await paymentDocuments(ctx, payment.id);
  const unapplied = unappliedOf(payment, docs);
  if (amount <= 0n || amount > unapplied) {
    throw new DomainError(
      'exceeds_unapplied',
      `The refund must be more than 0 and at most the unapplied ${formatAmount(unapplied, payment.currency)}`,
      [{ path: 'amount', message: 'is more than is unapplied' }],
    );
  }
  const latest = await latestMovement(
    ctx,
    docs.map((d) => d.id),
    payment.received_date as IsoDate,
  );
  const date = await dateNotBefore(
    ctx,
    input.date,
    latest,
    'A refund cannot be dated before the payment or its latest application',
  );
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const sources = docs.filter(
    (d) => d.kind === 'payment' && d.state === 'posted' && d.open_minor < 0n,
  );
  const inAr = sources.reduce((s, d) => s - d.open_minor, 0n);
  if (amount > inAr) sources.push(await release(ctx, accounts, payment, amount - inAr, date));
  const ids: string[] = [];
  let need = amount;
  for (const source of sources) {
    if (need === 0n) break;
    const take = need < -source.open_minor ? need : -source.open_minor;
    ids.push(
      await createRefund(ctx, {
        creditDocumentId: source.id,
        amount: formatAmount(take, payment.currency),
        reason,
        date,
        method: input.method,
        reference: input.reference ?? null,
      }),
    );
    need -= take;
  }
  return ids;
}

export type { Payment };
