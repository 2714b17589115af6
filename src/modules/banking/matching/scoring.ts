/**
 * The score table of the matcher. The reasoning behind the numbers is documented at the top of
 * `match-index.ts`; this file only holds them, so that the table is read in one place.
 */

/** How sure we are who paid, for one candidate customer. */
export type PayerStrength = 'strong' | 'medium' | 'weak' | 'none' | 'contra';

/** How a document was named in the remittance text (the weakest naming of a set counts). */
export type ReferenceQuality = 'full' | 'core' | 'fuzzy';

/** Readings of a document number, best first (higher is better). */
export const QUALITY_RANK: Readonly<Record<ReferenceQuality, number>> = {
  full: 3,
  core: 2,
  fuzzy: 1,
};

/** How the line amount relates to what the named documents owe. */
export type ReferenceFit = 'exact' | 'discount' | 'original' | 'short' | 'over';

/**
 * Amount-only explanations, when nothing usable is named. Combinations are graded by how many
 * sets of that size the customer's pool holds against how many sums near the amount there
 * are ({@link sumBasis}): the expected number of sets adding up to the amount by chance.
 */
export type AmountBasis = 'single' | 'all' | 'sum' | 'sumRisky' | 'sumDoubtful' | 'payerOnly';

/** The default organization threshold the table is designed for. */
export const DEFAULT_AUTO_APPLY_THRESHOLD = 0.9;
/** Two answers closer than this are a tie: neither is applied automatically. */
export const AMBIGUITY_MARGIN = 0.05;
/** How far below the threshold a tied answer is pushed. */
export const AMBIGUITY_DROP = 0.1;

type PayerRow = Record<PayerStrength, number>;

/** Named documents: quality × fit × payer. */
const REFERENCE_SCORES: Record<ReferenceQuality, Record<ReferenceFit, PayerRow>> = {
  full: {
    exact: { strong: 0.99, medium: 0.99, weak: 0.98, none: 0.98, contra: 0.93 },
    discount: { strong: 0.98, medium: 0.98, weak: 0.97, none: 0.97, contra: 0.92 },
    original: { strong: 0.95, medium: 0.93, weak: 0.9, none: 0.9, contra: 0.82 },
    short: { strong: 0.92, medium: 0.88, weak: 0.85, none: 0.84, contra: 0.7 },
    over: { strong: 0.92, medium: 0.88, weak: 0.85, none: 0.84, contra: 0.7 },
  },
  core: {
    exact: { strong: 0.98, medium: 0.97, weak: 0.96, none: 0.95, contra: 0.9 },
    discount: { strong: 0.97, medium: 0.96, weak: 0.95, none: 0.94, contra: 0.89 },
    original: { strong: 0.92, medium: 0.88, weak: 0.82, none: 0.8, contra: 0.7 },
    short: { strong: 0.9, medium: 0.8, weak: 0.72, none: 0.7, contra: 0.55 },
    over: { strong: 0.9, medium: 0.8, weak: 0.72, none: 0.7, contra: 0.55 },
  },
  fuzzy: {
    exact: { strong: 0.95, medium: 0.92, weak: 0.87, none: 0.86, contra: 0.8 },
    discount: { strong: 0.94, medium: 0.91, weak: 0.86, none: 0.85, contra: 0.79 },
    original: { strong: 0.8, medium: 0.7, weak: 0.6, none: 0.55, contra: 0.45 },
    short: { strong: 0.6, medium: 0.5, weak: 0.45, none: 0.4, contra: 0.3 },
    over: { strong: 0.6, medium: 0.5, weak: 0.45, none: 0.4, contra: 0.3 },
  },
};

/** Nothing named: what the amount alone explains, by how well the payer is known. */
const AMOUNT_SCORES: Record<AmountBasis, PayerRow> = {
  single: { strong: 0.93, medium: 0.86, weak: 0.6, none: 0.45, contra: 0.3 },
  all: { strong: 0.93, medium: 0.86, weak: 0.6, none: 0.3, contra: 0.3 },
  sum: { strong: 0.91, medium: 0.82, weak: 0.55, none: 0.2, contra: 0.2 },
  sumRisky: { strong: 0.86, medium: 0.76, weak: 0.5, none: 0.2, contra: 0.2 },
  sumDoubtful: { strong: 0.8, medium: 0.7, weak: 0.45, none: 0.2, contra: 0.2 },
  payerOnly: { strong: 0.35, medium: 0.25, weak: 0.15, none: 0.1, contra: 0.1 },
};

