/**
 * Answers from the amounts the payer states per document ("INV-1:100.00; INV-2:50.00", read by
 * `stated-amounts.ts`). When every reference with an amount names exactly one open document of
 * the customer, and the amounts add up to the line (or to less, when documents named without an
 * amount take the rest), the payer's split replaces the matcher's own guesses for that customer:
 *
 * - a stated amount equal to the open balance pays the document ("exact");
 * - equal to the open balance net of an early-payment discount still allowed on the line's date:
 *   that discount is taken ("discount");
 * - below the open balance: a short pay of that document, the rest of it stays open ("short");
 * - above the open balance: only what is open is applied, the excess stays unapplied on account.
 *   When the stated amount is the document's original amount (a credit or payment the payer did
 *   not count) that is "original", otherwise "over" — never applied above what is open.
 *
 * Documents named without an amount take what is left, oldest due first, each up to its open
 * balance (or its discounted balance when that is exactly what is left).
 *
 * The answer is scored on the table of named documents (`scoring.ts`): the weakest naming of the
 * documents and the weakest fit of any document, so a clean split scores as a clean reference
 * does and no unknown or nearly named reference gains anything from an amount. An excess of more
 * than 10 % costs LARGE_OVERPAY_PENALTY; a split that gives one document more than it owes and
 * another less (amounts swapped, a typo) costs STATED_MISFIT_PENALTY.
 */
import {
  compareDue,
  discountAllowed,
  hypothesis,
  openMinorOf,
  type Hit,
  type Hypothesis,
  type IndexView,
  type LineContext,
  type StatedPart,
} from './internal.ts';
import type { RemittanceReference } from './normalize.ts';
import { namedPayerStrength } from './payer.ts';
import {
  FUZZY_SIBLINGS_PENALTY,
  LARGE_OVERPAY_PENALTY,
  LARGE_OVERPAY_PERCENT,
  QUALITY_RANK,
  STATED_MISFIT_PENALTY,
  referenceScore,
  weakestQuality,
  type ReferenceFit,
} from './scoring.ts';
import type { StatedRemittance } from './stated-amounts.ts';

/** How well a document's part fits its open balance; the worst part scores the answer. */
const FIT_RANK: Record<StatedPart['fit'], number> = {
  exact: 0,
  discount: 1,
  original: 2,
  short: 3,
  over: 3,
};

/**
 * Adds the answer the payer's stated amounts give for `customer` (whose named documents are
 * `hits`); false when they do not resolve to its documents or do not add up, and the caller
 * then answers as without them.
 */
export function statedAnswer(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  hits: readonly Hit[],
  out: Hypothesis[],
): boolean {
  const stated = ctx.stated;
  if (stated === null) return false;
  const used: Hit[] = [];
  const parts: StatedPart[] = [];
  for (const { reference, amountMinor } of stated.amounts) {
    const hit = namedBy(hits, reference);
    if (hit === null || isUsed(used, hit.item)) return false;
    used.push(hit);
    parts.push(statedPart(view, ctx, hit.item, amountMinor));
  }
  let left = ctx.amount - stated.totalMinor;
  if (left > 0n) {
    const rest = unstatedHits(view, stated, hits, used);
    if (rest.length === 0) return false;
    for (const hit of rest) {
      if (left === 0n) break;
      const part = restPart(view, ctx, hit.item, left);
      used.push(hit);
      parts.push(part);
      left -= part.amountMinor;
    }
  }
  out.push(answer(view, ctx, customer, used, parts, left));
  return true;
}

/** The one document of the customer the reference names best; null when none or a tie. */
function namedBy(hits: readonly Hit[], reference: RemittanceReference): Hit | null {
  let best: Hit | null = null;
  let tied = false;
  for (const hit of hits) {
    if (hit.written !== reference.written) continue;
    const rank = QUALITY_RANK[hit.quality];
    if (best === null || rank > QUALITY_RANK[best.quality]) {
      best = hit;
      tied = false;
    } else if (rank === QUALITY_RANK[best.quality]) tied = true;
  }
  return tied ? null : best;
}

function isUsed(used: readonly Hit[], item: number): boolean {
  for (const hit of used) if (hit.item === item) return true;
  return false;
}

