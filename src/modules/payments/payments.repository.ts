/**
 * Reads of payments: the list (keyset-paged, newest first) and the detail with everything the
 * payment touched (applications, its documents, deductions, the bank line it came from).
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  DB,
  DeductionsTable,
  PaymentKind,
  PaymentMethod,
  PaymentsTable,
  ReversalKind,
} from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';
import {
  decodeCursor,
  decodeTimeCursor,
  encodeCursor,
  encodeTimeCursor,
  likeTerm,
} from '../../shared/paging.ts';

/** What a receipt says when it is recorded; the rest of its row is the same for every new one. */
export type NewPayment = Omit<
  Insertable<PaymentsTable>,
  | 'status'
  | 'reversed_date'
  | 'reversal_kind'
  | 'reversal_reason'
  | 'fee_document_id'
  | 'created_by_name'
  | 'created_at'
  | 'updated_at'
>;

/** The row of a receipt recorded now by `actor`: posted, not reversed, no returned-item fee. */
export function newPaymentRow(
  actor: Pick<Actor, 'name'>,
  now: Date,
  payment: NewPayment,
): Insertable<PaymentsTable> {
  return {
    ...payment,
    status: 'posted',
    reversed_date: null,
    reversal_kind: null,
    reversal_reason: null,
    fee_document_id: null,
    created_by_name: actor.name,
    created_at: now,
    updated_at: now,
  };
}

