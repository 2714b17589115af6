/**
 * Answers built from documents the remittance text names: by number (exactly, without prefix or
 * zeros, or one character off), or by PO number. See the score table in `match-index.ts`.
 * Runs for every line: no closures are created per call (see the note in match-index.ts).
 */
import { findCombinations, findItemCombinations } from './combinations.ts';
import {
  compareDue,
  discountAllowed,
  fullParts,
  hypothesis,
  openMinorOf,
  openSum,
  usable,
  type Explanation,
  type Hit,
  type Hypothesis,
  type IndexView,
  type LineContext,
  type Part,
} from './internal.ts';
import { withinOneEdit, type RemittanceReference } from './normalize.ts';
import { namedPayerStrength } from './payer.ts';
import {
  FUZZY_SIBLINGS_PENALTY,
  LARGE_OVERPAY_PENALTY,
  LARGE_OVERPAY_PERCENT,
  NAMED_SUBSET_PENALTY,
  QUALITY_RANK,
  UNNAMED_EXTRA_PENALTY,
  referenceScore,
  weakestQuality,
  type ReferenceFit,
  type ReferenceQuality,
} from './scoring.ts';
import { statedAnswer } from './stated-answers.ts';

/** Items one bare number may name before it is taken for noise (a year, a quantity). */
const MAX_ITEMS_PER_REFERENCE = 20;
/** Fewest digits for a one-character-off reading: "12" vs "13" would match anything. */
const MIN_FUZZY_DIGITS = 4;
/** Candidates checked for a one-character-off reading: by amount, and per strong payer. */
const MAX_FUZZY_CANDIDATES = 200;
const MAX_FUZZY_PAYER_ITEMS = 40;
/** Customers whose named documents are turned into answers, and documents per customer. */
const MAX_NAMED_CUSTOMERS = 12;
const MAX_NAMED_ITEMS = 12;
/** Unnamed items searched to explain an overpay, and how many of them may be added. */
const MAX_EXTRA_POOL = 40;
const MAX_EXTRA_ITEMS = 2;

/** Documents named by the line, grouped by customer. */
export function namedDocuments(view: IndexView, ctx: LineContext): Map<number, Hit[]> {
  const best = new Map<number, Hit>();
  for (const ref of ctx.references) {
    const byNumber = view.itemsByCore(ref.core);
    // "C010023" written in full is a customer number, not invoice 10023 with another prefix
    const customerNumber = ctx.customerNumbers.has(ref);
    if (byNumber.length <= MAX_ITEMS_PER_REFERENCE) {
      for (const item of byNumber) {
        if (!usable(view, item, ctx)) continue;
        const full = ref.prefix !== '' && ref.prefix === view.prefixOf(item);
        if (customerNumber && !full) continue;
        keepBest(best, {
          item,
          quality: full ? 'full' : 'core',
          written: ref.written,
          byPo: false,
        });
      }
    }
    const byPo = view.itemsByPoCore(ref.core);
    if (byPo.length <= MAX_ITEMS_PER_REFERENCE) {
      for (const item of byPo) {
        if (!usable(view, item, ctx)) continue;
        const full = ref.prefix !== '' && ref.prefix === view.poPrefixOf(item);
        keepBest(best, { item, quality: full ? 'full' : 'core', written: ref.written, byPo: true });
      }
    }
  }
  if (!amountExplained(view, ctx, best)) {
    for (const hit of nearlyNamed(view, ctx, best, settledReferences(view, ctx, best))) {
      keepBest(best, hit);
    }
  }
  const byCustomer = new Map<number, Hit[]>();
  for (const hit of best.values()) {
    const c = view.customerOf(hit.item);
    const list = byCustomer.get(c);
    if (list) list.push(hit);
    else byCustomer.set(c, [hit]);
  }
  return byCustomer;
}

function keepBest(best: Map<number, Hit>, hit: Hit): void {
  const current = best.get(hit.item);
  if (!current || QUALITY_RANK[hit.quality] > QUALITY_RANK[current.quality]) {
    best.set(hit.item, hit);
  }
}

/**
 * True when exactly named documents already account for the amount (one of them, or all of
 * one customer's): a near-miss reading could then only add a competitor to a settled answer.
 */
