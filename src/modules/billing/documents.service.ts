/**
 * AR documents: invoices, credit and debit memos, adjustments, write-offs and refunds, and the
 * applications between them. Every function runs inside the caller's transaction; every
 * posting is a balanced journal entry written in that same transaction, and every change is
 * audited. A posted amount is never edited: corrections are new documents or reversals.
 */
import type { Kysely } from 'kysely';
import type { ArDocument, ArDocumentKind, DB } from '../../db/schema.ts';
import { ACCESS, hasRole, type Actor } from '../../shared/actor.ts';
import { compareDates, parseIsoDate, todayIn, type IsoDate } from '../../shared/dates.ts';
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount, parseAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { accountsByRole, type AccountsByRole } from '../ledger/accounts.ts';
import { assertPeriodOpen, postEntry, reverseEntry } from '../ledger/journal.ts';
import { nextNumber } from '../ledger/numbering.ts';
import { resolveDeductions } from './deductions.ts';
import { applicationPosting, documentLabel, documentPosting } from './posting.ts';
import {
  buildInvoice,
  exemptionFor,
  lineAccountIds,
  linesOf,
  loadInvoiceRefs,
  type DocumentLineInput,
  type InvoiceInput,
  type PreparedDocument,
} from './invoice-builder.ts';
import { applyTerms, priceLines, withoutTax } from './pricing.ts';

export type { DocumentLineInput, InvoiceInput } from './invoice-builder.ts';

export type Ctx = { db: Kysely<DB>; actor: Actor; now: Date };

/** Credit and debit memos: `amount` alone, or `lines` priced like an invoice. */
export type MemoInput = {
  customerId: string;
  invoiceId?: string | null | undefined;
  amount?: string | undefined;
  lines?: DocumentLineInput[] | undefined;
  reason: string;
  issueDate?: string | undefined;
  currency?: string | undefined;
  accountCode?: string | undefined;
  externalId?: string | null | undefined;
  memo?: string | null | undefined;
};

export type AdjustmentInput = {
  documentId: string;
  /** signed: negative lowers what the customer owes on the document, positive raises it */
  amount: string;
  reason: string;
  date?: string | undefined;
  accountCode?: string | undefined;
};

export type RefundInput = {
  creditDocumentId: string;
  amount: string;
  reason: string;
  date?: string | undefined;
  method: string;
  reference?: string | null | undefined;
};

export type ApplicationInput = {
  creditDocumentId: string;
  debitDocumentId: string;
  amount: string;
  date?: string | undefined;
};

/** Documents whose amount is positive (the customer owes) and negative (the customer is owed). */
const DEBIT_KINDS: readonly ArDocumentKind[] = ['invoice', 'debit_memo', 'refund'];

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export async function orgToday(ctx: Ctx): Promise<IsoDate> {
  const org = await ctx.db
    .selectFrom('organizations')
    .select('time_zone')
    .where('id', '=', ctx.actor.orgId)
    .executeTakeFirstOrThrow();
  return todayIn(org.time_zone, ctx.now);
}

