/** Reads of AR documents: one document whole, and filtered, keyset-paged lists. */
import { decodeCursor, encodeCursor, likeTerm } from '../../shared/paging.ts';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { ArDocumentKind, DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { compareDates, daysBetween, type IsoDate } from '../../shared/dates.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';

export const DOCUMENT_STATUSES = [
  'draft',
  'open',
  'partially_paid',
  'paid',
  'written_off',
  'voided',
  'unapplied',
  'partially_applied',
  'applied',
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

type StatusFields = {
  state: 'draft' | 'posted' | 'voided';
  amount_minor: bigint;
  open_minor: bigint;
  written_off: boolean;
};

/**
 * A document's status follows from its state and balances: a debit document (the customer
 * owes) is open, partially paid, paid or written off; a credit is unapplied, partially applied
 * or applied.
 */
export function documentStatus(d: StatusFields): DocumentStatus {
  if (d.state === 'draft') return 'draft';
  if (d.state === 'voided') return 'voided';
  if (d.amount_minor >= 0n) {
    if (d.open_minor === 0n) return d.written_off ? 'written_off' : 'paid';
    return d.open_minor === d.amount_minor ? 'open' : 'partially_paid';
  }
  if (d.open_minor === 0n) return 'applied';
  return d.open_minor === d.amount_minor ? 'unapplied' : 'partially_applied';
}

/** The SQL condition for one status, the same rules as {@link documentStatus}. */
function statusCondition(
  eb: ExpressionBuilder<DB, 'ar_documents'>,
  status: DocumentStatus,
): Expression<SqlBool> {
  const posted = eb('state', '=', 'posted');
  const debit = eb('amount_minor', '>=', 0n);
  const credit = eb('amount_minor', '<', 0n);
  switch (status) {
    case 'draft':
    case 'voided':
      return eb('state', '=', status);
    case 'open':
      return eb.and([
        posted,
        debit,
        eb('open_minor', '<>', 0n),
        eb('open_minor', '=', eb.ref('amount_minor')),
      ]);
    case 'partially_paid':
      return eb.and([
        posted,
        debit,
        eb('open_minor', '<>', 0n),
        eb('open_minor', '<>', eb.ref('amount_minor')),
      ]);
    case 'paid':
      return eb.and([posted, debit, eb('open_minor', '=', 0n), eb('written_off', '=', false)]);
    case 'written_off':
      return eb.and([posted, debit, eb('open_minor', '=', 0n), eb('written_off', '=', true)]);
    case 'unapplied':
      return eb.and([posted, credit, eb('open_minor', '=', eb.ref('amount_minor'))]);
    case 'partially_applied':
      return eb.and([
        posted,
        credit,
        eb('open_minor', '<>', 0n),
        eb('open_minor', '<>', eb.ref('amount_minor')),
      ]);
    case 'applied':
      return eb.and([posted, credit, eb('open_minor', '=', 0n)]);
  }
}

const abs = (v: bigint) => (v < 0n ? -v : v);

export type DocumentSummaryDto = {
  id: string;
  kind: ArDocumentKind;
  number: string | null;
  status: DocumentStatus;
  customerId: string;
  customerName: string;
  customerAccountNumber: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  /** magnitudes: what the document is for, and what of it is still open */
  total: string;
  openBalance: string;
  /** +1 when the document raises what the customer owes, -1 when it lowers it */
  direction: 1 | -1;
  daysOverdue: number;
  overdue: boolean;
  poNumber: string | null;
  externalId: string | null;
  /** the early-payment discount a payment on or before discountDate may take */
  discountDate: string | null;
  discountAmount: string;
};

type SummaryRow = {
  id: string;
  kind: ArDocumentKind;
  number: string | null;
  state: 'draft' | 'posted' | 'voided';
  customer_id: string;
  customer_name: string;
  account_number: string;
  currency: string;
  issue_date: string;
  due_date: string | null;
  amount_minor: bigint;
  open_minor: bigint;
  written_off: boolean;
  po_number: string | null;
  external_id: string | null;
  discount_date: string | null;
  discount_minor: bigint;
};

export function summaryDto(row: SummaryRow, today: IsoDate): DocumentSummaryDto {
  const overdue =
    row.state === 'posted' &&
    row.open_minor > 0n &&
    row.due_date !== null &&
    compareDates(row.due_date as IsoDate, today) < 0;
  return {
    id: row.id,
    kind: row.kind,
    number: row.number,
    status: documentStatus(row),
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerAccountNumber: row.account_number,
    currency: row.currency,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    total: formatAmount(abs(row.amount_minor), row.currency),
    openBalance: formatAmount(abs(row.open_minor), row.currency),
    direction: row.amount_minor < 0n ? -1 : 1,
    daysOverdue: overdue ? daysBetween(row.due_date as IsoDate, today) : 0,
    overdue,
    poNumber: row.po_number,
    externalId: row.external_id,
    discountDate: row.discount_date,
    discountAmount: formatAmount(row.discount_minor, row.currency),
  };
}

function summarySelect(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('ar_documents as d')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.org_id', '=', 'd.org_id').onRef('c.id', '=', 'd.customer_id'),
    )
    .select([
      'd.id',
      'd.kind',
      'd.number',
      'd.state',
      'd.customer_id',
      'c.name as customer_name',
      'c.account_number',
      'd.currency',
      'd.issue_date',
      'd.due_date',
      'd.amount_minor',
      'd.open_minor',
      'd.written_off',
      'd.po_number',
      'd.external_id',
      'd.discount_date',
      'd.discount_minor',
    ])
    .where('d.org_id', '=', orgId);
}

export type DocumentListQuery = {
  kind?: ArDocumentKind | ArDocumentKind[] | undefined;
  customerId?: string | undefined;
  status?: DocumentStatus[] | undefined;
  overdue?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
};

/** Newest first (issue date, then id), keyset-paged. */
export async function listDocuments(
  db: Kysely<DB>,
  actor: Actor,
  query: DocumentListQuery,
  today: IsoDate,
): Promise<{ items: DocumentSummaryDto[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let q = summarySelect(db, actor.orgId);
  if (query.kind) {
    const kinds = Array.isArray(query.kind) ? query.kind : [query.kind];
    q = q.where('d.kind', 'in', kinds);
  }
  if (query.customerId) q = q.where('d.customer_id', '=', query.customerId);
  if (query.status && query.status.length > 0) {
    const statuses = query.status;
    q = q.where((eb) =>
      eb.or(
        statuses.map((s) =>
          statusCondition(eb as unknown as ExpressionBuilder<DB, 'ar_documents'>, s),
        ),
      ),
    );
  }
  if (query.overdue !== undefined) {
    // coalesce: a document without a due date is not overdue (and so is in "not overdue")
    const cond = sql<boolean>`coalesce(d.state = 'posted' and d.open_minor > 0 and d.due_date < ${today}, false)`;
    q = q.where(query.overdue ? cond : sql<boolean>`not ${cond}`);
  }
  if (query.from) q = q.where('d.issue_date', '>=', query.from);
  if (query.to) q = q.where('d.issue_date', '<=', query.to);
  if (query.dueFrom) q = q.where('d.due_date', '>=', query.dueFrom);
  if (query.dueTo) q = q.where('d.due_date', '<=', query.dueTo);
  if (query.q?.trim()) {
    const term = likeTerm(query.q);
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['d.number']), 'like', term),
        eb(eb.fn('lower', ['d.po_number']), 'like', term),
        eb(eb.fn('lower', ['d.external_id']), 'like', term),
        eb(eb.fn('lower', ['c.name']), 'like', term),
      ]),
    );
  }
  if (query.cursor) {
    const [date, id] = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('d.issue_date', '<', date),
        eb.and([eb('d.issue_date', '=', date), eb('d.id', '<', id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('d.issue_date', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summaryDto(r, today)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.issue_date, last.id) : null,
  };
}

export type DocumentDetailDto = DocumentSummaryDto & {
  state: 'draft' | 'posted' | 'voided';
  termsCode: string | null;
  discountDate: string | null;
  discountAmount: string;
  subtotal: string;
  tax: string;
  taxJurisdiction: string | null;
  taxExemptCertificate: string | null;
  salesOrderRef: string | null;
  reason: string | null;
  memo: string | null;
  relatedDocument: { id: string; kind: ArDocumentKind; number: string | null } | null;
  offsetAccountCode: string | null;
  refundMethod: string | null;
  refundReference: string | null;
  writtenOff: boolean;
  openingBalance: boolean;
  voidedDate: string | null;
  voidReason: string | null;
  createdBy: string;
  createdAt: string;
  lines: Array<{
    lineNo: number;
    description: string;
    quantity: string;
    unitPrice: string;
    taxRate: string;
    amount: string;
    tax: string;
    accountCode: string;
  }>;
  applications: Array<{
    id: string;
    date: string;
    amount: string;
    /** the document on the other side */
    documentId: string;
    documentKind: ArDocumentKind;
    documentNumber: string | null;
    reversesApplicationId: string | null;
    reversed: boolean;
    reason: string | null;
    by: string;
  }>;
  journalEntries: Array<{
    id: string;
    date: string;
    recordedAt: string;
    kind: string;
    description: string;
    reversesEntryId: string | null;
    lines: Array<{ accountCode: string; accountName: string; debit: string; credit: string }>;
  }>;
  relatedDocuments: Array<{
    id: string;
    kind: ArDocumentKind;
    number: string | null;
    total: string;
    status: DocumentStatus;
  }>;
};

export async function getDocumentDetail(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  today: IsoDate,
): Promise<DocumentDetailDto> {
  const orgId = actor.orgId;
  const row = await summarySelect(db, orgId)
    .select([
      'd.terms_code',
      'd.discount_date',
      'd.discount_minor',
      'd.subtotal_minor',
      'd.tax_minor',
      'd.tax_jurisdiction',
      'd.tax_exempt_certificate_id',
      'd.sales_order_ref',
      'd.reason',
      'd.memo',
      'd.related_document_id',
      'd.offset_account_id',
      'd.refund_method',
      'd.refund_reference',
      'd.opening_balance',
      'd.voided_date',
      'd.void_reason',
      'd.created_by_name',
      'd.created_at',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Document ${id} not found`);
  const cur = row.currency;
  const [lines, applications, related, certificate, offset, relatedDoc] = await Promise.all([
    db
      .selectFrom('ar_document_lines as l')
      .innerJoin('accounts as a', (j) =>
        j.onRef('a.org_id', '=', 'l.org_id').onRef('a.id', '=', 'l.account_id'),
      )
      .select([
        'l.line_no',
        'l.description',
        'l.quantity',
        'l.unit_price',
        'l.tax_rate',
        'l.amount_minor',
        'l.tax_minor',
        'a.code',
      ])
      .where('l.org_id', '=', orgId)
      .where('l.document_id', '=', id)
      .orderBy('l.line_no')
      .execute(),
    db
      .selectFrom('ar_applications as p')
      .innerJoin('ar_documents as o', (j) =>
        j
          .onRef('o.org_id', '=', 'p.org_id')
          .on((eb) =>
            eb.or([
              eb.and([
                eb('p.debit_document_id', '=', id),
                eb('o.id', '=', eb.ref('p.credit_document_id')),
              ]),
              eb.and([
                eb('p.credit_document_id', '=', id),
                eb('o.id', '=', eb.ref('p.debit_document_id')),
              ]),
            ]),
          ),
      )
      .select([
        'p.id',
        'p.effective_date',
        'p.amount_minor',
        'p.reverses_application_id',
        'p.reason',
        'p.actor_name',
        'p.created_at',
        'o.id as other_id',
        'o.kind as other_kind',
        'o.number as other_number',
      ])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('ar_applications as r')
              .select('r.id')
              .whereRef('r.org_id', '=', 'p.org_id')
              .whereRef('r.reverses_application_id', '=', 'p.id'),
          )
          .as('reversed'),
      )
      .where('p.org_id', '=', orgId)
      .where((eb) =>
        eb.or([eb('p.debit_document_id', '=', id), eb('p.credit_document_id', '=', id)]),
      )
      .orderBy('p.created_at')
      .execute(),
    db
      .selectFrom('ar_documents')
      .select(['id', 'kind', 'number', 'state', 'amount_minor', 'open_minor', 'written_off'])
      .where('org_id', '=', orgId)
      .where('related_document_id', '=', id)
      .orderBy('created_at')
      .execute(),
    row.tax_exempt_certificate_id
      ? db
          .selectFrom('tax_certificates')
          .select('certificate_number')
          .where('org_id', '=', orgId)
          .where('id', '=', row.tax_exempt_certificate_id)
          .executeTakeFirst()
      : undefined,
    row.offset_account_id
      ? db
          .selectFrom('accounts')
          .select('code')
          .where('org_id', '=', orgId)
          .where('id', '=', row.offset_account_id)
          .executeTakeFirst()
      : undefined,
    row.related_document_id
      ? db
          .selectFrom('ar_documents')
          .select(['id', 'kind', 'number'])
          .where('org_id', '=', orgId)
          .where('id', '=', row.related_document_id)
          .executeTakeFirst()
      : undefined,
  ]);
  // the document's own entries and those of its applications: two index look-ups (by
  // document and by application id), not a scan of the organization's journal
  const applicationIds = applications.map((a) => a.id);
  const entries = await db
    .selectFrom('journal_entries as e')
    .selectAll('e')
    .where('e.org_id', '=', orgId)
    .where((eb) =>
      applicationIds.length === 0
        ? eb('e.document_id', '=', id)
        : eb.or([eb('e.document_id', '=', id), eb('e.application_id', 'in', applicationIds)]),
    )
    .orderBy('e.seq')
    .execute();
  const entryLines =
    entries.length === 0
      ? []
      : await db
          .selectFrom('journal_lines as l')
          .innerJoin('accounts as a', (j) =>
            j.onRef('a.org_id', '=', 'l.org_id').onRef('a.id', '=', 'l.account_id'),
          )
          .select([
            'l.entry_id',
            'l.line_no',
            'a.code',
            'a.name',
            'l.debit_minor',
            'l.credit_minor',
          ])
          .where('l.org_id', '=', orgId)
          .where(
            'l.entry_id',
            'in',
            entries.map((e) => e.id),
          )
          .orderBy('l.entry_id')
          .orderBy('l.line_no')
          .execute();
  return {
    ...summaryDto(row, today),
    state: row.state,
    termsCode: row.terms_code,
    discountDate: row.discount_date,
    discountAmount: formatAmount(row.discount_minor, cur),
    subtotal: formatAmount(abs(row.subtotal_minor), cur),
    tax: formatAmount(abs(row.tax_minor), cur),
    taxJurisdiction: row.tax_jurisdiction,
    taxExemptCertificate: certificate?.certificate_number ?? null,
    salesOrderRef: row.sales_order_ref,
    reason: row.reason,
    memo: row.memo,
    relatedDocument: relatedDoc ?? null,
    offsetAccountCode: offset?.code ?? null,
    refundMethod: row.refund_method,
    refundReference: row.refund_reference,
    writtenOff: row.written_off,
    openingBalance: row.opening_balance,
    voidedDate: row.voided_date,
    voidReason: row.void_reason,
    createdBy: row.created_by_name,
    createdAt: row.created_at.toISOString(),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      taxRate: l.tax_rate,
      amount: formatAmount(l.amount_minor, cur),
      tax: formatAmount(l.tax_minor, cur),
      accountCode: l.code,
    })),
    applications: applications.map((a) => ({
      id: a.id,
      date: a.effective_date,
      amount: formatAmount(a.amount_minor, cur),
      documentId: a.other_id,
      documentKind: a.other_kind,
      documentNumber: a.other_number,
      reversesApplicationId: a.reverses_application_id,
      reversed: Boolean(a.reversed),
      reason: a.reason,
      by: a.actor_name,
    })),
    journalEntries: entries.map((e) => ({
      id: e.id,
      date: e.effective_date,
      recordedAt: e.recorded_at.toISOString(),
      kind: e.kind,
      description: e.description,
      reversesEntryId: e.reverses_entry_id,
      lines: entryLines
        .filter((l) => l.entry_id === e.id)
        .map((l) => ({
          accountCode: l.code,
          accountName: l.name,
          debit: formatAmount(l.debit_minor, e.currency),
          credit: formatAmount(l.credit_minor, e.currency),
        })),
    })),
    relatedDocuments: related.map((r) => ({
      id: r.id,
      kind: r.kind,
      number: r.number,
      total: formatAmount(abs(r.amount_minor), cur),
      status: documentStatus(r),
    })),
  };
}