/** The best an amount-only answer can score (used to skip that search when it cannot win). */
export const AMOUNT_ONLY_MAX = AMOUNT_SCORES.single.strong;

/** An early-payment discount taken by the amount-only path costs this much certainty. */
const DISCOUNT_PENALTY = 0.01;
/** The amount equals some of the named documents, not all: a little less certain. */
export const NAMED_SUBSET_PENALTY = 0.02;
/** Per unnamed document added to named ones to explain an overpay. */
export const UNNAMED_EXTRA_PENALTY = 0.03;
/** An overpay above this share of the named documents is likely for documents not named. */
export const LARGE_OVERPAY_PERCENT = 10n;
export const LARGE_OVERPAY_PENALTY = 0.1;
/**
 * A payer pointing at 2–3 customers (a shared account, the same name) of which only one has open
 * items adding up to the amount is scored as a strong payer, less this.
 */
export const GROUP_PENALTY = 0.01;
/**
 * Amount-only answers for a round amount (a multiple of 50 whole units): deposits, payments on
 * account and instalments are round, and so are many invoices, so equality proves less.
 */
export const ROUND_AMOUNT_PENALTY = 0.06;
export const ROUND_AMOUNT_UNITS = 50n;
/**
 * A document one character off the text owes the amount, but so do other open items of the same
 * customer: the slip may be a coincidence among look-alikes (recurring fees), so not automatic.
 */
export const FUZZY_SIBLINGS_PENALTY = 0.1;
/**
 * The payer's stated amounts give one document more than it owes and another less: the split
 * is likely wrong (amounts swapped, a typo), so a person should look at it before it is applied.
 */
export const STATED_MISFIT_PENALTY = 0.1;
/**
 * An answer by amount alone leaves out a document of the same customer that the text names (not
 * merely nearly): the number and the amount disagree — a wrong number, or an overpay of the
 * named one that happens to equal another item — so a person decides.
 */
export const NAMED_ELSEWHERE_PENALTY = 0.1;
/** The payer is unknown but the amount matches more than one open item of the book. */
export const UNKNOWN_PAYER_SHARED_AMOUNT = 0.3;

export function referenceScore(
  quality: ReferenceQuality,
  fit: ReferenceFit,
  payer: PayerStrength,
): number {
  return REFERENCE_SCORES[quality][fit][payer];
}

export function amountScore(basis: AmountBasis, payer: PayerStrength, discount: boolean): number {
  return AMOUNT_SCORES[basis][payer] - (discount ? DISCOUNT_PENALTY : 0);
}

/** Chance sums expected up to this: the combination counts as found (0.1 %). */
const RARE_CHANCE_SUMS = 0.001;
/** Up to this it is worth showing but not applying alone (1 %). */
const POSSIBLE_CHANCE_SUMS = 0.01;

/**
 * Grades a combination of `size` of a pool of `poolSize` open items that adds up to the amount.
 * Sums of a few invoice amounts spread over roughly [0, 2 × amount], so about one sum in
 * 2 × amount minor units hits the amount exactly by chance; the pool holds C(poolSize, size)
 * sets. Their ratio is the expected number of chance hits. Example: 3 of 40 items (9,880 sets)
 * for 3,615.69 (361,569 minor units) → 1.4 % → sumDoubtful; 2 of 10 items → 0.006 % → sum.
 * A float is fine here: it is an estimate that picks a row, never an amount.
 */
export function sumBasis(poolSize: number, size: number, amountMinor: bigint): AmountBasis {
  const chance = binomial(poolSize, size) / (2 * Number(amountMinor));
  return chance <= RARE_CHANCE_SUMS
    ? 'sum'
    : chance <= POSSIBLE_CHANCE_SUMS
      ? 'sumRisky'
      : 'sumDoubtful';
}

export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

export function weakestQuality(qualities: Iterable<ReferenceQuality>): ReferenceQuality {
  let weakest: ReferenceQuality = 'full';
  for (const q of qualities) {
    if (q === 'fuzzy') return 'fuzzy';
    if (q === 'core') weakest = 'core';
  }
  return weakest;
}

/** Rounds to 4 decimals so that scores print and compare cleanly. */
export function clampScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
