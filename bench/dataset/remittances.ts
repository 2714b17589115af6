/**
 * A seeded cash-application scenario for the matcher (src/modules/banking/matching): customers,
 * their open items, learned payer hints, and incoming bank lines with the true answer of each.
 * Same spec and seed → the same scenario, ids included. Every share below is a probability
 * drawn per customer, item or line.
 *
 * ## The book (remittance-book.ts, remittance-names.ts)
 * - Customers: names in several styles (surname + trade, partners, place + trade, brands,
 *   initials, …) from European and American word lists, 85 % with a legal form (GmbH, GmbH &
 *   Co. KG, LLC, Inc., S.A., B.V., Sp. z o.o., …). Names share words and the same name occurs
 *   with different legal forms, as in a real ledger; 3 % are branches ("Summit Logistics
 *   Hamburg"); 10 % have a trading name on file. 5 % bill in USD, the rest in EUR.
 * - Payer accounts: one IBAN-like account per customer, a second one for 15 %; 4 % are
 *   subsidiaries whose parent (another customer) pays from its own account. Learned hints exist
 *   for 65 % of main accounts (half with the name the bank showed), for half of the parent-pays
 *   relations, and for processors' accounts at 1 % of customers (a manual match long ago).
 * - Open items: spread over customers by a lognormal activity (a few customers hold hundreds),
 *   issued over the last 4 months (10 % older, overdue), amounts lognormal around 800.00 (15.00
 *   to 250,000.00, a fifth in whole units); 6 % of customers bill a recurring fee for half of
 *   their invoices (equal amounts: amount alone cannot tell those apart); 25 % have 2 % / 10
 *   days discount terms; 7 % of items are partly credited or paid; 30 % of customers quote POs
 *   (SAP-style "45xxxxxxxx" or "PO-12345"). Numbers "INV-000123" run in issue order with gaps
 *   (the invoices already paid), 5 % are debit memos "DM-01234" numbered separately (their
 *   digits collide with invoice numbers, as two sequences do).
 *
 * ## The bank lines (remittance-lines.ts; LINE_MIX gives the share of each kind)
 * - clean 40 %: one invoice, the open balance; the number as printed (55 %), "INV000123" (12),
 *   "INV 000123" (10), after a word — Invoice, Rechnung, Facture, Inv# — (15), ACH addenda
 *   "RMR*IV*INV-000123*1234.50\" (8).
 * - missing prefix 6 %: digits only, with or without their zeros, half after a word.
 * - zeros 3 %: zeros dropped ("INV-123", "INV123") or one added ("INV-0000123").
 * - OCR slip 4 %: one slip in the significant digits: a look-alike letter (O, I, S, B) 25 %, a
 *   look-alike digit 30 %, two neighbours swapped 25 %, a digit lost 10 % or doubled 10 %.
 * - several named 8 %: 2–6 invoices of one customer (40/25/15/10/10 %), oldest first 60 % of the
 *   time; as full numbers, prefix once then digits, ACH addenda or digits only, joined by
 *   ", ", " ", "; ", "/" or " + "; one number mangled in 20 %; cut at 140 characters (SEPA),
 *   which drops the last numbers of long lists.
 * - lump sum without reference 4 %: 2–5 invoices, or (40 %) everything a customer owes when that
 *   is 2–8 items none of which was paid yet; generic text ("SAMMELZAHLUNG", "VENDOR PAYMENT
 *   RUN", …) or none.
 * - discount 6 %: 1 invoice (80 %) or 2, 2 % discount still allowed on the booking date, named
 *   (75 % as printed, 25 % digits only), 40 % with a note ("abzgl. 2% Skonto").
 * - discount taken late 1 %: the same, up to 40 days after the discount date: a short pay.
 * - short pay 4 %: 1 invoice (75 %) or 2–3 named, paid less by a fee of 5.00–35.00 (35 %) or
 *   by 5–50 % of one invoice; half with a note ("LESS DAMAGED GOODS", "minus Reklamation").
 * - overpay 2 %: the original amount of a partly credited invoice (50 %), or the balance
 *   rounded up to the next 10 or 100, or 1–5 % more.
 * - payer account only 6 %: one invoice, no reference; payer as on every line (below).
 * - payer name only 4 %: one invoice, no reference, no account (50 %) or one never seen.
 * - third party pays 3 %: a processor or factor (its own name and account) with the invoice
 *   number (60 % as printed, else digits only or zeros changed), often the customer's name.
 * - not a customer payment 9 % (no true answer): tax office, insurers, card settlements with
 *   their own numbers (30 %); payments meant for another supplier, quoting its invoice numbers
 *   (20 %); a customer paying an invoice already paid — a number from the gaps (20 %); customer
 *   deposits and prepayments (15 %); transfers between own accounts (5 %); private persons
 *   (10 %). Amounts lognormal, 30 % of them round multiples of 50.00.
 * On every line: subsidiaries are paid by their parent 80 % of the time (its account and
 *   name); customers with a second account use it 30 % of the time; the payer name as the bank
 *   writes it — upper case 40 %, without legal form 15, cut at 27 or 35 characters 10, legal
 *   form spelled otherwise 10, as filed 10, umlauts spelled out 7, a typo 5, none 3; text noise
 *   — a date 25 %, the payer's voucher number of 6–8 digits 20 % (often some invoice's digits),
 *   the customer number 8 %, the amount 10 %, SEPA tags "EREF+12345 SVWZ+" 15 %; end-to-end id
 *   "NOTPROVIDED" 65 %, "E2E20260316123456" 25 %, none 10 %.
 *
 * A kind that finds no fitting open item any more (items are paid once) falls back to a clean
 * payment: with many lines on a small book, discounts run out first. `generatedMix` says what
 * was generated.
 */
