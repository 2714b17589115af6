import { sql, type Kysely } from 'kysely';
import type { CustomerStatus, DB } from '../../src/db/schema.ts';
import { listCustomers } from '../../src/modules/customers/index.ts';
import type { Actor } from '../../src/shared/actor.ts';
import type { Dataset } from '../generate.ts';

/** One measured call of the customer list service, as the list page and its search box make it. */
export type ListScenario = {
  name: string;
  query: ListQuery;
  /** rows of the organization the filter matches (all pages), for reading the figures */
  matches: number | null;
  run(db: Kysely<DB>): Promise<number>;
};

type ListQuery = Parameters<typeof listCustomers>[2];

export const PAGE_SIZE = 50;
/** The deep page reached by following cursors from the first page. */
export const DEEP_PAGE = 50;
/** Name words of the generator: each of 40 prefixes starts ~2.5% of the names; "harbor" sorts mid-way, "westfield" near the end. */
export const COMMON_WORD = 'harbor';
export const LATE_SORTING_WORD = 'westfield';
/** In ~25% of legal names ("… Inc.", "… Group, Inc."). */
export const DENSE_WORD = 'inc.';
/** Digits as in an account or ERP number: a few dozen matches at 100k customers. */
export const DIGITS = '9999';
export const NO_MATCH_TERM = 'zqxjv';

export function managerActor(dataset: Dataset): Actor {
  const m = dataset.main.manager;
  return {
    orgId: dataset.main.orgId,
    type: 'user',
    id: m.id,
    name: 'Bench Manager',
    role: m.role,
    requestId: null,
  };
}

/** The scenarios, with their inputs (cursors, a rare name, an account fragment) taken from the data. */
export async function customerListScenarios(
  db: Kysely<DB>,
  dataset: Dataset,
): Promise<ListScenario[]> {
  const actor = managerActor(dataset);
  const sample = await sampleCustomer(db, dataset);
  const collectorId = dataset.main.collectorIds[0]!;
  const specs: Array<{ name: string; query: ListQuery; filter?: CountFilter }> = [
    { name: 'first page, sort name', query: { sort: 'name', limit: PAGE_SIZE } },
    {
      name: `page ${DEEP_PAGE}, sort name (cursor)`,
      query: await deepPageQuery(db, actor, 'name'),
    },
    { name: 'first page, sort -creditLimit', query: { sort: '-creditLimit', limit: PAGE_SIZE } },
    {
      name: `page ${DEEP_PAGE}, sort -creditLimit (cursor)`,
      query: await deepPageQuery(db, actor, '-creditLimit'),
    },
    {
      name: 'status=credit_hold + collector',
      query: { sort: 'name', limit: PAGE_SIZE, status: 'credit_hold', collectorId },
      filter: { status: 'credit_hold', collectorId },
    },
    {
      name: 'status=active + collector',
      query: { sort: 'name', limit: PAGE_SIZE, status: 'active', collectorId },
      filter: { status: 'active', collectorId },
    },
    {
      name: `search common word "${COMMON_WORD}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: COMMON_WORD },
      filter: { search: COMMON_WORD },
    },
    {
      name: `search late-sorting word "${LATE_SORTING_WORD}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: LATE_SORTING_WORD },
      filter: { search: LATE_SORTING_WORD },
    },
    {
      name: `search dense word "${DENSE_WORD}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: DENSE_WORD },
      filter: { search: DENSE_WORD },
    },
    {
      name: `search digits "${DIGITS}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: DIGITS },
      filter: { search: DIGITS },
    },
    {
      name: `search rare name "${sample.name}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: sample.name },
      filter: { search: sample.name },
    },
    {
      name: `search account no. "${sample.accountFragment}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: sample.accountFragment },
      filter: { search: sample.accountFragment },
    },
    {
      name: `search no match "${NO_MATCH_TERM}"`,
      query: { sort: 'name', limit: PAGE_SIZE, search: NO_MATCH_TERM },
      filter: { search: NO_MATCH_TERM },
    },
  ];
  const scenarios: ListScenario[] = [];
  for (const spec of specs) {
    scenarios.push({
      name: spec.name,
      query: spec.query,
      matches: spec.filter ? await countMatches(db, actor.orgId, spec.filter) : null,
      run: async (handle) => (await listCustomers(handle, actor, spec.query)).items.length,
    });
  }
  return scenarios;
}

/** Follows nextCursor from the first page to page DEEP_PAGE, as a user paging through would. */
async function deepPageQuery(db: Kysely<DB>, actor: Actor, sort: string): Promise<ListQuery> {
  let cursor: string | undefined;
  for (let page = 1; page < DEEP_PAGE; page++) {
    const result = await listCustomers(db, actor, { sort, limit: PAGE_SIZE, cursor });
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return { sort, limit: PAGE_SIZE, cursor };
}

/** A customer about three quarters through the data: its full name is rare, its account number minus one digit matches ~10. */
async function sampleCustomer(db: Kysely<DB>, dataset: Dataset) {
  const ids = dataset.main.customerIds;
  const id = ids[Math.floor(ids.length * 0.73)] ?? ids[0];
  if (!id) throw new Error('The dataset has no customers to sample');
  const row = await db
    .selectFrom('customers')
    .select(['name', 'account_number'])
    .where('org_id', '=', dataset.main.orgId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { name: row.name, accountFragment: row.account_number.slice(0, -1) };
}

type CountFilter = { status?: CustomerStatus; collectorId?: string; search?: string };

/** Same predicates as the repository (search_text LIKE, lower-cased), counted over all pages. */
async function countMatches(db: Kysely<DB>, orgId: string, f: CountFilter): Promise<number> {
  let q = db
    .selectFrom('customers')
    .select(sql<bigint>`count(*)`.as('n'))
    .where('org_id', '=', orgId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.collectorId) q = q.where('collector_id', '=', f.collectorId);
  if (f.search)
    q = q.where(
      sql<boolean>`search_text like ${'%' + f.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`) + '%'}`,
    );
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