export async function findDocument(
  db: Kysely<DB>,
  orgId: string,
  id: string,
  lock = false,
): Promise<ArDocument | undefined> {
  let query = db
    .selectFrom('ar_documents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Locks documents in id order, so writers that lock the same pair never deadlock: one query,
 * its rows locked as the sort hands them up (before, one query per document).
 */
export async function lockDocuments(ctx: Ctx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .selectFrom('ar_documents')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function loadDocument(ctx: Ctx, id: string, what = 'Document', lock = false) {
  const doc = await findDocument(ctx.db, ctx.actor.orgId, id, lock);
  if (!doc) throw new NotFoundError(`${what} ${id} not found`);
  return doc;
}

export async function loadCustomer(ctx: Ctx, customerId: string) {
  const customer = await ctx.db
    .selectFrom('customers')
    .select(['id', 'name', 'currency', 'payment_terms_code', 'status', 'account_number'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer) {
    throw new DomainError('unknown_customer', `Customer ${customerId} does not exist`, [
      { path: 'customerId', message: 'no such customer' },
    ]);
  }
  return customer;
}

export function dateOf(text: string | undefined, field: string, fallback: IsoDate): IsoDate {
  if (text === undefined) return fallback;
  try {
    return parseIsoDate(text);
  } catch {
    throw new ValidationError(`${field} must be a date YYYY-MM-DD`, [
      { path: field, message: 'is not a valid date YYYY-MM-DD' },
    ]);
  }
}

/**
 * The `date` of a movement that cannot precede `earliest` (its documents, their latest
 * application) nor follow today (what happened is booked, not what may): as given, or today;
 * refused with `refusal` when given before `earliest`, and when given after today or
 * `earliest` is after today.
 */
export async function dateNotBefore(
  ctx: Ctx,
  text: string | undefined,
  earliest: IsoDate,
  refusal: string,
): Promise<IsoDate> {
  const today = await orgToday(ctx);
  const date = dateOf(text, 'date', maxIso(today, earliest));
  if (compareDates(date, earliest) < 0) {
    throw new ValidationError(refusal, [{ path: 'date', message: `is before ${earliest}` }]);
  }
  if (compareDates(date, today) > 0) {
    throw new ValidationError(`This cannot be dated after today (${today})`, [
      {
        path: 'date',
        message: text
          ? `is after today (${today})`
          : `would be ${date}, after today (${today}): a document it moves is dated then`,
      },
    ]);
  }
  return date;
}

export function amountOf(text: string, currency: string, field: string): bigint {
  try {
    return parseAmount(text, currency);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ValidationError(`${field}: ${message}`, [{ path: field, message }]);
  }
}

export function requireManager(actor: Actor, what: string) {
  if (!hasRole(actor, ACCESS.manage)) {
    throw new ForbiddenError(`Only a manager or an admin can ${what}`);
  }
}

export function requireReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (!trimmed) {
    throw new ValidationError('A reason is required', [{ path: 'reason', message: 'is required' }]);
  }
  return trimmed;
}

async function offsetAccount(
  ctx: Ctx,
  code: string | undefined,
  fallback: string,
  allowed: readonly string[],
): Promise<string> {
  if (!code) return fallback;
  const account = await ctx.db
    .selectFrom('accounts')
    .select(['id', 'type', 'active'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!account || !account.active || !allowed.includes(account.type)) {
    throw new ValidationError(`Account ${code} cannot take this posting`, [
      { path: 'accountCode', message: `must be an active ${allowed.join(' or ')} account` },
    ]);
  }
  return account.id;
}

async function loadTerms(ctx: Ctx, code: string) {
  const terms = await ctx.db
    .selectFrom('payment_terms')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!terms || !terms.active) {
    throw new DomainError('unknown_payment_terms', `Payment terms ${code} do not exist`, [
      { path: 'paymentTerms', message: 'unknown or inactive payment terms' },
    ]);
  }
  return terms;
}

// ---------------------------------------------------------------------------------------------
// Invoices and memos with lines
// ---------------------------------------------------------------------------------------------

async function prepareInvoice(ctx: Ctx, input: InvoiceInput, accounts: AccountsByRole, id: string) {
  const refs = await loadInvoiceRefs(ctx.db, ctx.actor.orgId, [input.customerId], accounts);
  return buildInvoice(input, refs, { id, actorName: ctx.actor.name, now: ctx.now });
}

async function assertExternalIdFree(
  ctx: Ctx,
  kind: ArDocumentKind,
  externalId: string | null,
  except?: string,
) {
  if (!externalId) return;
  let query = ctx.db
    .selectFrom('ar_documents')
    .select(['id', 'number'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('kind', '=', kind)
    .where('external_id', '=', externalId);
  if (except) query = query.where('id', '<>', except);
  const taken = await query.executeTakeFirst();
  if (taken) {
    throw new DomainError(
      'duplicate_external_id',
      `External id ${externalId} is already used by ${documentLabel(kind, taken.number)}`,
      [{ path: 'externalId', message: 'is already used' }],
    );
  }
}

type RequiredFields =
  | 'id'
  | 'customer_id'
  | 'kind'
  | 'currency'
  | 'issue_date'
  | 'amount_minor'
  | 'subtotal_minor'
  | 'reason';

/** A new draft document row: the given fields, and the empty defaults for the rest. */
function draftRow(
  ctx: Ctx,
  fields: Pick<PreparedDocument['row'], RequiredFields> & Partial<PreparedDocument['row']>,
): PreparedDocument['row'] {
  return {
    org_id: ctx.actor.orgId,
    state: 'draft',
    number: null,
    due_date: null,
    terms_code: null,
    discount_date: null,
    discount_minor: 0n,
    tax_minor: 0n,
    open_minor: 0n,
    tax_jurisdiction: null,
    tax_exempt_certificate_id: null,
    po_number: null,
    sales_order_ref: null,
    external_id: null,
    memo: null,
    related_document_id: null,
    offset_account_id: null,
    refund_method: null,
    refund_reference: null,
    created_by_name: ctx.actor.name,
    created_at: ctx.now,
    updated_at: ctx.now,
    ...fields,
  };
}

async function insertPrepared(ctx: Ctx, prepared: PreparedDocument) {
  await ctx.db.insertInto('ar_documents').values(prepared.row).execute();
  if (prepared.lines.length > 0) {
    await ctx.db
      .insertInto('ar_document_lines')
      .values(
        prepared.lines.map((l) => ({
          ...l,
          org_id: ctx.actor.orgId,
          document_id: prepared.row.id,
        })),
      )
      .execute();
  }
}

/** Creates an invoice; unless `draft`, it is numbered and posted at once. Returns its id. */
export async function createInvoice(ctx: Ctx, input: InvoiceInput): Promise<string> {
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const prepared = await prepareInvoice(ctx, input, accounts, newId());
  await assertExternalIdFree(ctx, 'invoice', prepared.row.external_id);
  await insertPrepared(ctx, prepared);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'invoice',
      entityId: prepared.row.id,
      action: 'create',
      after: auditView(prepared),
    },
  ]);
  if (!input.draft) await postDocument(ctx, prepared.row.id, accounts);
  return prepared.row.id;
}

/** Replaces a draft invoice's fields and lines. */
export async function updateDraftInvoice(ctx: Ctx, id: string, input: InvoiceInput): Promise<void> {
  const before = await loadDocument(ctx, id, 'Invoice', true);
  if (before.kind !== 'invoice') throw new NotFoundError(`Invoice ${id} not found`);
  if (before.state !== 'draft') {
    throw new DomainError(
      'not_a_draft',
      `${documentLabel(before.kind, before.number)} is posted: correct it with a credit memo, a debit memo or a void`,
    );
  }
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const prepared = await prepareInvoice(ctx, input, accounts, id);
  await assertExternalIdFree(ctx, 'invoice', prepared.row.external_id, id);
  await ctx.db
    .deleteFrom('ar_document_lines')
    .where('org_id', '=', ctx.actor.orgId)
    .where('document_id', '=', id)
    .execute();
  const { created_at: _created, created_by_name: _by, ...changes } = prepared.row;
  await ctx.db
    .updateTable('ar_documents')
    .set(changes)
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  await ctx.db
    .insertInto('ar_document_lines')
    .values(prepared.lines.map((l) => ({ ...l, org_id: ctx.actor.orgId, document_id: id })))
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'invoice',
      entityId: id,
      action: 'update_draft',
      before,
      after: auditView(prepared),
    },
  ]);
}

