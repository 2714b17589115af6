/**
 * Shapes shared by the matcher's parts (not exported from the module): the read-only view of
 * the index, what is known about one bank line, and a candidate answer before ranking.
 */
import { assert } from '../../../shared/assert.ts';
import type { IsoDate } from '../../../shared/dates.ts';
import type { RemittanceReference } from './normalize.ts';
import type { PayerStrength, ReferenceQuality } from './scoring.ts';
import type { Allocation, MatchCustomer, OpenItem } from './types.ts';

/** Values of a look-up table: one item index, or several. Saves an array per unique key. */
export type Postings = number | number[];

export function addPosting<K>(map: Map<K, Postings>, key: K, value: number): void {
  const current = map.get(key);
  if (current === undefined) map.set(key, value);
  else if (typeof current === 'number') map.set(key, [current, value]);
  else current.push(value);
}

const NONE: readonly number[] = [];

export function postings<K>(map: ReadonlyMap<K, Postings>, key: K): readonly number[] {
  const value = map.get(key);
  return value === undefined ? NONE : typeof value === 'number' ? [value] : value;
}

export type CustomerSummary = {
  count: number;
  currency: string | null;
  openMinor: bigint;
  /** Σ early-payment discounts on the items that have a discount date */
  discountMinor: bigint;
};

/** What the per-line code may read from the index. */
export interface IndexView {
  readonly items: readonly OpenItem[];
  readonly customers: readonly MatchCustomer[];
  readonly maxCombination: number;
  /** customer index of each item */
  customerOf(item: number): number;
  /** letters of the item's number ("INV"), upper case */
  prefixOf(item: number): string;
  /** digits of the item's number without leading zeros */
  coreOf(item: number): string;
  /** the customer's open items, oldest due date first */
  itemsOf(customer: number): Int32Array;
  /** totals of the customer's open items (currency null when they are in several) */
  summaryOf(customer: number): CustomerSummary;
  itemsByCore(core: string): readonly number[];
  itemsByPoCore(core: string): readonly number[];
  itemsByOpen(amountMinor: bigint): readonly number[];
  itemsByNet(amountMinor: bigint): readonly number[];
}

/** One reason to think a customer paid (turned into text only for answers that are shown). */
export type PayerSource =
  | { kind: 'account'; strength: PayerStrength; account: string; sharedBy: number }
  | { kind: 'name'; strength: PayerStrength; name: string; similarity: number; learned: boolean }
  | { kind: 'number'; strength: PayerStrength; written: string; exact: boolean };

/**
 * Why one customer may be the payer, strongest reason first. `grouped`: the evidence is medium
 * only because it points at 2–3 customers alike (an account several of them paid from, or the
 * same name) — the amount may then tell them apart.
 */
export type PayerEvidence = { strength: PayerStrength; sources: PayerSource[]; grouped: boolean };

/** One document the remittance text names. */
export type Hit = { item: number; quality: ReferenceQuality; written: string; byPo: boolean };

/**
 * What a hypothesis rests on, as data: the evidence text is written from it only for the
 * answers that are returned (and no closures are built per line, see match-index.ts).
 */
export type Explanation =
  | {
      kind: 'named';
      hits: readonly Hit[];
      fit: 'exact' | 'discount' | 'original' | 'subset' | 'short' | 'over' | 'extra';
      /** Σ open balances of the named documents */
      totalMinor: bigint;
      /** subset: the named items the amount equals; extra: the unnamed items added */
      items?: readonly number[];
      discountMinor?: bigint;
      large?: boolean;
      /** a near-miss reading of a document whose amount other open items of the customer share */
      siblings?: number;
    }
  | {
      kind: 'amount';
      basis: 'single' | 'net' | 'all' | 'allNet' | 'combination' | 'payerOnly';
      items: readonly number[];
      /** other answers of the same kind at this customer (equal amounts, equal sums) */
      alternatives: number;
      /** the payer pointed at 2–3 customers and only this one explains the amount */
      group?: boolean;
      /** combination: how many of the customer's oldest items were searched */
      poolSize?: number;
      /** the amount is round, which proves less */
      round?: boolean;
    }
  | { kind: 'unknownPayer'; item: number; net: boolean; sharedBy: number };

