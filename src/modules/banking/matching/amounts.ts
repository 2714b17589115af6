/**
 * Answers from the amount alone, when the text names nothing usable: one open item (or its
 * discounted balance), all open items of the customer, or a combination of 2..maxCombination of
 * its oldest items. Searched only for customers the payer evidence points at; for an unknown
 * payer only single items of the whole book whose open balance equals the amount, scored low.
 * Runs for many lines: no closures are created per call (see the note in match-index.ts).
 */
import { findItemCombinations } from './combinations.ts';
import {
  discountAllowed,
  fullParts,
  hypothesis,
  openMinorOf,
  usable,
  type Explanation,
  type Hypothesis,
  type IndexView,
  type LineContext,
  type Part,
} from './internal.ts';
import { payerStrengthOf } from './payer.ts';
import {
  AMBIGUITY_MARGIN,
  GROUP_PENALTY,
  ROUND_AMOUNT_PENALTY,
  UNKNOWN_PAYER_SHARED_AMOUNT,
  amountScore,
  sumBasis,
  type AmountBasis,
  type PayerStrength,
} from './scoring.ts';

/** Oldest open items of one customer searched for a combination (the subset-sum pool). */
export const COMBINATION_POOL = 40;
/** Payer candidates whose open items are searched, strongest first. */
const MAX_PAYER_CUSTOMERS = 6;
/** "All open items" is only tried up to this many items. */
const MAX_ALL_ITEMS = 200;
/** A fallback answer (payer known, nothing fits) allocates to at most this many items. */
const MAX_FALLBACK_ITEMS = 20;
/** An amount shared by more open items of the book than this is not suggested at all. */
const MAX_UNKNOWN_PAYER_ITEMS = 12;

const RANK: Record<PayerStrength, number> = { strong: 3, medium: 2, weak: 1, none: 0, contra: 0 };

type AmountExplanation = Extract<Explanation, { kind: 'amount' }>;

export function amountHypotheses(
  view: IndexView,
  ctx: LineContext,
  explained: ReadonlySet<number>,
  bestSoFar: number,
): Hypothesis[] {
  const out: Hypothesis[] = [];
  const candidates = [...ctx.payers]
    .filter(([c]) => !explained.has(c))
    .sort((a, b) => RANK[b[1].strength] - RANK[a[1].strength] || a[0] - b[0]);
  // weak name matches are searched only when nothing better points at a payer
  const solid = candidates.filter(([, p]) => RANK[p.strength] >= RANK.medium);
  const payers = (solid.length > 0 ? solid : candidates).slice(0, MAX_PAYER_CUSTOMERS);
  const skip = new Set(explained);
  for (const [customer] of payers) {
    skip.add(customer);
    payerAnswers(view, ctx, customer, out, null, bestSoFar);
  }
  upgradeGroup(view, ctx, out);
  unknownPayerAnswers(view, ctx, skip, out);
  return out;
}

/**
 * The payer points at 2–3 customers alike (a shared account, the same name) and only one of
 * them has open items that explain the amount: that one is the payer, scored as a strong one.
 */
function upgradeGroup(view: IndexView, ctx: LineContext, out: Hypothesis[]): void {
  // a strongly identified payer is no tie: if it explains nothing, nobody else is promoted
  if (ctx.strongPayers.length > 0) return;
  let only = -1;
  for (const h of out) {
    if (h.explanation.kind !== 'amount' || h.explanation.basis === 'payerOnly') continue;
    if (only >= 0 && only !== h.customer) return;
    only = h.customer;
  }
  if (only < 0 || ctx.payers.get(only)?.grouped !== true) return;
  const upgraded: Hypothesis[] = [];
  payerAnswers(view, ctx, only, upgraded, 'strong', 0);
  const kept = out.filter((h) => h.customer !== only);
  out.length = 0;
  out.push(...kept, ...upgraded);
}

/** The answers of one customer being searched, and the payer strength to score them with. */
type Search = { out: Hypothesis[]; customer: number; payer: PayerStrength; upgraded: boolean };