export async function deleteDraft(ctx: Ctx, id: string): Promise<void> {
  const doc = await loadDocument(ctx, id, 'Document', true);
  if (doc.state !== 'draft') {
    throw new DomainError(
      'not_a_draft',
      `${documentLabel(doc.kind, doc.number)} is posted and cannot be deleted; void it instead`,
    );
  }
  await ctx.db
    .deleteFrom('ar_documents')
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    { entityType: doc.kind, entityId: id, action: 'delete_draft', before: doc },
  ]);
}

/** Numbers and posts a draft: its journal entry is dated its issue date. */
export async function postDocument(ctx: Ctx, id: string, known?: AccountsByRole): Promise<void> {
  const doc = await loadDocument(ctx, id, 'Document', true);
  if (doc.state !== 'draft') {
    throw new DomainError(
      'already_posted',
      `${documentLabel(doc.kind, doc.number)} is already posted`,
    );
  }
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, doc.issue_date as IsoDate);
  const accounts = known ?? (await accountsByRole(ctx.db, ctx.actor.orgId));
  const number = await nextNumber(ctx.db, ctx.actor.orgId, doc.kind);
  await ctx.db
    .updateTable('ar_documents')
    .set({
      state: 'posted',
      number,
      open_minor: doc.amount_minor,
      posted_at: ctx.now,
      updated_at: ctx.now,
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  const lines = await ctx.db
    .selectFrom('ar_document_lines')
    .select(['account_id', 'amount_minor'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('document_id', '=', id)
    .execute();
  await postEntry(
    ctx.db,
    ctx.actor,
    ctx.now,
    documentPosting(
      {
        id,
        kind: doc.kind,
        number,
        customerId: doc.customer_id,
        currency: doc.currency,
        issueDate: doc.issue_date as IsoDate,
        amountMinor: doc.amount_minor,
        taxMinor: doc.tax_minor,
        offsetAccountId: doc.offset_account_id,
      },
      lines.map((l) => ({ accountId: l.account_id, amountMinor: l.amount_minor })),
      accounts,
    ),
  );
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: doc.kind,
      entityId: id,
      action: 'post',
      after: { number, amount: formatAmount(doc.amount_minor, doc.currency) },
    },
  ]);
}

