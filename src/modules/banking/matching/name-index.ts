/**
 * Fuzzy look-up of customers by the payer name on a bank line, without comparing the name with
 * every customer: each word of every known name (customer names, other names, names learned
 * from manual matches) is filed under itself and under its first four letters. A query counts,
 * per known name, its shared words (2 points) and shared four-letter beginnings (1 point: cut
 * or misspelt words), starting with the rarest, and scores only the best-counted names with
 * {@link preparedSimilarity}, less {@link FORM_CONFLICT} when the legal forms say they are
 * different companies. Work per query: the rarest list, at most {@link MAX_COUNTED} other names
 * counted (a much longer list is not walked: the names found so far are asked whether they hold
 * its word) and {@link MAX_SCORED} scored.
 */
import {
  legalFormsConflict,
  prepareName,
  preparedSimilarity,
  splitName,
  type NameParts,
  type PreparedName,
} from './normalize.ts';

/** A known name of a customer. */
type NameEntry = { customer: number; name: PreparedName; form: string; learned: boolean };

/** The best similarity of a payer name to one customer's known names. */
export type NameMatch = {
  customer: number;
  similarity: number;
  /** the known name that matched was learned from a manual match (a payer hint) */
  learned: boolean;
};

/** Words shorter than this are not keys (initials, "&"). */
const MIN_KEY_LENGTH = 2;
const PREFIX_LENGTH = 4;
/** Words of a name used as keys (the counts per query fit in a byte). */
const MAX_KEYS = 16;
/** A key shared by more names than this says little; it only counts for names already found. */
const MAX_POSTING_TO_ADD = 5_000;
const MAX_COUNTED = 200;
/** A list this many times longer than the names found so far is probed, not walked. */
const PROBE_FACTOR = 32;
const MAX_SCORED = 8;
/** Points a name can collect: 3 per word (itself and its beginning) for up to MAX_KEYS words. */
const MAX_POINTS = 3 * 16;
/** "ACME GMBH" vs "Acme SARL": same words, but another legal entity (never a strong match). */
const FORM_CONFLICT = 0.1;
/** Similarities below this are not reported at all. */
export const MIN_NAME_SIMILARITY = 0.75;

type Key = { key: string; points: number };

export class NameIndex {
  private readonly entries: NameEntry[] = [];
  private readonly postings = new Map<string, number[]>();
  /** customer, words and form of every entry, to skip duplicates */
  private readonly seen = new Set<string>();
  private counts = new Uint8Array(0);
  /** words per entry, kept apart from the entries so that ranking reads one dense array */
  private wordCounts = new Uint8Array(0);