function add(
  view: IndexView,
  ctx: LineContext,
  search: Search,
  basis: AmountBasis,
  parts: Part[],
  explanation: AmountExplanation,
  shortPayMinor = 0n,
): void {
  const discount = explanation.basis === 'net' || explanation.basis === 'allNet';
  const round = basis !== 'payerOnly' && ctx.round;
  const penalty = (search.upgraded ? GROUP_PENALTY : 0) + (round ? ROUND_AMOUNT_PENALTY : 0);
  search.out.push(
    hypothesis(view, ctx, {
      customer: search.customer,
      parts,
      score: amountScore(basis, search.payer, discount) - penalty,
      // every field present, in one order: one object shape for the evidence code to read
      explanation: {
        kind: 'amount',
        basis: explanation.basis,
        items: explanation.items,
        alternatives: explanation.alternatives,
        group: search.upgraded,
        poolSize: explanation.poolSize,
        round,
      },
      shortPayMinor,
    }),
  );
}

function isMine(view: IndexView, ctx: LineContext, customer: number, item: number): boolean {
  return view.customerOf(item) === customer && usable(view, item, ctx);
}

function netPart(view: IndexView, item: number): Part {
  const it = view.items[item]!;
  return { item, amountMinor: it.openMinor - it.discountMinor, discountMinor: it.discountMinor };
}

function payerAnswers(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  out: Hypothesis[],
  strength: PayerStrength | null,
  bestSoFar: number,
) {
  const own = view.itemsOf(customer);
  if (own.length === 0) return;
  const search: Search = {
    out,
    customer,
    payer: strength ?? payerStrengthOf(customer, ctx.payers, ctx.strongPayers),
    upgraded: strength !== null,
  };
  const singles = ctx.byOpen.filter((i) => isMine(view, ctx, customer, i));
  for (const item of singles) {
    const explanation = {
      kind: 'amount',
      basis: 'single',
      items: [item],
      alternatives: singles.length - 1,
    } as const;
    add(view, ctx, search, 'single', fullParts(view, [item]), explanation);
  }
  if (singles.length > 0) return;
  const nets = ctx.byNet.filter(
    (i) => isMine(view, ctx, customer, i) && discountAllowed(view.items[i]!, ctx.date) > 0n,
  );
  for (const item of nets) {
    const explanation = {
      kind: 'amount',
      basis: 'net',
      items: [item],
      alternatives: nets.length - 1,
    } as const;
    add(view, ctx, search, 'single', [netPart(view, item)], explanation);
  }
  if (nets.length > 0) return;
  if (mayBeAllOpen(view, ctx, customer) && allOpen(view, ctx, search, own)) return;
  const pool: number[] = [];
  for (let k = 0; k < own.length && pool.length < COMBINATION_POOL; k++) {
    if (usable(view, own[k]!, ctx)) pool.push(own[k]!);
  }
  if (pool.length === 0) return;
  // sizes whose best possible score cannot compete with an answer already found are skipped
  let maxSize = Math.min(view.maxCombination, pool.length);
  while (
    maxSize >= 2 &&
    amountScore(sumBasis(pool.length, maxSize, ctx.amount), search.payer, false) <
      bestSoFar - AMBIGUITY_MARGIN
  ) {
    maxSize--;
  }
  const sets =
    maxSize < 2
      ? []
      : findItemCombinations(
          pool,
          view.openValues,
          (item) => openMinorOf(view, item),
          ctx.amount,
          2,
          maxSize,
        );
  for (const set of sets) {
    const chosen = set.map((k) => pool[k]!);
    const explanation = {
      kind: 'amount',
      basis: 'combination',
      items: chosen,
      alternatives: sets.length - 1,
      poolSize: pool.length,
    } as const;
    add(
      view,
      ctx,
      search,
      sumBasis(pool.length, chosen.length, ctx.amount),
      fullParts(view, chosen),
      explanation,
    );
  }
  if (sets.length > 0) return;
  if (RANK[search.payer] >= RANK.medium) fallback(view, ctx, search, pool);
}