function auditView(prepared: PreparedDocument) {
  const { row } = prepared;
  return {
    kind: row.kind,
    customerId: row.customer_id,
    currency: row.currency,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    total: formatAmount(row.amount_minor, row.currency),
    lines: prepared.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      taxRate: l.tax_rate,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Memos, adjustments, write-offs, refunds
// ---------------------------------------------------------------------------------------------

/** A posted document of the customer that a memo or adjustment corrects. */
async function relatedDocument(ctx: Ctx, id: string, customerId: string, field: string) {
  const doc = await findDocument(ctx.db, ctx.actor.orgId, id, true);
  if (!doc || doc.customer_id !== customerId) {
    throw new DomainError('unknown_document', `Document ${id} does not exist for this customer`, [
      { path: field, message: 'no such document for this customer' },
    ]);
  }
  if (doc.state !== 'posted') {
    throw new DomainError(
      'document_not_posted',
      `${documentLabel(doc.kind, doc.number)} is ${doc.state}`,
      [{ path: field, message: `is ${doc.state}` }],
    );
  }
  return doc;
}

/**
 * A credit memo (`kind` credit_memo, the customer owes less) or a debit memo (debit_memo, owes
 * more), from an amount or from priced lines. A credit memo linked to an invoice is applied to
 * it at once, up to the invoice's open balance; the rest stays unapplied on the memo.
 */
export async function createMemo(
  ctx: Ctx,
  kind: 'credit_memo' | 'debit_memo',
  input: MemoInput,
): Promise<string> {
  const reason = requireReason(input.reason);
  const customer = await loadCustomer(ctx, input.customerId);
  const currency = input.currency ?? customer.currency;
  if (currency !== customer.currency) {
    throw new DomainError(
      'currency_mismatch',
      `Customer ${customer.name} is billed in ${customer.currency}`,
      [{ path: 'currency', message: `must be the customer's currency ${customer.currency}` }],
    );
  }
  const today = await orgToday(ctx);
  const issueDate = dateOf(input.issueDate, 'issueDate', today);
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const invoice = input.invoiceId
    ? await relatedDocument(ctx, input.invoiceId, customer.id, 'invoiceId')
    : undefined;
  if (invoice && !DEBIT_KINDS.includes(invoice.kind)) {
    throw new DomainError(
      'not_an_invoice',
      `${documentLabel(invoice.kind, invoice.number)} is not an invoice`,
      [{ path: 'invoiceId', message: 'must be an invoice or a debit memo' }],
    );
  }
  if (invoice && invoice.currency !== currency) {
    throw new DomainError(
      'currency_mismatch',
      `${documentLabel(invoice.kind, invoice.number)} is in ${invoice.currency}, not ${currency}`,
      [{ path: 'invoiceId', message: `is in ${invoice.currency}` }],
    );
  }
  if ((input.amount === undefined) === (input.lines === undefined)) {
    throw new ValidationError('Give either an amount or lines', [
      { path: 'amount', message: 'give either amount or lines, not both or neither' },
    ]);
  }
  const sign = kind === 'credit_memo' ? -1n : 1n;
  let subtotal: bigint;
  let tax = 0n;
  let lines: PreparedDocument['lines'] = [];
  let offset: string | null = null;
  let jurisdiction: string | null = null;
  let certificateId: string | null = null;
  if (input.lines !== undefined) {
    // the same exemption rule as invoices: the linked invoice's jurisdiction, else the
    // customer's billing address; a valid certificate there means no tax either way
    const refs = await loadInvoiceRefs(ctx.db, ctx.actor.orgId, [customer.id], accounts);
    jurisdiction = invoice?.tax_jurisdiction ?? refs.jurisdictions.get(customer.id) ?? null;
    const certificate = exemptionFor(refs, customer.id, jurisdiction, issueDate);
    certificateId = certificate?.id ?? null;
    const priced = priceLines(certificate ? withoutTax(input.lines) : input.lines, currency);
    lines = linesOf(priced, lineAccountIds(refs, input.lines));
    subtotal = priced.subtotalMinor;
    tax = priced.taxMinor;
  } else {
    subtotal = amountOf(input.amount!, currency, 'amount');
    if (subtotal <= 0n) {
      throw new ValidationError('The amount must be more than zero', [
        { path: 'amount', message: 'must be more than 0' },
      ]);
    }
    // an expense account (bad debt, say) turns a memo into a write-off: a manager's call
    offset = await offsetAccount(
      ctx,
      input.accountCode,
      accounts.revenue.id,
      hasRole(ctx.actor, ACCESS.manage) ? ['revenue', 'expense'] : ['revenue'],
    );
  }
  const total = subtotal + tax;
  if (total === 0n) {
    throw new ValidationError('The memo totals zero', [
      { path: 'lines', message: 'the memo totals zero' },
    ]);
  }
  const terms =
    kind === 'debit_memo' ? await loadTerms(ctx, customer.payment_terms_code) : undefined;
  const due = terms
    ? applyTerms(
        issueDate,
        { type: terms.type, netDays: terms.net_days, discountBp: 0, discountDays: 0 },
        total,
      ).dueDate
    : null;
  const externalId = input.externalId?.trim() || null;
  await assertExternalIdFree(ctx, kind, externalId);
  const id = newId();
  await insertPrepared(ctx, {
    row: draftRow(ctx, {
      id,
      customer_id: customer.id,
      kind,
      currency,
      issue_date: issueDate,
      due_date: invoice?.due_date && kind === 'debit_memo' ? invoice.due_date : due,
      terms_code: terms?.code ?? null,
      subtotal_minor: sign * subtotal,
      tax_minor: sign * tax,
      amount_minor: sign * total,
      external_id: externalId,
      reason,
      memo: input.memo?.trim() || null,
      related_document_id: invoice?.id ?? null,
      tax_jurisdiction: jurisdiction,
      tax_exempt_certificate_id: certificateId,
      offset_account_id: offset,
    }),
    lines,
  });
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: kind,
      entityId: id,
      action: 'create',
      after: {
        customerId: customer.id,
        invoiceId: invoice?.id ?? null,
        total: formatAmount(total, currency),
        reason,
      },
    },
  ]);
  await postDocument(ctx, id, accounts);
  if (kind === 'credit_memo' && invoice && invoice.open_minor > 0n) {
    const applied = invoice.open_minor < total ? invoice.open_minor : total;
    await insertApplication(ctx, accounts, {
      debit: invoice,
      credit: { ...(await loadDocument(ctx, id)) },
      amountMinor: applied,
      // on the memo's date, or later when the invoice moved after it (what is open today
      // was not open all along)
      date: await latestMovement(
        ctx,
        [invoice.id],
        maxIso(issueDate, invoice.issue_date as IsoDate),
      ),
      reason,
    });
  }
  return id;
}

