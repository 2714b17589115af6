/**
 * A year of receivables for the demo company, posted through the ledger like real work: the
 * batch builders for invoices and opening balances, and the document service for credit and
 * debit memos, applications, refunds, write-offs and voids. Every figure is a journal entry, so
 * the GL reconciliation ties and the trial balance balances at any date.
 *
 * How history is made without payments (they come with a later issue): the company went live
 * on Dunwell twelve months ago. Each customer has a payment habit (prompt, steady, slow, late,
 * delinquent); for every invoice the customer would have been billed since go-live, the habit
 * decides how many days past due it gets paid. An invoice already paid by today is simply not
 * created — it would be a closed document with a receipt we cannot record yet — so what
 * exists is the open book a collector sees today: every invoice not yet due, a realistic tail of
 * late ones, and the few that were never paid. Balances from before go-live come in as opening
 * items (the previous ERP's numbers) for customers who still owe them. Credit memos applied in
 * full give the "paid" part of the history. When payments exist, the demo gets real cash.
 *
 * Deterministic: the same seed and the same `today` give the same ledger.
 */
import type { IsoDate } from '../../shared/dates.ts';
import { addDays, addMonths, compareDates, daysBetween, minDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';
import {
  applyTerms,
  billing,
  buildInvoices,
  buildOpeningItems,
  loadBatchRefs,
  postBuiltDocuments,
  type Built,
  type InvoiceInput,
  type OpeningItemInput,
  type PreparedDocument,
} from '../billing/index.ts';
import { DEFAULT_TERMS } from '../organizations/index.ts';
import type { GeneratedCustomer } from './companies.ts';
import { planEvents, scaled, type DemoInvoice, type Habit } from './demo-ledger-events.ts';
import type { Random } from './random.ts';

type Ctx = billing.Ctx;
export type DemoLedgerCustomer = { id: string; generated: GeneratedCustomer };

/** Days past due at which a habit pays: [earliest, latest], and the share never paid. */
const HABITS: Record<Exclude<Habit, 'closed'>, { lag: [number, number]; stuck: number }> = {
  prompt: { lag: [-8, 10], stuck: 0.002 },
  steady: { lag: [0, 25], stuck: 0.004 },
  slow: { lag: [15, 55], stuck: 0.01 },
  late: { lag: [40, 95], stuck: 0.02 },
  delinquent: { lag: [30, 60], stuck: 0 },
};

/** State sales tax (base rate, percent) of the demo customers' states; freight is untaxed. */
const SALES_TAX: Record<string, string> = {
  OH: '5.75',
  CO: '2.9',
  GA: '4',
  OR: '0',
  TX: '6.25',
  NC: '4.75',
  MN: '6.875',
  AZ: '5.6',
  TN: '7',
  PA: '6',
  CA: '7.25',
  WI: '5',
  VA: '5.3',
  ID: '6',
  FL: '6',
};

/** [description, lowest and highest unit price in cents] */
const CATALOG: ReadonlyArray<readonly [string, number, number]> = [
  ['Deep-groove ball bearing 6205-2RS', 480, 720],
  ['Tapered roller bearing set LM11949/10', 950, 1400],
  ['Pillow block bearing UCP208', 2800, 3900],
  ['Hydraulic hose assembly 1/2" 2-wire, 48 in', 3800, 6200],
  ['Hydraulic hose 3/4" R12, per foot', 640, 980],
  ['JIC 37° swivel fitting -8', 520, 860],
  ['Hex cap screw 1/2-13 x 2 Grade 8, box of 50', 2100, 3400],
  ['Nylon-insert lock nut 3/8-16, box of 100', 980, 1500],
  ['Flat washer SAE 1/2 zinc, box of 100', 600, 1000],
  ['Cut-resistant safety gloves A4, size L, dozen pairs', 5800, 8400],
  ['Nitrile disposable gloves 6 mil, case of 1000', 7200, 9800],
  ['ER70S-6 MIG welding wire .035, 44 lb spool', 9200, 12800],
  ['Pallet of ER70S-6 welding wire, 24 x 44 lb spools', 215000, 265000],
  ['E7018 stick electrodes 1/8", 50 lb can', 16500, 21000],
  ['Grinding discs 4-1/2", box of 25', 3800, 5500],
  ['V-belt B48', 1200, 1800],
  ['Roller chain #60, 10 ft', 6800, 9400],
];

export async function seedDemoLedger(
  ctx: Ctx,
  today: IsoDate,
  rng: Random,
  customers: readonly DemoLedgerCustomer[],
): Promise<void> {
  const goLive = addMonths(today, -12);
  const habits = customers.map((c, i) => habitOf(rng, c.generated, i));
  const planned: Planned[] = [];
  const openingInputs: OpeningItemInput[] = [];
  const openingHabits: Habit[] = [];
  customers.forEach((c, i) => {
    const habit = habits[i]!;
    for (const input of billedAndUnpaid(rng, c, habit, goLive, today))
      planned.push({ input, customer: i, duplicate: false });
    const legacyChance =
      habit === 'late' ? 0.15 : habit === 'delinquent' || habit === 'closed' ? 0.5 : 0;
    if (rng.chance(legacyChance)) {
      openingInputs.push(openingItem(rng, c, goLive, 48_200 + openingInputs.length));
      openingHabits.push(habit);
    }
  });
  // a few invoices keyed in twice, voided later
  for (const original of pickDistinct(rng, planned, scaled(customers.length, 0.005, 1, 2)))
    planned.push({ ...original, duplicate: true });
  planned.sort((a, b) => compareDates(a.input.issueDate as IsoDate, b.input.issueDate as IsoDate));

  const refs = await loadBatchRefs(
    ctx,
    customers.map((c) => c.id),
  );
  const opening = documentsOf(await buildOpeningItems(ctx, openingInputs, refs));
  const built = documentsOf(
    await buildInvoices(
      ctx,
      planned.map((p) => p.input),
      refs,
    ),
  );
  const posted = await postBuiltDocuments(ctx, [...opening, ...built], refs.accounts);
  const invoices: DemoInvoice[] = built.map((document, i) => ({
    id: document.row.id,
    number: posted[opening.length + i]!.number,
    customer: customers[planned[i]!.customer]!,
    habit: habits[planned[i]!.customer]!,
    duplicate: planned[i]!.duplicate,
    document,
    issue: document.row.issue_date as IsoDate,
    due: document.row.due_date as IsoDate,
    free: !planned[i]!.duplicate,
  }));
  const legacy = opening.map((document, i) => ({
    id: document.row.id,
    issue: document.row.issue_date as IsoDate,
    habit: openingHabits[i]!,
  }));
  const events = planEvents(rng, today, customers.length, invoices, legacy);
  events.sort((a, b) => compareDates(a.date, b.date));
  for (const event of events) await event.run(ctx);
}

type Planned = { input: InvoiceInput; customer: number; duplicate: boolean };

function documentsOf(built: readonly Built[]): PreparedDocument[] {
  return built.map((b) => {
    if ('error' in b) throw b.error; // the generator made a document the rules refuse: a bug
    return b.document;
  });
}

function habitOf(rng: Random, c: GeneratedCustomer, index: number): Habit {
  if (c.status === 'closed') return 'closed';
  if (c.status === 'agency') return 'delinquent';
  if (c.status === 'credit_hold') return rng.chance(0.5) ? 'delinquent' : 'late';
  // the first accounts cover every habit, so even a small demo has every aging bucket
  const cycle: Habit[] = ['prompt', 'late', 'slow', 'delinquent', 'steady'];
  if (index < cycle.length) return cycle[index]!;
  const worse = c.riskClass === 'high' ? 2 : c.riskClass === 'medium' ? 1 : 0;
  return rng.weighted<Habit>([
    ['prompt', 48 - worse * 10],
    ['steady', 25],
    ['slow', 14 + worse * 4],
    ['late', 9 + worse * 4],
    ['delinquent', 2 + worse],
  ]);
}

const TERMS = new Map(DEFAULT_TERMS.map((t) => [t.code, t]));

/**
 * The invoices a customer was billed since go-live that are still open today: each gets a
 * payment lag from the customer's habit and exists only if that lag has not passed yet.
 */
function billedAndUnpaid(
  rng: Random,
  customer: DemoLedgerCustomer,
  habit: Habit,
  goLive: IsoDate,
  today: IsoDate,
): InvoiceInput[] {
  if (habit === 'closed') return [];
  const c = customer.generated;
  const terms = TERMS.get(c.paymentTerms)!;
  // a month of purchases is 12–35 % of the credit limit (minor units: cents)
  const monthlyCents = Number(c.creditLimitMinor) * (0.12 + rng.next() * 0.23);
  const perMonth = monthlyCents < 1_000_000 ? 1 : monthlyCents < 6_000_000 ? 2 : 3;
  // a delinquent account stopped paying a few months ago and was put on hold soon after
  const stoppedPaying = addDays(today, -rng.int(75, 200));
  const onHold = addDays(stoppedPaying, rng.int(20, 45));
  const out: InvoiceInput[] = [];
  for (let m = 0; m < 12; m++) {
    if (rng.chance(0.1)) continue; // a quiet month
    for (let k = 0; k < perMonth; k++) {
      const issueDate = minDate(addDays(addMonths(goLive, m), rng.int(1, 28)), today);
      if (habit === 'delinquent' && compareDates(issueDate, onHold) > 0) continue;
      const due = applyTerms(
        issueDate,
        { type: terms.type, netDays: terms.netDays, discountBp: 0, discountDays: 0 },
        0n,
      ).dueDate;
      const pastDue = daysBetween(due, today);
      const h = HABITS[habit];
      const lag = rng.int(h.lag[0], h.lag[1]);
      const neverPaid =
        rng.chance(h.stuck) ||
        (habit === 'delinquent' && compareDates(issueDate, stoppedPaying) > 0);
      if (pastDue >= lag && !neverPaid) continue; // paid: not created (see the module comment)
      const tax = SALES_TAX[c.address.region] ?? '0';
      out.push({
        customerId: customer.id,
        issueDate,
        currency: c.currency,
        lines: invoiceLines(
          rng,
          Math.round((monthlyCents / perMonth) * (0.6 + rng.next() * 0.8)),
          tax,
        ),
        poNumber: rng.chance(0.7) ? `PO-${rng.int(10_000, 99_999)}` : null,
      });
    }
  }
  return out;
}

/** One to four catalog lines adding up to about `targetCents`, and freight most of the time. */
function invoiceLines(rng: Random, targetCents: number, taxRate: string): InvoiceInput['lines'] {
  const count = rng.int(1, 4);
  const lines: InvoiceInput['lines'] = [];
  const used = new Set<number>();
  for (let i = 0; i < count; i++) {
    let p = rng.int(0, CATALOG.length - 1);
    while (used.has(p)) p = (p + 1) % CATALOG.length;
    used.add(p);
    const [description, low, high] = CATALOG[p]!;
    const price = rng.int(low, high);
    const quantity = Math.max(1, Math.round(targetCents / count / price));
    lines.push({ description, quantity: String(quantity), unitPrice: cents(price), taxRate });
  }
  if (rng.chance(0.65)) {
    const ltl = targetCents > 200_000;
    lines.push({
      description: ltl ? 'Freight: LTL' : 'Freight: parcel',
      quantity: '1',
      unitPrice: cents(ltl ? rng.int(8_500, 42_000) : rng.int(1_800, 6_500)),
      taxRate: '0',
    });
  }
  return lines;
}

function cents(value: number): string {
  return formatAmount(BigInt(value), 'USD');
}

/** A balance from before go-live that the customer still owes, with the old system's number. */
function openingItem(
  rng: Random,
  customer: DemoLedgerCustomer,
  goLive: IsoDate,
  serial: number,
): OpeningItemInput {
  const c = customer.generated;
  const issueDate = addDays(goLive, -rng.int(20, 150));
  const openCents = rng.int(25_000, Math.max(30_000, Number(c.creditLimitMinor / 40n)));
  const originalCents = Math.round(openCents / (0.4 + rng.next() * 0.6));
  return {
    kind: 'invoice',
    customerId: customer.id,
    number: `AR-${serial}`,
    issueDate,
    currency: c.currency,
    openAmountMinor: BigInt(openCents),
    externalId: `LEGACY-AR-${serial}`,
    memo: `Open at go-live; original amount ${formatAmount(BigInt(originalCents), c.currency)}`,
  };
}

function pickDistinct<T>(rng: Random, items: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(rng.int(0, items.length - 1));
  return [...chosen].map((i) => items[i]!);
}