/** Cheap test on the customer's totals before "all open items" is worked out item by item. */
function mayBeAllOpen(view: IndexView, ctx: LineContext, customer: number): boolean {
  const count = view.itemCountOf(customer);
  if (count < 2 || count > MAX_ALL_ITEMS) return false;
  const summary = view.summaryOf(customer);
  if (summary.currency !== ctx.currency) return summary.currency === null;
  return ctx.amount <= summary.openMinor && ctx.amount >= summary.openMinor - summary.discountMinor;
}

/** Σ of every open item, or of their balances net of the discounts allowed on the line's date. */
function allOpen(view: IndexView, ctx: LineContext, search: Search, own: Int32Array): boolean {
  const items: number[] = [];
  let total = 0n;
  let net = 0n;
  for (const item of own) {
    if (!usable(view, item, ctx)) continue;
    const it = view.items[item]!;
    items.push(item);
    total += it.openMinor;
    net += it.openMinor - discountAllowed(it, ctx.date);
  }
  if (items.length < 2) return false;
  if (total === ctx.amount) {
    const explanation = { kind: 'amount', basis: 'all', items, alternatives: 0 } as const;
    add(view, ctx, search, 'all', fullParts(view, items), explanation);
    return true;
  }
  if (net === total || net !== ctx.amount) return false;
  const parts: Part[] = [];
  for (const item of items) {
    const it = view.items[item]!;
    const d = discountAllowed(it, ctx.date);
    parts.push({ item, amountMinor: it.openMinor - d, discountMinor: d });
  }
  const explanation = { kind: 'amount', basis: 'allNet', items, alternatives: 0 } as const;
  add(view, ctx, search, 'all', parts, explanation);
  return true;
}

/** The payer is known but nothing adds up: oldest items first, for a person to confirm. */
function fallback(view: IndexView, ctx: LineContext, search: Search, items: readonly number[]) {
  let left = ctx.amount;
  const parts: Part[] = [];
  let paidOpen = 0n;
  for (const item of items.slice(0, MAX_FALLBACK_ITEMS)) {
    if (left === 0n) break;
    const open = openMinorOf(view, item);
    const pay = open < left ? open : left;
    parts.push({ item, amountMinor: pay, discountMinor: 0n });
    paidOpen += open;
    left -= pay;
  }
  const explanation = { kind: 'amount', basis: 'payerOnly', items: [], alternatives: 0 } as const;
  add(view, ctx, search, 'payerOnly', parts, explanation, paidOpen - (ctx.amount - left));
}

/** Single items anywhere in the book whose balance (or discounted balance) is the amount. */
function unknownPayerAnswers(
  view: IndexView,
  ctx: LineContext,
  skip: ReadonlySet<number>,
  out: Hypothesis[],
): void {
  const exact = ctx.byOpen.filter((i) => usable(view, i, ctx));
  const net = ctx.byNet.filter(
    (i) => usable(view, i, ctx) && discountAllowed(view.items[i]!, ctx.date) > 0n,
  );
  const sharedBy = exact.length + net.length;
  if (sharedBy === 0 || sharedBy > MAX_UNKNOWN_PAYER_ITEMS) return;
  for (const item of [...exact, ...net]) {
    const customer = view.customerOf(item);
    if (skip.has(customer)) continue;
    const isNet = !exact.includes(item);
    const payer = payerStrengthOf(customer, ctx.payers, ctx.strongPayers);
    const score =
      sharedBy === 1 ? amountScore('single', payer, isNet) : UNKNOWN_PAYER_SHARED_AMOUNT;
    out.push(
      hypothesis(view, ctx, {
        customer,
        parts: isNet ? [netPart(view, item)] : fullParts(view, [item]),
        score,
        explanation: { kind: 'unknownPayer', item, net: isNet, sharedBy },
      }),
    );
  }
}