function amountExplained(view: IndexView, ctx: LineContext, named: Map<number, Hit>): boolean {
  // running sums per customer, in the order the documents were named (a handful of them)
  const customers: number[] = [];
  const sums: bigint[] = [];
  for (const hit of named.values()) {
    const open = openMinorOf(view, hit.item);
    if (open === ctx.amount) return true;
    const c = view.customerOf(hit.item);
    const k = customers.indexOf(c);
    const sum = (k < 0 ? 0n : sums[k]!) + open;
    if (sum === ctx.amount) return true;
    if (k < 0) {
      customers.push(c);
      sums.push(sum);
    } else sums[k] = sum;
  }
  return false;
}

/**
 * References whose exact reading is already backed by something else (its document belongs to a
 * strong payer, or owes the amount): no near-miss reading of them is looked for.
 */
function settledReferences(
  view: IndexView,
  ctx: LineContext,
  named: Map<number, Hit>,
): Set<string> {
  const settled = new Set<string>();
  for (const hit of named.values()) {
    const it = view.items[hit.item]!;
    if (it.openMinor === ctx.amount || ctx.strongPayers.includes(view.customerOf(hit.item))) {
      settled.add(hit.written);
    }
  }
  return settled;
}

/**
 * Documents one character off a number in the text, among documents that something else
 * already points at: an open balance (or discounted one) equal to the amount, or one of the
 * oldest items of a strongly identified payer. With numbering as dense as an invoice sequence
 * nearly every slip is another valid number, so an uncorroborated near-miss is never taken.
 */
function nearlyNamed(
  view: IndexView,
  ctx: LineContext,
  named: Map<number, Hit>,
  settled: ReadonlySet<string>,
): Hit[] {
  const refs: RemittanceReference[] = [];
  let shortest = Infinity;
  let longest = 0;
  for (const r of ctx.references) {
    if (r.core.length < MIN_FUZZY_DIGITS || settled.has(r.written)) continue;
    refs.push(r);
    shortest = Math.min(shortest, r.core.length);
    longest = Math.max(longest, r.core.length);
  }
  if (refs.length === 0) return [];
  const hits: Hit[] = [];
  if (ctx.byOpen.length <= MAX_FUZZY_CANDIDATES) {
    nearMisses(view, ctx, ctx.byOpen, ctx.byOpen.length, named, refs, shortest, longest, hits);
  }
  if (ctx.byNet.length <= MAX_FUZZY_CANDIDATES) {
    nearMisses(view, ctx, ctx.byNet, ctx.byNet.length, named, refs, shortest, longest, hits);
  }
  for (const customer of ctx.strongPayers) {
    const own = view.itemsOf(customer);
    const count = Math.min(own.length, MAX_FUZZY_PAYER_ITEMS);
    nearMisses(view, ctx, own, count, named, refs, shortest, longest, hits);
  }
  return hits;
}

/** The first `count` items of `list` one character off a reference (each item once). */
function nearMisses(
  view: IndexView,
  ctx: LineContext,
  list: ArrayLike<number>,
  count: number,
  named: Map<number, Hit>,
  refs: readonly RemittanceReference[],
  shortest: number,
  longest: number,
  hits: Hit[],
): void {
  for (let k = 0; k < count; k++) {
    const item = list[k]!;
    const length = view.coreLengthOf(item);
    if (length < shortest - 1 || length > longest + 1) continue;
    if (named.has(item) || !usable(view, item, ctx) || isHit(hits, item)) continue;
    const core = view.coreOf(item);
    for (const ref of refs) {
      if (ref.core === core || !withinOneEdit(ref.core, core)) continue;
      hits.push({ item, quality: 'fuzzy', written: ref.written, byPo: false });
      break;
    }
  }
}

function isHit(hits: readonly Hit[], item: number): boolean {
  for (const hit of hits) if (hit.item === item) return true;
  return false;
}

/** All answers from named documents, per customer that has any. */
export function referenceHypotheses(
  view: IndexView,
  ctx: LineContext,
  named: Map<number, Hit[]>,
): Hypothesis[] {
  const ranked = [...named].sort(
    (a, b) => bestQuality(b[1]) - bestQuality(a[1]) || b[1].length - a[1].length || a[0] - b[0],
  );
  const out: Hypothesis[] = [];
  for (const [customer, hits] of ranked.slice(0, MAX_NAMED_CUSTOMERS)) {
    // the payer's own split, when it names this customer's documents and adds up, comes first
    if (ctx.stated !== null && statedAnswer(view, ctx, customer, hits, out)) continue;
    customerAnswers(view, ctx, customer, hits, out);
  }
  return out;
}

