/**
 * Turning invoice input into a priced, dated, tax-checked document, in two halves: the
 * reference data is loaded for a whole batch in a fixed number of queries
 * ({@link loadInvoiceRefs}), and each invoice is then built without touching the database
 * ({@link buildInvoice}). One invoice from the API and a hundred thousand from an import take
 * the same path, so they follow the same rules.
 */
import type { Kysely } from 'kysely';
import type { ArDocument, DB } from '../../db/schema.ts';
import { compareDates, parseIsoDate, type IsoDate } from '../../shared/dates.ts';
import { DomainError, ValidationError, type FieldError } from '../../shared/errors.ts';
import type { AccountsByRole } from '../ledger/accounts.ts';
import {
  applyTerms,
  priceLines,
  withoutTax,
  type LineInput,
  type PricedDocument,
} from './pricing.ts';

export type DocumentLineInput = LineInput & { accountCode?: string | undefined };

export type InvoiceInput = {
  customerId: string;
  issueDate: string;
  currency: string;
  paymentTerms?: string | undefined;
  /** overrides the due date the terms give (imports from an ERP carry their own) */
  dueDate?: string | undefined;
  lines: DocumentLineInput[];
  taxJurisdiction?: string | null | undefined;
  poNumber?: string | null | undefined;
  salesOrderRef?: string | null | undefined;
  externalId?: string | null | undefined;
  memo?: string | null | undefined;
  /** true keeps it a draft: no number, no posting */
  draft?: boolean | undefined;
};

export type PreparedDocument = {
  row: Omit<
    ArDocument,
    'written_off' | 'opening_balance' | 'posted_at' | 'voided_date' | 'void_reason' | 'payment_id'
  > & {
    opening_balance?: boolean;
    payment_id?: string | null;
  };
  lines: Array<{
    line_no: number;
    description: string;
    quantity: string;
    unit_price: string;
    tax_rate: string;
    amount_minor: bigint;
    tax_minor: bigint;
    account_id: string;
  }>;
};

type CustomerRef = {
  id: string;
  name: string;
  currency: string;
  payment_terms_code: string;
  status: string;
};
type TermsRef = {
  code: string;
  type: 'net' | 'eom';
  net_days: number;
  discount_bp: number;
  discount_days: number;
  active: boolean;
};
type CertificateRef = { id: string; jurisdiction: string; expires_on: string | null };

export type InvoiceRefs = {
  orgId: string;
  accounts: AccountsByRole;
  customers: Map<string, CustomerRef>;
  terms: Map<string, TermsRef>;
  /** the billing jurisdiction ("US-TX") of each customer with a billing address */
  jurisdictions: Map<string, string>;
  certificates: Map<string, CertificateRef[]>;
  revenueAccounts: Map<string, { id: string; active: boolean }>;
};

