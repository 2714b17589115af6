/**
 * The demo company's bank: an operating account with three daily camt.053 statements, written
 * from the open book and imported through the same path as a real bank's file. The lines are a
 * realistic mix for the cash-application workbench:
 *   easy      the invoice number as printed and the exact amount, or a discounted payment;
 *   hard      the number without prefix or with an OCR slip, a lump sum of several invoices,
 *             a short pay, a payment named only by the customer's name;
 *   unmatched an unknown payer, a supplier refund, interest; and bank fees going out.
 * The oldest statement is auto-applied (history), the two newest wait in the workbench. A
 * deposit batch of checks and a wire keyed in by hand show up on the statement and reconcile.
 */
import { addDays, type IsoDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';
import { importBankFile } from '../banking/bank-statements.service.ts';
import { writeCamt053, type CamtEntryInput } from '../banking/camt-writer.ts';
import { autoApply, lineClassifier } from '../banking/cash-application.service.ts';
import type { billing } from '../billing/index.ts';
import {
  createDepositBatch,
  depositBatch,
  insertBankAccount,
} from '../payments/deposits.service.ts';
import { createPayment } from '../payments/payments.service.ts';
import type { Random } from './random.ts';

type Ctx = billing.Ctx;

export const DEMO_BANK_ACCOUNT = '4470981233';

type OpenInvoice = {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  openMinor: bigint;
  discountMinor: bigint;
  discountDate: string | null;
  dueDate: string | null;
};

/** The `n`-th business day before `today` (weekends skipped): 1 = the last one. */
function businessDay(today: IsoDate, n: number): IsoDate {
  let d = today;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return d;
}

const upper = (s: string) => s.toUpperCase().replace(/[.,]/g, '');
const digits = (number: string) => number.replace(/^\D+0*/, '');

/** One OCR-like slip in the digits: a transposition of two neighbours. */
function slip(number: string): string {
  const d = digits(number);
  if (d.length < 3) return d;
  const i = d.length - 2;
  return d.slice(0, i - 1) + d[i] + d[i - 1] + d.slice(i + 1);
}

export async function seedDemoStatements(ctx: Ctx, today: IsoDate, rng: Random): Promise<void> {
  const bankAccountId = await insertBankAccount(ctx, {
    name: 'Operating account (USD)',
    identifier: DEMO_BANK_ACCOUNT,
    bankIdentifier: '021000021',
    currency: 'USD',
  });
  const rows = await ctx.db
    .selectFrom('ar_documents as d')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.org_id', '=', 'd.org_id').onRef('c.id', '=', 'd.customer_id'),
    )
    .select([
      'd.id',
      'd.number',
      'd.customer_id',
      'c.name',
      'd.open_minor',
      'd.discount_minor',
      'd.discount_date',
      'd.due_date',
    ])
    .where('d.org_id', '=', ctx.actor.orgId)
    .where('d.state', '=', 'posted')
    .where('d.kind', '=', 'invoice')
    .where('d.currency', '=', 'USD')
    .where('d.open_minor', '>', 0n)
    .whereRef('d.open_minor', '=', 'd.amount_minor')
    // issued before the oldest statement day and its checks, so every payment can be applied
    .where('d.issue_date', '<', addDays(businessDay(today, 3), -1))
    .orderBy('d.due_date')
    .orderBy('d.id')
    .execute();
  const pool: OpenInvoice[] = rows.map((r) => ({
    id: r.id,
    number: r.number!,
    customerId: r.customer_id,
    customerName: r.name,
    openMinor: r.open_minor,
    discountMinor: r.discount_minor,
    discountDate: r.discount_date,
    dueDate: r.due_date,
  }));
  if (pool.length < 40) return;
  const used = new Set<string>();
  const take = (predicate: (i: OpenInvoice) => boolean = () => true): OpenInvoice | undefined => {
    const candidates = pool.filter((i) => !used.has(i.id) && predicate(i));
    const pick = candidates.length ? rng.pick(candidates) : undefined;
    if (pick) used.add(pick.id);
    return pick;
  };
  const byCustomer = (customerId: string, n: number) => {
    const items = pool.filter((i) => !used.has(i.id) && i.customerId === customerId).slice(0, n);
    for (const i of items) used.add(i.id);
    return items;
  };
  let ref = 1000;
  const bankRef = () => `DW${today.replace(/-/g, '')}${String(ref++).padStart(6, '0')}`;
  const account = () => String(rng.int(100_000_000, 999_999_999));

  const day = (n: number, date: IsoDate): CamtEntryInput[] => {
    const entries: CamtEntryInput[] = [];
    const credit = (e: Omit<CamtEntryInput, 'bookingDate' | 'bankReference'>) =>
      entries.push({ ...e, bookingDate: date, bankReference: bankRef() });
    for (let k = 0; k < 5 + n; k++) {
      const inv = take();
      if (!inv) break;
      credit({
        amountMinor: inv.openMinor,
        counterpartyName: upper(inv.customerName),
        counterpartyAccount: account(),
        remittance: k % 2 ? `INVOICE ${inv.number}` : `${inv.number} PO SETTLEMENT`,
        endToEndId: `E2E-${inv.number}`,
      });
    }
    const discounted = take(
      (i) => i.discountMinor > 0n && i.discountDate !== null && i.discountDate >= date,
    );
    if (discounted)
      credit({
        amountMinor: discounted.openMinor - discounted.discountMinor,
        counterpartyName: upper(discounted.customerName),
        remittance: `PAYMENT ${discounted.number} LESS 2% DISCOUNT`,
      });
    const noPrefix = take();
    if (noPrefix)
      credit({
        amountMinor: noPrefix.openMinor,
        counterpartyName: noPrefix.customerName,
        remittance: `RE ${digits(noPrefix.number)}`,
      });
    const ocr = take();
    if (ocr)
      credit({
        amountMinor: ocr.openMinor,
        counterpartyName: upper(ocr.customerName),
        remittance: `INV ${slip(ocr.number)}`,
      });
    const lumpCustomer = take();
    if (lumpCustomer) {
      const more = [lumpCustomer, ...byCustomer(lumpCustomer.customerId, 2)];
      credit({
        amountMinor: more.reduce((s, i) => s + i.openMinor, 0n),
        counterpartyName: upper(lumpCustomer.customerName),
        remittance: `REMITTANCE ${more.map((i) => i.number).join(', ')}`,
      });
    }
    const short = take((i) => i.openMinor > 50000n);
    if (short)
      credit({
        amountMinor: short.openMinor - 2500n - BigInt(rng.int(0, 4000)),
        counterpartyName: upper(short.customerName),
        remittance: `${short.number} LESS DAMAGED GOODS`,
      });
    const byName = take();
    if (byName)
      credit({
        amountMinor: byName.openMinor,
        counterpartyName: byName.customerName,
        remittance: 'OCT STATEMENT',
      });
    credit({
      amountMinor: BigInt(rng.int(10000, 900000)),
      counterpartyName: 'J SMITH HOLDINGS',
      counterpartyAccount: account(),
      remittance: 'PAYMENT',
    });
    if (n === 1)
      credit({
        amountMinor: 1842n,
        counterpartyName: 'FIRST NATIONAL BANK',
        remittance: 'INTEREST CREDIT',
      });
    if (n === 2)
      credit({
        amountMinor: 31250n,
        counterpartyName: 'ACME OFFICE SUPPLY',
        remittance: 'CREDIT NOTE 88812 REFUND',
      });
    entries.push({
      amountMinor: -BigInt(rng.int(2500, 9000)),
      bookingDate: date,
      counterpartyName: 'BANK SERVICE CHARGE',
      bankReference: bankRef(),
    });
    return entries;
  };

  // checks taken at the counter, deposited as one batch, and a wire keyed in by hand
  const oldest = businessDay(today, 3);
  const batchId = await createDepositBatch(ctx, { bankAccountId, memo: 'Checks received by mail' });
  let batchTotal = 0n;
  // the second check pays at last year's prices (the difference kept as a deduction for the
  // dispute workflow), the third is a few dollars short (within the tolerance: written off)
  for (let k = 0; k < 3; k++) {
    const inv = take((i) => i.openMinor > 50_000n);
    if (!inv) break;
    const short =
      k === 1
        ? (inv.openMinor * BigInt(rng.int(4, 9))) / 100n
        : k === 2
          ? BigInt(rng.int(150, 480))
          : 0n;
    const paid = inv.openMinor - short;
    await createPayment(ctx, {
      customerId: inv.customerId,
      method: 'check',
      amount: formatAmount(paid, 'USD'),
      currency: 'USD',
      receivedDate: addDays(oldest, -1),
      reference: `CHK ${rng.int(10000, 99999)}`,
      depositBatchId: batchId,
      applications: [
        {
          invoiceId: inv.id,
          amount: formatAmount(paid, 'USD'),
          ...(k === 1
            ? {
                shortPay: {
                  action: 'deduction' as const,
                  reasonCode: 'pricing',
                  note: 'Remittance says: paid at the 2025 price list',
                },
              }
            : k === 2
              ? { shortPay: { action: 'write_off' as const, note: 'Short by a few dollars' } }
              : {}),
        },
      ],
    });
    batchTotal += paid;
  }
  await depositBatch(ctx, batchId, { date: oldest });
  const wired = take();
  if (wired) {
    await createPayment(ctx, {
      customerId: wired.customerId,
      method: 'wire',
      amount: formatAmount(wired.openMinor, 'USD'),
      currency: 'USD',
      receivedDate: oldest,
      reference: `FW${rng.int(100000, 999999)}`,
      bankAccountId,
      applications: [{ invoiceId: wired.id, amount: formatAmount(wired.openMinor, 'USD') }],
    });
  }

  let opening = 48_250_000n + BigInt(rng.int(0, 9_999_999));
  for (const n of [3, 2, 1]) {
    const date = businessDay(today, n);
    const entries = day(n, date);
    if (n === 3) {
      entries.unshift({
        amountMinor: batchTotal,
        bookingDate: date,
        bankReference: bankRef(),
        remittance: 'DEPOSIT',
        counterpartyName: null,
      });
      if (wired)
        entries.unshift({
          amountMinor: wired.openMinor,
          bookingDate: date,
          bankReference: bankRef(),
          counterpartyName: upper(wired.customerName),
          remittance: `WIRE ${wired.number}`,
        });
    }
    const xml = writeCamt053([
      {
        id: `STMT-${date}`,
        sequenceNumber: 300 - n,
        createdAt: `${date}T21:00:00`,
        iban: DEMO_BANK_ACCOUNT,
        currency: 'USD',
        fromDate: date,
        toDate: date,
        openingMinor: opening,
        entries,
      },
    ]);
    opening = entries.reduce((s, e) => s + e.amountMinor, opening);
    // matched as it is imported, as an upload is
    const imported = await importBankFile(ctx, Buffer.from(xml), {
      fileName: `operating-${date}.camt053.xml`,
      bankAccountId,
      classify: lineClassifier(ctx).classify,
    });
    const statementId = imported.statements[0]!.id;
    if (n === 3) await autoApply(ctx, statementId, { rematch: false });
  }
}