  add(customer: number, name: string | null | undefined, learned: boolean): void {
    if (!name) return;
    const { tokens, form } = splitName(name);
    if (tokens.length === 0) return;
    const dedupe = `${customer}\u0000${tokens.join(' ')}\u0000${form}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    const id = this.entries.length;
    this.entries.push({ customer, name: prepareName(tokens), form, learned });
    if (this.wordCounts.length <= id) {
      const grown = new Uint8Array(Math.max(1024, this.wordCounts.length * 2));
      grown.set(this.wordCounts);
      this.wordCounts = grown;
    }
    this.wordCounts[id] = Math.min(255, tokens.length);
    for (const { key } of keysOf(tokens)) {
      const list = this.postings.get(key);
      if (list) list.push(id);
      else this.postings.set(key, [id]);
    }
  }

  /** Customers whose known names resemble `name`, best first, one entry per customer. */
  query(name: string): NameMatch[] {
    return this.queryParts(splitName(name));
  }

  /** {@link query} for a name already split by {@link splitName}. */
  queryParts({ tokens, form }: NameParts): NameMatch[] {
    if (tokens.length === 0) return [];
    const lists: Array<{ key: string; list: number[]; points: number }> = [];
    for (const { key, points } of keysOf(tokens)) {
      const list = this.postings.get(key);
      if (list) lists.push({ key, list, points });
    }
    if (lists.length === 0) return [];
    lists.sort((a, b) => a.list.length - b.list.length);
    const counts = this.counter();
    const touched: number[] = [];
    lists.forEach(({ key, list, points }, i) => {
      // a long list of a common word: ask the names found so far instead of walking it
      if (i > 0 && list.length > PROBE_FACTOR * touched.length) {
        for (const id of touched) if (this.holds(id, key)) counts[id] = counts[id]! + points;
        return;
      }
      // every name holding the rarest key is counted; others' names while there is room
      const mayAdd = i === 0 || (list.length <= MAX_POSTING_TO_ADD && touched.length < MAX_COUNTED);
      for (const id of list) {
        const count = counts[id]!;
        if (count === 0) {
          if (!mayAdd) continue;
          touched.push(id);
        }
        counts[id] = count + points;
      }
    });
    const scored = this.best(touched, tokens.length);
    for (const id of touched) counts[id] = 0;
    const query = prepareName(tokens);
    const best = new Map<number, NameMatch>();
    for (const id of scored) {
      const entry = this.entries[id]!;
      const words = preparedSimilarity(query, entry.name);
      const similarity = legalFormsConflict(form, entry.form) ? words - FORM_CONFLICT : words;
      if (similarity < MIN_NAME_SIMILARITY) continue;
      const current = best.get(entry.customer);
      if (!current || similarity > current.similarity) {
        best.set(entry.customer, { customer: entry.customer, similarity, learned: entry.learned });
      }
    }
    return [...best.values()].sort(
      (a, b) => b.similarity - a.similarity || a.customer - b.customer,
    );
  }

  /**
   * The MAX_SCORED touched entries with the most points; among equals, those whose number of
   * words is closest to the query's ("ACME" prefers "Acme GmbH" to "Acme Steel Holding").
   */
  private best(touched: readonly number[], words: number): number[] {
    // counting sort on rank = points × 16 + (15 − word gap); only the top MAX_SCORED are kept
    const histogram = this.histogram.fill(0);
    const ranks = touched.map((id) => this.rankOf(id, words));
    let highest = 0;
    for (const r of ranks) {
      histogram[r]!++;
      if (r > highest) highest = r;
    }
    let cut = highest;
    let above = histogram[cut]!;
    while (cut > 0 && above < MAX_SCORED) above += histogram[--cut]!;
    const chosen: number[] = [];
    const atCut: number[] = [];
    touched.forEach((id, k) => {
      if (ranks[k]! > cut) chosen.push(id);
      else if (ranks[k] === cut && atCut.length < MAX_SCORED) atCut.push(id);
    });
    for (const id of atCut) if (chosen.length < MAX_SCORED) chosen.push(id);
    return chosen;
  }

  /** The entry has the word ("=WORD" keys) or a word beginning so (prefix keys). */
  private holds(id: number, key: string): boolean {
    const tokens = this.entries[id]!.name.tokens;
    if (key.charCodeAt(0) === 61) {
      for (const token of tokens) {
        if (token.length === key.length - 1 && key.endsWith(token)) return true;
      }
      return false;
    }
    for (const token of tokens) {
      if (token.length > PREFIX_LENGTH && token.startsWith(key)) return true;
    }
    return false;
  }

  private rankOf(id: number, words: number): number {
    const gap = Math.min(15, Math.abs(this.wordCounts[id]! - words));
    return Math.min(this.counts[id]!, MAX_POINTS) * 16 + 15 - gap;
  }

  private readonly histogram = new Int32Array((MAX_POINTS + 1) * 16);

  /** A zeroed count per entry, reused across queries (each query resets what it touched). */
  private counter(): Uint8Array {
    if (this.counts.length < this.entries.length) {
      this.counts = new Uint8Array(Math.max(this.entries.length, this.counts.length * 2));
    }
    return this.counts;
  }
}

/** Each word as itself (2 points), and its first letters when longer (1 point). */
function keysOf(tokens: readonly string[]): Key[] {
  const keys = new Map<string, number>();
  for (const token of tokens.slice(0, MAX_KEYS)) {
    if (token.length < MIN_KEY_LENGTH) continue;
    keys.set(`=${token}`, 2);
    if (token.length > PREFIX_LENGTH) keys.set(token.slice(0, PREFIX_LENGTH), 1);
  }
  return [...keys].map(([key, points]) => ({ key, points }));
}
