/** What the organization prints on invoices and statements: remit-to block and footer. */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';

export type InvoiceSettings = { remitTo: string | null; invoiceFooter: string | null };

export const REMIT_TO_MAX = 1000;
export const FOOTER_MAX = 600;

export async function getInvoiceSettings(db: Kysely<DB>, orgId: string): Promise<InvoiceSettings> {
  const org = await db
    .selectFrom('organizations')
    .select(['remit_to', 'invoice_footer'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { remitTo: org.remit_to, invoiceFooter: org.invoice_footer };
}

/** Line endings normalized, trailing spaces dropped, blank becomes null. */
function tidy(text: string | null): string | null {
  if (text === null) return null;
  const cleaned = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
  return cleaned === '' ? null : cleaned;
}

/** Changes the given settings (a key left out keeps its value), audited. */
export async function updateInvoiceSettings(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  patch: Partial<InvoiceSettings>,
): Promise<InvoiceSettings> {
  const before = await getInvoiceSettings(db, actor.orgId);
  const after: InvoiceSettings = {
    remitTo: patch.remitTo === undefined ? before.remitTo : tidy(patch.remitTo),
    invoiceFooter:
      patch.invoiceFooter === undefined ? before.invoiceFooter : tidy(patch.invoiceFooter),
  };
  await db
    .updateTable('organizations')
    .set({ remit_to: after.remitTo, invoice_footer: after.invoiceFooter })
    .where('id', '=', actor.orgId)
    .execute();
  await recordAudit(db, actor, now, [
    {
      entityType: 'organization',
      entityId: actor.orgId,
      action: 'update_invoice_settings',
      before,
      after,
    },
  ]);
  return after;
}
