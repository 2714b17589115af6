import type { Insertable, Kysely } from 'kysely';
import type {
  CustomerAddressesTable,
  CustomerContactsTable,
  CustomersTable,
  CustomerStatusHistoryTable,
  DB,
} from '../../src/db/schema.ts';
import { generateCustomer, Random } from '../../src/modules/demo/index.ts';
import { assert } from '../../src/shared/assert.ts';
import { SeededIds } from './ids.ts';
import type { BenchOrganization } from './organizations.ts';

/** Rows per INSERT statement: 1,000 customers are 16,000 parameters, under PostgreSQL's 65,535. */
export const ROWS_PER_STATEMENT = 1_000;
/** Customers per transaction (with their contacts, addresses and status history). */
export const CUSTOMERS_PER_TRANSACTION = 1_000;

export type CustomerBatchSpec = {
  count: number;
  seed: number;
  /** created_at of the customers is spread evenly over [from, to) */
  createdFrom: Date;
  createdTo: Date;
  onProgress?: (done: number, rows: number) => void;
};

export type CustomerBatchResult = { customers: number; rows: number; ids: string[] };

type Batch = {
  customers: Array<Insertable<CustomersTable>>;
  contacts: Array<Insertable<CustomerContactsTable>>;
  addresses: Array<Insertable<CustomerAddressesTable>>;
  history: Array<Insertable<CustomerStatusHistoryTable>>;
};

/**
 * Inserts `count` customers of the demo generator (same seed → same customers and ids) with
 * their contacts, billing address and opening status-history row, in multi-row INSERTs, one
 * transaction per CUSTOMERS_PER_TRANSACTION customers. Returns the customer ids in index order.
 */
export async function insertCustomers(
  db: Kysely<DB>,
  org: BenchOrganization,
  spec: CustomerBatchSpec,
): Promise<CustomerBatchResult> {
  assert(
    Number.isInteger(spec.count) && spec.count >= 0,
    `customer count must be a non-negative integer, got ${spec.count}`,
  );
  const rng = new Random(spec.seed);
  const ids = new SeededIds(new Random(spec.seed ^ 0x5eed), spec.createdFrom.getTime());
  const spanMs = spec.createdTo.getTime() - spec.createdFrom.getTime();
  const customerIds: string[] = [];
  let rows = 0;
  for (let start = 0; start < spec.count; start += CUSTOMERS_PER_TRANSACTION) {
    const end = Math.min(spec.count, start + CUSTOMERS_PER_TRANSACTION);
    const batch: Batch = { customers: [], contacts: [], addresses: [], history: [] };
    for (let index = start; index < end; index++) {
      const createdAt = new Date(
        spec.createdFrom.getTime() + Math.floor((spanMs * index) / Math.max(1, spec.count)),
      );
      addCustomer(batch, { rng, ids, org, index, createdAt, customerIds });
    }
    await db.transaction().execute(async (trx) => {
      for (const chunk of chunks(batch.customers))
        await trx.insertInto('customers').values(chunk).execute();
      for (const chunk of chunks(batch.contacts))
        await trx.insertInto('customer_contacts').values(chunk).execute();
      for (const chunk of chunks(batch.addresses))
        await trx.insertInto('customer_addresses').values(chunk).execute();
      for (const chunk of chunks(batch.history))
        await trx.insertInto('customer_status_history').values(chunk).execute();
    });
    rows +=
      batch.customers.length +
      batch.contacts.length +
      batch.addresses.length +
      batch.history.length;
    spec.onProgress?.(end, rows);
  }
  return { customers: spec.count, rows, ids: customerIds };
}

type AddContext = {
  rng: Random;
  ids: SeededIds;
  org: BenchOrganization;
  index: number;
  createdAt: Date;
  customerIds: string[];
};

function addCustomer(batch: Batch, ctx: AddContext) {
  const { org, createdAt } = ctx;
  const c = generateCustomer(ctx.rng, ctx.index, {
    collectors: org.collectorIds.length,
    salesReps: org.salesRepIds.length,
  });
  const id = ctx.ids.next();
  ctx.customerIds.push(id);
  batch.customers.push({
    id,
    org_id: org.orgId,
    account_number: c.accountNumber,
    name: c.name,
    legal_name: c.legalName,
    parent_id: c.parentIndex === null ? null : (ctx.customerIds[c.parentIndex] ?? null),
    currency: c.currency,
    payment_terms_code: c.paymentTerms,
    credit_limit_minor: c.creditLimitMinor,
    risk_class: c.riskClass,
    collector_id: org.collectorIds[c.collectorIndex] ?? null,
    sales_rep_id: org.salesRepIds[c.salesRepIndex] ?? null,
    status: c.status,
    external_id: c.externalId,
    created_at: createdAt,
    updated_at: createdAt,
  });
  for (const contact of c.contacts) {
    batch.contacts.push({
      id: ctx.ids.next(),
      org_id: org.orgId,
      customer_id: id,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      title: contact.title,
      roles: contact.roles,
      preferred_channel: contact.preferredChannel,
      is_primary: contact.isPrimary,
      created_at: createdAt,
    });
  }
  const a = c.address;
  batch.addresses.push({
    id: ctx.ids.next(),
    org_id: org.orgId,
    customer_id: id,
    kind: 'billing',
    line1: a.line1,
    line2: null,
    city: a.city,
    region: a.region,
    postal_code: a.postalCode,
    country: a.country,
    created_at: createdAt,
  });
  batch.history.push({
    org_id: org.orgId,
    customer_id: id,
    from_status: null,
    to_status: c.status,
    reason: c.status === 'active' ? 'account opened' : 'migrated from ERP',
    changed_by: null,
    changed_by_name: 'bench generator',
    changed_at: createdAt,
  });
}

function* chunks<T>(items: T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