function maxIso(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) >= 0 ? a : b;
}

/**
 * An authorized adjustment (manager): a signed amount posted against an offset account and
 * linked to the document it corrects. One that lowers the document's open balance is applied
 * to it at once.
 */
export async function createAdjustment(
  ctx: Ctx,
  input: AdjustmentInput,
  kind: 'adjustment' | 'write_off' = 'adjustment',
): Promise<string> {
  requireManager(ctx.actor, kind === 'write_off' ? 'write off a balance' : 'post an adjustment');
  const reason = requireReason(input.reason);
  const target = await loadDocument(ctx, input.documentId, 'Document', true);
  if (target.state !== 'posted') {
    throw new DomainError(
      'document_not_posted',
      `${documentLabel(target.kind, target.number)} is ${target.state}`,
      [{ path: 'documentId', message: `is ${target.state}` }],
    );
  }
  const amount = amountOf(input.amount, target.currency, 'amount');
  if (amount === 0n) {
    throw new ValidationError('The amount must not be zero', [
      { path: 'amount', message: 'must not be 0' },
    ]);
  }
  const reduces = amount < 0n === target.amount_minor > 0n;
  const magnitude = amount < 0n ? -amount : amount;
  const open = target.open_minor < 0n ? -target.open_minor : target.open_minor;
  if (reduces && magnitude > open) {
    throw new DomainError(
      'exceeds_open_balance',
      `The adjustment of ${formatAmount(magnitude, target.currency)} is more than the open balance ${formatAmount(open, target.currency)} of ${documentLabel(target.kind, target.number)}`,
      [{ path: 'amount', message: 'is more than the open balance' }],
    );
  }
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const fallback =
    kind === 'write_off' ? accounts.bad_debt_expense.id : accounts.discounts_allowed.id;
  const offset = await offsetAccount(ctx, input.accountCode, fallback, ['revenue', 'expense']);
  // one that lowers the balance is applied: not before the document's latest application
  const date = await dateNotBefore(
    ctx,
    input.date,
    reduces
      ? await latestMovement(ctx, [target.id], target.issue_date as IsoDate)
      : (target.issue_date as IsoDate),
    reduces
      ? 'The date is before the document it adjusts or its latest application'
      : 'The date is before the document it adjusts',
  );
  const id = newId();
  await insertPrepared(ctx, {
    row: draftRow(ctx, {
      id,
      customer_id: target.customer_id,
      kind,
      currency: target.currency,
      issue_date: date,
      due_date: reduces ? null : target.due_date,
      subtotal_minor: amount,
      amount_minor: amount,
      reason,
      related_document_id: target.id,
      offset_account_id: offset,
    }),
    lines: [],
  });
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: kind,
      entityId: id,
      action: 'create',
      after: { documentId: target.id, amount: formatAmount(amount, target.currency), reason },
    },
  ]);
  await postDocument(ctx, id, accounts);
  if (reduces) {
    const adjustment = await loadDocument(ctx, id);
    const [debit, credit] = target.amount_minor > 0n ? [target, adjustment] : [adjustment, target];
    await insertApplication(ctx, accounts, { debit, credit, amountMinor: magnitude, date, reason });
  }
  return id;
}

/** Writes off the whole open balance of an invoice or debit memo to bad-debt expense. */
export async function writeOff(
  ctx: Ctx,
  documentId: string,
  input: { reason: string; date?: string | undefined; accountCode?: string | undefined },
): Promise<string> {
  const target = await loadDocument(ctx, documentId, 'Invoice', true);
  if (!DEBIT_KINDS.includes(target.kind) || target.state !== 'posted' || target.open_minor <= 0n) {
    throw new DomainError(
      'nothing_to_write_off',
      `${documentLabel(target.kind, target.number)} has no open balance to write off`,
    );
  }
  const id = await createAdjustment(
    ctx,
    {
      documentId,
      amount: formatAmount(-target.open_minor, target.currency),
      reason: input.reason,
      date: input.date,
      accountCode: input.accountCode,
    },
    'write_off',
  );
  await ctx.db
    .updateTable('ar_documents')
    .set({ written_off: true, updated_at: ctx.now })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', documentId)
    .execute();
  return id;
}

/**
 * Pays a credit balance back to the customer (manager): a refund document debits AR and
 * credits cash, and is applied against the credit document it empties.
 */
