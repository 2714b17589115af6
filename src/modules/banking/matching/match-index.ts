/**
 * The cash-application matcher: an in-memory index of one organization's open items, customers
 * and learned payer hints, asked about one bank line at a time. Pure: no database, no clock.
 *
 * ## How a line is matched
 * 1. Payer evidence per customer (`payer.ts`): learned payer account (strong when only one
 *    customer paid from it, medium for 2–3), payer name against customer, other and learned
 *    names (strong from 0.92 with a lead of 0.05 over every other customer, medium from 0.85,
 *    weak from 0.75; equal words with conflicting legal forms — GmbH vs SARL — cost 0.10), the
 *    customer's own number in the text (strong with its letters, medium by digits). Two medium
 *    sources make a strong payer. A customer without own evidence while another customer is
 *    the strong payer counts as "contra".
 * 2. Documents the text names (`references.ts`): document numbers as printed ("full": prefix
 *    and digits agree), without or with another prefix or with zeros dropped or added ("digits"),
 *    one character off ("one-off": substituted, transposed, missing or extra digit; letters that
 *    OCR confuses with digits — O/0, I/1, S/5, B/8, … — are read as digits first and are no
 *    slip), and PO numbers. A one-off reading is only looked for when the exact readings do
 *    not already explain the amount, and only among documents something else points at: an
 *    open (or discounted) balance equal to the amount, or the 40 oldest items of a strong payer.
 *    A customer number written with its letters ("C010023") is not read as a document number.
 * 3. For each customer with named documents, how the amount relates to what they owe: exact;
 *    net of the early-payment discounts still allowed on the line's date (valueDate ??
 *    bookingDate on or before discountDate); the original amount of partly credited documents;
 *    exactly some of them (up to 4 paid, or 1–2 of a long list left out); less (a short pay:
 *    oldest due first); more (an overpay — unless one unnamed open item of the customer, or two
 *    of its 40 oldest, make up the rest exactly; only for fully named documents or a strong
 *    payer).
 * 4. Amount only (`amounts.ts`), for payer candidates that step 3 did not explain (the medium
 *    ones and better, the weak ones when there are no others) and only as far as such an answer
 *    could still compete with step 3: one open item (or its discounted balance), all open
 *    items, or 2..maxCombination (≤ 4) of the customer's 40 oldest items (bounded subset sum,
 *    `combinations.ts`). For an unknown payer: single items of the whole book with that open
 *    balance, scored low.
 * 5. Ranking: the same customer and documents keep their best score; then the ambiguity rule.
 *
 * ## Scores (designed for an auto-apply threshold of 0.90; the table lives in `scoring.ts`)
 * Named documents — columns: payer strong / medium / weak / none / contra:
 *
 * |                                | strong | medium | weak | none | contra |
 * |--------------------------------|--------|--------|------|------|--------|
 * | full number, amount exact      | 0.99   | 0.99   | 0.98 | 0.98 | 0.93   |
 * | full number, net of discount   | 0.98   | 0.98   | 0.97 | 0.97 | 0.92   |
 * | full, original amount (credit) | 0.95   | 0.93   | 0.90 | 0.90 | 0.82   |
 * | full, short pay or overpay     | 0.92   | 0.88   | 0.85 | 0.84 | 0.70   |
 * | digits, amount exact           | 0.98   | 0.97   | 0.96 | 0.95 | 0.90   |
 * | digits, short pay or overpay   | 0.90   | 0.80   | 0.72 | 0.70 | 0.55   |
 * | one-off, amount exact          | 0.95   | 0.92   | 0.87 | 0.86 | 0.80   |
 * | one-off, short pay or overpay  | 0.60   | 0.50   | 0.45 | 0.40 | 0.30   |
 *
 * Discount rows are 0.01 below the exact ones. A set counts as named by its weakest naming.
 * Adjustments: the amount equals only some of the named documents −0.02; each unnamed document
 * added to explain an overpay −0.03; an overpay of more than 10 % of the named documents −0.10;
 * a one-off document whose amount other open items of the customer share −0.10 (recurring fees:
 * the slip may have landed on a look-alike). A payer that points at 2–3 customers alike (a
 * shared account, the same name) counts as strong for the one whose documents are named.
 *
 * Nothing named — the amount alone:
 *
 * |                                   | strong | medium | weak | unknown payer            |
 * |-----------------------------------|--------|--------|------|--------------------------|
 * | one open item                     | 0.93   | 0.86   | 0.60 | 0.45 if the only one in the book, else 0.30 |
 * | all open items of the customer    | 0.93   | 0.86   | 0.60 | —                        |
 * | a combination, chance sums ≤ 0.1 %| 0.91   | 0.82   | 0.55 | —                        |
 * | a combination, chance sums ≤ 1 %  | 0.86   | 0.76   | 0.50 | —                        |
 * | a combination, more               | 0.80   | 0.70   | 0.45 | —                        |
 * | payer known, nothing adds up      | 0.35   | 0.25   | —    | —                        |
 *
 * "Chance sums" is the expected number of sets of that size among the pool that hit the amount
 * by coincidence, C(pool, size) / (2 × amount in minor units) (`sumBasis` in `scoring.ts`): a
 * pair among 10 items for 3,615.69 is 0.006 %, three of 40 items for the same is 1.4 %.
 * Adjustments: a round amount (a multiple of 50 whole units: deposits, payments on account)
 * −0.06; discounted balances −0.01; a payer pointing at 2–3 customers of which only one has
 * open items that explain the amount scores as strong −0.01 for that one (unless another
 * customer is the strong payer).
 *
 * So these reach 0.90 and apply automatically: a named document (full or digits) with the exact
 * or discounted amount, whoever paid; the original amount of a fully named, partly credited
 * document; a one-off slip with the exact amount and a known payer; a
 * short pay or overpay of named documents when the payer is strongly identified; for a strongly
 * identified payer one open item, all open items or a combination unlikely to be chance. These
 * never do: anything for an unknown payer without a named document; a short pay or a one-off
 * slip without a known payer; a combination that chance explains as well (three or four of 40
 * items usually are); a round amount found by amount alone.
 *
 * Ambiguity: when the runner-up (another customer or another set of documents) scores within
 * 0.05 of the best, every answer above threshold − 0.10 is lowered to it and says why: a false
 * match costs more than a miss. Equal open amounts at one customer, two combinations with the
 * same sum, or a named document of one customer against the strong payer's own item end here.
 *
 * ## Safety
 * Currency must match (items in other currencies are ignored). Allocations are bigint, never
 * above an item's open balance (cash + discount), their sum never above the line amount, all
 * documents of the suggestion's customer — asserted for every answer (`internal.ts`).
 *
 * ## Speed
 * The module runs under tsx, whose esbuild transform wraps every named function expression in
 * `__name(...)` (keepNames): a closure assigned to a variable or property costs ~1.5 µs per
 * creation instead of nanoseconds. Code run per line therefore builds no such closures (inline
 * callbacks to array methods are unnamed and fine); evidence is kept as data and written only
 * for the answers returned (`evidence.ts`).
 *
 * ## Cost
 * Built once: hash maps by number digits, PO digits, open balance, discounted balance, payer
 * account and customer number, a name index by word and word beginning, and each customer's
 * items sorted by
 * due date. A line costs a few look-ups per reference, the name query (cached per distinct
 * name), and for unexplained lines a bounded subset sum over ≤ 40 items of ≤ 6 customers —
 * never a scan of the book.
 */