function bestQuality(hits: readonly Hit[]): number {
  let best = 0;
  for (const h of hits) best = Math.max(best, QUALITY_RANK[h.quality]);
  return best;
}

/** What one customer's named documents say about the amount (the fits of match-index.ts §3). */
type Named = {
  customer: number;
  hits: readonly Hit[];
  items: readonly number[];
  quality: ReferenceQuality;
  totalMinor: bigint;
};

function customerAnswers(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  allHits: Hit[],
  out: Hypothesis[],
): void {
  const hits = [...allHits]
    .sort((a, b) => compareDue(view, a.item, b.item))
    .slice(0, MAX_NAMED_ITEMS);
  const items = hits.map((h) => h.item);
  const named: Named = {
    customer,
    hits,
    items,
    quality: weakestQuality(hits.map((h) => h.quality)),
    totalMinor: openSum(view, items),
  };
  const amount = ctx.amount;
  const total = named.totalMinor;
  if (amount === total) {
    const siblings = fuzzySiblings(view, ctx, named, ctx.byOpen);
    const penalty = siblings > 0 ? FUZZY_SIBLINGS_PENALTY : 0;
    const parts = fullParts(view, items);
    out.push(answer(view, ctx, named, 'exact', parts, { fit: 'exact', siblings }, penalty));
    return;
  }
  const discounted = discountedParts(view, ctx, items);
  if (discounted && amount === discounted.cash) {
    const siblings = fuzzySiblings(view, ctx, named, ctx.byNet);
    const penalty = siblings > 0 ? FUZZY_SIBLINGS_PENALTY : 0;
    const explanation = { fit: 'discount', discountMinor: discounted.discount, siblings } as const;
    out.push(answer(view, ctx, named, 'discount', discounted.parts, explanation, penalty));
    return;
  }
  let original = 0n;
  for (const i of items) original += view.items[i]!.amountMinor;
  if (amount === original && original > total) {
    out.push(answer(view, ctx, named, 'original', fullParts(view, items), { fit: 'original' }));
    return;
  }
  if (items.length >= 2 && namedSubsets(view, ctx, named, out)) return;
  if (amount < total) out.push(shortPay(view, ctx, named));
  else overpay(view, ctx, named, out);
}

/**
 * For a single document named only one character off: how many other open items of the same
 * customer owe the same amount (then the slip may have landed on a look-alike by chance).
 */
function fuzzySiblings(
  view: IndexView,
  ctx: LineContext,
  named: Named,
  sameAmount: readonly number[],
): number {
  if (named.quality !== 'fuzzy' || named.items.length !== 1) return 0;
  let siblings = 0;
  for (const item of sameAmount) {
    if (item !== named.items[0] && view.customerOf(item) === named.customer) siblings++;
  }
  return siblings;
}

function answer(
  view: IndexView,
  ctx: LineContext,
  named: Named,
  fit: ReferenceFit,
  parts: Part[],
  explanation: Partial<Extract<Explanation, { kind: 'named' }>> & {
    fit: Extract<Explanation, { kind: 'named' }>['fit'];
  },
  penalty = 0,
  shortPayMinor = 0n,
): Hypothesis {
  const payer = namedPayerStrength(ctx, named.customer, named.quality);
  return hypothesis(view, ctx, {
    customer: named.customer,
    parts,
    score: referenceScore(named.quality, fit, payer) - penalty,
    // every field present, in one order: one object shape for the evidence code to read
    explanation: {
      kind: 'named',
      hits: named.hits,
      fit: explanation.fit,
      totalMinor: named.totalMinor,
      items: explanation.items,
      discountMinor: explanation.discountMinor,
      large: explanation.large,
      siblings: explanation.siblings,
    },
    shortPayMinor,
  });
}

