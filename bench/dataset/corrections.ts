import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { billing } from '../../src/modules/billing/index.ts';
import { Random } from '../../src/modules/demo/index.ts';
import { systemActor, type Actor } from '../../src/shared/actor.ts';
import { addDays, minDate, type IsoDate } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';
import type { PostedInvoice } from './invoices.ts';
import type { BenchOrganization } from './organizations.ts';

/**
 * Corrections on a sample of the posted invoices, one by one through the documents service, so
 * the ledger has applications, unapplications and reversals for the GL reconciliation to tie:
 *   - a credit memo linked to the invoice (applied to it at once), for part or all of it;
 *   - a credit on account (an unlinked credit memo) applied to the invoice with `applyCredit`;
 *   - a void (`voidDocument`), a fifth of them on invoices that had a credit memo applied, so
 *     the void first unapplies it.
 * Dates stay on or before `lastDate`. Same sample and seed → same corrections.
 */

/** Correction kinds by weight: the sample is split between them in these proportions. */
export type CorrectionMix = { creditMemo: number; onAccount: number; void: number };
export const DEFAULT_MIX: CorrectionMix = { creditMemo: 0.05, onAccount: 0.005, void: 0.005 };
const OPERATIONS_PER_TRANSACTION = 250;
const REASONS = ['Pricing error', 'Damaged goods', 'Short shipment', 'Returned goods'] as const;

export type CorrectionRun = {
  creditMemos: number;
  onAccountCredits: number;
  voids: number;
  /** of the voids, those whose invoice had a credit memo applied first */
  voidsAfterCredit: number;
  seconds: { creditMemos: number; onAccountCredits: number; voids: number };
};

type Operation =
  | { kind: 'creditMemo'; invoice: PostedInvoice; percent: number; days: number; voidDays?: number }
  | { kind: 'onAccount'; invoice: PostedInvoice; days: number }
  | { kind: 'void'; invoice: PostedInvoice; days: number };

function plan(sample: readonly PostedInvoice[], mix: CorrectionMix, seed: number): Operation[] {
  const rng = new Random(seed ^ 0xc0ec7);
  const total = mix.creditMemo + mix.onAccount + mix.void;
  const operations: Operation[] = [];
  for (const invoice of sample) {
    const r = rng.next() * total;
    const days = rng.int(2, 45);
    if (r < mix.creditMemo) {
      operations.push({ kind: 'creditMemo', invoice, percent: rng.int(5, 100), days });
    } else if (r < mix.creditMemo + mix.onAccount) {
      operations.push({ kind: 'onAccount', invoice, days });
    } else if (rng.chance(0.2)) {
      operations.push({ kind: 'creditMemo', invoice, percent: rng.int(5, 60), days, voidDays: 3 });
    } else {
      operations.push({ kind: 'void', invoice, days });
    }
  }
  return operations;
}

function share(amountMinor: bigint, percent: number): bigint {
  const part = (amountMinor * BigInt(percent)) / 100n;
  return part > 0n ? part : 1n;
}

/** Posts the corrections, OPERATIONS_PER_TRANSACTION per transaction, kind by kind. */
export async function postCorrections(
  db: Kysely<DB>,
  org: BenchOrganization,
  spec: {
    sample: readonly PostedInvoice[];
    seed: number;
    lastDate: IsoDate;
    now: Date;
    mix?: CorrectionMix;
    actor?: Actor;
  },
): Promise<CorrectionRun> {
  const actor = spec.actor ?? systemActor(org.orgId, 'bench corrections');
  const operations = plan(spec.sample, spec.mix ?? DEFAULT_MIX, spec.seed);
  const run: CorrectionRun = {
    creditMemos: 0,
    onAccountCredits: 0,
    voids: 0,
    voidsAfterCredit: 0,
    seconds: { creditMemos: 0, onAccountCredits: 0, voids: 0 },
  };
  const dated = (invoice: PostedInvoice, days: number) =>
    minDate(addDays(invoice.issueDate, days), spec.lastDate);
  const inTransactions = async <T>(
    items: T[],
    each: (ctx: billing.Ctx, item: T) => Promise<void>,
  ) => {
    const started = performance.now();
    for (let i = 0; i < items.length; i += OPERATIONS_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        const ctx = { db: trx, actor, now: spec.now };
        for (const item of items.slice(i, i + OPERATIONS_PER_TRANSACTION)) await each(ctx, item);
      });
    }
    return (performance.now() - started) / 1000;
  };

  const credits = operations.filter((o) => o.kind === 'creditMemo');
  run.seconds.creditMemos = await inTransactions(credits, async (ctx, o) => {
    await billing.createMemo(ctx, 'credit_memo', {
      customerId: o.invoice.customerId,
      invoiceId: o.invoice.id,
      amount: formatAmount(share(o.invoice.amountMinor, o.percent), o.invoice.currency),
      reason: REASONS[o.percent % REASONS.length]!,
      issueDate: dated(o.invoice, o.days),
    });
  });
  run.creditMemos = credits.length;

  const onAccount = operations.filter((o) => o.kind === 'onAccount');
  run.seconds.onAccountCredits = await inTransactions(onAccount, async (ctx, o) => {
    const date = dated(o.invoice, o.days);
    const amount = share(o.invoice.amountMinor, 40);
    const memoId = await billing.createMemo(ctx, 'credit_memo', {
      customerId: o.invoice.customerId,
      amount: formatAmount(amount, o.invoice.currency),
      reason: 'Volume rebate',
      issueDate: date,
    });
    await billing.applyCredit(ctx, {
      creditDocumentId: memoId,
      debitDocumentId: o.invoice.id,
      amount: formatAmount(share(amount, 50), o.invoice.currency),
      date,
    });
  });
  run.onAccountCredits = onAccount.length;

  const voids = operations.flatMap((o) =>
    o.kind === 'void'
      ? [{ invoice: o.invoice, date: dated(o.invoice, o.days) }]
      : o.kind === 'creditMemo' && o.voidDays !== undefined
        ? [{ invoice: o.invoice, date: dated(o.invoice, o.days + o.voidDays) }]
        : [],
  );
  run.seconds.voids = await inTransactions(voids, async (ctx, v) => {
    await billing.voidDocument(ctx, v.invoice.id, { reason: 'Billed in error', date: v.date });
  });
  run.voids = voids.length;
  run.voidsAfterCredit = credits.filter((o) => o.voidDays !== undefined).length;
  return run;
}