import { assert } from '../../../shared/assert.ts';
import { amountHypotheses, isRound } from './amounts.ts';
import { MAX_COMBINATION_SIZE } from './combinations.ts';
import { displayScore, explain, listNumbers } from './evidence.ts';
import {
  addPosting,
  postings,
  type CustomerSummary,
  type Hypothesis,
  type IndexView,
  type LineContext,
  type Postings,
} from './internal.ts';
import { NameIndex, type NameMatch } from './name-index.ts';
import {
  documentKey,
  extractReferences,
  normalizeAccount,
  splitName,
  type RemittanceReference,
} from './normalize.ts';
import { findPayers, type CustomerNumberHit, type PayerLookups } from './payer.ts';
import { namedDocuments, referenceHypotheses } from './references.ts';
import {
  AMBIGUITY_DROP,
  AMBIGUITY_MARGIN,
  AMOUNT_ONLY_MAX,
  DEFAULT_AUTO_APPLY_THRESHOLD,
  clampScore,
} from './scoring.ts';
import type {
  MatchCustomer,
  MatchLine,
  MatchOptions,
  OpenItem,
  PayerHint,
  Suggestion,
} from './types.ts';

const DEFAULT_MAX_SUGGESTIONS = 3;
const DEFAULT_MAX_COMBINATION = 4;
/** Distinct payer names whose look-up is remembered (bank files repeat their payers). */
const NAME_CACHE_SIZE = 50_000;
/** Longest remittance text read (SEPA allows 140, some formats several lines of it). */
const MAX_TEXT_LENGTH = 1_000;

