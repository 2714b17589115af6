/**
 * Shapes shared by the matcher's parts (not exported from the module): the read-only view of
 * the index, what is known about one bank line, and a candidate answer before ranking.
 */
import { assert } from '../../../shared/assert.ts';
import type { IsoDate } from '../../../shared/dates.ts';
import { ItemsByKey, filled } from './items-by-key.ts';
import type { RemittanceReference } from './normalize.ts';
import type { PayerStrength, ReferenceQuality } from './scoring.ts';
import type { StatedRemittance } from './stated-amounts.ts';
import type { Allocation, MatchCustomer, OpenItem } from './types.ts';

/** Values of a look-up table: one item index, or several. Saves an array per unique key. */
export type Postings = number | number[];

export function addPosting<K>(map: Map<K, Postings>, key: K, value: number): void {
  const current = map.get(key);
  if (current === undefined) map.set(key, value);
  else if (typeof current === 'number') map.set(key, [current, value]);
  else current.push(value);
}

export const NO_ITEMS: readonly number[] = [];

export function postings<K>(map: ReadonlyMap<K, Postings>, key: K): readonly number[] {
  const value = map.get(key);
  return value === undefined ? NO_ITEMS : typeof value === 'number' ? [value] : value;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Items by an amount in minor units. Amounts that are exact doubles (all real ones) are keyed
 * as numbers in an {@link ItemsByKey}, each item's amount kept in `amounts` (the caller's column
 * of open balances, or the index's own); larger amounts keep their bigint in a Map.
 */
export class AmountIndex {
  private readonly amounts: ArrayLike<number> & { [item: number]: number };
  private readonly table: ItemsByKey;
  private readonly large = new Map<bigint, Postings>();

  /** `amounts`: each item's amount as a number when the caller keeps one; `items`: how many. */
  constructor(amounts: Float64Array | null, items: number) {
    this.amounts = amounts ?? filled(items, NaN);
    this.table = new ItemsByKey(this.amounts, items);
  }

  add(amountMinor: bigint, item: number): void {
    if (amountMinor > MAX_EXACT || amountMinor < -MAX_EXACT) {
      addPosting(this.large, amountMinor, item);
      return;
    }
    this.amounts[item] = Number(amountMinor);
    this.table.add(item);
  }

  get(amountMinor: bigint): readonly number[] {
    if (amountMinor > MAX_EXACT || amountMinor < -MAX_EXACT) {
      return postings(this.large, amountMinor);
    }
    return this.table.get(Number(amountMinor));
  }
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
  /** the customer's name (customers[c].name, kept apart so that evidence need not load it) */
  customerNameOf(customer: number): string;
  /** customer index of each item (-1: not indexed) */
  customerOf(item: number): number;
  /** currency of each item as a number ({@link LineContext.currencyId}; -1: not indexed) */
  currencyOf(item: number): number;
  /** letters of the item's number ("INV"), upper case */
  prefixOf(item: number): string;
  /** letters of the item's PO number, upper case ('' without one) */
  poPrefixOf(item: number): string;
  /** digits of the item's number without leading zeros */
  coreOf(item: number): string;
  /** how many digits coreOf(item) has, without writing them */
  coreLengthOf(item: number): number;
  /** each item's open balance as a number (exact below 2^53; 0 for items not indexed) */
  readonly openValues: Float64Array;
  /** the item's id (items[item].id, kept apart so that answers need not load the item) */
  idOf(item: number): string;
  /** the customer's open items, oldest due date first */
  itemsOf(customer: number): Int32Array;
  /** how many open items the customer has (itemsOf(customer).length) */
  itemCountOf(customer: number): number;
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
 * One document of an answer built from the payer's stated amounts: what the payer stated for it
 * (null: it was named without an amount and takes what is left), how that fits its open balance,
 * and what is applied (never above the open balance).
 */
export type StatedPart = {
  item: number;
  statedMinor: bigint | null;
  fit: 'exact' | 'discount' | 'original' | 'short' | 'over';
  amountMinor: bigint;
  discountMinor: bigint;
};

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
      /** documents of this customer the text names (not nearly) and this answer leaves out */
      namedElsewhere?: readonly number[];
    }
  | {
      kind: 'stated';
      /** how each allocated document was named, in allocation order */
      hits: readonly Hit[];
      parts: readonly StatedPart[];
      /** what is left once the documents named without an amount are paid: unapplied */
      leftMinor: bigint;
      /** more than 10 % above what the documents owe (unexplained by original amounts) */
      large: boolean;
      /** one document gets more than it owes and another less */
      misfit: boolean;
      /** other open items of the customer owing what a nearly named document owes */
      siblings: number;
    }
  | { kind: 'unknownPayer'; item: number; net: boolean; sharedBy: number };

export type LineContext = {
  amount: bigint;
  currency: string;
  /** the currency as numbered by the index (-1: no open item is in it) */
  currencyId: number;
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
  /** amounts the payer states per document ("INV-1:100.00"), when they can be used */
  stated: StatedRemittance | null;
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
  /**
   * customer and sorted document ids: two hypotheses with the same key are the same answer.
   * Written only when ranking needs it ('' until then, see {@link keyOf}).
   */
  key: string;
  /** Σ item indexes: answers whose sums differ allocate other items (ids are unique per item) */
  itemSum: number;
  /**
   * The score before a conflict with another answer lowered it: as a rival in the ambiguity
   * rule it still counts at this, so lowering it lets no third answer win alone.
   */
  reach?: number;
};

/**
 * True when the item may be paid by this line: same currency and something open (the index only
 * holds items with an open balance, and numbers their currencies).
 */
export function usable(view: IndexView, item: number, ctx: LineContext): boolean {
  return view.currencyOf(item) === ctx.currencyId && ctx.currencyId >= 0;
}

/** Oldest due date (or issue date) first, then by number. */
export function compareDue(view: IndexView, a: number, b: number): number {
  const x = view.items[a]!;
  const y = view.items[b]!;
  const dx = x.dueDate ?? x.issueDate;
  const dy = y.dueDate ?? y.issueDate;
  return dx < dy ? -1 : dx > dy ? 1 : x.number < y.number ? -1 : x.number > y.number ? 1 : 0;
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
  let itemSum = 0;
  const allocations: Allocation[] = [];
  const itemIndexes: number[] = [];
  for (const part of spec.parts) {
    assert(view.customerOf(part.item) === spec.customer, 'allocation to another customer');
    assert(usable(view, part.item, ctx), 'allocation in another currency');
    assert(part.amountMinor > 0n, 'an allocation must apply a positive amount');
    assert(part.discountMinor >= 0n, 'a discount cannot be negative');
    assert(
      part.amountMinor + part.discountMinor <= openMinorOf(view, part.item),
      'allocation above open',
    );
    assert(!itemIndexes.includes(part.item), 'a document is allocated twice');
    applied += part.amountMinor;
    itemSum += part.item;
    itemIndexes.push(part.item);
    allocations.push({
      documentId: view.idOf(part.item),
      amountMinor: part.amountMinor,
      discountMinor: part.discountMinor,
    });
  }
  assert(applied <= ctx.amount, 'allocations exceed the line amount');
  return {
    customer: spec.customer,
    allocations,
    itemIndexes,
    score: spec.score,
    explanation: spec.explanation,
    notes: NO_NOTES,
    unappliedMinor: ctx.amount - applied,
    shortPayMinor: spec.shortPayMinor ?? 0n,
    key: '',
    itemSum,
  };
}

/** Notes of a hypothesis that has none (shared: {@link addNote} replaces it, never changes it). */
const NO_NOTES: string[] = [];

/** Adds a reason found while ranking. */
export function addNote(h: Hypothesis, note: string): void {
  if (h.notes === NO_NOTES) h.notes = [note];
  else h.notes.push(note);
}

/** The hypothesis' key (customer and sorted document ids), written the first time it is asked. */
export function keyOf(h: Hypothesis): string {
  if (h.key === '') {
    const ids = h.allocations.map((a) => a.documentId);
    if (ids.length > 1) ids.sort();
    for (let i = 1; i < ids.length; i++) {
      assert(ids[i] !== ids[i - 1], 'a document is allocated twice');
    }
    h.key = `${h.customer}:${ids.join(',')}`;
  }
  return h.key;
}

/** The same customer and the same documents (the same key). */
export function sameAnswer(a: Hypothesis, b: Hypothesis): boolean {
  return (
    a.customer === b.customer &&
    a.allocations.length === b.allocations.length &&
    a.itemSum === b.itemSum &&
    keyOf(a) === keyOf(b)
  );
}

/**
 * The item's open balance, from the index's column of numbers when that is exact (which spares
 * loading the item itself), else from the item.
 */
export function openMinorOf(view: IndexView, item: number): bigint {
  const value = view.openValues[item]!;
  return value <= Number.MAX_SAFE_INTEGER && value >= -Number.MAX_SAFE_INTEGER
    ? BigInt(value)
    : view.items[item]!.openMinor;
}

/** Parts paying each item in full (open balance, no discount). */
export function fullParts(view: IndexView, items: readonly number[]): Part[] {
  return items.map((item) => ({
    item,
    amountMinor: openMinorOf(view, item),
    discountMinor: 0n,
  }));
}

/** Σ open balances of the items. */
export function openSum(view: IndexView, items: readonly number[]): bigint {
  let sum = 0n;
  for (const item of items) sum += openMinorOf(view, item);
  return sum;
}
