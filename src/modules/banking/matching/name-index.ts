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
 *
 * Words and beginnings are numbered once (keys); each known name keeps the keys of its words, so
 * asking a name whether it holds a word is a scan of a few integers. A query allocates only its
 * answer: counts, lists and ranks live in scratch arrays reused across queries.
 */
import {
  CUT_READING_MAX,
  cutReading,
  legalFormsConflict,
  mayBeCut,
  prepareName,
  preparedSimilarity,
  similarityCeiling,
  splitName,
  type NameParts,
  type PreparedName,
} from './normalize.ts';

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
const MAX_POINTS = 3 * MAX_KEYS;
const WORD_POINTS = 2;
const PREFIX_POINTS = 1;
/** "ACME GMBH" vs "Acme SARL": same words, but another legal entity (never a strong match). */
const FORM_CONFLICT = 0.1;
/** Similarities below this are not reported at all. */
export const MIN_NAME_SIMILARITY = 0.75;
/** Float rounding allowance when a bound decides that a name cannot reach the minimum. */
const CEILING_SLACK = 1e-9;

/** Word lists whose candidates are remembered (payer names recur with other legal forms). */
const CANDIDATE_CACHE_SIZE = 50_000;

/**
 * What a query's words select before legal forms are compared: the entries to score and their
 * word similarity to the query (NaN until it is needed).
 */
type Candidates = {
  query: PreparedName | null;
  ids: number[];
  words: number[];
  /** the bank's name may be cut ({@link mayBeCut}) */
  cut: boolean;
};

/** A growable Int32Array (names are added one by one while the index is built). */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

export class NameIndex {
  // one entry per known name, in parallel arrays
  private readonly customerOf = new IntList();
  private readonly names: PreparedName[] = [];
  private readonly forms: string[] = [];
  private readonly learned: boolean[] = [];
  /** words per entry, kept apart so that ranking reads one dense array */
  private readonly wordCounts = new IntList();
  /** the keys of each entry's words: entryKeys[keyStart[e] .. keyStart[e + 1]) */
  private readonly keyStart = new IntList();
  private readonly entryKeys = new IntList();
  /** key numbers of whole words and of four-letter beginnings */
  private readonly wordKeys = new Map<string, number>();
  private readonly prefixKeys = new Map<string, number>();
  /** entries filed under each key (only the first MAX_KEYS words of a name are filed) */
  private readonly postings: number[][] = [];
  /** customer, words and form of every entry, to skip duplicates */
  private readonly seen = new Set<string>();
  private readonly candidateCache = new Map<string, Candidates>();

  // scratch space of a query
  private counts = new Uint8Array(0);
  private touched = new Int32Array(0);
  private ranks = new Int32Array(0);
  private readonly histogram = new Int32Array((MAX_POINTS + 1) * 16);
  private readonly queryKeys = new Int32Array(2 * MAX_KEYS);
  private readonly queryPoints = new Int32Array(2 * MAX_KEYS);
  private readonly chosen = new Int32Array(MAX_SCORED);
  private readonly atCut = new Int32Array(MAX_SCORED);

  constructor() {
    this.keyStart.push(0);
  }