export type MatchIndexInput = {
  openItems: readonly OpenItem[];
  customers: readonly MatchCustomer[];
  payerHints: readonly PayerHint[];
};

export class MatchIndex implements IndexView {
  readonly items: readonly OpenItem[];
  readonly customers: readonly MatchCustomer[];
  readonly maxCombination: number;
  private readonly maxSuggestions: number;
  private readonly threshold: number;
  private readonly itemCustomer: Int32Array;
  private readonly itemPrefix: string[];
  private readonly itemCore: string[];
  private readonly customerStart: Int32Array;
  private readonly customerItems: Int32Array;
  private readonly summaries: CustomerSummary[];
  private readonly byCore = new Map<string, Postings>();
  private readonly byPoCore = new Map<string, Postings>();
  private readonly byOpen = new Map<bigint, Postings>();
  private readonly byNet = new Map<bigint, Postings>();
  private readonly byAccount = new Map<string, number[]>();
  private readonly byCustomerNumber = new Map<string, Postings>();
  private readonly byCustomerNumberCore = new Map<string, Postings>();
  /** digit counts of customer numbers and PO numbers: other references skip those maps */
  private readonly customerNumberLengths = new Set<number>();
  private readonly poLengths = new Set<number>();
  private readonly names = new NameIndex();
  private readonly nameCache = new Map<string, NameMatch[]>();
  private readonly rawNameCache = new Map<string, NameMatch[]>();
  private readonly lookups: PayerLookups;

  constructor(input: MatchIndexInput, options: MatchOptions = {}) {
    this.maxCombination = Math.min(
      MAX_COMBINATION_SIZE,
      Math.max(1, Math.floor(options.maxCombination ?? DEFAULT_MAX_COMBINATION)),
    );
    this.maxSuggestions = Math.max(
      1,
      Math.floor(options.maxSuggestions ?? DEFAULT_MAX_SUGGESTIONS),
    );
    this.threshold = options.autoApplyThreshold ?? DEFAULT_AUTO_APPLY_THRESHOLD;
    assert(this.threshold > 0 && this.threshold <= 1, 'autoApplyThreshold must be in (0, 1]');
    this.customers = input.customers;
    this.items = input.openItems;
    const customerIndex = new Map<string, number>();
    input.customers.forEach((c, i) => {
      assert(!customerIndex.has(c.id), `customer ${c.id} is listed twice`);
      customerIndex.set(c.id, i);
      this.names.add(i, c.name, false);
      for (const other of c.otherNames ?? []) this.names.add(i, other, false);
      if (c.accountNumber) {
        const key = documentKey(c.accountNumber);
        if (key.core !== '') {
          addPosting(this.byCustomerNumber, `${key.prefix}/${key.core}`, i);
          addPosting(this.byCustomerNumberCore, key.core, i);
          this.customerNumberLengths.add(key.core.length);
        }
      }
    });
    for (const hint of input.payerHints) {
      const c = customerIndex.get(hint.customerId);
      if (c === undefined) continue;
      if (hint.account) {
        const account = normalizeAccount(hint.account);
        const list = this.byAccount.get(account);
        if (!list) this.byAccount.set(account, [c]);
        else if (!list.includes(c)) list.push(c);
      }
      this.names.add(c, hint.name, true);
    }
    const n = this.items.length;
    this.itemCustomer = new Int32Array(n).fill(-1);
    this.itemPrefix = new Array<string>(n);
    this.itemCore = new Array<string>(n);
    const prefixes = new Map<string, string>();
    const counts = new Int32Array(input.customers.length + 1);
    for (let i = 0; i < n; i++) {
      const it = this.items[i]!;
      const c = customerIndex.get(it.customerId);
      if (c === undefined || it.openMinor <= 0n) continue;
      this.itemCustomer[i] = c;
      counts[c + 1]!++;
      const key = documentKey(it.number);
      let prefix = prefixes.get(key.prefix);
      if (prefix === undefined) prefixes.set(key.prefix, (prefix = key.prefix));
      this.itemPrefix[i] = prefix;
      this.itemCore[i] = key.core;
      if (key.core !== '') addPosting(this.byCore, key.core, i);
      if (it.poNumber) {
        const po = documentKey(it.poNumber).core;
        if (po !== '') {
          addPosting(this.byPoCore, po, i);
          this.poLengths.add(po.length);
        }
      }
      addPosting(this.byOpen, it.openMinor, i);
      if (it.discountMinor > 0n && it.discountDate !== null && it.discountMinor < it.openMinor) {
        addPosting(this.byNet, it.openMinor - it.discountMinor, i);
      }
    }
    for (let c = 0; c < input.customers.length; c++) counts[c + 1]! += counts[c]!;
    this.customerStart = counts;
    this.customerItems = this.sortedCustomerItems();
    this.summaries = this.customers.map((_, c) => this.summarize(c));
    this.lookups = {
      customersByAccount: (account) => this.byAccount.get(normalizeAccount(account)) ?? [],
      namesLike: (name) => this.namesLike(name),
    };
  }

