/**
 * What manual matches teach the matcher: this payer (bank account and/or name on the bank
 * line) pays for this customer. Kept per organization, counted, and read back as PayerHints.
 */
import { sql } from 'kysely';
import { newId } from '../../shared/ids.ts';
import type { Ctx } from '../billing/documents.service.ts';
import type { PayerHint } from '../banking/matching/types.ts';

/**
 * A hint's key: the account without spaces or dashes, upper case ('' for none), the name
 * trimmed; null when the bank line named neither (nothing to learn or take back).
 */
function hintKey(account: string | null, name: string | null) {
  const normalizedAccount = account?.replace(/[\s-]/g, '').toUpperCase() ?? '';
  const trimmedName = name?.trim() || null;
  return normalizedAccount || trimmedName ? { normalizedAccount, trimmedName } : null;
}

/** Records (or strengthens) that `account` / `name` paid for `customerId`. */
export async function learnPayer(
  ctx: Ctx,
  customerId: string,
  account: string | null,
  name: string | null,
): Promise<void> {
  const key = hintKey(account, name);
  if (!key) return;
  const { normalizedAccount, trimmedName } = key;
  await sql`
    insert into payer_hints (id, org_id, customer_id, account, name, uses, created_at, last_used_at)
    values (${newId()}, ${ctx.actor.orgId}, ${customerId}, ${normalizedAccount}, ${trimmedName}, 1, ${ctx.now}, ${ctx.now})
    on conflict (org_id, account, coalesce(name, ''), customer_id)
    do update set uses = payer_hints.uses + 1, last_used_at = excluded.last_used_at`.execute(
    ctx.db,
  );
}

/**
 * Takes back one use of the hint that `account` / `name` pays for `customerId` (a payment
 * reversed as recorded for the wrong customer); a hint with no use left is forgotten.
 */
export async function unlearnPayer(
  ctx: Ctx,
  customerId: string,
  account: string | null,
  name: string | null,
): Promise<void> {
  const key = hintKey(account, name);
  if (!key) return;
  const { normalizedAccount, trimmedName } = key;
  const hint = ctx.db
    .updateTable('payer_hints')
    .where('org_id', '=', ctx.actor.orgId)
    .where('customer_id', '=', customerId)
    .where('account', '=', normalizedAccount)
    .where(sql<boolean>`coalesce(name, '') = ${trimmedName ?? ''}`);
  const left = await hint
    .set((eb) => ({ uses: eb('uses', '-', 1) }))
    .returning(['id', 'uses'])
    .execute();
  const spent = left.filter((h) => h.uses <= 0).map((h) => h.id);
  if (spent.length > 0) {
    await ctx.db
      .deleteFrom('payer_hints')
      .where('org_id', '=', ctx.actor.orgId)
      .where('id', 'in', spent)
      .execute();
  }
}

/** Every hint of the organization, for the matcher's index. */
export async function loadPayerHints(ctx: Pick<Ctx, 'db' | 'actor'>): Promise<PayerHint[]> {
  const rows = await ctx.db
    .selectFrom('payer_hints')
    .select(['customer_id', 'account', 'name'])
    .where('org_id', '=', ctx.actor.orgId)
    .execute();
  return rows.map((r) => ({ customerId: r.customer_id, account: r.account || null, name: r.name }));
}
