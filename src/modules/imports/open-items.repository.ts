import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/**
 * Read-only look-ups for an open-items import: the documents a file's rows may already be, by
 * external id or by number, one query per chunk of keys. Writes go through the billing
 * module's batch functions; the one write here is the audited edit of a document's mutable
 * fields (due date, PO number, memo).
 */

const CHUNK = 2_000;
/** The kinds an open-items file holds. */
export const OPEN_ITEM_KINDS = ['invoice', 'credit_memo', 'debit_memo'] as const;
export type OpenItemKind = (typeof OPEN_ITEM_KINDS)[number];

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export type StoredItem = Awaited<ReturnType<typeof findStoredItems>>[number];

/** Invoices and memos of the organization with any of the external ids or numbers. */
export async function findStoredItems(
  db: Kysely<DB>,
  orgId: string,
  keys: { externalIds: readonly string[]; numbers: readonly string[] },
) {
  const select = () =>
    db
      .selectFrom('ar_documents as d')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.org_id', '=', 'd.org_id').onRef('c.id', '=', 'd.customer_id'),
      )
      .select([
        'd.id',
        'd.kind',
        'd.state',
        'd.number',
        'd.customer_id',
        'c.account_number',
        'd.currency',
        'd.issue_date',
        'd.due_date',
        'd.amount_minor',
        'd.po_number',
        'd.memo',
        'd.external_id',
        'd.voided_date',
      ])
      .where('d.org_id', '=', orgId)
      .where('d.kind', 'in', OPEN_ITEM_KINDS)
      .where('d.state', '<>', 'draft');
  const parts = await Promise.all([
    ...chunks([...new Set(keys.externalIds)]).map((list) =>
      select().where('d.external_id', 'in', list).execute(),
    ),
    ...chunks([...new Set(keys.numbers)]).map((list) =>
      select().where('d.number', 'in', list).execute(),
    ),
  ]);
  const unique = new Map(parts.flat().map((d) => [d.id, d]));
  return [...unique.values()];
}

export async function findOrganization(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('organizations')
    .select(['time_zone', 'base_currency', 'closed_through'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
}

/** What an import may change on a posted document (the database freezes the rest). */
export type ItemDetails = {
  due_date: string | null;
  po_number: string | null;
  memo: string | null;
};

export async function updateItemDetails(
  db: Kysely<DB>,
  orgId: string,
  id: string,
  changes: ItemDetails,
  now: Date,
): Promise<void> {
  await db
    .updateTable('ar_documents')
    .set({ ...changes, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}
