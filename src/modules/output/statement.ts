/**
 * Open items as of a date, and the customer statement built from them. What was open on a past
 * date is derived from the documents and the applications dated on or before it, never from
 * the cached `open_minor` (which is what is open now).
 */
import { sql, type Kysely } from 'kysely';
import type { ArDocumentKind, DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { daysBetween, type IsoDate } from '../../shared/dates.ts';
import { formatAmount, sumMinor } from '../../shared/money.ts';
import { loadCustomerPrint, type CustomerPrint } from './print-data.ts';

export type OpenItem = {
  documentId: string;
  customerId: string;
  kind: ArDocumentKind;
  number: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  /** signed: positive = the customer owes, negative = a credit */
  amountMinor: bigint;
  openMinor: bigint;
};

export type OpenItemsFilter = {
  asOf: IsoDate;
  customerId?: string | undefined;
  currency?: string | undefined;
};

/**
 * Every document open at the end of `asOf`: issued on or before it, not a draft, not voided
 * by then, with its amount less the applications dated on or before it (an unapplication is a
 * negative application, so it counts back in). Credits come out negative. Ordered by customer,
 * due date, issue date and number.
 */
export async function openItemsAsOf(
  db: Kysely<DB>,
  orgId: string,
  filter: OpenItemsFilter,
): Promise<OpenItem[]> {
  const { asOf } = filter;
  let documents = db
    .selectFrom('ar_documents as d')
    .select([
      'd.id',
      'd.customer_id',
      'd.kind',
      'd.number',
      'd.currency',
      'd.issue_date',
      'd.due_date',
      'd.amount_minor',
    ])
    .select(
      sql<bigint>`(d.amount_minor
        - coalesce((select sum(a.amount_minor) from ar_applications a
            where a.org_id = d.org_id and a.debit_document_id = d.id
              and a.effective_date <= ${asOf}), 0)
        + coalesce((select sum(a.amount_minor) from ar_applications a
            where a.org_id = d.org_id and a.credit_document_id = d.id
              and a.effective_date <= ${asOf}), 0))::bigint`.as('open_minor'),
    )
    .where('d.org_id', '=', orgId)
    .where('d.state', '<>', 'draft')
    .where('d.issue_date', '<=', asOf)
    .where((eb) => eb.or([eb('d.voided_date', 'is', null), eb('d.voided_date', '>', asOf)]));
  if (filter.customerId) documents = documents.where('d.customer_id', '=', filter.customerId);
  if (filter.currency) documents = documents.where('d.currency', '=', filter.currency);
  const rows = await db
    .selectFrom(documents.as('o'))
    .selectAll('o')
    .where('o.open_minor', '<>', 0n)
    .orderBy('o.customer_id')
    .orderBy(sql`coalesce(o.due_date, o.issue_date)`)
    .orderBy('o.issue_date')
    .orderBy('o.number')
    .execute();
  return rows.map((r) => ({
    documentId: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    number: r.number ?? '',
    currency: r.currency,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    amountMinor: BigInt(r.amount_minor),
    openMinor: BigInt(r.open_minor),
  }));
}

export const AGING_BUCKETS = [
  'current',
  'days1to30',
  'days31to60',
  'days61to90',
  'over90',
] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/**
 * Days past due at `asOf` (never negative). A debit is due on its due date (its issue date
 * when it has none); a credit is never past due.
 */
export function daysOverdue(item: OpenItem, asOf: IsoDate): number {
  if (item.openMinor < 0n) return 0;
  const due = (item.dueDate ?? item.issueDate) as IsoDate;
  return Math.max(0, daysBetween(due, asOf));
}

export function agingBucket(days: number): AgingBucket {
  if (days <= 0) return 'current';
  if (days <= 30) return 'days1to30';
  if (days <= 60) return 'days31to60';
  if (days <= 90) return 'days61to90';
  return 'over90';
}

/** Sums open amounts into the aging buckets; the buckets add up to the total by construction. */
export function ageOpenItems(
  items: readonly OpenItem[],
  asOf: IsoDate,
): { buckets: Record<AgingBucket, bigint>; totalMinor: bigint } {
  const buckets = Object.fromEntries(AGING_BUCKETS.map((b) => [b, 0n])) as Record<
    AgingBucket,
    bigint
  >;
  for (const item of items) buckets[agingBucket(daysOverdue(item, asOf))] += item.openMinor;
  const totalMinor = sumMinor(items.map((i) => i.openMinor));
  return { buckets, totalMinor };
}

export type Statement = {
  customer: CustomerPrint;
  asOf: IsoDate;
  currency: string;
  items: Array<OpenItem & { daysOverdue: number }>;
  aging: Record<AgingBucket, bigint>;
  balanceMinor: bigint;
};

/** The open-item statement of one customer in their billing currency. */
export async function buildStatement(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  asOf: IsoDate,
): Promise<Statement> {
  const customer = await loadCustomerPrint(db, actor, customerId);
  const items = await openItemsAsOf(db, actor.orgId, {
    asOf,
    customerId,
    currency: customer.currency,
  });
  const { buckets, totalMinor } = ageOpenItems(items, asOf);
  return {
    customer,
    asOf,
    currency: customer.currency,
    items: items.map((i) => ({ ...i, daysOverdue: daysOverdue(i, asOf) })),
    aging: buckets,
    balanceMinor: totalMinor,
  };
}

export type StatementDto = {
  customerId: string;
  asOf: string;
  currency: string;
  items: Array<{
    documentId: string;
    kind: ArDocumentKind;
    number: string;
    issueDate: string;
    dueDate: string | null;
    daysOverdue: number;
    total: string;
    open: string;
  }>;
  aging: Record<AgingBucket, string>;
  balance: string;
};

export function statementDto(s: Statement): StatementDto {
  const amount = (minor: bigint) => formatAmount(minor, s.currency);
  return {
    customerId: s.customer.id,
    asOf: s.asOf,
    currency: s.currency,
    items: s.items.map((i) => ({
      documentId: i.documentId,
      kind: i.kind,
      number: i.number,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      daysOverdue: i.daysOverdue,
      total: amount(i.amountMinor),
      open: amount(i.openMinor),
    })),
    aging: Object.fromEntries(AGING_BUCKETS.map((b) => [b, amount(s.aging[b])])) as Record<
      AgingBucket,
      string
    >,
    balance: amount(s.balanceMinor),
  };
}