/** Documents of the customer named without an amount (not already paid), oldest due first. */
function unstatedHits(
  view: IndexView,
  stated: StatedRemittance,
  hits: readonly Hit[],
  used: readonly Hit[],
): Hit[] {
  const rest: Hit[] = [];
  for (const reference of stated.unstated) {
    const hit = namedBy(hits, reference);
    if (hit !== null && !isUsed(used, hit.item) && !isUsed(rest, hit.item)) rest.push(hit);
  }
  return rest.sort((a, b) => compareDue(view, a.item, b.item));
}

/** What a stated amount does to its document (see the file comment). */
function statedPart(view: IndexView, ctx: LineContext, item: number, stated: bigint): StatedPart {
  const open = openMinorOf(view, item);
  const it = view.items[item]!;
  const discount = stated < open ? discountAllowed(it, ctx.date) : 0n;
  const fit: StatedPart['fit'] =
    stated === open
      ? 'exact'
      : discount > 0n && stated === open - discount
        ? 'discount'
        : stated < open
          ? 'short'
          : stated === it.amountMinor
            ? 'original'
            : 'over';
  return {
    item,
    statedMinor: stated,
    fit,
    // never above what is open: the excess of an overpaid document stays unapplied
    amountMinor: stated < open ? stated : open,
    discountMinor: fit === 'discount' ? discount : 0n,
  };
}

/** What is left paying a document named without an amount. */
function restPart(view: IndexView, ctx: LineContext, item: number, left: bigint): StatedPart {
  const open = openMinorOf(view, item);
  const discount = discountAllowed(view.items[item]!, ctx.date);
  if (discount > 0n && left === open - discount) {
    return { item, statedMinor: null, fit: 'discount', amountMinor: left, discountMinor: discount };
  }
  const fit = left >= open ? 'exact' : 'short';
  const amountMinor = left >= open ? open : left;
  return { item, statedMinor: null, fit, amountMinor, discountMinor: 0n };
}

function answer(
  view: IndexView,
  ctx: LineContext,
  customer: number,
  hits: readonly Hit[],
  parts: readonly StatedPart[],
  leftMinor: bigint,
): Hypothesis {
  let worst: StatedPart['fit'] = 'exact';
  let openTotal = 0n;
  let excess = leftMinor;
  let shortPay = 0n;
  let above = false;
  let below = false;
  for (const part of parts) {
    if (FIT_RANK[part.fit] > FIT_RANK[worst]) worst = part.fit;
    const open = openMinorOf(view, part.item);
    openTotal += open;
    if (part.fit === 'short') {
      shortPay += open - part.amountMinor;
      below = true;
    } else if (part.fit === 'over' || part.fit === 'original') {
      above = true;
      // an original amount explains its excess; any other excess counts towards "large"
      if (part.fit === 'over') excess += part.statedMinor! - open;
    }
  }
  const fit: ReferenceFit = leftMinor > 0n && FIT_RANK[worst] < FIT_RANK.over ? 'over' : worst;
  const large = excess * 100n > openTotal * LARGE_OVERPAY_PERCENT;
  const misfit = above && below;
  const siblings = fuzzySiblings(view, customer, hits);
  const quality = weakestQuality(hits.map((h) => h.quality));
  const payer = namedPayerStrength(ctx, customer, quality);
  const penalty =
    (large ? LARGE_OVERPAY_PENALTY : 0) +
    (misfit ? STATED_MISFIT_PENALTY : 0) +
    (siblings > 0 ? FUZZY_SIBLINGS_PENALTY : 0);
  return hypothesis(view, ctx, {
    customer,
    parts,
    score: referenceScore(quality, fit, payer) - penalty,
    explanation: { kind: 'stated', hits, parts, leftMinor, large, misfit, siblings },
    shortPayMinor: shortPay,
  });
}

/**
 * Other open items of the customer that owe what a nearly named document owes: the slip may
 * have landed on a look-alike (recurring fees), as for a single nearly named document.
 */
function fuzzySiblings(view: IndexView, customer: number, hits: readonly Hit[]): number {
  let siblings = 0;
  for (const hit of hits) {
    if (hit.quality !== 'fuzzy') continue;
    for (const item of view.itemsByOpen(openMinorOf(view, hit.item))) {
      if (item !== hit.item && view.customerOf(item) === customer) siblings++;
    }
  }
  return siblings;
}
