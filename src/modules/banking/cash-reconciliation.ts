/**
 * Daily cash reconciliation of one bank account: what the bank says came in (statement credit
 * lines, duplicates left out) against the receipts Dunwell recorded for that account (payments
 * received, deposits of batches), day by day: matched, unmatched on either side, difference.
 */
import { sql } from 'kysely';
import { addDays, compareDates, type IsoDate } from '../../shared/dates.ts';
import { ValidationError } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';
import type { Ctx } from '../billing/documents.service.ts';
import { loadBankAccount } from '../payments/payments.service.ts';

export type ReconciliationDay = {
  date: string;
  bankCredits: string;
  receipts: string;
  matched: string;
  difference: string;
  unmatchedBankLines: Array<{
    lineId: string;
    statementId: string;
    amount: string;
    counterpartyName: string | null;
    remittanceInfo: string | null;
    status: string;
  }>;
  unmatchedReceipts: Array<{
    paymentId: string | null;
    depositBatchId: string | null;
    number: string;
    amount: string;
    method: string;
  }>;
  /**
   * Matched, but the other side is on another day: a bank line whose receipt was recorded on
   * `otherDate`, or a receipt the bank shows on `otherDate`. What makes up a day's difference
   * when nothing is unmatched.
   */
  matchedOnOtherDays: Array<{
    side: 'bank' | 'recorded';
    /** the receipt or deposit batch */
    number: string;
    paymentId: string | null;
    depositBatchId: string | null;
    amount: string;
    otherDate: string;
  }>;
};

const MAX_DAYS = 366;

