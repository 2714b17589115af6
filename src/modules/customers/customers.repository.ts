import { sql, type Kysely } from 'kysely';
import type { Selectable } from 'kysely';
import type { CustomersTable, CustomerStatus, DB, RiskClass } from '../../db/schema.ts';

/** The only place that speaks SQL about customers and their child records. */

export type CustomerSort = 'name' | 'accountNumber' | 'creditLimit' | 'createdAt';
export type CustomerFilter = {
  search?: string | undefined;
  status?: CustomerStatus | undefined;
  riskClass?: RiskClass | undefined;
  currency?: string | undefined;
  collectorId?: string | undefined;
  salesRepId?: string | undefined;
  parentId?: string | undefined;
};
export type Keyset = { value: string; id: string };

/** Above this many matches a search scans in sort order; below, it sorts just the matches. */
export const FENCED_SEARCH_MAX_MATCHES = 5000;

function customersSource(db: Kysely<DB>, orgId: string, fencedPattern?: string) {
  const table = db.selectFrom('customers as c');
  if (fencedPattern === undefined) return table;
  // OFFSET 0 keeps the planner from flattening the subquery: the trigram index finds the
  // matches first, then only they are sorted. (Same columns as the table, hence the cast.)
  const fenced = db.selectFrom(
    sql<
      Selectable<CustomersTable>
    >`(select * from customers where org_id = ${orgId} and search_text like ${fencedPattern} offset 0)`.as(
      'c',
    ),
  );
  return fenced as unknown as typeof table;
}

function baseSelect(db: Kysely<DB>, orgId: string, fencedPattern?: string) {
  return customersSource(db, orgId, fencedPattern)
    .leftJoin('users as col', (j) =>
      j.onRef('col.id', '=', 'c.collector_id').onRef('col.org_id', '=', 'c.org_id'),
    )
    .leftJoin('users as rep', (j) =>
      j.onRef('rep.id', '=', 'c.sales_rep_id').onRef('rep.org_id', '=', 'c.org_id'),
    )
    .select([
      'c.id',
      'c.org_id',
      'c.account_number',
      'c.name',
      'c.legal_name',
      'c.parent_id',
      'c.currency',
      'c.payment_terms_code',
      'c.credit_limit_minor',
      'c.risk_class',
      'c.collector_id',
      'c.sales_rep_id',
      'c.status',
      'c.external_id',
      'c.version',
      'c.created_at',
      'c.updated_at',
      'col.name as collector_name',
      'rep.name as sales_rep_name',
    ])
    .where('c.org_id', '=', orgId);
}

export type CustomerRow = Awaited<
  ReturnType<ReturnType<typeof baseSelect>['executeTakeFirstOrThrow']>
>;

/** The sort key as SQL, and how a cursor value is turned back into that column's type. */
const SORT_SQL = {
  name: sql<string>`lower(c.name)`,
  accountNumber: sql<string>`c.account_number`,
  creditLimit: sql<string>`c.credit_limit_minor`,
  createdAt: sql<string>`c.created_at`,
} as const;

/**
 * Each sort key as text, computed by the database: a cursor must hold exactly the value the
 * database compares (lower() and timestamp precision differ from their JavaScript look-alikes).
 */
