/** Reads what an invoice or a statement prints: the organization, the customer, the document. */
import { sql, type Kysely } from 'kysely';
import type { ArDocumentKind, ArDocumentState, DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { todayIn, type IsoDate } from '../../shared/dates.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { PageSize } from './pdf-canvas.ts';

export type OrgPrint = {
  name: string;
  remitTo: string | null;
  invoiceFooter: string | null;
  timeZone: string;
  pageSize: PageSize;
  today: IsoDate;
};

export type CustomerPrint = {
  id: string;
  name: string;
  legalName: string;
  accountNumber: string;
  currency: string;
  /** the billing address as printed lines, empty when the customer has none */
  address: string[];
};

export type LinePrint = {
  description: string;
  /** exact decimal strings as stored */
  quantity: string;
  unitPrice: string;
  taxRate: string;
  amountMinor: bigint;
};

export type DocumentPrint = {
  id: string;
  kind: ArDocumentKind;
  state: ArDocumentState;
  number: string | null;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  termsCode: string | null;
  termsName: string | null;
  /** basis points of the early-payment discount the terms give, when known */
  discountBp: number | null;
  discountDate: string | null;
  discountMinor: bigint;
  poNumber: string | null;
  salesOrderRef: string | null;
  memo: string | null;
  reason: string | null;
  voidedDate: string | null;
  relatedNumber: string | null;
  taxExemption: { certificateNumber: string; jurisdiction: string } | null;
  /** true when the document lowers what the customer owes (by its sign, not its kind) */
  credit: boolean;
  /** magnitudes */
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  /** what applications have settled (net of unapplications), and what is left */
  appliedMinor: bigint;
  balanceMinor: bigint;
  lines: LinePrint[];
};

const abs = (v: bigint) => (v < 0n ? -v : v);

/** Letter paper where it is the norm (US and Canadian dollar organizations), A4 elsewhere. */
function pageSizeFor(baseCurrency: string): PageSize {
  return baseCurrency === 'USD' || baseCurrency === 'CAD' ? 'LETTER' : 'A4';
}

export async function loadOrgPrint(db: Kysely<DB>, actor: Actor, now: Date): Promise<OrgPrint> {
  const org = await db
    .selectFrom('organizations')
    .select(['name', 'remit_to', 'invoice_footer', 'time_zone', 'base_currency'])
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  return {
    name: org.name,
    remitTo: org.remit_to,
    invoiceFooter: org.invoice_footer,
    timeZone: org.time_zone,
    pageSize: pageSizeFor(org.base_currency),
    today: todayIn(org.time_zone, now),
  };
}

/** "Austin, TX 78744", "Berlin 10115": the city, then region and postal code if any. */
function cityLine(city: string, region: string | null, postalCode: string | null): string {
  const rest = [region, postalCode].filter((p): p is string => !!p?.trim()).join(' ');
  return rest ? `${city}${region?.trim() ? ',' : ''} ${rest}` : city;
}

export async function loadCustomerPrint(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
): Promise<CustomerPrint> {
  const customer = await db
    .selectFrom('customers')
    .select(['id', 'name', 'legal_name', 'account_number', 'currency'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer) throw new NotFoundError(`Customer ${customerId} not found`);
  const address = await db
    .selectFrom('customer_addresses')
    .select(['line1', 'line2', 'city', 'region', 'postal_code', 'country'])
    .where('org_id', '=', actor.orgId)
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'billing')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return {
    id: customer.id,
    name: customer.name,
    legalName: customer.legal_name || customer.name,
    accountNumber: customer.account_number,
    currency: customer.currency,
    address: address
      ? [
          address.line1,
          address.line2,
          cityLine(address.city, address.region, address.postal_code),
          address.country,
        ].filter((l): l is string => !!l && l.trim() !== '')
      : [],
  };
}

/** One document of any kind with its lines and settlement, or 404 outside the organization. */
export async function loadDocumentPrint(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  kind?: ArDocumentKind,
): Promise<{ document: DocumentPrint; customerId: string }> {
  const orgId = actor.orgId;
  const row = await db
    .selectFrom('ar_documents as d')
    .leftJoin('payment_terms as t', (j) =>
      j.onRef('t.org_id', '=', 'd.org_id').onRef('t.code', '=', 'd.terms_code'),
    )
    .leftJoin('tax_certificates as c', (j) =>
      j.onRef('c.org_id', '=', 'd.org_id').onRef('c.id', '=', 'd.tax_exempt_certificate_id'),
    )
    .leftJoin('ar_documents as r', (j) =>
      j.onRef('r.org_id', '=', 'd.org_id').onRef('r.id', '=', 'd.related_document_id'),
    )
    .selectAll('d')
    .select([
      't.name as terms_name',
      't.discount_bp',
      'c.certificate_number',
      'c.jurisdiction as certificate_jurisdiction',
      'r.number as related_number',
    ])
    .select((eb) =>
      eb
        .selectFrom('ar_applications as a')
        .select(sql<bigint>`coalesce(sum(a.amount_minor), 0)::bigint`.as('applied'))
        .whereRef('a.org_id', '=', 'd.org_id')
        .where((w) =>
          w.or([
            w('a.debit_document_id', '=', w.ref('d.id')),
            w('a.credit_document_id', '=', w.ref('d.id')),
          ]),
        )
        .as('applied_minor'),
    )
    .where('d.org_id', '=', orgId)
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row || (kind && row.kind !== kind)) {
    throw new NotFoundError(`${kind ? kind.replace('_', ' ') : 'Document'} ${id} not found`);
  }
  const lines = await db
    .selectFrom('ar_document_lines')
    .select(['description', 'quantity', 'unit_price', 'tax_rate', 'amount_minor'])
    .where('org_id', '=', orgId)
    .where('document_id', '=', id)
    .orderBy('line_no')
    .execute();
  const total = abs(row.amount_minor);
  const applied = BigInt(row.applied_minor ?? 0n);
  return {
    customerId: row.customer_id,
    document: {
      id: row.id,
      kind: row.kind,
      state: row.state,
      number: row.number,
      currency: row.currency,
      issueDate: row.issue_date,
      dueDate: row.due_date,
      termsCode: row.terms_code,
      termsName: row.terms_name,
      discountBp: row.discount_bp,
      discountDate: row.discount_date,
      discountMinor: row.discount_minor,
      poNumber: row.po_number,
      salesOrderRef: row.sales_order_ref,
      memo: row.memo,
      reason: row.reason,
      voidedDate: row.voided_date,
      relatedNumber: row.related_number,
      taxExemption:
        row.tax_exempt_certificate_id && row.certificate_number
          ? {
              certificateNumber: row.certificate_number,
              jurisdiction: row.certificate_jurisdiction ?? '',
            }
          : null,
      credit: row.amount_minor < 0n,
      subtotalMinor: abs(row.subtotal_minor),
      taxMinor: abs(row.tax_minor),
      totalMinor: total,
      appliedMinor: abs(applied),
      // a draft is owed in full once posted; a voided document is owed nothing
      balanceMinor:
        row.state === 'draft' ? total : row.state === 'voided' ? 0n : abs(row.open_minor),
      lines: lines.map((l) => ({
        description: l.description,
        quantity: l.quantity,
        unitPrice: l.unit_price,
        taxRate: l.tax_rate,
        amountMinor: l.amount_minor,
      })),
    },
  };
}