export async function createRefund(ctx: Ctx, input: RefundInput): Promise<string> {
  requireManager(ctx.actor, 'refund a credit balance');
  const reason = requireReason(input.reason);
  const credit = await loadDocument(ctx, input.creditDocumentId, 'Credit document', true);
  if (credit.state !== 'posted' || credit.amount_minor >= 0n) {
    throw new DomainError(
      'not_a_credit',
      `${documentLabel(credit.kind, credit.number)} is not a posted credit`,
      [{ path: 'creditDocumentId', message: 'must be a posted credit memo or other credit' }],
    );
  }
  const amount = amountOf(input.amount, credit.currency, 'amount');
  if (amount <= 0n) {
    throw new ValidationError('The amount must be more than zero', [
      { path: 'amount', message: 'must be more than 0' },
    ]);
  }
  if (amount > -credit.open_minor) {
    throw new DomainError(
      'exceeds_open_balance',
      `The refund of ${formatAmount(amount, credit.currency)} is more than the unapplied ${formatAmount(-credit.open_minor, credit.currency)} of ${documentLabel(credit.kind, credit.number)}`,
      [{ path: 'amount', message: 'is more than the unapplied credit' }],
    );
  }
  // not before the credit, nor before its latest application: the money refunded was not
  // free to go until then
  const date = await dateNotBefore(
    ctx,
    input.date,
    await latestMovement(ctx, [credit.id], credit.issue_date as IsoDate),
    'The refund is dated before the credit or before its latest application',
  );
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const id = newId();
  await insertPrepared(ctx, {
    row: draftRow(ctx, {
      id,
      customer_id: credit.customer_id,
      kind: 'refund',
      currency: credit.currency,
      issue_date: date,
      subtotal_minor: amount,
      amount_minor: amount,
      reason,
      related_document_id: credit.id,
      offset_account_id: accounts.cash.id,
      refund_method: input.method,
      refund_reference: input.reference?.trim() || null,
    }),
    lines: [],
  });
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'refund',
      entityId: id,
      action: 'create',
      after: {
        creditDocumentId: credit.id,
        amount: formatAmount(amount, credit.currency),
        method: input.method,
        reason,
      },
    },
  ]);
  await postDocument(ctx, id, accounts);
  const refund = await loadDocument(ctx, id);
  await insertApplication(ctx, accounts, {
    debit: refund,
    credit,
    amountMinor: amount,
    date,
    reason,
  });
  return id;
}

// ---------------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------------

export async function insertApplication(
  ctx: Ctx,
  accounts: AccountsByRole,
  input: {
    debit: ArDocument;
    credit: ArDocument;
    amountMinor: bigint;
    date: IsoDate;
    reason?: string | null;
    reverses?: string;
  },
): Promise<string> {
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, input.date);
  const id = newId();
  // the trigger moves both open balances; the check constraints refuse over-application
  await ctx.db
    .insertInto('ar_applications')
    .values({
      id,
      org_id: ctx.actor.orgId,
      debit_document_id: input.debit.id,
      credit_document_id: input.credit.id,
      amount_minor: input.amountMinor,
      effective_date: input.date,
      reverses_application_id: input.reverses ?? null,
      reason: input.reason ?? null,
      actor_name: ctx.actor.name,
      created_at: ctx.now,
    })
    .execute();
  const verb = input.amountMinor > 0n ? 'applied to' : 'unapplied from';
  await postEntry(
    ctx.db,
    ctx.actor,
    ctx.now,
    applicationPosting({
      applicationId: id,
      effectiveDate: input.date,
      currency: input.debit.currency,
      customerId: input.debit.customer_id,
      debitDocumentId: input.debit.id,
      creditDocumentId: input.credit.id,
      amountMinor: input.amountMinor,
      description: `${documentLabel(input.credit.kind, input.credit.number)} ${verb} ${documentLabel(input.debit.kind, input.debit.number)}`,
      accounts,
    }),
  );
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'application',
      entityId: id,
      action: input.amountMinor > 0n ? 'apply' : 'unapply',
      after: {
        debitDocumentId: input.debit.id,
        creditDocumentId: input.credit.id,
        amount: formatAmount(input.amountMinor, input.debit.currency),
        date: input.date,
      },
    },
  ]);
  return id;
}

/**
 * Applies part of a credit document (credit memo, unapplied credit) to an invoice or debit
 * memo of the same customer and currency. Both rows are locked in id order, so concurrent
 * applications queue instead of deadlocking, and the database refuses any over-application.
 */
export async function applyCredit(ctx: Ctx, input: ApplicationInput): Promise<string> {
  await lockDocuments(ctx, [input.creditDocumentId, input.debitDocumentId]);
  const credit = await loadDocument(ctx, input.creditDocumentId, 'Credit document');
  const debit = await loadDocument(ctx, input.debitDocumentId, 'Invoice');
  requireManagerToMove(ctx, [credit, debit]);
  const errors: FieldError[] = [];
  if (credit.state !== 'posted' || credit.amount_minor >= 0n)
    errors.push({ path: 'creditDocumentId', message: 'must be a posted credit' });
  if (debit.state !== 'posted' || debit.amount_minor <= 0n)
    errors.push({ path: 'invoiceId', message: 'must be a posted invoice or debit memo' });
  if (credit.customer_id !== debit.customer_id)
    errors.push({ path: 'invoiceId', message: 'belongs to another customer' });
  if (credit.currency !== debit.currency)
    errors.push({
      path: 'invoiceId',
      message: `is in ${debit.currency}, the credit in ${credit.currency}`,
    });
  if (errors.length)
    throw new DomainError('cannot_apply', 'This credit cannot be applied to that document', errors);
  const amount = amountOf(input.amount, credit.currency, 'amount');
  if (amount <= 0n) {
    throw new ValidationError('The amount must be more than zero', [
      { path: 'amount', message: 'must be more than 0' },
    ]);
  }
  if (amount > debit.open_minor || amount > -credit.open_minor) {
    throw new DomainError(
      'exceeds_open_balance',
      `${formatAmount(amount, credit.currency)} is more than the ${amount > debit.open_minor ? `open balance ${formatAmount(debit.open_minor, debit.currency)} of ${documentLabel(debit.kind, debit.number)}` : `unapplied ${formatAmount(-credit.open_minor, credit.currency)} of ${documentLabel(credit.kind, credit.number)}`}`,
      [{ path: 'amount', message: 'is more than is open' }],
    );
  }
  const latest = await latestMovement(
    ctx,
    [credit.id, debit.id],
    maxIso(credit.issue_date as IsoDate, debit.issue_date as IsoDate),
  );
  const date = await dateNotBefore(
    ctx,
    input.date,
    latest,
    'An application cannot be dated before its documents or their latest application',
  );
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  return insertApplication(ctx, accounts, { debit, credit, amountMinor: amount, date });
}