const SORT_KEY_TEXT = {
  name: sql<string>`lower(c.name)`,
  accountNumber: sql<string>`c.account_number`,
  creditLimit: sql<string>`c.credit_limit_minor::text`,
  createdAt: sql<string>`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
} as const;

export type ListedCustomerRow = CustomerRow & { sort_key: string };

export function sortValueOf(row: ListedCustomerRow): string {
  return row.sort_key;
}

function keysetValue(sort: CustomerSort, value: string) {
  if (sort === 'creditLimit') return sql`${BigInt(value)}::bigint`;
  if (sort === 'createdAt') return sql`${value}::timestamptz`;
  return sql`${value}`;
}

function searchPattern(search: string | undefined): string | undefined {
  const term = search?.trim().toLowerCase();
  return term ? `%${escapeLike(term)}%` : undefined;
}

/**
 * Whether a search matches few enough customers to sort just the matches. Without this the
 * planner may walk the sort index and filter row by row, which is slow when the matches sit
 * late in the sort order (measured in BENCHMARKS.md).
 */
async function searchIsSelective(
  db: Kysely<DB>,
  orgId: string,
  pattern: string,
  maxMatches: number,
): Promise<boolean> {
  const result = await sql<{ n: bigint }>`
    select count(*) as n from (
      select 1 from customers where org_id = ${orgId} and search_text like ${pattern}
      limit ${maxMatches + 1}
    ) x`.execute(db);
  return (result.rows[0]?.n ?? 0n) <= BigInt(maxMatches);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}

type CustomerQuery = ReturnType<typeof baseSelect>;

function applyFilter(q: CustomerQuery, f: CustomerFilter): CustomerQuery {
  let out = q;
  if (f.status) out = out.where('c.status', '=', f.status);
  if (f.riskClass) out = out.where('c.risk_class', '=', f.riskClass);
  if (f.currency) out = out.where('c.currency', '=', f.currency);
  if (f.collectorId) out = out.where('c.collector_id', '=', f.collectorId);
  if (f.salesRepId) out = out.where('c.sales_rep_id', '=', f.salesRepId);
  if (f.parentId) out = out.where('c.parent_id', '=', f.parentId);
  const pattern = searchPattern(f.search);
  if (pattern) out = out.where(sql<boolean>`c.search_text like ${pattern}`);
  return out;
}

export async function listCustomers(
  db: Kysely<DB>,
  orgId: string,
  filter: CustomerFilter,
  page: {
    sort: CustomerSort;
    descending: boolean;
    after?: Keyset | undefined;
    limit: number;
    /** tests set this to force one search strategy or the other */
    fencedSearchMaxMatches?: number;
  },
): Promise<ListedCustomerRow[]> {
  const key = SORT_SQL[page.sort];
  const dir = page.descending ? 'desc' : 'asc';
  const pattern = searchPattern(filter.search);
  const maxMatches = page.fencedSearchMaxMatches ?? FENCED_SEARCH_MAX_MATCHES;
  const fenced = pattern !== undefined && (await searchIsSelective(db, orgId, pattern, maxMatches));
  let q = applyFilter(baseSelect(db, orgId, fenced ? pattern : undefined), filter);
  if (page.after) {
    const op = page.descending ? sql`<` : sql`>`;
    q = q.where(
      sql<boolean>`(${key}, c.id) ${op} (${keysetValue(page.sort, page.after.value)}, ${page.after.id}::uuid)`,
    );
  }
  return q
    .select(SORT_KEY_TEXT[page.sort].as('sort_key'))
    .orderBy(key, dir)
    .orderBy('c.id', dir)
    .limit(page.limit)
    .execute();
}

export async function findCustomer(db: Kysely<DB>, orgId: string, id: string, forUpdate = false) {
  let q = baseSelect(db, orgId).where('c.id', '=', id);
  if (forUpdate) q = q.forUpdate('c');
  return q.executeTakeFirst();
}

export async function findCustomerIdBy(
  db: Kysely<DB>,
  orgId: string,
  by: { accountNumber?: string; externalId?: string },
) {
  let q = db
    .selectFrom('customers')
    .select(['id', 'account_number', 'external_id'])
    .where('org_id', '=', orgId);
  if (by.externalId !== undefined) q = q.where('external_id', '=', by.externalId);
  else if (by.accountNumber !== undefined) q = q.where('account_number', '=', by.accountNumber);
  else return undefined;
  return q.executeTakeFirst();
}

/**
 * One child list of a customer, or (with `id`) just that record: the same query serves the
 * detail page, the audit snapshot of a new customer and the edit of one record.
 */
export function contactsOf(db: Kysely<DB>, orgId: string, customerId: string, id?: string) {
  let q = db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId);
  if (id !== undefined) q = q.where('id', '=', id);
  return q.orderBy('is_primary', 'desc').orderBy('name').execute();
}

export function addressesOf(db: Kysely<DB>, orgId: string, customerId: string, id?: string) {
  let q = db
    .selectFrom('customer_addresses')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId);
  if (id !== undefined) q = q.where('id', '=', id);
  return q.orderBy('created_at').execute();
}

export function certificatesOf(db: Kysely<DB>, orgId: string, customerId: string, id?: string) {
  let q = db
    .selectFrom('tax_certificates as t')
    .leftJoin('documents as d', (j) =>
      j.onRef('d.id', '=', 't.document_id').onRef('d.org_id', '=', 't.org_id'),
    )
    .selectAll('t')
    .select(['d.filename as document_filename'])
    .where('t.org_id', '=', orgId)
    .where('t.customer_id', '=', customerId);
  if (id !== undefined) q = q.where('t.id', '=', id);
  return q.orderBy('t.jurisdiction').execute();
}

export function referencesOf(db: Kysely<DB>, orgId: string, customerId: string, id?: string) {
  let q = db
    .selectFrom('credit_references')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId);
  if (id !== undefined) q = q.where('id', '=', id);
  return q.orderBy('created_at').execute();
}

/** The two child lists a new customer may be created with (for its audit entry). */
export async function loadContactsAndAddresses(db: Kysely<DB>, orgId: string, customerId: string) {
  const [contacts, addresses] = await Promise.all([
    contactsOf(db, orgId, customerId),
    addressesOf(db, orgId, customerId),
  ]);
  return { contacts, addresses };
}

export async function loadChildren(db: Kysely<DB>, orgId: string, customerId: string) {
  const [contacts, addresses, certificates, references, history, parent] = await Promise.all([
    contactsOf(db, orgId, customerId),
    addressesOf(db, orgId, customerId),
    certificatesOf(db, orgId, customerId),
    referencesOf(db, orgId, customerId),
    db
      .selectFrom('customer_status_history')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('customer_id', '=', customerId)
      .orderBy('id', 'desc')
      .limit(200)
      .execute(),
    db
      .selectFrom('customers as p')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.parent_id', '=', 'p.id').onRef('c.org_id', '=', 'p.org_id'),
      )
      .select(['p.id', 'p.account_number', 'p.name'])
      .where('c.org_id', '=', orgId)
      .where('c.id', '=', customerId)
      .executeTakeFirst(),
  ]);
  return { contacts, addresses, certificates, references, history, parent };
}

/** Ids of the customer's ancestors, nearest first (to refuse a parent cycle). */
export async function ancestorIds(
  db: Kysely<DB>,
  orgId: string,
  customerId: string,
): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from customers where org_id = ${orgId} and id = ${customerId}
      union all
      select c.id, c.parent_id, up.depth + 1 from customers c
        join up on c.id = up.parent_id and c.org_id = ${orgId}
      where up.depth < 100
    )
    select id from up where id <> ${customerId} order by depth`.execute(db);
  return result.rows.map((r) => r.id);
}

export async function userIdsInOrg(
  db: Kysely<DB>,
  orgId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function termsExist(db: Kysely<DB>, orgId: string, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('payment_terms')
    .select('code')
    .where('org_id', '=', orgId)
    .where('code', '=', code)
    .where('active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}
