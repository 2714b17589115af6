/**
 * Bounded subset sum: which 2..4 of a customer's open items add up to a paid amount exactly.
 *
 * Sizes above 4 are not searched: among 40 open items there are 658,008 subsets of 5 whose sums
 * spread over a few million minor units, so a hit would as likely be a coincidence as an answer.
 *
 * The search runs on the amounts as exact integer doubles, because BigInt additions and BigInt
 * map keys are an order of magnitude slower and this runs for every unexplained line. That is
 * exact as long as every sum of four amounts stays below 2^53: amounts up to 2^50 minor units
 * (over 11 trillion in a two-decimal currency) are searched, larger ones are left out. Every hit
 * is checked again in BigInt before it is returned, so no rounding can produce a wrong answer.
 *
 * It runs for most lines that name nothing, so it allocates nothing but its answers: values,
 * the value → items table and the pair sums of the four-item search live in typed scratch arrays
 * kept between calls (the matcher is synchronous, so one set of them serves every index).
 */
import { assert } from '../../../shared/assert.ts';
import { hashInteger } from './items-by-key.ts';

export const MAX_COMBINATION_SIZE = 4;
const LARGEST_SEARCHED = 2n ** 50n;
const LARGEST_VALUE = 2 ** 50;
const EMPTY = -1;

/**
 * A table from a value to the entries that have it, in the order added: open addressing over
 * typed arrays, reset (not reallocated) between searches. Entries are numbered 0..n-1 by the
 * caller; `payload` keeps one number per entry.
 */
class ValueTable {
  private keys = new Float64Array(64);
  private head = new Int32Array(64).fill(EMPTY);
  private tail = new Int32Array(64);
  private next = new Int32Array(64);
  payload = new Float64Array(64);
  /** the slots in use, to empty them (used[0..usedCount)) */
  private used = new Int32Array(64);
  private usedCount = 0;
  private mask = 63;

  /** Empties the table for up to `entries` entries. */
  reset(entries: number): void {
    for (let k = 0; k < this.usedCount; k++) this.head[this.used[k]!] = EMPTY;
    this.usedCount = 0;
    if (this.used.length < entries) this.used = new Int32Array(entries * 2);
    if (this.next.length < entries) {
      this.next = new Int32Array(entries * 2);
      this.payload = new Float64Array(entries * 2);
    }
    let capacity = this.keys.length;
    while (capacity < entries * 2) capacity *= 2;
    if (capacity !== this.keys.length) {
      this.keys = new Float64Array(capacity);
      this.head = new Int32Array(capacity).fill(EMPTY);
      this.tail = new Int32Array(capacity);
      this.mask = capacity - 1;
    }
  }

  add(value: number, entry: number, payload: number): void {
    const slot = this.slotOf(value);
    this.next[entry] = EMPTY;
    this.payload[entry] = payload;
    if (this.head[slot] === EMPTY) {
      this.keys[slot] = value;
      this.head[slot] = entry;
      this.used[this.usedCount++] = slot;
    } else this.next[this.tail[slot]!] = entry;
    this.tail[slot] = entry;
  }

  /** The first entry with this value, or EMPTY; then {@link after}. */
  first(value: number): number {
    return this.head[this.slotOf(value)]!;
  }

  after(entry: number): number {
    return this.next[entry]!;
  }

  private slotOf(value: number): number {
    let slot = hashInteger(value) & this.mask;
    while (this.head[slot] !== EMPTY && this.keys[slot] !== value) slot = (slot + 1) & this.mask;
    return slot;
  }
}

/** Scratch space of a search (see the note above). */
let values = new Float64Array(64);
let usable = new Int32Array(64);
const byValue = new ValueTable();
const pairs = new ValueTable();
/** the k smallest and k largest usable values, k ≤ MAX_COMBINATION_SIZE, in order */
const smallestValues = new Float64Array(MAX_COMBINATION_SIZE);
const largestValues = new Float64Array(MAX_COMBINATION_SIZE);

/**
 * Index sets (ascending indexes into `amounts`) of `minSize..maxSize` distinct elements whose
 * sum is `target`, smallest sets first, at most `maxSolutions` of them (2 is enough to know an
 * answer is not unique). Amounts must be positive.
 */
export function findCombinations(
  amounts: readonly bigint[],
  target: bigint,
  minSize: number,
  maxSize: number,
  maxSolutions = 2,
): number[][] {
  const n = amounts.length;
  const scratch = valuesFor(n);
  for (let i = 0; i < n; i++) {
    const amount = amounts[i]!;
    scratch[i] = amount > 0n && amount < LARGEST_SEARCHED ? Number(amount) : NaN;
  }
  return search(n, (i) => amounts[i]!, target, minSize, maxSize, maxSolutions);
}

/**
 * {@link findCombinations} over items whose amounts the caller already keeps as numbers
 * (`valueOf`, indexed by item; exact for every amount searched): indexes into `pool`. Only the
 * sets found read the items' bigint amounts (`amountOf`), to check them.
 */
export function findItemCombinations(
  pool: readonly number[],
  valueOf: Float64Array,
  amountOf: (item: number) => bigint,
  target: bigint,
  minSize: number,
  maxSize: number,
  maxSolutions = 2,
): number[][] {
  const n = pool.length;
  const scratch = valuesFor(n);
  for (let k = 0; k < n; k++) {
    const value = valueOf[pool[k]!]!;
    scratch[k] = value > 0 && value < LARGEST_VALUE ? value : NaN;
  }
  return search(n, (k) => amountOf(pool[k]!), target, minSize, maxSize, maxSolutions);
}