  add(customer: number, name: string | null | undefined, learned: boolean): void {
    if (!name) return;
    const { tokens, form } = splitName(name);
    if (tokens.length === 0) return;
    const dedupe = `${customer}\u0000${tokens.join(' ')}\u0000${form}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    if (this.candidateCache.size > 0) this.candidateCache.clear();
    const id = this.names.length;
    this.customerOf.push(customer);
    this.names.push(prepareName(tokens));
    this.forms.push(form);
    this.learned.push(learned);
    this.wordCounts.push(Math.min(255, tokens.length));
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t]!;
      if (token.length < MIN_KEY_LENGTH) continue;
      const filed = t < MAX_KEYS;
      this.addKey(id, this.keyOf(this.wordKeys, token), filed);
      if (token.length > PREFIX_LENGTH) {
        this.addKey(id, this.keyOf(this.prefixKeys, token.slice(0, PREFIX_LENGTH)), filed);
      }
    }
    this.keyStart.push(this.entryKeys.length);
  }

  private keyOf(keys: Map<string, number>, text: string): number {
    let key = keys.get(text);
    if (key === undefined) {
      key = this.postings.length;
      keys.set(text, key);
      this.postings.push([]);
    }
    return key;
  }

  /** Files the entry under the key once (a name may repeat a word or a beginning). */
  private addKey(id: number, key: number, filed: boolean): void {
    if (this.holds(id, key)) return;
    this.entryKeys.push(key);
    if (filed) this.postings[key]!.push(id);
  }

  /** Customers whose known names resemble `name`, best first, one entry per customer. */
  query(name: string): NameMatch[] {
    return this.queryParts(splitName(name));
  }

  /**
   * {@link query} for a name already split by {@link splitName}; a name that may be cut inside
   * a word that looks like a legal form is also looked up in that reading, the better
   * similarity per customer kept.
   */
  queryParts(parts: NameParts): NameMatch[] {
    const found = this.lookUp(parts);
    const cut = cutReading(parts);
    if (cut === null) return found;
    const out = [...found];
    for (const asCut of this.lookUp(cut)) {
      // a reading the bank may not have meant ("… TRADING CO" of "… Consultants") is no
      // strong payer, nor one of a group
      const m = { ...asCut, similarity: Math.min(asCut.similarity, CUT_READING_MAX) };
      const k = out.findIndex((o) => o.customer === m.customer);
      if (k < 0) out.push(m);
      else if (m.similarity > out[k]!.similarity) out[k] = m;
    }
    return out.sort((a, b) => b.similarity - a.similarity || a.customer - b.customer);
  }

  private lookUp(parts: NameParts): NameMatch[] {
    const { tokens, form } = parts;
    if (tokens.length === 0) return [];
    // the words' similarities are remembered with the candidates; they differ when cut
    const cut = mayBeCut(parts);
    const words = cut ? tokens.join(' ') : `${tokens.join(' ')}\u0000`;
    let candidates = this.candidateCache.get(words);
    if (candidates === undefined) {
      candidates = this.candidates(tokens, cut);
      if (this.candidateCache.size >= CANDIDATE_CACHE_SIZE) this.candidateCache.clear();
      this.candidateCache.set(words, candidates);
    }
    return this.similar(candidates, form);
  }

  /** The best-counted entries for these words (the same for every legal form). */
  private candidates(tokens: readonly string[], cut: boolean): Candidates {
    const lists = this.queryLists(tokens);
    if (lists === 0) return { query: null, ids: [], words: [], cut };
    const touched = this.count(lists);
    const scored = this.best(touched, tokens.length);
    const counts = this.counts;
    for (let k = 0; k < touched; k++) counts[this.touched[k]!] = 0;
    const ids: number[] = [];
    for (let k = 0; k < scored; k++) ids.push(this.chosen[k]!);
    return { query: prepareName(tokens), ids, words: ids.map(() => NaN), cut };
  }

  /** The keys of the query's words that some known name has, rarest first; returns how many. */
  private queryLists(tokens: readonly string[]): number {
    const keys = this.queryKeys;
    const points = this.queryPoints;
    let n = 0;
    const words = Math.min(tokens.length, MAX_KEYS);
    for (let t = 0; t < words; t++) {
      const token = tokens[t]!;
      if (token.length < MIN_KEY_LENGTH) continue;
      n = this.addQueryKey(n, this.wordKeys.get(token), WORD_POINTS);
      if (token.length > PREFIX_LENGTH) {
        n = this.addQueryKey(n, this.prefixKeys.get(token.slice(0, PREFIX_LENGTH)), PREFIX_POINTS);
      }
    }
    // insertion sort by list length (a handful of keys); equal lengths keep the words' order
    for (let i = 1; i < n; i++) {
      const key = keys[i]!;
      const p = points[i]!;
      const length = this.postings[key]!.length;
      let j = i - 1;
      while (j >= 0 && this.postings[keys[j]!]!.length > length) {
        keys[j + 1] = keys[j]!;
        points[j + 1] = points[j]!;
        j--;
      }
      keys[j + 1] = key;
      points[j + 1] = p;
    }
    return n;
  }

  private addQueryKey(n: number, key: number | undefined, points: number): number {
    if (key === undefined || this.postings[key]!.length === 0) return n;
    for (let k = 0; k < n; k++) if (this.queryKeys[k] === key) return n;
    this.queryKeys[n] = key;
    this.queryPoints[n] = points;
    return n + 1;
  }

  /** Counts the points of the names the query's lists reach; returns how many were touched. */
  private count(lists: number): number {
    const counts = this.counter();
    const touched = this.touched;
    let found = 0;
    for (let i = 0; i < lists; i++) {
      const key = this.queryKeys[i]!;
      const points = this.queryPoints[i]!;
      const list = this.postings[key]!;
      // a long list of a common word: ask the names found so far instead of walking it
      if (i > 0 && list.length > PROBE_FACTOR * found) {
        for (let k = 0; k < found; k++) {
          const id = touched[k]!;
          if (this.holds(id, key)) counts[id] = counts[id]! + points;
        }
        continue;
      }
      // every name holding the rarest key is counted; others' names while there is room
      const mayAdd = i === 0 || (list.length <= MAX_POSTING_TO_ADD && found < MAX_COUNTED);
      for (let k = 0; k < list.length; k++) {
        const id = list[k]!;
        const count = counts[id]!;
        if (count === 0) {
          if (!mayAdd) continue;
          touched[found++] = id;
        }
        counts[id] = count + points;
      }
    }
    return found;
  }

  /**
   * The MAX_SCORED touched entries with the most points; among equals, those whose number of
   * words is closest to the query's ("ACME" prefers "Acme GmbH" to "Acme Steel Holding").
   * Returns how many were chosen (in this.chosen).
   */
  private best(touched: number, words: number): number {
    // counting sort on rank = points × 16 + (15 − word gap); only the top MAX_SCORED are kept
    const histogram = this.histogram;
    const ranks = this.ranks;
    const counts = this.counts;
    const wordCounts = this.wordCounts.data;
    let highest = 0;
    for (let k = 0; k < touched; k++) {
      const id = this.touched[k]!;
      const gap = Math.min(15, Math.abs(wordCounts[id]! - words));
      const r = Math.min(counts[id]!, MAX_POINTS) * 16 + 15 - gap;
      ranks[k] = r;
      histogram[r]!++;
      if (r > highest) highest = r;
    }
    let cut = highest;
    let above = histogram[cut]!;
    while (cut > 0 && above < MAX_SCORED) above += histogram[--cut]!;
    let chosen = 0;
    let atCut = 0;
    for (let k = 0; k < touched; k++) {
      const r = ranks[k]!;
      histogram[r] = 0;
      if (r > cut) this.chosen[chosen++] = this.touched[k]!;
      else if (r === cut && atCut < MAX_SCORED) this.atCut[atCut++] = this.touched[k]!;
    }
    for (let k = 0; k < atCut && chosen < MAX_SCORED; k++) this.chosen[chosen++] = this.atCut[k]!;
    return chosen;
  }

  /** The candidates as close as MIN_NAME_SIMILARITY, best per customer, best first. */
  private similar({ query, ids, words, cut }: Candidates, form: string): NameMatch[] {
    const out: NameMatch[] = [];
    if (query === null) return out;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const name = this.names[id]!;
      const penalty = legalFormsConflict(form, this.forms[id]!) ? FORM_CONFLICT : 0;
      // names too unlike in weight to reach the minimum are not compared word by word
      const ceiling = similarityCeiling(query, name, cut);
      if (ceiling - penalty < MIN_NAME_SIMILARITY - CEILING_SLACK) continue;
      if (Number.isNaN(words[k]!)) words[k] = preparedSimilarity(query, name, cut);
      const similarity = words[k]! - penalty;
      if (similarity < MIN_NAME_SIMILARITY) continue;
      const customer = this.customerOf.data[id]!;
      const current = out.find((m) => m.customer === customer);
      if (!current) out.push({ customer, similarity, learned: this.learned[id]! });
      else if (similarity > current.similarity) {
        current.similarity = similarity;
        current.learned = this.learned[id]!;
      }
    }
    return out.sort((a, b) => b.similarity - a.similarity || a.customer - b.customer);
  }

  /** The entry has a word, or a word beginning so, that is this key. */
  private holds(id: number, key: number): boolean {
    const keys = this.entryKeys.data;
    const end = id + 1 < this.keyStart.length ? this.keyStart.data[id + 1]! : this.entryKeys.length;
    for (let k = this.keyStart.data[id]!; k < end; k++) if (keys[k] === key) return true;
    return false;
  }

  /** A zeroed count per entry, reused across queries (each query resets what it touched). */
  private counter(): Uint8Array {
    const entries = this.names.length;
    if (this.counts.length < entries) {
      const size = Math.max(entries, this.counts.length * 2);
      this.counts = new Uint8Array(size);
      this.touched = new Int32Array(size);
      this.ranks = new Int32Array(size);
    }
    return this.counts;
  }
}
