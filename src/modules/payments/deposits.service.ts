/**
 * The organization's bank accounts and deposit batches. Checks and cash go into an open batch
 * (posted to undeposited funds); depositing the batch moves its total to cash in one entry,
 * which is what the bank statement will show as one line.
 */
import { sql } from 'kysely';
import { ACCESS, hasRole } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import type { IsoDate } from '../../shared/dates.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { dateNotBefore, orgToday, requireManager, type Ctx } from '../billing/documents.service.ts';
import { accountsByRole } from '../ledger/accounts.ts';
import { assertPeriodOpen, postEntry } from '../ledger/journal.ts';
import { nextNumber } from '../ledger/numbering.ts';
import { accountIdentifierOf, loadBankAccount } from './payments.service.ts';

export type BankAccountInput = {
  name: string;
  identifier: string;
  bankIdentifier?: string | null | undefined;
  currency: string;
};

export async function createBankAccount(ctx: Ctx, input: BankAccountInput): Promise<string> {
  requireManager(ctx.actor, 'add a bank account');
  const identifier = accountIdentifierOf(input.identifier);
  if (!identifier) {
    throw new ValidationError('The account number is required', [
      { path: 'identifier', message: 'is required' },
    ]);
  }
  if (!isCurrency(input.currency)) {
    throw new ValidationError('Unknown currency', [
      { path: 'currency', message: 'unknown currency' },
    ]);
  }
  return insertBankAccount(ctx, {
    name: input.name.trim() || identifier,
    identifier,
    bankIdentifier: input.bankIdentifier?.trim() || null,
    currency: input.currency,
  });
}

/** Inserts a bank account (also used when a statement arrives for an account not yet known). */
export async function insertBankAccount(
  ctx: Ctx,
  input: { name: string; identifier: string; bankIdentifier: string | null; currency: string },
): Promise<string> {
  const taken = await ctx.db
    .selectFrom('bank_accounts')
    .select('name')
    .where('org_id', '=', ctx.actor.orgId)
    .where('identifier', '=', input.identifier)
    .where('currency', '=', input.currency)
    .executeTakeFirst();
  if (taken) {
    throw new ConflictError(
      'duplicate_bank_account',
      `Account ${input.identifier} in ${input.currency} is already known as ${taken.name}`,
    );
  }
  const id = newId();
  await ctx.db
    .insertInto('bank_accounts')
    .values({
      id,
      org_id: ctx.actor.orgId,
      name: input.name,
      identifier: input.identifier,
      bank_identifier: input.bankIdentifier,
      currency: input.currency,
      created_at: ctx.now,
    })
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    { entityType: 'bank_account', entityId: id, action: 'create', after: input },
  ]);
  return id;
}

export async function updateBankAccount(
  ctx: Ctx,
  id: string,
  input: { name?: string | undefined; active?: boolean | undefined },
): Promise<void> {
  requireManager(ctx.actor, 'change a bank account');
  const before = await ctx.db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!before) throw new NotFoundError(`Bank account ${id} not found`);
  const changes = {
    ...(input.name?.trim() && input.name.trim() !== before.name ? { name: input.name.trim() } : {}),
    ...(input.active !== undefined && input.active !== before.active
      ? { active: input.active }
      : {}),
  };
  // nothing that differs: nothing written, nothing audited
  if (Object.keys(changes).length === 0) return;
  await ctx.db
    .updateTable('bank_accounts')
    .set(changes)
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'bank_account',
      entityId: id,
      action: 'update',
      before: { name: before.name, active: before.active },
      after: changes,
    },
  ]);
}

/**
 * The organization's bank accounts: those in its base currency first (the pages that default
 * to the first account pick the operating account, not one a foreign file added), then by name.
 */
export async function listBankAccounts(ctx: Pick<Ctx, 'db' | 'actor'>) {
  const rows = await ctx.db
    .selectFrom('bank_accounts as b')
    .innerJoin('organizations as o', 'o.id', 'b.org_id')
    .selectAll('b')
    .where('b.org_id', '=', ctx.actor.orgId)
    .orderBy(sql`b.currency = o.base_currency`, 'desc')
    .orderBy('b.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    identifier: r.identifier,
    bankIdentifier: r.bank_identifier,
    currency: r.currency,
    active: r.active,
  }));
}

// ---------------------------------------------------------------------------------------------
// Deposit batches
// ---------------------------------------------------------------------------------------------

