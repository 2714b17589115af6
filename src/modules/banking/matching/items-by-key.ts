/**
 * A hash table from an integer key (an amount in minor units, the digits of a number) to the
 * items that have it, in the order they were added, for tables with about one key per item (open
 * balances, document numbers). The keys themselves are not stored: each item's key is read from
 * a column the index keeps anyway, so the table is one slot per key and one link per item —
 * open addressing with linear probing over the slots, each holding the last item added with its
 * key, and each item linked to the one added before it.
 *
 * Slots and links are plain arrays of small integers, which V8 keeps in its own heap. Typed
 * arrays would live outside it, and at a million items their size (counted as "external
 * memory") starts full garbage collections of the whole heap while the index is built.
 */
import { assert } from '../../../shared/assert.ts';

const EMPTY = -1;
const MIN_SLOTS = 64;
const NONE: readonly number[] = [];

export class ItemsByKey {
  /** per slot: the last item added with that slot's key (EMPTY: a free slot) */
  private readonly heads: number[];
  private readonly mask: number;
  /** per item: the item added before it with the same key */
  private readonly previous: number[];
  /**
   * keys of several items, by slot, as one array once looked up: a chain is spread over the
   * table, and some keys (round amounts) have hundreds of items
   */
  private readonly lists = new Map<number, number[]>();

  /**
   * `keyOf`: the key of each item (safe integers), read when the table is built and searched;
   * `items`: how many items there are (indexes below it), a bound on the keys.
   */
  constructor(
    private readonly keyOf: ArrayLike<number>,
    items: number,
  ) {
    this.previous = filled(items, EMPTY);
    let slots = MIN_SLOTS;
    while (slots < items * 2) slots *= 2;
    this.heads = filled(slots, EMPTY);
    this.mask = slots - 1;
  }

  /** Files `item` under its key; each item at most once. */
  add(item: number): void {
    const key = this.keyOf[item]!;
    assert(Number.isSafeInteger(key), 'ItemsByKey keys are safe integers');
    const slot = this.slotOf(key);
    this.previous[item] = this.heads[slot]!;
    this.heads[slot] = item;
    if (this.lists.size > 0) this.lists.delete(slot);
  }

  /** The items filed under `key`, in the order they were added (do not change the array). */
  get(key: number): readonly number[] {
    const slot = this.slotOf(key);
    let item = this.heads[slot]!;
    if (item === EMPTY) return NONE;
    if (this.previous[item] === EMPTY) return [item];
    let out = this.lists.get(slot);
    if (out === undefined) {
      out = [];
      for (; item !== EMPTY; item = this.previous[item]!) out.push(item);
      out.reverse();
      this.lists.set(slot, out);
    }
    return out;
  }

  /** The slot holding `key`, or the free slot where it would go. */
  private slotOf(key: number): number {
    const heads = this.heads;
    const keyOf = this.keyOf;
    let slot = hashInteger(key) & this.mask;
    for (;;) {
      const head = heads[slot]!;
      if (head === EMPTY || keyOf[head] === key) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** A plain array of `length` copies of `value` (on V8's heap, elements stored unboxed). */
export function filled(length: number, value: number): number[] {
  return new Array<number>(length).fill(value);
}

/** Mixes both 32-bit halves of a safe integer (amounts are often multiples of 100). */
export function hashInteger(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4_294_967_296) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
