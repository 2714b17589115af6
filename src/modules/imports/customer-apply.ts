import { yieldToEventLoop } from '../../shared/yield.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { AppError } from '../../shared/errors.ts';
import {
  addAddress,
  addContact,
  updateAddress,
  updateContact,
  createCustomer,
  updateCustomer,
  type ReferenceData,
} from '../customers/index.ts';
import type { CustomerImportField } from './customer-columns.ts';
import type { ImportRowError, RowPlan } from './customer-rows.ts';
import { StatisticsRefresher, withRollbackPoint } from './import-transaction.ts';

/**
 * Writes planned rows through the customers module (`createCustomer`, `updateCustomer`,
 * `addContact`, `addAddress`), so validation, role rules and the audit trail are the API's.
 */

export type Counts = { created: number; updated: number; unchanged: number };
export type Batch = { ref: ReferenceData; headerOf: ReadonlyMap<CustomerImportField, string> };
type Ctx = { db: Kysely<DB>; actor: Actor; now: Date };

export function zero(): Counts {
  return { created: 0, updated: 0, unchanged: 0 };
}

/** Rows applied under one savepoint; a chunk that fails is replayed a row at a time. */
const CHUNK_ROWS = 100;

/**
 * Applies the plans in file order. Each chunk of rows runs under one savepoint; when the
 * customers module refuses a row (a conflict, a role rule), the chunk is rolled back and
 * replayed with a savepoint per row, so that row is reported and the others go on.
 */
export async function applyPlans(
  ctx: Ctx,
  plans: readonly RowPlan[],
  batch: Batch,
  errors: ImportRowError[],
  progress: (done: number) => void,
): Promise<Counts> {
  const counts = zero();
  /** Account number → id of the rows applied so far, for parents defined in the file. */
  const applied = new Map<string, string>();
  const statistics = new StatisticsRefresher(ctx.db);
  for (let start = 0; start < plans.length; start += CHUNK_ROWS) {
    const chunk = plans.slice(start, start + CHUNK_ROWS);
    const chunkCounts = await withRollbackPoint(ctx.db, 'import_chunk', async (db) => {
      const outcome = zero();
      for (const plan of chunk)
        outcome[await applyPlan({ ...ctx, db }, plan, batch.ref, applied)]++;
      return { value: outcome, keep: true };
    }).catch(() => {
      for (const plan of chunk) applied.delete(plan.accountNumber);
      return applyOneByOne(ctx, chunk, batch, applied, errors);
    });
    for (const key of ['created', 'updated', 'unchanged'] as const) counts[key] += chunkCounts[key];
    progress(start + chunk.length);
    await statistics.refreshIfStale(counts.created);
    await yieldToEventLoop();
  }
  return counts;
}

async function applyOneByOne(
  ctx: Ctx,
  plans: readonly RowPlan[],
  batch: Batch,
  applied: Map<string, string>,
  errors: ImportRowError[],
): Promise<Counts> {
  const counts = zero();
  for (const plan of plans) {
    try {
      counts[
        await withRollbackPoint(ctx.db, 'import_row', async (db) => ({
          value: await applyPlan({ ...ctx, db }, plan, batch.ref, applied),
          keep: true,
        }))
      ]++;
    } catch (error) {
      errors.push(...rowErrors(plan, error, batch.headerOf));
    }
  }
  return counts;
}

async function applyPlan(
  ctx: Ctx,
  plan: RowPlan,
  ref: ReferenceData,
  applied: Map<string, string>,
): Promise<keyof Counts> {
  const parentId =
    plan.kind === 'unchanged' || !plan.parent ? undefined : applied.get(plan.parent.accountNumber);
  if (plan.kind !== 'unchanged' && plan.parent && !parentId) {
    throw new RowFailure(
      'parentAccount',
      `Parent account ${plan.parent.accountNumber} (line ${plan.parent.line}) could not be imported`,
    );
  }
  const withParent = parentId ? { parentId } : {};
  if (plan.kind === 'create') {
    applied.set(
      plan.accountNumber,
      await createCustomer(ctx, { ...plan.input, ...withParent }, ref),
    );
    return 'created';
  }
  applied.set(plan.accountNumber, plan.customerId);
  if (plan.kind === 'unchanged') return 'unchanged';
  const changed = plan.patch
    ? await updateCustomer(ctx, plan.customerId, { ...plan.patch, ...withParent }, ref)
    : false;
  if (plan.contact?.kind === 'add') await addContact(ctx, plan.customerId, plan.contact.contact);
  if (plan.contact?.kind === 'update')
    await updateContact(ctx, plan.customerId, plan.contact.id, plan.contact.patch);
  if (plan.address?.kind === 'add') await addAddress(ctx, plan.customerId, plan.address.address);
  if (plan.address?.kind === 'update')
    await updateAddress(ctx, plan.customerId, plan.address.id, plan.address.patch);
  return changed || plan.contact || plan.address ? 'updated' : 'unchanged';
}

/** A row refused while applying, with the import field it concerns. */
class RowFailure extends Error {
  constructor(
    readonly field: CustomerImportField | null,
    message: string,
  ) {
    super(message);
  }
}

/** The customers module's API field names (`body.creditLimit`) and error codes → import fields. */
const FIELD_OF_PATH: Record<string, CustomerImportField> = {
  accountNumber: 'accountNumber',
  externalId: 'externalId',
  creditLimit: 'creditLimit',
  parentId: 'parentAccount',
  collectorId: 'collector',
  salesRepId: 'salesRep',
  paymentTerms: 'paymentTerms',
  currency: 'currency',
  name: 'name',
};
const FIELD_OF_CODE: Record<string, CustomerImportField> = {
  duplicate_account_number: 'accountNumber',
  duplicate_external_id: 'externalId',
  invalid_parent: 'parentAccount',
  currency_change_needs_limit: 'creditLimit',
};

function rowErrors(
  plan: RowPlan,
  error: unknown,
  headerOf: ReadonlyMap<CustomerImportField, string>,
): ImportRowError[] {
  const at = (field: CustomerImportField | null, message: string): ImportRowError => ({
    line: plan.line,
    field: field && (headerOf.get(field) ?? field),
    message,
  });
  if (error instanceof RowFailure) return [at(error.field, error.message)];
  if (error instanceof AppError) {
    if (error.errors.length > 0 && error.code !== 'invalid_parent') {
      return error.errors.map((e) =>
        at(FIELD_OF_PATH[(e.path ?? '').replace(/^body\./, '')] ?? null, e.message),
      );
    }
    return [at(FIELD_OF_CODE[error.code] ?? null, error.message)];
  }
  const pg = error as { code?: string; constraint?: string };
  if (pg.code === '23505') return [at(null, 'Conflicts with another customer (a unique value)')];
  if (pg.code === '22021' || pg.code === '22001' || pg.code === '22003') {
    return [
      at(
        null,
        'Has a value the database cannot store (invalid character, too long or out of range)',
      ),
    ];
  }
  throw error;
}