/** Takes an application back: both open balances return to what they were. */
export async function unapply(
  ctx: Ctx,
  applicationId: string,
  input: { reason?: string | undefined; date?: string | undefined },
  /** a payment reversal takes back the short-pay write-offs its application made */
  options: { partOfReversal?: boolean } = {},
): Promise<string> {
  const application = await ctx.db
    .selectFrom('ar_applications')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', applicationId)
    .executeTakeFirst();
  if (!application) throw new NotFoundError(`Application ${applicationId} not found`);
  if (application.amount_minor < 0n) {
    throw new DomainError('cannot_unapply', 'This is itself an unapplication');
  }
  // both documents locked (in id order, as applyCredit does) before looking for an earlier
  // unapplication, so two concurrent unapplies queue and the second sees the first's
  await lockDocuments(ctx, [application.debit_document_id, application.credit_document_id]);
  const reversed = await ctx.db
    .selectFrom('ar_applications')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('reverses_application_id', '=', applicationId)
    .executeTakeFirst();
  if (reversed)
    throw new DomainError('already_unapplied', 'This application was already taken back');
  const debit = await loadDocument(ctx, application.debit_document_id, 'Document');
  const credit = await loadDocument(ctx, application.credit_document_id, 'Document');
  if (!options.partOfReversal) requireManagerToMove(ctx, [debit, credit]);
  const latest = await latestMovement(
    ctx,
    [debit.id, credit.id],
    application.effective_date as IsoDate,
  );
  const date = await dateNotBefore(
    ctx,
    input.date,
    latest,
    'An unapplication cannot be dated before the latest application of its documents',
  );
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  const id = await insertApplication(ctx, accounts, {
    debit,
    credit,
    amountMinor: -application.amount_minor,
    date,
    reason: input.reason?.trim() || null,
    reverses: application.id,
  });
  if (debit.written_off && credit.kind === 'write_off') {
    await ctx.db
      .updateTable('ar_documents')
      .set({ written_off: false, updated_at: ctx.now })
      .where('org_id', '=', ctx.actor.orgId)
      .where('id', '=', debit.id)
      .execute();
  }
  return id;
}

/** Documents only a manager creates; moving their applications is a manager's call too. */
const MANAGER_KINDS: readonly ArDocumentKind[] = ['write_off', 'adjustment', 'refund', 'discount'];

function requireManagerToMove(ctx: Ctx, docs: readonly ArDocument[]) {
  const guarded = docs.find((d) => MANAGER_KINDS.includes(d.kind));
  if (guarded) {
    requireManager(
      ctx.actor,
      `move the application of ${documentLabel(guarded.kind, guarded.number)}`,
    );
  }
}

/**
 * The latest date of any application row (applied or taken back) touching the documents:
 * a new application, unapplication or void is dated no earlier, so every balance stays within
 * bounds at every past date, not only today.
 */
export async function latestMovement(
  ctx: Ctx,
  ids: readonly string[],
  floor: IsoDate,
): Promise<IsoDate> {
  const row = await ctx.db
    .selectFrom('ar_applications')
    .select((eb) => eb.fn.max('effective_date').as('latest'))
    .where('org_id', '=', ctx.actor.orgId)
    .where((eb) =>
      eb.or([eb('debit_document_id', 'in', [...ids]), eb('credit_document_id', 'in', [...ids])]),
    )
    .executeTakeFirst();
  return row?.latest ? maxIso(floor, row.latest as IsoDate) : floor;
}

/** Applications of a document (or of any of several) not yet taken back. */
export async function activeApplications(ctx: Ctx, documentIds: string | readonly string[]) {
  const ids = typeof documentIds === 'string' ? [documentIds] : [...documentIds];
  return ctx.db
    .selectFrom('ar_applications as a')
    .select(['a.id', 'a.effective_date', 'a.debit_document_id', 'a.credit_document_id'])
    .where('a.org_id', '=', ctx.actor.orgId)
    .where((eb) =>
      eb.or([eb('a.debit_document_id', 'in', ids), eb('a.credit_document_id', 'in', ids)]),
    )
    .where('a.amount_minor', '>', 0n)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ar_applications as r')
            .select('r.id')
            .whereRef('r.org_id', '=', 'a.org_id')
            .whereRef('r.reverses_application_id', '=', 'a.id'),
        ),
      ),
    )
    .execute();
}