/** The scratch values, large enough for n amounts. */
function valuesFor(n: number): Float64Array {
  assert(n < 65_536, 'findCombinations() packs two indexes into one number');
  if (values.length < n) {
    values = new Float64Array(n * 2);
    usable = new Int32Array(n * 2);
  }
  return values;
}

/** The search over values[0..n) (NaN: not searched); amountOf(i) checks each set in bigint. */
function search(
  n: number,
  amountOf: (index: number) => bigint,
  target: bigint,
  minSize: number,
  maxSize: number,
  maxSolutions: number,
): number[][] {
  const solutions: number[][] = [];
  if (target <= 0n || target >= LARGEST_SEARCHED) return solutions;
  let count = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i]!)) usable[count++] = i;
  const goal = Number(target);
  byValue.reset(count);
  for (let k = 0; k < count; k++) byValue.add(values[usable[k]!]!, k, usable[k]!);
  extremes(count);
  const state: Search = { amountOf, target, solutions, maxSolutions, count, goal };
  const upper = Math.min(maxSize, MAX_COMBINATION_SIZE);
  for (let size = Math.max(1, minSize); size <= upper; size++) {
    if (size > count) break;
    // the k smallest already exceed the goal: no set of k (or more) can reach it
    let smallest = 0;
    let largest = 0;
    for (let k = 0; k < size; k++) {
      smallest += smallestValues[k]!;
      largest += largestValues[k]!;
    }
    if (smallest > goal) break;
    if (largest < goal) continue;
    if (size === 1 && searchOne(state)) break;
    if (size === 2 && searchTwo(state)) break;
    if (size === 3 && searchThree(state)) break;
    if (size === 4 && searchFour(state)) break;
  }
  return solutions;
}

/** Fills smallestValues (ascending) and largestValues (descending) from the usable values. */
function extremes(count: number): void {
  const k = Math.min(count, MAX_COMBINATION_SIZE);
  let small = 0;
  let large = 0;
  for (let u = 0; u < count; u++) {
    const v = values[usable[u]!]!;
    small = insertSorted(smallestValues, small, k, v, 1);
    large = insertSorted(largestValues, large, k, v, -1);
  }
}

/** Keeps the `k` first values of `list` in order (direction 1: ascending); returns its length. */
function insertSorted(
  list: Float64Array,
  length: number,
  k: number,
  value: number,
  direction: number,
): number {
  if (length === k && (value - list[k - 1]!) * direction >= 0) return length;
  let at = Math.min(length, k - 1);
  while (at > 0 && (value - list[at - 1]!) * direction < 0) {
    list[at] = list[at - 1]!;
    at--;
  }
  list[at] = value;
  return Math.min(length + 1, k);
}

/** The state of one search. */
type Search = {
  amountOf: (index: number) => bigint;
  target: bigint;
  solutions: number[][];
  maxSolutions: number;
  /** usable amounts: indexes usable[0..count) */
  count: number;
  goal: number;
};

/** Records a set after checking it in bigint; true when enough sets are found. */
function record(search: Search, indexes: number[]): boolean {
  let sum = 0n;
  for (const i of indexes) sum += search.amountOf(i);
  assert(sum === search.target, 'findCombinations() found a set that does not add up');
  search.solutions.push(indexes);
  return search.solutions.length >= search.maxSolutions;
}

function searchOne(search: Search): boolean {
  for (let a = 0; a < search.count; a++) {
    const i = usable[a]!;
    if (values[i] === search.goal && record(search, [i])) return true;
  }
  return false;
}

/** i < j with values[j] = goal − values[i], by hash look-up. */
function searchTwo(search: Search): boolean {
  for (let a = 0; a < search.count; a++) {
    const i = usable[a]!;
    for (let e = byValue.first(search.goal - values[i]!); e !== EMPTY; e = byValue.after(e)) {
      const j = byValue.payload[e]!;
      if (j > i && record(search, [i, j])) return true;
    }
  }
  return false;
}

function searchThree(search: Search): boolean {
  for (let a = 0; a < search.count; a++) {
    const i = usable[a]!;
    const rest = search.goal - values[i]!;
    if (rest <= 0) continue;
    for (let b = a + 1; b < search.count; b++) {
      const j = usable[b]!;
      for (let e = byValue.first(rest - values[j]!); e !== EMPTY; e = byValue.after(e)) {
        const k = byValue.payload[e]!;
        if (k > j && record(search, [i, j, k])) return true;
      }
    }
  }
  return false;
}

/** Meet in the middle: every pair's sum in a table, then pairs (i, j) + (k, l) with j < k. */
function searchFour(search: Search): boolean {
  const { count, goal } = search;
  pairs.reset((count * (count - 1)) / 2);
  let entries = 0;
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const i = usable[a]!;
      const j = usable[b]!;
      const sum = values[i]! + values[j]!;
      if (sum < goal) pairs.add(sum, entries++, i * 65_536 + j);
    }
  }
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const i = usable[a]!;
      const j = usable[b]!;
      for (let e = pairs.first(goal - values[i]! - values[j]!); e !== EMPTY; e = pairs.after(e)) {
        const packed = pairs.payload[e]!;
        const k = Math.floor(packed / 65_536);
        const l = packed % 65_536;
        if (k > j && record(search, [i, j, k, l])) return true;
      }
    }
  }
  return false;
}