const CHUNK = 5000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Loads what building invoices for these customers needs, in a few queries per 5000 customers. */
export async function loadInvoiceRefs(
  db: Kysely<DB>,
  orgId: string,
  customerIds: readonly string[],
  accounts: AccountsByRole,
): Promise<InvoiceRefs> {
  const ids = [...new Set(customerIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const refs: InvoiceRefs = {
    orgId,
    accounts,
    customers: new Map(),
    terms: new Map(),
    jurisdictions: new Map(),
    certificates: new Map(),
    revenueAccounts: new Map(),
  };
  const [terms, revenue] = await Promise.all([
    db
      .selectFrom('payment_terms')
      .select(['code', 'type', 'net_days', 'discount_bp', 'discount_days', 'active'])
      .where('org_id', '=', orgId)
      .execute(),
    db
      .selectFrom('accounts')
      .select(['id', 'code', 'active'])
      .where('org_id', '=', orgId)
      .where('type', '=', 'revenue')
      .execute(),
  ]);
  for (const t of terms) refs.terms.set(t.code, t);
  for (const a of revenue) refs.revenueAccounts.set(a.code, { id: a.id, active: a.active });
  for (const part of chunks(ids)) {
    const [customers, addresses, certificates] = await Promise.all([
      db
        .selectFrom('customers')
        .select(['id', 'name', 'currency', 'payment_terms_code', 'status'])
        .where('org_id', '=', orgId)
        .where('id', 'in', part)
        .execute(),
      db
        .selectFrom('customer_addresses')
        .select(['customer_id', 'country', 'region'])
        .where('org_id', '=', orgId)
        .where('customer_id', 'in', part)
        .where('kind', '=', 'billing')
        .orderBy('customer_id')
        .orderBy('created_at')
        .execute(),
      db
        .selectFrom('tax_certificates')
        .select(['id', 'customer_id', 'jurisdiction', 'expires_on'])
        .where('org_id', '=', orgId)
        .where('customer_id', 'in', part)
        .execute(),
    ]);
    for (const c of customers) refs.customers.set(c.id, c);
    for (const a of addresses) {
      if (refs.jurisdictions.has(a.customer_id)) continue; // the first billing address
      refs.jurisdictions.set(
        a.customer_id,
        a.region ? `${a.country}-${a.region}`.toUpperCase() : a.country,
      );
    }
    for (const c of certificates) {
      const list = refs.certificates.get(c.customer_id) ?? [];
      list.push(c);
      refs.certificates.set(c.customer_id, list);
    }
  }
  return refs;
}

function parseDate(text: string, field: string): IsoDate {
  try {
    return parseIsoDate(text);
  } catch {
    throw new ValidationError(`${field} must be a date YYYY-MM-DD`, [
      { path: field, message: 'is not a valid date YYYY-MM-DD' },
    ]);
  }
}

/** The exemption certificate valid for `jurisdiction` on `on`, if the customer holds one. */
export function exemptionFor(
  refs: InvoiceRefs,
  customerId: string,
  jurisdiction: string | null,
  on: IsoDate,
) {
  if (!jurisdiction) return undefined;
  return refs.certificates
    .get(customerId)
    ?.find(
      (c) =>
        c.jurisdiction.toUpperCase() === jurisdiction &&
        (c.expires_on === null || compareDates(c.expires_on as IsoDate, on) >= 0),
    );
}

/** Revenue account ids for the lines (by code), defaulting to the revenue account. */
export function lineAccountIds(refs: InvoiceRefs, lines: readonly DocumentLineInput[]): string[] {
  const errors: FieldError[] = [];
  const ids = lines.map((l, i) => {
    if (!l.accountCode) return refs.accounts.revenue.id;
    const account = refs.revenueAccounts.get(l.accountCode);
    if (!account || !account.active) {
      errors.push({ path: `lines.${i}.accountCode`, message: 'is not an active revenue account' });
      return '';
    }
    return account.id;
  });
  if (errors.length) throw new ValidationError('Unknown revenue account', errors);
  return ids;
}

export function linesOf(
  priced: PricedDocument,
  accountIds: readonly string[],
): PreparedDocument['lines'] {
  return priced.lines.map((l, i) => ({
    line_no: i + 1,
    description: l.description,
    quantity: l.quantity,
    unit_price: l.unitPrice,
    tax_rate: l.taxRate,
    amount_minor: l.amountMinor,
    tax_minor: l.taxMinor,
    account_id: accountIds[i]!,
  }));
}

/** The customer a document is for, billed in the document's currency. */
function billedCustomer(refs: InvoiceRefs, input: { customerId: string; currency: string }) {
  const customer = refs.customers.get(input.customerId);
  if (!customer) {
    throw new DomainError('unknown_customer', `Customer ${input.customerId} does not exist`, [
      { path: 'customerId', message: 'no such customer' },
    ]);
  }
  if (input.currency !== customer.currency) {
    throw new DomainError(
      'currency_mismatch',
      `Customer ${customer.name} is billed in ${customer.currency}, not ${input.currency}`,
      [{ path: 'currency', message: `must be the customer's currency ${customer.currency}` }],
    );
  }
  return customer;
}

/**
 * Validates and prices one invoice from preloaded reference data (no database access): the
 * customer must exist, be open and be billed in the invoice's currency; terms give the due date
 * and the early-payment discount; a valid exemption certificate for the jurisdiction zeroes
 * the tax. The result is a draft row (state 'draft', no number) and its lines.
 */
export function buildInvoice(
  input: InvoiceInput,
  refs: InvoiceRefs,
  meta: { id: string; actorName: string; now: Date },
): PreparedDocument {
  const customer = billedCustomer(refs, input);
  if (customer.status === 'closed') {
    throw new DomainError('customer_closed', `Customer ${customer.name} is closed`, [
      { path: 'customerId', message: 'the customer is closed' },
    ]);
  }
  const issueDate = parseDate(input.issueDate, 'issueDate');
  const termsCode = input.paymentTerms ?? customer.payment_terms_code;
  const terms = refs.terms.get(termsCode);
  if (!terms || !terms.active) {
    throw new DomainError('unknown_payment_terms', `Payment terms ${termsCode} do not exist`, [
      { path: 'paymentTerms', message: 'unknown or inactive payment terms' },
    ]);
  }
  const jurisdiction =
    input.taxJurisdiction?.trim().toUpperCase() || refs.jurisdictions.get(customer.id) || null;
  const certificate = exemptionFor(refs, customer.id, jurisdiction, issueDate);
  const priced = priceLines(certificate ? withoutTax(input.lines) : input.lines, input.currency);
  if (priced.totalMinor === 0n) {
    throw new ValidationError('The invoice totals zero', [
      { path: 'lines', message: 'the invoice totals zero; nothing would be owed' },
    ]);
  }
  const accountIds = lineAccountIds(refs, input.lines);
  const fromTerms = applyTerms(
    issueDate,
    {
      type: terms.type,
      netDays: terms.net_days,
      discountBp: terms.discount_bp,
      discountDays: terms.discount_days,
    },
    priced.totalMinor,
  );
  const dueDate = input.dueDate ? parseDate(input.dueDate, 'dueDate') : fromTerms.dueDate;
  if (compareDates(dueDate, issueDate) < 0) {
    throw new ValidationError('The due date is before the issue date', [
      { path: 'dueDate', message: 'is before the issue date' },
    ]);
  }
  return {
    row: {
      id: meta.id,
      org_id: refs.orgId,
      customer_id: customer.id,
      kind: 'invoice',
      state: 'draft',
      number: null,
      currency: input.currency,
      issue_date: issueDate,
      due_date: dueDate,
      terms_code: terms.code,
      discount_date: fromTerms.discountDate,
      discount_minor: fromTerms.discountMinor,
      subtotal_minor: priced.subtotalMinor,
      tax_minor: priced.taxMinor,
      amount_minor: priced.totalMinor,
      open_minor: 0n,
      tax_jurisdiction: jurisdiction,
      tax_exempt_certificate_id: certificate?.id ?? null,
      po_number: input.poNumber?.trim() || null,
      sales_order_ref: input.salesOrderRef?.trim() || null,
      external_id: input.externalId?.trim() || null,
      reason: null,
      memo: input.memo?.trim() || null,
      related_document_id: null,
      offset_account_id: null,
      refund_method: null,
      refund_reference: null,
      created_by_name: meta.actorName,
      created_at: meta.now,
      updated_at: meta.now,
    },
    lines: linesOf(priced, accountIds),
  };
}

export type OpeningItemInput = {
  kind: 'invoice' | 'credit_memo' | 'debit_memo';
  customerId: string;
  /** the number the previous system gave it (customers quote it when they pay); ours if absent */
  number?: string | null | undefined;
  issueDate: string;
  dueDate?: string | null | undefined;
  currency: string;
  /** the amount still open at go-live, positive (a credit memo's unapplied credit) */
  openAmountMinor: bigint;
  paymentTerms?: string | null | undefined;
  poNumber?: string | null | undefined;
  externalId?: string | null | undefined;
  memo?: string | null | undefined;
};

/**
 * An open item brought over from a previous system: its open amount is posted against the
 * opening-balance offset account (the revenue was recognized in the old books), with the old
 * number, dates and references kept. No lines and no tax.
 */
export function buildOpeningItem(
  input: OpeningItemInput,
  refs: InvoiceRefs,
  meta: { id: string; actorName: string; now: Date },
): PreparedDocument {
  const customer = billedCustomer(refs, input);
  if (input.openAmountMinor <= 0n) {
    throw new ValidationError('The open amount must be more than zero', [
      { path: 'amount', message: 'must be more than 0' },
    ]);
  }
  const issueDate = parseDate(input.issueDate, 'issueDate');
  const termsCode = input.paymentTerms || customer.payment_terms_code;
  const terms = refs.terms.get(termsCode);
  if (!terms) {
    throw new DomainError('unknown_payment_terms', `Payment terms ${termsCode} do not exist`, [
      { path: 'paymentTerms', message: 'unknown payment terms' },
    ]);
  }
  const credit = input.kind === 'credit_memo';
  const dueDate = credit
    ? null
    : input.dueDate
      ? parseDate(input.dueDate, 'dueDate')
      : applyTerms(
          issueDate,
          { type: terms.type, netDays: terms.net_days, discountBp: 0, discountDays: 0 },
          0n,
        ).dueDate;
  if (dueDate && compareDates(dueDate, issueDate) < 0) {
    throw new ValidationError('The due date is before the issue date', [
      { path: 'dueDate', message: 'is before the issue date' },
    ]);
  }
  const amount = credit ? -input.openAmountMinor : input.openAmountMinor;
  return {
    row: {
      id: meta.id,
      org_id: refs.orgId,
      customer_id: customer.id,
      kind: input.kind,
      state: 'draft',
      number: input.number?.trim() || null,
      currency: input.currency,
      issue_date: issueDate,
      due_date: dueDate,
      terms_code: credit ? null : terms.code,
      discount_date: null,
      discount_minor: 0n,
      subtotal_minor: amount,
      tax_minor: 0n,
      amount_minor: amount,
      open_minor: 0n,
      tax_jurisdiction: null,
      tax_exempt_certificate_id: null,
      po_number: input.poNumber?.trim() || null,
      sales_order_ref: null,
      external_id: input.externalId?.trim() || null,
      reason: 'Opening balance',
      memo: input.memo?.trim() || null,
      related_document_id: null,
      offset_account_id: refs.accounts.opening_balance.id,
      refund_method: null,
      refund_reference: null,
      created_by_name: meta.actorName,
      created_at: meta.now,
      updated_at: meta.now,
      opening_balance: true,
    },
    lines: [],
  };
}