import { Random } from '../../src/modules/demo/index.ts';
import type {
  MatchCustomer,
  MatchLine,
  OpenItem,
  PayerHint,
  Suggestion,
} from '../../src/modules/banking/matching/types.ts';
import { assert } from '../../src/shared/assert.ts';
import type { IsoDate } from '../../src/shared/dates.ts';
import { SeededIds } from './ids.ts';
import {
  CustomerPicker,
  itemsByCustomer,
  makeCustomers,
  makeHints,
  makeItems,
} from './remittance-book.ts';
import {
  buildLine,
  type Actors,
  type LineTruth,
  type RemittanceLineKind,
  type ScenarioLine,
} from './remittance-lines.ts';

export type { LineTruth, RemittanceLineKind, ScenarioLine } from './remittance-lines.ts';

/** Share of each kind among the generated lines (weights summing to 100). */
export const LINE_MIX: ReadonlyArray<readonly [RemittanceLineKind, number]> = [
  ['clean', 40],
  ['missingPrefix', 6],
  ['zeros', 3],
  ['ocr', 4],
  ['multiRef', 8],
  ['lumpNoRef', 4],
  ['discount', 6],
  ['lateDiscount', 1],
  ['shortPay', 4],
  ['overpay', 2],
  ['accountOnly', 6],
  ['nameOnly', 4],
  ['thirdParty', 3],
  ['nonAr', 9],
];

export type RemittanceScenarioSpec = {
  customers: number;
  openItems: number;
  lines: number;
  seed: number;
  /** the last booking date of the bank lines (default 2026-03-16) */
  asOf?: IsoDate;
};

export type RemittanceScenario = {
  customers: MatchCustomer[];
  openItems: OpenItem[];
  payerHints: PayerHint[];
  lines: ScenarioLine[];
  /** lines actually generated per kind (a kind falls back to "clean" when no item fits it) */
  generatedMix: Record<RemittanceLineKind, number>;
};

const DEFAULT_AS_OF = '2026-03-16' as IsoDate;