export type LineContext = {
  amount: bigint;
  currency: string;
  /** valueDate ?? bookingDate: decides whether an early-payment discount is still allowed */
  date: IsoDate | null;
  references: RemittanceReference[];
  /** references that are some customer's account number, letters and digits alike ("C010023") */
  customerNumbers: ReadonlySet<RemittanceReference>;
  /** customers with some evidence of being the payer (weak ones included) */
  payers: Map<number, PayerEvidence>;
  /** customers with strong payer evidence */
  strongPayers: number[];
  /** open items of the whole book whose open balance, or discounted balance, is the amount */
  byOpen: readonly number[];
  byNet: readonly number[];
  /** the amount is a round figure (see ROUND_AMOUNT_UNITS in scoring.ts) */
  round: boolean;
};

/** A candidate answer: the allocations of one customer, scored, with its reasons. */
export type Hypothesis = {
  customer: number;
  allocations: Allocation[];
  /** the allocated items, by index, in allocation order */
  itemIndexes: number[];
  score: number;
  /** what the answer rests on (evidence text is written from it) */
  explanation: Explanation;
  /** reasons added while ranking (ambiguity) */
  notes: string[];
  unappliedMinor: bigint;
  shortPayMinor: bigint;
  /** customer and sorted document ids: two hypotheses with the same key are the same answer */
  key: string;
};

/** True when the item may be paid by this line: same currency and something open. */
export function usable(view: IndexView, item: number, ctx: LineContext): boolean {
  const it = view.items[item]!;
  return it.currency === ctx.currency && it.openMinor > 0n;
}

/** The discount the item still allows on the line's date, or 0. */
export function discountAllowed(it: OpenItem, date: IsoDate | null): bigint {
  if (date === null || it.discountDate === null || it.discountMinor <= 0n) return 0n;
  if (it.discountMinor >= it.openMinor) return 0n;
  // IsoDate strings compare in calendar order
  return date <= it.discountDate ? it.discountMinor : 0n;
}

/** Cash (and discount) for one item, by item index. */
export type Part = { item: number; amountMinor: bigint; discountMinor: bigint };

/**
 * Builds a hypothesis and checks the money invariants: every allocation positive and within
 * its document's open balance (cash + discount), every document of `customer` and in the line's
 * currency, no document twice, and the cash applied not above the line amount.
 */
export function hypothesis(
  view: IndexView,
  ctx: LineContext,
  spec: {
    customer: number;
    parts: readonly Part[];
    score: number;
    explanation: Explanation;
    shortPayMinor?: bigint;
  },
): Hypothesis {
  let applied = 0n;
  const ids: string[] = [];
  const allocations: Allocation[] = [];
  for (const part of spec.parts) {
    const it = view.items[part.item]!;
    assert(view.customerOf(part.item) === spec.customer, 'allocation to another customer');
    assert(it.currency === ctx.currency, 'allocation in another currency');
    assert(part.amountMinor > 0n, 'an allocation must apply a positive amount');
    assert(part.discountMinor >= 0n, 'a discount cannot be negative');
    assert(part.amountMinor + part.discountMinor <= it.openMinor, 'allocation above open');
    ids.push(it.id);
    applied += part.amountMinor;
    allocations.push({
      documentId: it.id,
      amountMinor: part.amountMinor,
      discountMinor: part.discountMinor,
    });
  }
  assert(applied <= ctx.amount, 'allocations exceed the line amount');
  if (ids.length > 1) ids.sort();
  for (let i = 1; i < ids.length; i++) {
    assert(ids[i] !== ids[i - 1], 'a document is allocated twice');
  }
  return {
    customer: spec.customer,
    allocations,
    itemIndexes: spec.parts.map((p) => p.item),
    score: spec.score,
    explanation: spec.explanation,
    notes: [],
    unappliedMinor: ctx.amount - applied,
    shortPayMinor: spec.shortPayMinor ?? 0n,
    key: `${spec.customer}:${ids.join(',')}`,
  };
}

/** Parts paying each item in full (open balance, no discount). */
export function fullParts(view: IndexView, items: readonly number[]): Part[] {
  return items.map((item) => ({
    item,
    amountMinor: view.items[item]!.openMinor,
    discountMinor: 0n,
  }));
}

/** Σ open balances of the items. */
export function openSum(view: IndexView, items: readonly number[]): bigint {
  let sum = 0n;
  for (const item of items) sum += view.items[item]!.openMinor;
  return sum;
}
