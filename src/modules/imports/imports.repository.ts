import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/**
 * Read-only bulk look-ups for an import batch: one query per chunk of keys instead of one per
 * row. Writes never happen here; they go through the customers module's service, so audit and
 * role rules are the API's.
 */

/** Keys per `in (…)` list: far below PostgreSQL's 65,535 bind parameters, and a cheap plan. */
const CHUNK = 2_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export type ExistingCustomer = Awaited<ReturnType<typeof findCustomersByKeys>>[number];

/** Customers of the organization with any of the account numbers or external ids. */
export async function findCustomersByKeys(
  db: Kysely<DB>,
  orgId: string,
  keys: { accountNumbers: readonly string[]; externalIds: readonly string[] },
) {
  const select = () =>
    db
      .selectFrom('customers')
      .select([
        'id',
        'account_number',
        'name',
        'legal_name',
        'currency',
        'payment_terms_code',
        'credit_limit_minor',
        'risk_class',
        'collector_id',
        'sales_rep_id',
        'parent_id',
        'external_id',
        'status',
      ])
      .where('org_id', '=', orgId);
  const [byAccount, byExternal] = await Promise.all([
    Promise.all(
      chunks([...new Set(keys.accountNumbers)]).map((list) =>
        select().where('account_number', 'in', list).execute(),
      ),
    ),
    Promise.all(
      chunks([...new Set(keys.externalIds)]).map((list) =>
        select().where('external_id', 'in', list).execute(),
      ),
    ),
  ]);
  const unique = new Map([...byAccount.flat(), ...byExternal.flat()].map((c) => [c.id, c]));
  return [...unique.values()];
}

export type ExistingContact = {
  id: string;
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
};
export type ExistingAddress = Awaited<ReturnType<typeof findAddresses>>[number];

export async function findContacts(
  db: Kysely<DB>,
  orgId: string,
  customerIds: readonly string[],
): Promise<ExistingContact[]> {
  const parts = await Promise.all(
    chunks(customerIds).map((list) =>
      db
        .selectFrom('customer_contacts')
        .select(['id', 'customer_id', 'name', 'email', 'phone', 'title'])
        .where('org_id', '=', orgId)
        .where('customer_id', 'in', list)
        .execute(),
    ),
  );
  return parts.flat();
}

export async function findAddresses(db: Kysely<DB>, orgId: string, customerIds: readonly string[]) {
  const parts = await Promise.all(
    chunks(customerIds).map((list) =>
      db
        .selectFrom('customer_addresses')
        .select([
          'id',
          'customer_id',
          'kind',
          'line1',
          'line2',
          'city',
          'region',
          'postal_code',
          'country',
        ])
        .where('org_id', '=', orgId)
        .where('customer_id', 'in', list)
        .execute(),
    ),
  );
  return parts.flat();
}

export async function listUsers(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('org_id', '=', orgId)
    .execute();
}

export async function listOrganizations(db: Kysely<DB>) {
  return db.selectFrom('organizations').select(['id', 'slug']).orderBy('slug').execute();
}

export async function findUserByEmail(db: Kysely<DB>, orgId: string, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'active'])
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function findFirstAdmin(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'active'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
}