export async function createDepositBatch(
  ctx: Ctx,
  input: { bankAccountId: string; memo?: string | null | undefined },
): Promise<string> {
  if (!hasRole(ctx.actor, ACCESS.write)) throw new ForbiddenError('Only AR staff can open a batch');
  const account = await loadBankAccount(ctx, input.bankAccountId, null, 'bankAccountId');
  const id = newId();
  const number = await nextNumber(ctx.db, ctx.actor.orgId, 'deposit_batch');
  await ctx.db
    .insertInto('deposit_batches')
    .values({
      id,
      org_id: ctx.actor.orgId,
      number,
      bank_account_id: account.id,
      currency: account.currency,
      status: 'open',
      deposit_date: null,
      memo: input.memo?.trim() || null,
      created_by_name: ctx.actor.name,
      created_at: ctx.now,
      deposited_at: null,
    })
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'deposit_batch',
      entityId: id,
      action: 'create',
      after: { number, bankAccountId: account.id },
    },
  ]);
  return id;
}

/** Deposits an open batch: its total (payments not reversed) moves from undeposited funds to cash. */
export async function depositBatch(
  ctx: Ctx,
  id: string,
  input: { date?: string | undefined },
): Promise<void> {
  if (!hasRole(ctx.actor, ACCESS.write))
    throw new ForbiddenError('Only AR staff can deposit a batch');
  const batch = await ctx.db
    .selectFrom('deposit_batches')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!batch) throw new NotFoundError(`Deposit batch ${id} not found`);
  if (batch.status !== 'open') {
    throw new DomainError(
      'batch_closed',
      `Deposit batch ${batch.number} was deposited on ${batch.deposit_date}`,
    );
  }
  const totals = await ctx.db
    .selectFrom('payments')
    .select([
      sql<string>`coalesce(sum(amount_minor), 0)`.as('total'),
      sql<string | null>`max(received_date)`.as('latest'),
      sql<string>`count(*)`.as('count'),
    ])
    .where('org_id', '=', ctx.actor.orgId)
    .where('deposit_batch_id', '=', id)
    .where('status', '=', 'posted')
    .executeTakeFirstOrThrow();
  const total = BigInt(totals.total);
  if (total === 0n) {
    throw new DomainError(
      'batch_empty',
      `Deposit batch ${batch.number} has no payments to deposit`,
    );
  }
  const floor = totals.latest ? (totals.latest as IsoDate) : await orgToday(ctx);
  const date = await dateNotBefore(
    ctx,
    input.date,
    floor,
    'A batch cannot be deposited before its payments were received',
  );
  await assertPeriodOpen(ctx.db, ctx.actor.orgId, date);
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  await postEntry(ctx.db, ctx.actor, ctx.now, {
    effectiveDate: date,
    currency: batch.currency,
    kind: 'deposit',
    description: `Deposit ${batch.number} (${totals.count} payments)`,
    depositBatchId: id,
    lines: [
      { accountId: accounts.cash.id, debitMinor: total },
      { accountId: accounts.undeposited_funds.id, creditMinor: total },
    ],
  });
  await ctx.db
    .updateTable('deposit_batches')
    .set({
      status: 'deposited',
      deposit_date: date,
      deposited_minor: total,
      deposited_count: Number(totals.count),
      deposited_at: ctx.now,
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'deposit_batch',
      entityId: id,
      action: 'deposit',
      after: { date, total: formatAmount(total, batch.currency), payments: Number(totals.count) },
    },
  ]);
}

export async function listDepositBatches(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  status?: 'open' | 'deposited',
  id?: string,
) {
  let q = ctx.db
    .selectFrom('deposit_batches as b')
    .innerJoin('bank_accounts as a', (j) =>
      j.onRef('a.org_id', '=', 'b.org_id').onRef('a.id', '=', 'b.bank_account_id'),
    )
    .select([
      'b.id',
      'b.number',
      'b.status',
      'b.currency',
      'b.deposit_date',
      'b.memo',
      'b.created_at',
      'b.bank_account_id',
      'a.name as bank_account_name',
      // a deposited batch keeps what went to the bank; an open one sums its receipts
      sql<string>`coalesce(b.deposited_minor, (select coalesce(sum(p.amount_minor), 0) from payments p where p.org_id = b.org_id and p.deposit_batch_id = b.id and p.status = 'posted'))`.as(
        'total',
      ),
      // and so does its count: a check returned unpaid later was still deposited
      sql<string>`coalesce(b.deposited_count, (select count(*) from payments p where p.org_id = b.org_id and p.deposit_batch_id = b.id and p.status = 'posted'))`.as(
        'count',
      ),
    ])
    .where('b.org_id', '=', ctx.actor.orgId);
  if (status) q = q.where('b.status', '=', status);
  if (id) q = q.where('b.id', '=', id);
  const rows = await q.orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    currency: r.currency,
    depositDate: r.deposit_date,
    memo: r.memo,
    bankAccountId: r.bank_account_id,
    bankAccountName: r.bank_account_name,
    total: formatAmount(BigInt(r.total), r.currency),
    paymentCount: Number(r.count),
    createdAt: r.created_at.toISOString(),
  }));
}