export async function cashReconciliation(
  ctx: Pick<Ctx, 'db' | 'actor' | 'now'>,
  query: { bankAccountId: string; from: IsoDate; to: IsoDate },
) {
  if (compareDates(query.from, query.to) > 0) {
    throw new ValidationError('from is after to', [
      { path: 'from', message: 'must be on or before to' },
    ]);
  }
  if (compareDates(addDays(query.from, MAX_DAYS), query.to) < 0) {
    throw new ValidationError(`At most ${MAX_DAYS} days at a time`, [
      { path: 'to', message: `at most ${MAX_DAYS} days after from` },
    ]);
  }
  const account = await loadBankAccount(ctx as Ctx, query.bankAccountId, null, 'bankAccountId');
  const c = account.currency;
  // the day a line is on: its booking date, or its value date when the bank gave none (as
  // matching reads it)
  const lineDay = sql<string>`coalesce(l.booking_date, l.value_date)`;
  const lines = await ctx.db
    .selectFrom('bank_statement_lines as l')
    // the receipt or deposit a tied line stands for
    .leftJoin('payments as p', (j) =>
      j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.payment_id'),
    )
    .leftJoin('deposit_batches as b', (j) =>
      j.onRef('b.org_id', '=', 'l.org_id').onRef('b.id', '=', 'l.deposit_batch_id'),
    )
    .select([
      'l.id',
      'l.statement_id',
      lineDay.as('day'),
      'l.amount_minor',
      'l.counterparty_name',
      'l.remittance_info',
      'l.status',
      'l.payment_id',
      'l.deposit_batch_id',
      sql<string | null>`coalesce(p.received_date, b.deposit_date)::text`.as('recorded_on'),
      sql<string | null>`coalesce(p.number, b.number)`.as('recorded_number'),
    ])
    .where('l.org_id', '=', ctx.actor.orgId)
    .where('l.bank_account_id', '=', account.id)
    .where('l.amount_minor', '>', 0n)
    .where('l.status', '<>', 'duplicate')
    .where(lineDay, '>=', query.from)
    .where(lineDay, '<=', query.to)
    .orderBy(lineDay)
    .orderBy('l.line_no')
    .execute();
  // receipts that reach this account directly (not through a deposit batch), and batch deposits,
  // each with the line it is tied to, if any
  const receipts = await ctx.db
    .selectFrom('payments as p')
    // a receipt is tied to one line at most (bank_statement_lines_payment_key)
    .leftJoin('bank_statement_lines as l', (j) =>
      j.onRef('l.org_id', '=', 'p.org_id').onRef('l.payment_id', '=', 'p.id'),
    )
    .select([
      'p.id',
      'p.number',
      'p.amount_minor',
      'p.received_date',
      'p.method',
      'l.id as line_id',
      sql<string | null>`${lineDay}::text`.as('line_date'),
    ])
    .where('p.org_id', '=', ctx.actor.orgId)
    .where('p.bank_account_id', '=', account.id)
    .where('p.deposit_batch_id', 'is', null)
    // a check returned unpaid did come in (the return is a debit of its own); a receipt
    // reversed as an error never did
    .where((eb) => eb.or([eb('p.status', '=', 'posted'), eb('p.reversal_kind', '<>', 'error')]))
    .where('p.received_date', '>=', query.from)
    .where('p.received_date', '<=', query.to)
    .execute();
  const deposits = await ctx.db
    .selectFrom('deposit_batches as b')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('bank_statement_lines as l')
          .select(['l.id', sql<string>`${lineDay}::text`.as('day')])
          .whereRef('l.org_id', '=', 'b.org_id')
          .whereRef('l.deposit_batch_id', '=', 'b.id')
          .limit(1)
          .as('tied'),
      (j) => j.onTrue(),
    )
    .select([
      'b.id',
      'b.number',
      'b.deposit_date',
      sql<string>`coalesce(b.deposited_minor, 0)`.as('total'),
      'tied.id as line_id',
      'tied.day as line_date',
    ])
    .where('b.org_id', '=', ctx.actor.orgId)
    .where('b.bank_account_id', '=', account.id)
    .where('b.status', '=', 'deposited')
    .where('b.deposit_date', '>=', query.from)
    .where('b.deposit_date', '<=', query.to)
    .execute();
  const days = new Map<
    string,
    { bank: bigint; receipts: bigint; matched: bigint; day: ReconciliationDay }
  >();
  const dayOf = (date: string) => {
    let d = days.get(date);
    if (!d) {
      d = {
        bank: 0n,
        receipts: 0n,
        matched: 0n,
        day: {
          date,
          bankCredits: '',
          receipts: '',
          matched: '',
          difference: '',
          unmatchedBankLines: [],
          unmatchedReceipts: [],
          matchedOnOtherDays: [],
        },
      };
      days.set(date, d);
    }
    return d;
  };
  for (const l of lines) {
    const d = dayOf(l.day);
    d.bank += l.amount_minor;
    if (l.payment_id || l.deposit_batch_id) {
      d.matched += l.amount_minor;
      if (l.recorded_on && l.recorded_on !== l.day) {
        d.day.matchedOnOtherDays.push({
          side: 'bank',
          number: l.recorded_number ?? '',
          paymentId: l.payment_id,
          depositBatchId: l.deposit_batch_id,
          amount: formatAmount(l.amount_minor, c),
          otherDate: l.recorded_on,
        });
      }
    } else
      d.day.unmatchedBankLines.push({
        lineId: l.id,
        statementId: l.statement_id,
        amount: formatAmount(l.amount_minor, c),
        counterpartyName: l.counterparty_name,
        remittanceInfo: l.remittance_info,
        status: l.status,
      });
  }
  for (const p of receipts) {
    const d = dayOf(p.received_date);
    d.receipts += p.amount_minor;
    if (p.line_date && p.line_date !== p.received_date) {
      d.day.matchedOnOtherDays.push({
        side: 'recorded',
        number: p.number,
        paymentId: p.id,
        depositBatchId: null,
        amount: formatAmount(p.amount_minor, c),
        otherDate: p.line_date,
      });
    }
    if (!p.line_id)
      d.day.unmatchedReceipts.push({
        paymentId: p.id,
        depositBatchId: null,
        number: p.number,
        amount: formatAmount(p.amount_minor, c),
        method: p.method,
      });
  }
  for (const b of deposits) {
    const d = dayOf(b.deposit_date!);
    const total = BigInt(b.total);
    d.receipts += total;
    if (b.line_date && b.line_date !== b.deposit_date) {
      d.day.matchedOnOtherDays.push({
        side: 'recorded',
        number: b.number,
        paymentId: null,
        depositBatchId: b.id,
        amount: formatAmount(total, c),
        otherDate: b.line_date,
      });
    }
    if (!b.line_id)
      d.day.unmatchedReceipts.push({
        paymentId: null,
        depositBatchId: b.id,
        number: b.number,
        amount: formatAmount(total, c),
        method: 'deposit',
      });
  }
  let bank = 0n;
  let recorded = 0n;
  let matched = 0n;
  const result = [...days.values()]
    .sort((a, b) => compareDates(a.day.date as IsoDate, b.day.date as IsoDate))
    .map((d) => {
      bank += d.bank;
      recorded += d.receipts;
      matched += d.matched;
      return {
        ...d.day,
        bankCredits: formatAmount(d.bank, c),
        receipts: formatAmount(d.receipts, c),
        matched: formatAmount(d.matched, c),
        difference: formatAmount(d.bank - d.receipts, c),
      };
    });
  return {
    bankAccountId: account.id,
    bankAccountName: account.name,
    currency: c,
    from: query.from,
    to: query.to,
    totals: {
      bankCredits: formatAmount(bank, c),
      receipts: formatAmount(recorded, c),
      matched: formatAmount(matched, c),
      difference: formatAmount(bank - recorded, c),
    },
    days: result,
  };
}
