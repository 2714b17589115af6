/**
 * What manual matches teach the matcher: this payer (bank account and/or name on the bank
 * line) pays for this customer. Kept per organization, counted, and read back as PayerHints.
 */
import { sql } from 'kysely';
import { newId } from '../../shared/ids.ts';
import type { Ctx } from '../billing/documents.service.ts';
import type { PayerHint } from '../banking/matching/types.ts';

/** Records (or strengthens) that `account` / `name` paid for `customerId`. */
export async function learnPayer(
  ctx: Ctx,
  customerId: string,
  account: string | null,
  name: string | null,
): Promise<void> {
  const normalizedAccount = account?.replace(/[\s-]/g, '').toUpperCase() ?? '';
  const trimmedName = name?.trim() || null;
  if (!normalizedAccount && !trimmedName) return;
  await sql`
    insert into payer_hints (id, org_id, customer_id, account, name, uses, created_at, last_used_at)
    values (${newId()}, ${ctx.actor.orgId}, ${customerId}, ${normalizedAccount}, ${trimmedName}, 1, ${ctx.now}, ${ctx.now})
    on conflict (org_id, account, coalesce(name, ''), customer_id)
    do update set uses = payer_hints.uses + 1, last_used_at = excluded.last_used_at`.execute(
    ctx.db,
  );
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