export function generateRemittanceScenario(spec: RemittanceScenarioSpec): RemittanceScenario {
  assert(spec.customers >= 2 && spec.openItems >= spec.customers, 'need customers and items');
  const asOf = spec.asOf ?? DEFAULT_AS_OF;
  const rng = new Random(spec.seed);
  const ids = new SeededIds(new Random(spec.seed ^ 0x1d5), Date.UTC(2024, 0, 1));
  const profiles = makeCustomers(rng, ids, spec.customers);
  const openItems = makeItems(rng, ids, profiles, spec.openItems, asOf);
  const payerHints = makeHints(rng, profiles);
  const actors: Actors = {
    rng,
    profiles,
    openItems,
    asOf,
    byCustomer: itemsByCustomer(profiles, openItems),
  };
  const lines: ScenarioLine[] = [];
  const generatedMix = Object.fromEntries(LINE_MIX.map(([k]) => [k, 0])) as Record<
    RemittanceLineKind,
    number
  >;
  const picker = new CustomerPicker(profiles);
  for (let i = 0; i < spec.lines; i++) {
    const kind = rng.weighted(LINE_MIX);
    const line = buildLine(actors, picker, kind);
    generatedMix[line.kind]++;
    lines.push(line);
  }
  return { customers: profiles.map((p) => p.customer), openItems, payerHints, lines, generatedMix };
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

export type KindFigures = {
  lines: number;
  autoCorrect: number;
  autoWrong: number;
  suggestedOnly: number;
  unmatched: number;
  /** the best suggestion is the true answer, whatever its score */
  topCorrect: number;
};

export type Evaluation = {
  lines: number;
  withTrueMatch: number;
  autoApplied: number;
  autoCorrect: number;
  falseMatches: number;
  suggestedOnly: number;
  unmatched: number;
  /** autoCorrect / withTrueMatch */
  autoMatchRate: number;
  /** falseMatches / lines */
  falseMatchRate: number;
  linesPerSecond: number;
  byKind: Record<RemittanceLineKind, KindFigures>;
  /** a few wrong automatic matches and misses, for reading */
  examples: Array<{ line: ScenarioLine; top: Suggestion | null; outcome: 'false' | 'miss' }>;
};

export function isCorrect(suggestion: Suggestion, truth: LineTruth): boolean {
  if (!truth || suggestion.customerId !== truth.customerId) return false;
  // the same set of documents; plain loops over a handful of ids (this runs inside the timed
  // loop of the benchmark, where building a Set per line cost ~3 µs of its CPU per line)
  const ids = suggestion.allocations.map((a) => a.documentId);
  let distinct = 0;
  for (let k = 0; k < ids.length; k++) if (ids.indexOf(ids[k]!) === k) distinct++;
  return distinct === truth.documentIds.length && truth.documentIds.every((id) => ids.includes(id));
}

/**
 * Runs every line through `index.match` and counts. A line is auto-applied when its best
 * suggestion scores ≥ threshold; it is correct when that suggestion names the true customer
 * and exactly the true set of documents.
 */
export function evaluate(
  index: { match(line: MatchLine): Suggestion[] },
  lines: readonly ScenarioLine[],
  options: { threshold?: number; examples?: number } = {},
): Evaluation {
  const threshold = options.threshold ?? 0.9;
  const byKind = Object.fromEntries(
    LINE_MIX.map(([k]) => [
      k,
      { lines: 0, autoCorrect: 0, autoWrong: 0, suggestedOnly: 0, unmatched: 0, topCorrect: 0 },
    ]),
  ) as Record<RemittanceLineKind, KindFigures>;
  const examples: Evaluation['examples'] = [];
  let withTrueMatch = 0;
  let matchMs = 0;
  for (const line of lines) {
    const t0 = performance.now();
    const suggestions = index.match(line);
    matchMs += performance.now() - t0;
    const figures = byKind[line.kind];
    figures.lines++;
    if (line.truth) withTrueMatch++;
    const top = suggestions[0] ?? null;
    const correct = top !== null && isCorrect(top, line.truth);
    if (correct) figures.topCorrect++;
    if (top && top.score >= threshold) {
      if (correct) figures.autoCorrect++;
      else {
        figures.autoWrong++;
        if (examples.length < (options.examples ?? 0))
          examples.push({ line, top, outcome: 'false' });
      }
    } else {
      if (top) figures.suggestedOnly++;
      else figures.unmatched++;
      if (line.truth && examples.length < (options.examples ?? 0)) {
        examples.push({ line, top, outcome: 'miss' });
      }
    }
  }
  const sum = (f: (k: KindFigures) => number) =>
    Object.values(byKind).reduce((s, k) => s + f(k), 0);
  const autoCorrect = sum((k) => k.autoCorrect);
  const falseMatches = sum((k) => k.autoWrong);
  return {
    lines: lines.length,
    withTrueMatch,
    autoApplied: autoCorrect + falseMatches,
    autoCorrect,
    falseMatches,
    suggestedOnly: sum((k) => k.suggestedOnly),
    unmatched: sum((k) => k.unmatched),
    autoMatchRate: withTrueMatch === 0 ? 0 : autoCorrect / withTrueMatch,
    falseMatchRate: lines.length === 0 ? 0 : falseMatches / lines.length,
    linesPerSecond: matchMs === 0 ? 0 : (lines.length * 1000) / matchMs,
    byKind,
    examples,
  };
}