/**
 * Voids a posted document: its write-offs and adjustments are voided with it, what else was
 * applied to or from it (credit memos, later payments) is unapplied and stays with the
 * customer, then its journal entry is reversed on the void date. The document keeps its
 * number, marked voided.
 */
export async function voidDocument(
  ctx: Ctx,
  id: string,
  input: { reason: string; date?: string | undefined },
  /** set when the document goes with the void of the document it corrects */
  options: { partOfVoid?: boolean } = {},
): Promise<void> {
  const reason = requireReason(input.reason);
  const doc = await loadDocument(ctx, id, 'Document', true);
  if (doc.state !== 'posted') {
    throw new DomainError(
      'cannot_void',
      `${documentLabel(doc.kind, doc.number)} is ${doc.state} and cannot be voided`,
    );
  }
  if (doc.kind === 'payment' || (doc.kind === 'discount' && !options.partOfVoid)) {
    throw new DomainError(
      'cannot_void',
      doc.kind === 'payment'
        ? `${documentLabel(doc.kind, doc.number)} is a receipt: reverse the payment instead (POST /payments/:id/reverse)`
        : `${documentLabel(doc.kind, doc.number)} goes with its payment: reverse the payment or void the invoice`,
    );
  }
  if (doc.kind !== 'invoice' && doc.kind !== 'credit_memo' && doc.kind !== 'debit_memo') {
    requireManager(ctx.actor, `void a ${doc.kind.replace('_', '-')}`);
  }
  // everything applied to this document or to its corrections comes undone on the void date
  const related = await ctx.db
    .selectFrom('ar_documents')
    .select(['id', 'issue_date'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('related_document_id', '=', id)
    .where('kind', 'in', ['write_off', 'adjustment', 'discount'])
    .execute();
  // the void unapplies what is applied to them, and an unapplication is dated no earlier than
  // the latest application of either of its documents: the other side's count too
  const own = [id, ...related.map((r) => r.id)];
  const ids = new Set(own);
  for (const a of await activeApplications(ctx, own)) {
    ids.add(a.debit_document_id);
    ids.add(a.credit_document_id);
  }
  const latest = await latestMovement(
    ctx,
    [...ids],
    related.reduce((d, r) => maxIso(d, r.issue_date as IsoDate), doc.issue_date as IsoDate),
  );
  const date = await dateNotBefore(
    ctx,
    input.date,
    latest,
    'A void cannot be dated before the document or its applications',
  );
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);
  // write-offs and adjustments of this document exist only because of it: they go with it
  // (voiding an invoice must not leave its write-off behind as a credit the customer never had)
  const corrections = await ctx.db
    .selectFrom('ar_documents')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('related_document_id', '=', id)
    .where('kind', 'in', ['write_off', 'adjustment', 'discount'])
    .where('state', '=', 'posted')
    .orderBy('created_at')
    .execute();
  for (const correction of corrections) {
    await voidDocument(
      ctx,
      correction.id,
      { reason: `Void of ${documentLabel(doc.kind, doc.number)}: ${reason}`, date },
      { partOfVoid: true },
    );
  }
  for (const application of await activeApplications(ctx, id)) {
    await unapply(ctx, application.id, {
      reason: `Void of ${documentLabel(doc.kind, doc.number)}: ${reason}`,
      date,
    });
  }
  await markVoided(
    ctx,
    doc,
    date,
    reason,
    'void',
    `Void of ${documentLabel(doc.kind, doc.number)}: ${reason}`,
  );
  await resolveDeductions(ctx, 'document_id', id, `Invoice voided: ${reason}`);
  if (doc.kind === 'write_off' && doc.related_document_id) {
    await ctx.db
      .updateTable('ar_documents')
      .set({ written_off: false, updated_at: ctx.now })
      .where('org_id', '=', ctx.actor.orgId)
      .where('id', '=', doc.related_document_id)
      .execute();
  }
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: doc.kind,
      entityId: id,
      action: 'void',
      before: { state: doc.state },
      after: { state: 'voided', date, reason },
    },
  ]);
}

/**
 * Marks a posted document voided on `date` and posts the reversal of its journal entry. What
 * was applied to or from it must have been taken back first (the database refuses otherwise).
 */
export async function markVoided(
  ctx: Ctx,
  doc: Pick<ArDocument, 'id'>,
  date: IsoDate,
  reason: string,
  entryKind: string,
  description: string,
): Promise<void> {
  const entry = await ctx.db
    .selectFrom('journal_entries')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('document_id', '=', doc.id)
    .where('reverses_entry_id', 'is', null)
    .where('application_id', 'is', null)
    .executeTakeFirstOrThrow();
  await ctx.db
    .updateTable('ar_documents')
    .set({
      state: 'voided',
      open_minor: 0n,
      voided_date: date,
      void_reason: reason,
      updated_at: ctx.now,
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', doc.id)
    .execute();
  await reverseEntry(ctx.db, ctx.actor, ctx.now, entry.id, date, entryKind, description);
}

export { DEBIT_KINDS };