/** The amount equals some of the named documents (one listed by mistake, or paid already). */
function namedSubsets(view: IndexView, ctx: LineContext, named: Named, out: Hypothesis[]): boolean {
  const opens = named.items.map((i) => view.items[i]!.openMinor);
  const n = named.items.length;
  const maxSize = Math.min(n - 1, view.maxCombination);
  // the ones paid (up to maxCombination of them), or the ones left out (up to 2 of a long list)
  let subsets = findCombinations(opens, ctx.amount, 1, maxSize);
  if (subsets.length === 0 && ctx.amount < named.totalMinor && n > maxSize + 1) {
    const left = findCombinations(opens, named.totalMinor - ctx.amount, 1, Math.min(2, n - 1));
    subsets = left.map((out) => opens.map((_, k) => k).filter((k) => !out.includes(k)));
  }
  for (const subset of subsets) {
    const chosen = subset.map((k) => named.items[k]!);
    out.push(
      answer(
        view,
        ctx,
        named,
        'exact',
        fullParts(view, chosen),
        { fit: 'subset', items: chosen },
        NAMED_SUBSET_PENALTY,
      ),
    );
  }
  return subsets.length > 0;
}

/** Cash after the discounts still allowed on the line's date; null when none is. */
function discountedParts(
  view: IndexView,
  ctx: LineContext,
  items: readonly number[],
): { parts: Part[]; cash: bigint; discount: bigint } | null {
  let discount = 0n;
  let cash = 0n;
  const parts: Part[] = [];
  for (const item of items) {
    const it = view.items[item]!;
    const d = discountAllowed(it, ctx.date);
    discount += d;
    cash += it.openMinor - d;
    parts.push({ item, amountMinor: it.openMinor - d, discountMinor: d });
  }
  return discount === 0n ? null : { parts, cash, discount };
}

/** Less than the named documents owe: oldest due first, the rest stays open. */
function shortPay(view: IndexView, ctx: LineContext, named: Named): Hypothesis {
  let left = ctx.amount;
  const parts: Part[] = [];
  let openOfPaid = 0n;
  for (const item of named.items) {
    if (left === 0n) break;
    const open = openMinorOf(view, item);
    const pay = open < left ? open : left;
    parts.push({ item, amountMinor: pay, discountMinor: 0n });
    openOfPaid += open;
    left -= pay;
  }
  return answer(view, ctx, named, 'short', parts, { fit: 'short' }, 0, openOfPaid - ctx.amount);
}

/** More than the named documents owe: other open documents that make up the rest, or unapplied. */
function overpay(view: IndexView, ctx: LineContext, named: Named, out: Hypothesis[]): void {
  const rest = ctx.amount - named.totalMinor;
  // unnamed documents are only added to documents named in full or paid by a strong payer
  const payer = namedPayerStrength(ctx, named.customer, named.quality);
  const mayExtend = named.quality === 'full' || payer === 'strong';
  if (mayExtend && extend(view, ctx, named, rest, out)) return;
  const large = rest * 100n > named.totalMinor * LARGE_OVERPAY_PERCENT;
  out.push(
    answer(
      view,
      ctx,
      named,
      'over',
      fullParts(view, named.items),
      { fit: 'over', large },
      large ? LARGE_OVERPAY_PENALTY : 0,
    ),
  );
}

/** The rest of an overpay is exactly one more open document of the customer, or two. */
function extend(
  view: IndexView,
  ctx: LineContext,
  named: Named,
  rest: bigint,
  out: Hypothesis[],
): boolean {
  // one unnamed document anywhere in the customer's book (amount index), or two of its oldest
  const extras: number[][] = [];
  for (const item of view.itemsByOpen(rest)) {
    if (view.customerOf(item) !== named.customer || named.items.includes(item)) continue;
    if (usable(view, item, ctx) && extras.length < 2) extras.push([item]);
  }
  if (extras.length === 0) {
    const pool: number[] = [];
    for (const item of view.itemsOf(named.customer)) {
      if (pool.length >= MAX_EXTRA_POOL) break;
      if (!named.items.includes(item) && usable(view, item, ctx)) pool.push(item);
    }
    const pairs =
      pool.length < MAX_EXTRA_ITEMS
        ? []
        : findItemCombinations(
            pool,
            view.openValues,
            (item) => openMinorOf(view, item),
            rest,
            2,
            MAX_EXTRA_ITEMS,
          );
    for (const pair of pairs) extras.push(pair.map((k) => pool[k]!));
  }
  for (const added of extras) {
    out.push(
      answer(
        view,
        ctx,
        named,
        'exact',
        fullParts(view, [...named.items, ...added]),
        { fit: 'extra', items: added },
        UNNAMED_EXTRA_PENALTY * added.length,
      ),
    );
  }
  return extras.length > 0;
}