  private sortedCustomerItems(): Int32Array {
    const next = Int32Array.from(this.customerStart.subarray(0, this.customers.length));
    const out = new Int32Array(this.customerStart[this.customers.length]!);
    for (let i = 0; i < this.items.length; i++) {
      const c = this.itemCustomer[i]!;
      if (c >= 0) out[next[c]!++] = i;
    }
    const due = (i: number) => this.items[i]!.dueDate ?? this.items[i]!.issueDate;
    for (let c = 0; c < this.customers.length; c++) {
      const slice = out.subarray(this.customerStart[c]!, this.customerStart[c + 1]!);
      if (slice.length < 2) continue;
      const sorted = Array.from(slice).sort((a, b) => {
        const x = due(a);
        const y = due(b);
        if (x !== y) return x < y ? -1 : 1;
        const p = this.items[a]!.number;
        const q = this.items[b]!.number;
        return p < q ? -1 : p > q ? 1 : a - b;
      });
      slice.set(sorted);
    }
    return out;
  }

  private summarize(customer: number): CustomerSummary {
    const summary: CustomerSummary = { count: 0, currency: null, openMinor: 0n, discountMinor: 0n };
    for (const i of this.itemsOf(customer)) {
      const it = this.items[i]!;
      summary.currency =
        summary.count === 0 || summary.currency === it.currency ? it.currency : null;
      summary.count++;
      summary.openMinor += it.openMinor;
      if (it.discountDate !== null) summary.discountMinor += it.discountMinor;
    }
    return summary;
  }

  summaryOf(customer: number): CustomerSummary {
    return this.summaries[customer]!;
  }

  customerOf(item: number): number {
    return this.itemCustomer[item]!;
  }
  prefixOf(item: number): string {
    return this.itemPrefix[item] ?? '';
  }
  coreOf(item: number): string {
    return this.itemCore[item] ?? '';
  }
  itemsOf(customer: number): Int32Array {
    return this.customerItems.subarray(
      this.customerStart[customer]!,
      this.customerStart[customer + 1]!,
    );
  }
  itemsByCore(core: string): readonly number[] {
    return postings(this.byCore, core);
  }
  itemsByPoCore(core: string): readonly number[] {
    return this.poLengths.has(core.length) ? postings(this.byPoCore, core) : [];
  }
  itemsByOpen(amountMinor: bigint): readonly number[] {
    return postings(this.byOpen, amountMinor);
  }
  itemsByNet(amountMinor: bigint): readonly number[] {
    return postings(this.byNet, amountMinor);
  }

  /**
   * Name look-ups are cached by the name as written and by its normalized form, so "ACME GMBH"
   * and "Acme GmbH" share one query. Both caches are dropped when full (bank files repeat the
   * same payers, so a simple bound is enough).
   */
  private namesLike(name: string): NameMatch[] {
    const exact = this.rawNameCache.get(name);
    if (exact) return exact;
    const parts = splitName(name);
    const key = `${parts.tokens.join(' ')}|${parts.form}`;
    const found = this.nameCache.get(key) ?? this.names.queryParts(parts);
    if (this.nameCache.size >= NAME_CACHE_SIZE) this.nameCache.clear();
    if (this.rawNameCache.size >= NAME_CACHE_SIZE) this.rawNameCache.clear();
    this.nameCache.set(key, found);
    this.rawNameCache.set(name, found);
    return found;
  }

