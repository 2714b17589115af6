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
 */
import { assert } from '../../../shared/assert.ts';

export const MAX_COMBINATION_SIZE = 4;
const LARGEST_SEARCHED = 2n ** 50n;

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
  const solutions: number[][] = [];
  if (target <= 0n || target >= LARGEST_SEARCHED) return solutions;
  const n = amounts.length;
  assert(n < 65_536, 'findCombinations() packs two indexes into one number');
  const values = new Float64Array(n);
  const usable: number[] = [];
  for (let i = 0; i < n; i++) {
    const amount = amounts[i]!;
    if (amount > 0n && amount < LARGEST_SEARCHED) {
      values[i] = Number(amount);
      usable.push(i);
    }
  }
  const goal = Number(target);
  const byValue = new Map<number, number[]>();
  for (const i of usable) push(byValue, values[i]!, i);
  const search: Search = { amounts, target, solutions, maxSolutions };
  const upper = Math.min(maxSize, MAX_COMBINATION_SIZE);
  const sorted = usable.map((i) => values[i]!).sort((a, b) => a - b);
  for (let size = Math.max(1, minSize); size <= upper; size++) {
    if (size > sorted.length) break;
    // the k smallest already exceed the goal: no set of k (or more) can reach it
    let smallest = 0;
    let largest = 0;
    for (let k = 0; k < size; k++) {
      smallest += sorted[k]!;
      largest += sorted[sorted.length - 1 - k]!;
    }
    if (smallest > goal) break;
    if (largest < goal) continue;
    if (size === 1 && searchOne(usable, values, goal, search)) break;
    if (size === 2 && searchTwo(usable, values, goal, byValue, search)) break;
    if (size === 3 && searchThree(usable, values, goal, byValue, search)) break;
    if (size === 4 && searchFour(usable, values, goal, search)) break;
  }
  return solutions;
}

/** The state of one search (a plain object: no closure per call, see match-index.ts). */
type Search = {
  amounts: readonly bigint[];
  target: bigint;
  solutions: number[][];
  maxSolutions: number;
};

/** Records a set after checking it in bigint; true when enough sets are found. */
function record(search: Search, indexes: number[]): boolean {
  let sum = 0n;
  for (const i of indexes) sum += search.amounts[i]!;
  assert(sum === search.target, 'findCombinations() found a set that does not add up');
  search.solutions.push(indexes);
  return search.solutions.length >= search.maxSolutions;
}

function push(map: Map<number, number[]>, key: number, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function searchOne(usable: number[], values: Float64Array, goal: number, search: Search): boolean {
  for (const i of usable) if (values[i] === goal && record(search, [i])) return true;
  return false;
}

/** i < j with values[j] = goal − values[i], by hash look-up. */
function searchTwo(
  usable: number[],
  values: Float64Array,
  goal: number,
  byValue: Map<number, number[]>,
  search: Search,
): boolean {
  for (const i of usable) {
    for (const j of byValue.get(goal - values[i]!) ?? []) {
      if (j > i && record(search, [i, j])) return true;
    }
  }
  return false;
}

function searchThree(
  usable: number[],
  values: Float64Array,
  goal: number,
  byValue: Map<number, number[]>,
  search: Search,
): boolean {
  for (let a = 0; a < usable.length; a++) {
    const i = usable[a]!;
    const rest = goal - values[i]!;
    if (rest <= 0) continue;
    for (let b = a + 1; b < usable.length; b++) {
      const j = usable[b]!;
      for (const k of byValue.get(rest - values[j]!) ?? []) {
        if (k > j && record(search, [i, j, k])) return true;
      }
    }
  }
  return false;
}

/** Meet in the middle: every pair's sum in a map, then pairs (i, j) + (k, l) with j < k. */
function searchFour(usable: number[], values: Float64Array, goal: number, search: Search): boolean {
  const pairs = new Map<number, number[]>();
  for (let a = 0; a < usable.length; a++) {
    for (let b = a + 1; b < usable.length; b++) {
      const i = usable[a]!;
      const j = usable[b]!;
      const sum = values[i]! + values[j]!;
      if (sum < goal) push(pairs, sum, i * 65_536 + j);
    }
  }
  for (let a = 0; a < usable.length; a++) {
    for (let b = a + 1; b < usable.length; b++) {
      const i = usable[a]!;
      const j = usable[b]!;
      for (const packed of pairs.get(goal - values[i]! - values[j]!) ?? []) {
        const k = Math.floor(packed / 65_536);
        const l = packed % 65_536;
        if (k > j && record(search, [i, j, k, l])) return true;
      }
    }
  }
  return false;
}
