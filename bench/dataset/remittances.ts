/**
 * A seeded cash-application scenario for the matcher (src/modules/banking/matching): customers,
 * their open items, learned payer hints, and incoming bank lines with the true answer of each.
 * Same spec and seed → the same scenario, ids included.
 *
 * ## The book
 * - Customers: names in several styles (surname + trade, partners, place + trade, brands, ...)
 *   from European and American word lists, 85 % with a legal form (GmbH, LLC, S.A., ...), so
 *   names share words and near-duplicates occur as in a real ledger; 3 % are branches of another
 *   customer ("Summit Logistics Hamburg"); 10 % have a trading name on file. 5 % bill in USD.
 * - Payer accounts: one IBAN-like account per customer, a second one for 15 %; 4 % are
 *   subsidiaries whose parent pays from its own account. Learned hints (from earlier manual
 *   matches) exist for 65 % of main accounts (half with the name the bank showed), for half of
 *   the parent-pays relations, and for processors' accounts at a few customers.
 * - Open items: spread over customers by a lognormal activity (a few customers hold hundreds),
 *   issued over the last ~4 months (10 % older, overdue), amounts lognormal around 800 with
 *   cents; 6 % of customers pay a recurring fee (half of their invoices have the same amount,
 *   so amount alone cannot tell those apart); 25 % have 2/10
 *   terms (2 % discount within 10 days); 7 % of items are partly credited or paid; 30 % of
 *   customers quote PO numbers. Numbers "INV-000123" run in issue order with gaps (the paid
 *   invoices), 5 % are debit memos "DM-01234" numbered separately (their digits collide with
 *   invoices on purpose).
 *
 * ## The bank lines (LINE_MIX, share of lines)
 * clean 40 · missing prefix 6 · zeros dropped/added 3 · OCR slip 4 · several named 8 ·
 * lump sum without reference 4 · discount 6 · discount taken late 1 · short pay 4 · overpay 2 ·
 * payer account only 6 · payer name only 4 · third party pays 3 · not a customer payment 9.
 * On top of that, on every kind: payer name as the bank writes it (upper case, legal form
 * dropped or spelled differently, cut at 27 or 35 characters, a typo, umlauts as UE, or none
 * at all), the payer's second account, dates, the payer's own voucher numbers (6–8 digits,
 * which often equal some other invoice's digits), the customer number, SEPA field tags, amounts
 * in the text, end-to-end ids with digits, and the 140-character SEPA limit cutting long lists.
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
  const ids = new Set(suggestion.allocations.map((a) => a.documentId));
  return ids.size === truth.documentIds.length && truth.documentIds.every((id) => ids.has(id));
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
