/**
 * Fuzzy look-up of customers by the payer name on a bank line, without comparing the name with
 * every customer: each word of every known name (customer names, other names, names learned
 * from manual matches) is filed under its first four letters; a query counts, per known name,
 * how many of its own words' keys it shares, starting with the rarest key, and scores only the
 * best-sharing names with {@link tokenSetSimilarity}, less {@link FORM_CONFLICT} when the legal
 * forms say they are different companies. Work per query is the length of the rarest
 * key's list plus at most {@link MAX_COUNTED} other names counted and {@link MAX_SCORED} scored.
 */
import { legalFormsConflict, splitName, tokenSetSimilarity, type NameParts } from './normalize.ts';

/** A known name of a customer. */
type NameEntry = { customer: number; tokens: string[]; form: string; learned: boolean };

/** The best similarity of a payer name to one customer's known names. */
export type NameMatch = {
  customer: number;
  similarity: number;
  /** the known name that matched was learned from a manual match (a payer hint) */
  learned: boolean;
};

/** Words shorter than this are not keys (initials, "&"). */
const MIN_KEY_LENGTH = 2;
const KEY_LENGTH = 4;
/** Words of a name used as keys (the counts per query fit in a byte). */
const MAX_KEYS = 16;
/** A key shared by more names than this says little; it only counts for names already found. */
const MAX_POSTING_TO_ADD = 5_000;
const MAX_COUNTED = 1_000;
const MAX_SCORED = 32;
/** "ACME GMBH" vs "Acme SARL": same words, but another legal entity. */
const FORM_CONFLICT = 0.06;
/** Similarities below this are not reported at all. */
export const MIN_NAME_SIMILARITY = 0.75;

export class NameIndex {
  private readonly entries: NameEntry[] = [];
  private readonly postings = new Map<string, number[]>();
  /** customer → its entries already holding this normalized name, to skip duplicates */
  private readonly seen = new Set<string>();

  add(customer: number, name: string | null | undefined, learned: boolean): void {
    if (!name) return;
    const { tokens, form } = splitName(name);
    if (tokens.length === 0) return;
    const dedupe = `${customer}\u0000${tokens.join(' ')}\u0000${form}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    const id = this.entries.length;
    this.entries.push({ customer, tokens, form, learned });
    for (const key of keysOf(tokens)) {
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
    const lists: number[][] = [];
    for (const key of keysOf(tokens)) {
      const list = this.postings.get(key);
      if (list) lists.push(list);
    }
    if (lists.length === 0) return [];
    lists.sort((a, b) => a.length - b.length);
    const counts = this.counter();
    const touched: number[] = [];
    let most = 0;
    lists.forEach((list, i) => {
      // every name holding the rarest key is counted; others' names while there is room
      const mayAdd = i === 0 || list.length <= MAX_POSTING_TO_ADD;
      for (const id of list) {
        const count = counts[id]!;
        if (count === 0) {
          if (!(i === 0 || (mayAdd && touched.length < MAX_COUNTED))) continue;
          touched.push(id);
        }
        counts[id] = count + 1;
        if (count + 1 > most) most = count + 1;
      }
    });
    const scored: number[] = [];
    for (let level = most; level > 0 && scored.length < MAX_SCORED; level--) {
      for (const id of touched) {
        if (counts[id] === level) scored.push(id);
        if (scored.length >= MAX_SCORED) break;
      }
    }
    for (const id of touched) counts[id] = 0;
    const best = new Map<number, NameMatch>();
    for (const id of scored) {
      const entry = this.entries[id]!;
      const words = tokenSetSimilarity(tokens, entry.tokens);
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

  /** A zeroed count per entry, reused across queries (each query resets what it touched). */
  private counter(): Uint8Array {
    if (this.counts.length < this.entries.length) {
      this.counts = new Uint8Array(Math.max(this.entries.length, this.counts.length * 2));
    }
    return this.counts;
  }
  private counts = new Uint8Array(0);
}

function keysOf(tokens: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const token of tokens.slice(0, MAX_KEYS)) {
    if (token.length >= MIN_KEY_LENGTH) keys.add(token.slice(0, KEY_LENGTH));
  }
  return [...keys];
}
