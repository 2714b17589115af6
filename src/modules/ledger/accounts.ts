import type { Kysely } from 'kysely';
import type { Account, AccountRole, AccountType, DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { ConflictError, InvariantError, NotFoundError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';

type AccountDefinition = { role: AccountRole; code: string; name: string; type: AccountType };

/**
 * The chart every organization starts with: one account per job Dunwell posts to. Names,
 * codes and the mapping to the company's own GL codes can be changed afterwards.
 */
export const DEFAULT_ACCOUNTS: readonly AccountDefinition[] = [
  { role: 'cash', code: '1000', name: 'Cash — operating account', type: 'asset' },
  { role: 'undeposited_funds', code: '1050', name: 'Undeposited funds', type: 'asset' },
  { role: 'ar_control', code: '1200', name: 'Accounts receivable (control)', type: 'asset' },
  { role: 'unapplied_cash', code: '2050', name: 'Unapplied cash', type: 'liability' },
  { role: 'customer_deposits', code: '2100', name: 'Customer deposits', type: 'liability' },
  { role: 'sales_tax_payable', code: '2200', name: 'Sales tax payable', type: 'liability' },
  // the other side of AR balances brought over from a previous system at go-live
  { role: 'opening_balance', code: '3900', name: 'Opening balance offset', type: 'equity' },
  { role: 'revenue', code: '4000', name: 'Sales revenue', type: 'revenue' },
  { role: 'discounts_allowed', code: '4900', name: 'Discounts allowed', type: 'revenue' },
  { role: 'bad_debt_expense', code: '6100', name: 'Bad-debt expense', type: 'expense' },
  { role: 'fx_gain_loss', code: '7900', name: 'FX gain / loss', type: 'expense' },
];

/** Creates the default chart of accounts where it is missing (idempotent). */
export async function ensureChartOfAccounts(db: Kysely<DB>, orgId: string): Promise<void> {
  await db
    .insertInto('accounts')
    .values(
      DEFAULT_ACCOUNTS.map((a) => ({
        id: newId(),
        org_id: orgId,
        code: a.code,
        name: a.name,
        type: a.type,
        role: a.role,
        gl_code: a.code,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Gives every organization that has none the default chart (run at start-up). */
export async function ensureAllChartsOfAccounts(db: Kysely<DB>): Promise<void> {
  const missing = await db
    .selectFrom('organizations as o')
    .select('o.id')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('accounts as a')
            .select('a.id')
            .whereRef('a.org_id', '=', 'o.id')
            .where('a.role', '=', 'ar_control'),
        ),
      ),
    )
    .execute();
  for (const org of missing) await ensureChartOfAccounts(db, org.id);
}

export type AccountsByRole = Record<AccountRole, Account>;

/** The organization's accounts by role; every role has one. */
export async function accountsByRole(db: Kysely<DB>, orgId: string): Promise<AccountsByRole> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('role', 'is not', null)
    .execute();
  const map = Object.fromEntries(rows.map((r) => [r.role, r])) as Partial<AccountsByRole>;
  for (const def of DEFAULT_ACCOUNTS) {
    if (!map[def.role])
      throw new InvariantError(`organization ${orgId} has no ${def.role} account`);
  }
  return map as AccountsByRole;
}

export async function listAccounts(db: Kysely<DB>, actor: Actor): Promise<Account[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .orderBy('code')
    .execute();
}

export async function getAccountByCode(
  db: Kysely<DB>,
  actor: Actor,
  code: string,
): Promise<Account> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Account ${code} not found`);
  return row;
}

export type AccountInput = {
  code: string;
  name: string;
  type: AccountType;
  glCode?: string | null | undefined;
};

export async function createAccount(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: AccountInput,
): Promise<Account> {
  const taken = await db
    .selectFrom('accounts')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (taken) throw new ConflictError('account_code_taken', `Account ${input.code} already exists`);
  const row = await db
    .insertInto('accounts')
    .values({
      id: newId(),
      org_id: actor.orgId,
      code: input.code,
      name: input.name,
      type: input.type,
      role: null,
      gl_code: input.glCode ?? input.code,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, now, [
    { entityType: 'account', entityId: row.id, action: 'create', after: row },
  ]);
  return row;
}

export type AccountPatch = {
  name?: string | undefined;
  glCode?: string | null | undefined;
  active?: boolean | undefined;
};

/** Renames an account, changes its GL mapping or (for accounts without a role) retires it. */
export async function updateAccount(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  code: string,
  patch: AccountPatch,
): Promise<Account> {
  const before = await getAccountByCode(db, actor, code);
  if (patch.active === false && before.role) {
    throw new ConflictError(
      'account_in_use',
      `Account ${code} is Dunwell's ${before.role.replace(/_/g, ' ')} account and cannot be retired`,
    );
  }
  const after = await db
    .updateTable('accounts')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.glCode !== undefined ? { gl_code: patch.glCode } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    })
    .where('org_id', '=', actor.orgId)
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, now, [
    { entityType: 'account', entityId: before.id, action: 'update', before, after },
  ]);
  return after;
}