  private customersByNumber(ref: RemittanceReference): CustomerNumberHit[] {
    if (!this.customerNumberLengths.has(ref.core.length)) return [];
    const byCore = this.byCustomerNumberCore.get(ref.core);
    if (byCore === undefined) return [];
    const exact = postings(this.byCustomerNumber, `${ref.prefix}/${ref.core}`);
    if (ref.prefix !== '' && exact.length > 0)
      return exact.map((customer) => ({ customer, exact: true }));
    return postings(this.byCustomerNumberCore, ref.core).map((customer) => ({
      customer,
      exact: false,
    }));
  }

  /** Suggestions for one bank line, best first (at most maxSuggestions); [] for money out. */
  match(line: MatchLine): Suggestion[] {
    if (line.amountMinor <= 0n) return [];
    const text = [line.remittanceInfo, line.endToEndId]
      .filter((t): t is string => !!t && t !== 'NOTPROVIDED')
      .join(' ')
      .slice(0, MAX_TEXT_LENGTH);
    const references = extractReferences(text);
    const numberHits = references.map((ref) => this.customersByNumber(ref));
    const { payers, strongPayers } = findPayers(this.lookups, line, references, numberHits);
    const ctx: LineContext = {
      amount: line.amountMinor,
      currency: line.currency,
      date: line.valueDate ?? line.bookingDate,
      references,
      customerNumbers: new Set(references.filter((_, r) => numberHits[r]!.some((h) => h.exact))),
      payers,
      strongPayers,
      byOpen: this.itemsByOpen(line.amountMinor),
      byNet: this.itemsByNet(line.amountMinor),
      round: isRound(line.amountMinor, line.currency),
    };
    const named = namedDocuments(this, ctx);
    const hypotheses = referenceHypotheses(this, ctx, named);
    const best = hypotheses.reduce((m, h) => Math.max(m, h.score), 0);
    if (best - AMBIGUITY_MARGIN <= AMOUNT_ONLY_MAX) {
      const explained = new Set(
        hypotheses
          .filter((h) => h.shortPayMinor === 0n && h.unappliedMinor === 0n)
          .map((h) => h.customer),
      );
      hypotheses.push(...amountHypotheses(this, ctx, explained, best));
    }
    return this.rank(hypotheses).map((h) => ({
      customerId: this.customers[h.customer]!.id,
      allocations: h.allocations,
      score: clampScore(h.score),
      evidence: explain(this, ctx, h),
      unappliedMinor: h.unappliedMinor,
      shortPayMinor: h.shortPayMinor,
    }));
  }

  private describeAnswer(h: Hypothesis): string {
    const numbers = listNumbers(h.itemIndexes.map((i) => this.items[i]!.number));
    return `${numbers} of ${this.customers[h.customer]!.name}`;
  }

  /** Deduplicates, sorts and applies the ambiguity rule; returns at most maxSuggestions. */
  private rank(hypotheses: Hypothesis[]): Hypothesis[] {
    if (hypotheses.length <= 1) return hypotheses;
    const unique = new Map<string, Hypothesis>();
    for (const h of hypotheses) {
      const current = unique.get(h.key);
      if (!current || h.score > current.score) unique.set(h.key, h);
    }
    const sorted = [...unique.values()].sort(
      (a, b) =>
        b.score - a.score ||
        a.allocations.length - b.allocations.length ||
        (a.key < b.key ? -1 : 1),
    );
    const top = sorted[0];
    const rival = sorted[1];
    // scores are sums of table values: compare with a little slack for float rounding
    if (top && rival && rival.score >= top.score - AMBIGUITY_MARGIN - 1e-9) {
      const cap = this.threshold - AMBIGUITY_DROP;
      const band = top.score - AMBIGUITY_MARGIN - 1e-9;
      if (top.score > cap) {
        // the tied answers, and anything between them and the cap, are all held back below it
        const held = sorted.filter((h) => h.score > cap);
        for (const h of held) {
          const other = h === top ? rival : top;
          const how = h.score >= band ? 'fits nearly as well' : 'fits better but is in doubt';
          h.notes.push(
            `Ambiguous: ${this.describeAnswer(other)} ${how} (${displayScore(other.score)}); needs review`,
          );
        }
        for (const h of held) h.score = cap;
      }
    }
    return sorted.slice(0, this.maxSuggestions);
  }
}
