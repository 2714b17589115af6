/**
 * Deductions held on an invoice: the part of a short pay the customer disputes. Their open
 * amounts follow the invoice's balance in the database (`deductions_follow_balances`, run by the
 * applications trigger; migrations 0011 and 0013); here are what the application code asks of
 * them and the decision that closes them.
 */
import { sql } from 'kysely';
import type { Ctx } from './documents.service.ts';

/** What an invoice's open deductions hold now, in its minor units. */
export async function openDeductionsOn(ctx: Ctx, documentId: string): Promise<bigint> {
  const row = await ctx.db
    .selectFrom('deductions')
    .select(sql<string>`coalesce(sum(open_minor), 0)::text`.as('held'))
    .where('org_id', '=', ctx.actor.orgId)
    .where('document_id', '=', documentId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return BigInt(row.held);
}

/**
 * Closes by a decision the deductions a payment raised (it was reversed) or an invoice holds (it
 * was voided): they are resolved, hold nothing, and no later application moves them again. The
 * invoices' other deductions then share what the resolved ones held.
 */
export async function resolveDeductions(
  ctx: Ctx,
  by: 'payment_id' | 'document_id',
  id: string,
  resolution: string,
): Promise<void> {
  const resolved = await ctx.db
    .updateTable('deductions')
    .set({ status: 'resolved', open_minor: 0n, resolution, resolved_at: ctx.now })
    .where('org_id', '=', ctx.actor.orgId)
    .where(by, '=', id)
    .where('status', 'in', ['open', 'settled'])
    .returning('document_id')
    .execute();
  const documents = [...new Set(resolved.map((r) => r.document_id))];
  if (documents.length) {
    // the rule the applications trigger runs (migration 0013)
    await sql`select deductions_follow_balances(${ctx.actor.orgId}::uuid, ${documents}::uuid[], ${ctx.now})`.execute(
      ctx.db,
    );
  }
}
