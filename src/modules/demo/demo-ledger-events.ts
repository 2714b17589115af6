/**
 * What happened to the demo's invoices after they were posted, each through the document
 * service as a user would do it: returns and price corrections (credit memos applied to their
 * invoice), invoices credited in full, credits on account (some refunded, one applied by
 * hand), a debit memo for under-billed freight, write-offs of hopeless balances, and voids of
 * invoices keyed in twice. Planned first (targets and amounts), then run in date order so the
 * memo numbers follow the calendar.
 */
import type { IsoDate } from '../../shared/dates.ts';
import { addDays, compareDates, maxDate, minDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';
import { billing, type PreparedDocument } from '../billing/index.ts';
import type { GeneratedCustomer } from './companies.ts';
import type { Random } from './random.ts';

export type Habit = 'prompt' | 'steady' | 'slow' | 'late' | 'delinquent' | 'closed';
export type DemoInvoice = {
  id: string;
  number: string;
  customer: { id: string; generated: GeneratedCustomer };
  habit: Habit;
  /** keyed in twice: voided */
  duplicate: boolean;
  document: PreparedDocument;
  issue: IsoDate;
  due: IsoDate;
  /** not yet touched by a demo event (each invoice takes at most one) */
  free: boolean;
};
export type LegacyItem = { id: string; issue: IsoDate; habit: Habit };
export type DemoEvent = { date: IsoDate; run: (ctx: billing.Ctx) => Promise<unknown> };

const RETURN_REASONS = [
  'Returned goods: wrong size shipped',
  'Returned goods: damaged in transit',
  'Returned goods: customer over-ordered',
];
const FULL_CREDIT_REASONS = [
  'Billed in error: the order was cancelled before shipping',
  'Shipped to the wrong location; the order was re-billed',
];
const ON_ACCOUNT_REASONS = [
  'Volume rebate',
  'Returned pallets and reels (deposit credit)',
  'Goodwill credit for a late delivery',
];
const WRITE_OFF_REASONS = [
  'Uncollectible: the customer ceased trading',
  'Uncollectible: returned by the collection agency with no recovery',
];

/** How many of an event a demo of `customers` accounts gets: `perCustomer` each, within bounds. */
export function scaled(customers: number, perCustomer: number, min: number, max = Infinity) {
  return Math.max(min, Math.min(max, Math.round(customers * perCustomer)));
}

export function planEvents(
  rng: Random,
  today: IsoDate,
  customers: number,
  invoices: DemoInvoice[],
  legacy: readonly LegacyItem[],
): DemoEvent[] {
  const events: DemoEvent[] = [];
  const take = (filter: (i: DemoInvoice) => boolean) => {
    const candidates = invoices.filter((i) => i.free && filter(i));
    if (candidates.length === 0) return undefined;
    const chosen = candidates[rng.int(0, candidates.length - 1)]!;
    chosen.free = false;
    return chosen;
  };
  const after = (date: IsoDate, min: number, max: number) =>
    minDate(addDays(date, rng.int(min, max)), today);
  const old = (i: DemoInvoice) => compareDates(addDays(i.issue, 5), today) <= 0;

  for (let n = scaled(customers, 0.03, 1); n > 0; n--) {
    const invoice = take(old);
    if (invoice) events.push(returnOf(rng, invoice, after(invoice.issue, 3, 25)));
  }
  for (let n = scaled(customers, 0.015, 1); n > 0; n--) {
    const invoice = take(old);
    if (invoice) events.push(priceCorrection(rng, invoice, after(invoice.issue, 3, 25)));
  }
  for (let n = scaled(customers, 0.01, 1); n > 0; n--) {
    const invoice = take(old);
    if (!invoice) continue;
    const date = after(invoice.issue, 2, 20);
    const reason = rng.pick(FULL_CREDIT_REASONS);
    events.push({
      date,
      run: (ctx) =>
        billing.createMemo(ctx, 'credit_memo', {
          customerId: invoice.customer.id,
          invoiceId: invoice.id,
          lines: invoice.document.lines.map(lineInput),
          reason,
          issueDate: date,
          memo: `Credits ${invoice.number} in full`,
        }),
    });
  }
  events.push(...creditsOnAccount(rng, today, customers, invoices, take));
  for (let n = customers >= 100 ? 3 : 1; n > 0; n--) {
    const invoice = take(old);
    if (!invoice) continue;
    const date = after(invoice.issue, 5, 30);
    const amount = formatAmount(BigInt(rng.int(4_500, 28_000)), invoice.document.row.currency);
    events.push({
      date,
      run: (ctx) =>
        billing.createMemo(ctx, 'debit_memo', {
          customerId: invoice.customer.id,
          invoiceId: invoice.id,
          amount,
          reason: `Freight under-billed on ${invoice.number}`,
          issueDate: date,
        }),
    });
  }
  events.push(...writeOffs(rng, today, customers, invoices, legacy, take));
  for (const duplicate of invoices.filter((i) => i.duplicate)) {
    const original = invoices.find(
      (i) => !i.duplicate && i.customer.id === duplicate.customer.id && i.issue === duplicate.issue,
    );
    const date = after(duplicate.issue, 0, 4);
    events.push({
      date,
      run: (ctx) =>
        billing.voidDocument(ctx, duplicate.id, {
          reason: `Duplicate of ${original?.number ?? 'another invoice'}: keyed in twice`,
          date,
        }),
    });
  }
  return events;
}

type LineInput = { description: string; quantity: string; unitPrice: string; taxRate: string };

function lineInput(l: PreparedDocument['lines'][number]): LineInput {
  return {
    description: l.description,
    quantity: l.quantity,
    unitPrice: l.unit_price,
    taxRate: l.tax_rate,
  };
}

/** A product line of the invoice (not freight), with its quantity as a whole number. */
function productLine(rng: Random, invoice: DemoInvoice) {
  const products = invoice.document.lines.filter((l) => !l.description.startsWith('Freight'));
  return rng.pick(products.length ? products : invoice.document.lines);
}

function returnOf(rng: Random, invoice: DemoInvoice, date: IsoDate): DemoEvent {
  const line = productLine(rng, invoice);
  const quantity = Math.max(1, Math.floor(Number(line.quantity) * (0.1 + rng.next() * 0.3)));
  const returned = { ...lineInput(line), quantity: String(quantity) };
  return creditFor(
    invoice,
    date,
    returned,
    rng.pick(RETURN_REASONS),
    `Return of ${quantity} x ${line.description}`,
  );
}

function priceCorrection(rng: Random, invoice: DemoInvoice, date: IsoDate): DemoEvent {
  const line = productLine(rng, invoice);
  const price = parseUnitPrice(line.unit_price);
  const difference = (price * BigInt(rng.int(3, 12))) / 100n;
  const corrected = {
    ...lineInput(line),
    unitPrice: formatAmount(difference > 0n ? difference : 1n, 'USD'),
  };
  return creditFor(
    invoice,
    date,
    corrected,
    'Pricing error: billed at list price instead of the contract price',
    `Contract price on ${line.description}`,
  );
}

/** A credit memo for part of one line (tax at the line's rate), applied to its invoice. */
function creditFor(
  invoice: DemoInvoice,
  date: IsoDate,
  line: LineInput,
  reason: string,
  description: string,
): DemoEvent {
  return {
    date,
    run: (ctx) =>
      billing.createMemo(ctx, 'credit_memo', {
        customerId: invoice.customer.id,
        invoiceId: invoice.id,
        lines: [{ ...line, description }],
        reason,
        issueDate: date,
      }),
  };
}

/** "4.8" → 480n: the demo's unit prices are whole cents. */
function parseUnitPrice(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

/** Credits on account: a few refunded by check, one applied by hand to an open invoice. */
function creditsOnAccount(
  rng: Random,
  today: IsoDate,
  customers: number,
  invoices: DemoInvoice[],
  take: (filter: (i: DemoInvoice) => boolean) => DemoInvoice | undefined,
): DemoEvent[] {
  const events: DemoEvent[] = [];
  const refunds = customers >= 100 ? 2 : 1;
  const count = Math.max(refunds + 1, scaled(customers, 0.015, 1));
  const owners = [
    ...new Map(
      invoices
        .filter((i) => i.free && (i.habit === 'prompt' || i.habit === 'steady'))
        .map((i) => [i.customer.id, i]),
    ).values(),
  ];
  for (let n = 0; n < count && owners.length > 0; n++) {
    const owner = owners.splice(rng.int(0, owners.length - 1), 1)[0]!;
    const currency = owner.document.row.currency;
    const amountMinor = BigInt(rng.int(6_000, 95_000));
    const date = addDays(today, -rng.int(10, 120));
    const reason = rng.pick(ON_ACCOUNT_REASONS);
    let creditId = '';
    events.push({
      date,
      run: async (ctx) => {
        creditId = await billing.createMemo(ctx, 'credit_memo', {
          customerId: owner.customer.id,
          amount: formatAmount(amountMinor, currency),
          reason,
          issueDate: date,
        });
      },
    });
    if (n < refunds) {
      const refundDate = minDate(addDays(date, rng.int(5, 20)), today);
      const amount = n === 0 ? amountMinor : amountMinor / 2n;
      const reference = `CHK ${rng.int(10_400, 10_999)}`;
      events.push({
        date: refundDate,
        run: (ctx) =>
          billing.createRefund(ctx, {
            creditDocumentId: creditId,
            amount: formatAmount(amount, currency),
            reason: 'The customer asked for their credit balance back',
            method: 'check',
            reference,
            date: refundDate,
          }),
      });
      continue;
    }
    const target = n === refunds ? take((i) => i.customer.id === owner.customer.id) : undefined;
    if (!target) continue;
    const open = target.document.row.amount_minor;
    const applyDate = minDate(addDays(maxDate(date, target.issue), rng.int(1, 10)), today);
    events.push({
      date: applyDate,
      run: (ctx) =>
        billing.applyCredit(ctx, {
          creditDocumentId: creditId,
          debitDocumentId: target.id,
          amount: formatAmount(open < amountMinor ? open : amountMinor, currency),
          date: applyDate,
        }),
    });
  }
  return events;
}

/** Hopeless balances written off to bad-debt expense: long-delinquent invoices, legacy items. */
function writeOffs(
  rng: Random,
  today: IsoDate,
  customers: number,
  invoices: DemoInvoice[],
  legacy: readonly LegacyItem[],
  take: (filter: (i: DemoInvoice) => boolean) => DemoInvoice | undefined,
): DemoEvent[] {
  const events: DemoEvent[] = [];
  const writeOff = (id: string, issue: IsoDate) => {
    const date = maxDate(issue, addDays(today, -rng.int(3, 20)));
    const reason = rng.pick(WRITE_OFF_REASONS);
    events.push({ date, run: (ctx) => billing.writeOff(ctx, id, { reason, date }) });
  };
  const closed = legacy.find((l) => l.habit === 'closed');
  if (closed) writeOff(closed.id, closed.issue);
  for (let n = customers >= 100 ? 2 : 1; n > 0; n--) {
    const invoice = take(
      (i) =>
        (i.habit === 'delinquent' || i.habit === 'late') &&
        compareDates(addDays(i.due, 120), today) < 0,
    );
    if (invoice) writeOff(invoice.id, invoice.issue);
  }
  return events;
}