export const PAYMENT_STATUSES = [
  'unidentified',
  'unapplied',
  'partially_applied',
  'applied',
  'reversed',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type PaymentSummaryDto = {
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
};

function paymentStatus(p: {
  status: string;
  customer_id: string | null;
  amount_minor: bigint;
  unapplied_minor: bigint;
}): PaymentStatus {
  if (p.status === 'reversed') return 'reversed';
  if (!p.customer_id) return 'unidentified';
  if (p.unapplied_minor === 0n) return 'applied';
  return p.unapplied_minor === p.amount_minor ? 'unapplied' : 'partially_applied';
}

function summarySelect(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('payments as p')
    .leftJoin('customers as c', (j) =>
      j.onRef('c.org_id', '=', 'p.org_id').onRef('c.id', '=', 'p.customer_id'),
    )
    .select([
      'p.id',
      'p.number',
      'p.kind',
      'p.method',
      'p.status',
      'p.customer_id',
      'c.name as customer_name',
      'p.currency',
      'p.amount_minor',
      'p.received_date',
      'p.reference',
      'p.payer_name',
      'p.deposit_batch_id',
      'p.bank_account_id',
      unappliedOfPayment().as('unapplied_minor'),
    ])
    .where('p.org_id', '=', orgId);
}

/** What of payment `p` is not applied: held money and what its payment documents have open. */
function unappliedOfPayment() {
  return sql<bigint>`(p.held_minor - coalesce((
    select sum(d.open_minor) from ar_documents d
    where d.org_id = p.org_id and d.payment_id = p.id and d.kind = 'payment' and d.state = 'posted'
  ), 0))`;
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summarySelect>['execute']>>[number];

function summaryDto(r: SummaryRow): PaymentSummaryDto {
  const unapplied = BigInt(r.unapplied_minor);
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    method: r.method,
    status: paymentStatus({ ...r, unapplied_minor: unapplied }),
    customerId: r.customer_id,
    customerName: r.customer_name,
    currency: r.currency,
    amount: formatAmount(r.amount_minor, r.currency),
    unappliedAmount: formatAmount(r.status === 'reversed' ? 0n : unapplied, r.currency),
    receivedDate: r.received_date,
    reference: r.reference,
    payerName: r.payer_name,
    depositBatchId: r.deposit_batch_id,
    bankAccountId: r.bank_account_id,
  };
}

export type PaymentListQuery = {
  customerId?: string | undefined;
  status?: PaymentStatus | undefined;
  method?: PaymentMethod | undefined;
  depositBatchId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
};

export async function listPayments(
  db: Kysely<DB>,
  actor: Actor,
  query: PaymentListQuery,
): Promise<{ items: PaymentSummaryDto[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let q = summarySelect(db, actor.orgId);
  if (query.customerId) q = q.where('p.customer_id', '=', query.customerId);
  if (query.method) q = q.where('p.method', '=', query.method);
  if (query.depositBatchId) q = q.where('p.deposit_batch_id', '=', query.depositBatchId);
  if (query.from) q = q.where('p.received_date', '>=', query.from);
  if (query.to) q = q.where('p.received_date', '<=', query.to);
  if (query.status === 'reversed') q = q.where('p.status', '=', 'reversed');
  else if (query.status) q = q.where('p.status', '=', 'posted');
  if (query.status === 'unidentified') q = q.where('p.customer_id', 'is', null);
  else if (query.status && query.status !== 'reversed') {
    // the applied statuses, as paymentStatus derives them
    const unapplied = unappliedOfPayment();
    q = q.where('p.customer_id', 'is not', null);
    if (query.status === 'applied') q = q.where(sql<boolean>`${unapplied} = 0`);
    else if (query.status === 'unapplied') q = q.where(sql<boolean>`${unapplied} = p.amount_minor`);
    else q = q.where(sql<boolean>`${unapplied} not in (0, p.amount_minor)`);
  }
  if (query.q?.trim()) {
    const term = likeTerm(query.q);
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['p.number']), 'like', term),
        eb(eb.fn('lower', ['p.reference']), 'like', term),
        eb(eb.fn('lower', ['p.payer_name']), 'like', term),
        eb(eb.fn('lower', ['c.name']), 'like', term),
      ]),
    );
  }
  if (query.cursor) {
    const [date, id] = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('p.received_date', '<', date),
        eb.and([eb('p.received_date', '=', date), eb('p.id', '<', id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('p.received_date', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(summaryDto);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.receivedDate, last.id) : null,
  };
}

export type PaymentDetailDto = PaymentSummaryDto & {
  heldAmount: string;
  appliedAmount: string;
  payerAccount: string | null;
  memo: string | null;
  externalId: string | null;
  depositBatchNumber: string | null;
  bankAccountName: string | null;
  reversedDate: string | null;
  reversalKind: ReversalKind | null;
  reversalReason: string | null;
  feeDocumentId: string | null;
  createdBy: string;
  createdAt: string;
  applications: Array<{
    id: string;
    documentId: string;
    documentKind: string;
    documentNumber: string | null;
    /** cash from the payment, a discount it took, or a short pay it wrote off */
    via: 'cash' | 'discount' | 'write_off';
    sourceDocumentId: string;
    sourceNumber: string | null;
    amount: string;
    date: string;
    reason: string | null;
    reversesApplicationId: string | null;
    reversed: boolean;
  }>;
  documents: Array<{
    id: string;
    kind: string;
    number: string | null;
    state: string;
    amount: string;
    open: string;
    date: string;
  }>;
  deductions: Array<{
    id: string;
    documentId: string;
    documentNumber: string | null;
    amount: string;
    openAmount: string;
    reasonCode: string;
    note: string | null;
    status: 'open' | 'settled' | 'resolved';
    resolution: string | null;
  }>;
  statementLine: {
    id: string;
    statementId: string;
    lineNo: number;
    bookingDate: string | null;
    amount: string;
    counterpartyName: string | null;
    remittanceInfo: string | null;
  } | null;
};

export async function getPaymentDetail(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
): Promise<PaymentDetailDto> {
  const row = await summarySelect(db, actor.orgId)
    .leftJoin('deposit_batches as b', (j) =>
      j.onRef('b.org_id', '=', 'p.org_id').onRef('b.id', '=', 'p.deposit_batch_id'),
    )
    .leftJoin('bank_accounts as ba', (j) =>
      j.onRef('ba.org_id', '=', 'p.org_id').onRef('ba.id', '=', 'p.bank_account_id'),
    )
    .select([
      'p.held_minor',
      'p.payer_account',
      'p.memo',
      'p.external_id',
      'p.reversed_date',
      'p.reversal_kind',
      'p.reversal_reason',
      'p.fee_document_id',
      'p.created_by_name',
      'p.created_at',
      'b.number as batch_number',
      'ba.name as bank_account_name',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Payment ${id} not found`);
  const c = row.currency;
  const summary = summaryDto(row);
  const docs = await db
    .selectFrom('ar_documents')
    .select(['id', 'kind', 'number', 'state', 'amount_minor', 'open_minor', 'issue_date'])
    .where('org_id', '=', actor.orgId)
    .where('payment_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const docIds = docs.map((d) => d.id);
  const applications = docIds.length
    ? await db
        .selectFrom('ar_applications as a')
        .innerJoin('ar_documents as d', (j) =>
          j.onRef('d.org_id', '=', 'a.org_id').onRef('d.id', '=', 'a.debit_document_id'),
        )
        .innerJoin('ar_documents as s', (j) =>
          j.onRef('s.org_id', '=', 'a.org_id').onRef('s.id', '=', 'a.credit_document_id'),
        )
        .select([
          'a.id',
          'a.debit_document_id',
          'd.kind as debit_kind',
          'd.number as debit_number',
          'a.credit_document_id',
          's.kind as source_kind',
          's.number as source_number',
          'a.amount_minor',
          'a.effective_date',
          'a.reason',
          'a.reverses_application_id',
          sql<boolean>`exists (select 1 from ar_applications r where r.org_id = a.org_id and r.reverses_application_id = a.id)`.as(
            'reversed',
          ),
        ])
        .where('a.org_id', '=', actor.orgId)
        .where('a.credit_document_id', 'in', docIds)
        .orderBy('a.created_at')
        .orderBy('a.id')
        .execute()
    : [];
  const deductions = await db
    .selectFrom('deductions as x')
    .innerJoin('ar_documents as d', (j) =>
      j.onRef('d.org_id', '=', 'x.org_id').onRef('d.id', '=', 'x.document_id'),
    )
    .select([
      'x.id',
      'x.document_id',
      'd.number',
      'x.amount_minor',
      'x.open_minor',
      'x.reason_code',
      'x.note',
      'x.status',
      'x.resolution',
    ])
    .where('x.org_id', '=', actor.orgId)
    .where('x.payment_id', '=', id)
    .orderBy('x.created_at')
    .execute();
  const line = await db
    .selectFrom('bank_statement_lines')
    .select([
      'id',
      'statement_id',
      'line_no',
      'booking_date',
      'amount_minor',
      'currency',
      'counterparty_name',
      'remittance_info',
    ])
    .where('org_id', '=', actor.orgId)
    .where('payment_id', '=', id)
    .executeTakeFirst();
  const held = row.status === 'reversed' ? 0n : row.held_minor;
  const unapplied = row.status === 'reversed' ? 0n : BigInt(row.unapplied_minor);
  return {
    ...summary,
    heldAmount: formatAmount(held, c),
    appliedAmount: formatAmount(row.status === 'reversed' ? 0n : row.amount_minor - unapplied, c),
    payerAccount: row.payer_account,
    memo: row.memo,
    externalId: row.external_id,
    depositBatchNumber: row.batch_number,
    bankAccountName: row.bank_account_name,
    reversedDate: row.reversed_date,
    reversalKind: row.reversal_kind,
    reversalReason: row.reversal_reason,
    feeDocumentId: row.fee_document_id,
    createdBy: row.created_by_name,
    createdAt: row.created_at.toISOString(),
    applications: applications.map((a) => ({
      id: a.id,
      documentId: a.debit_document_id,
      documentKind: a.debit_kind,
      documentNumber: a.debit_number,
      via:
        a.source_kind === 'discount'
          ? 'discount'
          : a.source_kind === 'write_off'
            ? 'write_off'
            : 'cash',
      sourceDocumentId: a.credit_document_id,
      sourceNumber: a.source_number,
      amount: formatAmount(a.amount_minor, c),
      date: a.effective_date,
      reason: a.reason,
      reversesApplicationId: a.reverses_application_id,
      reversed: Boolean(a.reversed),
    })),
    documents: docs.map((d) => ({
      id: d.id,
      kind: d.kind,
      number: d.number,
      state: d.state,
      amount: formatAmount(d.amount_minor, c),
      open: formatAmount(d.open_minor, c),
      date: d.issue_date,
    })),
    deductions: deductions.map((d) => ({
      id: d.id,
      documentId: d.document_id,
      documentNumber: d.number,
      ...deductionFigures(d, c),
    })),
    statementLine: line
      ? {
          id: line.id,
          statementId: line.statement_id,
          lineNo: line.line_no,
          bookingDate: line.booking_date,
          amount: formatAmount(line.amount_minor, line.currency),
          counterpartyName: line.counterparty_name,
          remittanceInfo: line.remittance_info,
        }
      : null,
  };
}

/** What a deduction claimed, what it still holds, why, and where it stands. */
function deductionFigures(
  d: Pick<
    Selectable<DeductionsTable>,
    'amount_minor' | 'open_minor' | 'reason_code' | 'note' | 'status' | 'resolution'
  >,
  currency: string,
) {
  return {
    amount: formatAmount(d.amount_minor, currency),
    openAmount: formatAmount(d.open_minor, currency),
    reasonCode: d.reason_code,
    note: d.note,
    status: d.status,
    resolution: d.resolution,
  };
}

/** Short pays kept as deductions, newest first, a page at a time (cursor: created time, id). */
export async function listDeductions(
  db: Kysely<DB>,
  actor: Actor,
  query: {
    status?: 'open' | 'settled' | 'resolved' | undefined;
    customerId?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
) {
  let q = db
    .selectFrom('deductions as x')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.org_id', '=', 'x.org_id').onRef('c.id', '=', 'x.customer_id'),
    )
    .innerJoin('ar_documents as d', (j) =>
      j.onRef('d.org_id', '=', 'x.org_id').onRef('d.id', '=', 'x.document_id'),
    )
    .leftJoin('payments as p', (j) =>
      j.onRef('p.org_id', '=', 'x.org_id').onRef('p.id', '=', 'x.payment_id'),
    )
    .select([
      'x.id',
      'x.customer_id',
      'c.name as customer_name',
      'x.document_id',
      'd.number as document_number',
      'x.payment_id',
      'p.number as payment_number',
      'x.currency',
      'x.amount_minor',
      'x.open_minor',
      'x.reason_code',
      'x.note',
      'x.status',
      'x.resolution',
      'x.created_at',
    ])
    .where('x.org_id', '=', actor.orgId);
  if (query.status) q = q.where('x.status', '=', query.status);
  if (query.customerId) q = q.where('x.customer_id', '=', query.customerId);
  if (query.cursor) {
    const [at, id] = decodeTimeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('x.created_at', '<', at),
        eb.and([eb('x.created_at', '=', at), eb('x.id', '<', id)]),
      ]),
    );
  }
  const limit = query.limit ?? 100;
  const found = await q
    .orderBy('x.created_at', 'desc')
    .orderBy('x.id', 'desc')
    .limit(limit + 1)
    .execute();
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  return {
    nextCursor: found.length > limit && last ? encodeTimeCursor(last.created_at, last.id) : null,
    items: rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      customerName: r.customer_name,
      documentId: r.document_id,
      documentNumber: r.document_number,
      paymentId: r.payment_id,
      paymentNumber: r.payment_number,
      currency: r.currency,
      ...deductionFigures(r, r.currency),
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/**
 * Per document, the early-payment discount its discount documents granted (their sum: credits,
 * so negative), counting those not voided (a reversed payment voids its own) wherever they are
 * applied now. A document offers its discount once, whether it is paid in one payment or in
 * several. A query to filter (by document) or to join (against the open book).
 */
export function grantedDiscounts(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('ar_documents')
    .select(['related_document_id', sql<string>`sum(amount_minor)`.as('granted')])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'discount')
    .where('state', '=', 'posted')
    .where('related_document_id', 'is not', null)
    .groupBy('related_document_id');
}

/** The early-payment discount already granted on each of `documentIds`, as a positive amount. */
export async function discountsTaken(
  db: Kysely<DB>,
  orgId: string,
  documentIds: readonly string[],
): Promise<Map<string, bigint>> {
  const taken = new Map<string, bigint>();
  for (let i = 0; i < documentIds.length; i += 10000) {
    const rows = await grantedDiscounts(db, orgId)
      .where('related_document_id', 'in', documentIds.slice(i, i + 10000))
      .execute();
    for (const r of rows) {
      if (r.related_document_id !== null) taken.set(r.related_document_id, -BigInt(r.granted));
    }
  }
  return taken;
}
