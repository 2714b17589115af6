/**
 * The cash-application matcher: an in-memory index of one organization's open items, customers
 * and learned payer hints, asked about one bank line at a time. Pure: no database, no clock.
 *
 * ## How a line is matched
 * 1. Payer evidence per customer (`payer.ts`): learned payer account (strong when only one
 *    customer paid from it, medium for 2–3), payer name against customer, other and learned
 *    names (strong from 0.92 with a lead of 0.05 over every other customer, medium from 0.85,
 *    weak from 0.75; equal words with conflicting legal forms — GmbH vs SARL, or a bank's
 *    "GmbH & Co. KG" for a customer's "GmbH" — cost 0.10; a word that merely begins another —
 *    "Sun" / "Sunrise" — is another word; a name with its legal form was not cut by the bank,
 *    unless that form is a word of up to three letters at a full name field of 27, 35 or 70
 *    characters, "… KRAUSE SE"), the
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
 *    A customer number written with its letters ("C010023") is not read as a document number,
 *    nor are the digits of an IBAN, a phone number, a postcode after a street or a date written
 *    without separators after a date word ("vom 20260310").
 * 3. For each customer with named documents, how the amount relates to what they owe: exact;
 *    net of the early-payment discounts still allowed on the line's date (valueDate ??
 *    bookingDate on or before discountDate); the original amount of partly credited documents;
 *    exactly some of them (up to 4 paid, or 1–2 of a long list left out); less (a short pay:
 *    oldest due first); more (an overpay — unless one unnamed open item of the customer, or two
 *    of its 40 oldest, make up the rest exactly; only for fully named documents or a strong
 *    payer).
 *    When the payer states an amount per document ("INV-1001:250.00", as lockbox files write
 *    them; `stated-amounts.ts`, `stated-answers.ts`), each reference with an amount names one
 *    open document of the customer and the amounts add up to the line (documents named without
 *    an amount take what is left, oldest due first), the payer's split is the customer's answer
 *    instead: each document gets its stated amount — its balance net of a discount still allowed
 *    is that discount, less is a short pay of that document, more is capped at what is open and
 *    the excess stays unapplied (as "original" when it is the document's original amount). No
 *    amount-only answer (step 4) is then looked for at that customer. Amounts that do not add
 *    up, or a reference that names nothing, leave step 3 as without them.
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
 * Stated amounts are scored on the same rows, by the weakest fit of any document (a stated short
 * pay of one document makes the answer a short pay), so a clean split scores as a clean reference
 * does and an unknown or nearly named reference gains nothing from its amount; an excess of more
 * than 10 % −0.10, and one document stated above its open balance while another is stated below
 * it (swapped amounts, a typo) −0.10.
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
 * −0.06; discounted balances −0.01; the text names (not merely nearly) another document of the
 * customer, which the answer leaves out −0.10 (the number and the amount disagree; when no
 * other item has that amount, that customer's short pay or overpay of the named documents
 * takes −0.10 too, and both still hold a third answer back at their earlier score); a payer
 * pointing at 2–3 customers of which only one has open items that explain the amount scores as
 * strong −0.01 for that one (unless another customer is the strong payer).
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
 * Built in one pass over the items, with no string or object per item: what a line needs of an
 * item (customer, currency, open balance as a number, id, due date) is copied into columns,
 * numbers are read into a numeric prefix and digits (`document-numbers.ts`), and open balances
 * and digits are filed in hash tables over those columns (`items-by-key.ts`). A line reads the
 * columns rather than the items, which lie all over the heap; it allocates little (the name
 * index, the subset sum and the one-off search work in scratch arrays), name look-ups are
 * remembered per name as written, per normalized name and per word list, and evidence is kept
 * as data and written only for the answers returned (`evidence.ts`). Stated amounts are looked
 * for only in texts with a colon.
 *
 * ## Cost
 * Built once: hash maps by number digits, PO digits, open balance, discounted balance, payer
 * account and customer number, a name index by word and word beginning, and each customer's
 * items sorted by due date. A line costs a few look-ups per reference, the name query (cached
 * per distinct name), and for unexplained lines a bounded subset sum over ≤ 40 items of ≤ 6
 * customers — never a scan of the book.
 */
import { currencyExponent, isCurrency } from '../../../shared/currencies.ts';
import { assert } from '../../../shared/assert.ts';
import { amountHypotheses } from './amounts.ts';
import { MAX_COMBINATION_SIZE } from './combinations.ts';
import { DocumentNumbers } from './document-numbers.ts';
import { displayScore, explain, listNumbers } from './evidence.ts';
import {
  AmountIndex,
  NO_ITEMS,
  addNote,
  addPosting,
  keyOf,
  postings,
  sameAnswer,
  type CustomerSummary,
  type Hit,
  type Hypothesis,
  type IndexView,
  type LineContext,
  type Postings,
} from './internal.ts';
import { filled } from './items-by-key.ts';
import { NameIndex, type NameMatch } from './name-index.ts';
import {
  documentKey,
  extractReferences,
  normalizeAccount,
  splitName,
  type RemittanceReference,
} from './normalize.ts';
import {
  findPayers,
  nameSources,
  type CustomerNumberHit,
  type NameSource,
  type PayerLookups,
} from './payer.ts';
import { namedDocuments, referenceHypotheses } from './references.ts';
import { readStatedAmounts, statedRemittance, type StatedRemittance } from './stated-amounts.ts';
import {
  AMBIGUITY_DROP,
  AMBIGUITY_MARGIN,
  AMOUNT_ONLY_MAX,
  DEFAULT_AUTO_APPLY_THRESHOLD,
  NAMED_ELSEWHERE_PENALTY,
  ROUND_AMOUNT_UNITS,
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
const NO_NUMBER_HITS: readonly CustomerNumberHit[] = [];
const NO_REFERENCES: ReadonlySet<RemittanceReference> = new Set();
/** summaryCurrency before a customer's first item, and once its items are in several */
const NO_CURRENCY = -2;
const MIXED_CURRENCIES = -1;

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
  private readonly itemCurrency: Int32Array;
  private readonly currencyIds = new Map<string, number>();
  private readonly numbers: DocumentNumbers;
  readonly openValues: Float64Array;
  private readonly customerIds: string[];
  private readonly itemIds: string[];
  private readonly customerNames: string[];
  private readonly customerStart: Int32Array;
  private readonly customerItems: Int32Array;
  /**
   * per customer: the currency id of all its items (-1: several), Σ open and Σ discounts as
   * numbers (NaN once they might not be exact: then summed again in bigint when asked for)
   */
  private readonly summaryCurrency: Int32Array;
  private readonly summaryOpen: Float64Array;
  private readonly summaryDiscount: Float64Array;
  /** each indexed item's due date (or issue date) as yyyymmdd, -1 when it is no ISO date */
  private readonly dueDays: number[];
  private readonly currencyNames: string[] = [];
  /** summaries as objects, made when first asked for (most customers never are) */
  private readonly summaries: Array<CustomerSummary | undefined>;
  private readonly byOpen: AmountIndex;
  private readonly byNet: AmountIndex;
  private readonly byAccount = new Map<string, number[]>();
  private readonly byCustomerNumber = new Map<string, Postings>();
  private readonly byCustomerNumberCore = new Map<string, Postings>();
  /** digit counts of customer numbers: other references skip those maps */
  private readonly customerNumberLengths = new Set<number>();
  /** per currency, the round-amount unit in minor units (null: unknown currency) */
  private readonly roundUnits = new Map<string, bigint | null>();
  private readonly names = new NameIndex();
  private readonly nameCache = new Map<string, NameMatch[]>();
  private readonly rawNameCache = new Map<string, readonly NameSource[]>();
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
    const customerIndex = this.addCustomers(input.customers);
    this.addHints(input.payerHints, customerIndex);
    const n = this.items.length;
    const customers = input.customers.length;
    this.customerIds = input.customers.map((c) => c.id);
    this.itemIds = new Array<string>(n).fill('');
    this.customerNames = input.customers.map((c) => c.name);
    this.itemCustomer = new Int32Array(n).fill(-1);
    this.itemCurrency = new Int32Array(n).fill(-1);
    this.openValues = new Float64Array(n);
    this.summaryCurrency = new Int32Array(customers).fill(NO_CURRENCY);
    this.summaryOpen = new Float64Array(customers);
    this.summaryDiscount = new Float64Array(customers);
    this.dueDays = filled(n, -1);
    this.numbers = new DocumentNumbers(n);
    this.byOpen = new AmountIndex(this.openValues, n);
    this.byNet = new AmountIndex(null, n);
    const counts = this.addItems(customerIndex);
    for (let c = 0; c < customers; c++) counts[c + 1]! += counts[c]!;
    this.customerStart = counts;
    this.customerItems = this.sortedCustomerItems();
    this.summaries = new Array<CustomerSummary | undefined>(customers);
    this.lookups = {
      customersByAccount: (account) => this.byAccount.get(normalizeAccount(account)) ?? NO_ITEMS,
      payerNames: (name) => this.payerNames(name),
    };
  }

  /**
   * Fills the item columns and tables, one pass over the items; returns how many items each
   * customer has, at [customer + 1] (the start of each customer's items once summed up).
   */
  private addItems(customerIndex: ReadonlyMap<string, number>): Int32Array {
    const counts = new Int32Array(this.customers.length + 1);
    let lastCurrency = '';
    let lastCurrencyId = -1;
    for (let i = 0; i < this.items.length; i++) {
      const it = this.items[i]!;
      const c = customerIndex.get(it.customerId);
      if (c === undefined || it.openMinor <= 0n) continue;
      this.itemCustomer[i] = c;
      this.itemIds[i] = it.id;
      if (it.currency !== lastCurrency || lastCurrencyId < 0) {
        lastCurrency = it.currency;
        lastCurrencyId = this.currencyId(lastCurrency);
      }
      this.itemCurrency[i] = lastCurrencyId;
      this.openValues[i] = Number(it.openMinor);
      counts[c + 1]!++;
      this.summaryCurrency[c] =
        this.summaryCurrency[c] === NO_CURRENCY || this.summaryCurrency[c] === lastCurrencyId
          ? lastCurrencyId
          : MIXED_CURRENCIES;
      this.summaryOpen[c] = exactSum(this.summaryOpen[c]!, this.openValues[i]!);
      if (it.discountDate !== null) {
        this.summaryDiscount[c] = exactSum(this.summaryDiscount[c]!, Number(it.discountMinor));
      }
      this.dueDays[i] = isoDay(it.dueDate ?? it.issueDate);
      this.numbers.add(i, it);
      this.byOpen.add(it.openMinor, i);
      if (it.discountMinor > 0n && it.discountDate !== null && it.discountMinor < it.openMinor) {
        this.byNet.add(it.openMinor - it.discountMinor, i);
      }
    }
    return counts;
  }

  private addCustomers(customers: readonly MatchCustomer[]): Map<string, number> {
    const customerIndex = new Map<string, number>();
    for (let i = 0; i < customers.length; i++) {
      const c = customers[i]!;
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
    }
    return customerIndex;
  }

  private addHints(hints: readonly PayerHint[], customerIndex: ReadonlyMap<string, number>): void {
    for (const hint of hints) {
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
  }

  /** Each customer's items, oldest due date first (then by number, then by position). */
  private sortedCustomerItems(): Int32Array {
    const customers = this.customers.length;
    const next = Int32Array.from(this.customerStart.subarray(0, customers));
    const out = new Int32Array(this.customerStart[customers]!);
    for (let i = 0; i < this.items.length; i++) {
      const c = this.itemCustomer[i]!;
      if (c >= 0) out[next[c]!++] = i;
    }
    const days = this.dueDays;
    const byNumber = (a: number, b: number) => {
      const p = this.items[a]!.number;
      const q = this.items[b]!.number;
      return p < q ? -1 : p > q ? 1 : a - b;
    };
    const byDay = (a: number, b: number) => days[a]! - days[b]! || byNumber(a, b);
    const byDate = (a: number, b: number) => {
      const x = this.items[a]!.dueDate ?? this.items[a]!.issueDate;
      const y = this.items[b]!.dueDate ?? this.items[b]!.issueDate;
      return x < y ? -1 : x > y ? 1 : byNumber(a, b);
    };
    for (let c = 0; c < customers; c++) {
      const slice = out.subarray(this.customerStart[c]!, this.customerStart[c + 1]!);
      if (slice.length < 2) continue;
      // ISO dates sort as their numbers; anything else as text (the same order for ISO dates)
      let iso = true;
      for (const i of slice) if (days[i]! < 0) iso = false;
      slice.sort(iso ? byDay : byDate);
    }
    return out;
  }

  private currencyId(currency: string): number {
    let id = this.currencyIds.get(currency);
    if (id === undefined) {
      id = this.currencyNames.length;
      this.currencyIds.set(currency, id);
      this.currencyNames.push(currency);
    }
    return id;
  }

  summaryOf(customer: number): CustomerSummary {
    let summary = this.summaries[customer];
    if (summary === undefined) {
      const currency = this.summaryCurrency[customer]!;
      const open = this.summaryOpen[customer]!;
      const discount = this.summaryDiscount[customer]!;
      let openMinor = Number.isNaN(open) ? 0n : BigInt(open);
      let discountMinor = Number.isNaN(discount) ? 0n : BigInt(discount);
      if (Number.isNaN(open) || Number.isNaN(discount)) {
        // a sum beyond exact doubles: add the bigint amounts instead
        openMinor = 0n;
        discountMinor = 0n;
        for (const i of this.itemsOf(customer)) {
          const it = this.items[i]!;
          openMinor += it.openMinor;
          if (it.discountDate !== null) discountMinor += it.discountMinor;
        }
      }
      summary = {
        count: this.itemCountOf(customer),
        currency: currency >= 0 ? this.currencyNames[currency]! : null,
        openMinor,
        discountMinor,
      };
      this.summaries[customer] = summary;
    }
    return summary;
  }

  idOf(item: number): string {
    return this.itemIds[item]!;
  }
  customerNameOf(customer: number): string {
    return this.customerNames[customer]!;
  }
  customerOf(item: number): number {
    return this.itemCustomer[item]!;
  }
  currencyOf(item: number): number {
    return this.itemCurrency[item]!;
  }
  prefixOf(item: number): string {
    return this.numbers.prefixOf(item);
  }
  poPrefixOf(item: number): string {
    return this.numbers.poPrefixOf(item);
  }
  coreOf(item: number): string {
    return this.numbers.coreOf(item);
  }
  coreLengthOf(item: number): number {
    return this.numbers.coreLengthOf(item);
  }
  itemCountOf(customer: number): number {
    return this.customerStart[customer + 1]! - this.customerStart[customer]!;
  }
  itemsOf(customer: number): Int32Array {
    return this.customerItems.subarray(
      this.customerStart[customer]!,
      this.customerStart[customer + 1]!,
    );
  }
  itemsByCore(core: string): readonly number[] {
    return this.numbers.itemsByCore(core);
  }
  itemsByPoCore(core: string): readonly number[] {
    return this.numbers.itemsByPoCore(core);
  }
  itemsByOpen(amountMinor: bigint): readonly number[] {
    return this.byOpen.get(amountMinor);
  }
  itemsByNet(amountMinor: bigint): readonly number[] {
    return this.byNet.get(amountMinor);
  }

  /**
   * Name look-ups are cached by the name as written (with the evidence they give) and by its
   * normalized form, so "ACME GMBH" and "Acme GmbH" share one query. Both caches are dropped
   * when full (bank files repeat the same payers, so a simple bound is enough).
   */
  private payerNames(name: string): readonly NameSource[] {
    const known = this.rawNameCache.get(name);
    if (known) return known;
    const parts = splitName(name);
    const key = `${parts.tokens.join(' ')}|${parts.form}|${parts.cutWord ?? ''}`;
    let found = this.nameCache.get(key);
    if (found === undefined) {
      found = this.names.queryParts(parts);
      if (this.nameCache.size >= NAME_CACHE_SIZE) this.nameCache.clear();
      this.nameCache.set(key, found);
    }
    const sources = nameSources(found, name);
    if (this.rawNameCache.size >= NAME_CACHE_SIZE) this.rawNameCache.clear();
    this.rawNameCache.set(name, sources);
    return sources;
  }

  private customersByNumber(ref: RemittanceReference): readonly CustomerNumberHit[] {
    if (!this.customerNumberLengths.has(ref.core.length)) return NO_NUMBER_HITS;
    const byCore = this.byCustomerNumberCore.get(ref.core);
    if (byCore === undefined) return NO_NUMBER_HITS;
    const exact =
      ref.prefix === '' ? NO_ITEMS : postings(this.byCustomerNumber, `${ref.prefix}/${ref.core}`);
    if (exact.length > 0) return exact.map((customer) => ({ customer, exact: true }));
    return postings(this.byCustomerNumberCore, ref.core).map((customer) => ({
      customer,
      exact: false,
    }));
  }

  /** A round amount (a multiple of ROUND_AMOUNT_UNITS whole units of its currency). */
  private isRound(amountMinor: bigint, currency: string): boolean {
    let unit = this.roundUnits.get(currency);
    if (unit === undefined) {
      unit = isCurrency(currency)
        ? 10n ** BigInt(currencyExponent(currency)) * ROUND_AMOUNT_UNITS
        : null;
      this.roundUnits.set(currency, unit);
    }
    return unit !== null && amountMinor % unit === 0n;
  }

  /** Suggestions for one bank line, best first (at most maxSuggestions); [] for money out. */
  match(line: MatchLine): Suggestion[] {
    if (line.amountMinor <= 0n) return [];
    const { references, stated } = readRemittance(line);
    const numberHits: Array<readonly CustomerNumberHit[]> = [];
    let customerNumbers = NO_REFERENCES;
    for (const ref of references) {
      const hits = this.customersByNumber(ref);
      numberHits.push(hits);
      if (hits.length > 0 && hits[0]!.exact) {
        if (customerNumbers === NO_REFERENCES) customerNumbers = new Set();
        (customerNumbers as Set<RemittanceReference>).add(ref);
      }
    }
    const { payers, strongPayers } = findPayers(this.lookups, line, references, numberHits);
    const ctx: LineContext = {
      amount: line.amountMinor,
      currency: line.currency,
      currencyId: this.currencyIds.get(line.currency) ?? -1,
      date: line.valueDate ?? line.bookingDate,
      references,
      customerNumbers,
      payers,
      strongPayers,
      byOpen: this.itemsByOpen(line.amountMinor),
      byNet: this.itemsByNet(line.amountMinor),
      round: this.isRound(line.amountMinor, line.currency),
      stated,
    };
    const named = namedDocuments(this, ctx);
    const hypotheses = referenceHypotheses(this, ctx, named);
    let best = 0;
    for (const h of hypotheses) best = Math.max(best, h.score);
    if (best - AMBIGUITY_MARGIN <= AMOUNT_ONLY_MAX) {
      const explained = new Set<number>();
      for (const h of hypotheses) {
        // the payer's own split says which documents it pays, short or not: no guess by amount
        const settled = h.shortPayMinor === 0n && h.unappliedMinor === 0n;
        if (settled || h.explanation.kind === 'stated') explained.add(h.customer);
      }
      const byAmount = amountHypotheses(this, ctx, explained, best);
      for (const h of byAmount) hypotheses.push(namedElsewhere(h, named));
      this.doubtNamedMisfits(hypotheses);
    }
    const ranked = this.rank(hypotheses);
    const out: Suggestion[] = [];
    for (const h of ranked) {
      out.push({
        customerId: this.customerIds[h.customer]!,
        allocations: h.allocations,
        score: clampScore(h.score),
        evidence: explain(this, ctx, h),
        unappliedMinor: h.unappliedMinor,
        shortPayMinor: h.shortPayMinor,
      });
    }
    return out;
  }

  /**
   * The other side of {@link namedElsewhere}: where the amount equals unnamed items of a
   * customer exactly (and no other set of them), that customer's short pay or overpay of the
   * named documents is as doubtful (a transfer template with last month's number, or a
   * coincidence), so neither wins alone.
   */
  private doubtNamedMisfits(hypotheses: Hypothesis[]): void {
    for (let n = 0; n < hypotheses.length; n++) {
      const a = hypotheses[n]!;
      const ex = a.explanation;
      // several items with that amount point at none of them: the named document stands
      if (ex.kind !== 'amount' || ex.namedElsewhere === undefined || ex.alternatives > 0) continue;
      let doubts = false;
      for (let k = 0; k < hypotheses.length; k++) {
        const h = hypotheses[k]!;
        const named = h.explanation;
        if (h.customer !== a.customer || named.kind !== 'named') continue;
        if (named.fit !== 'short' && named.fit !== 'over') continue;
        const doubted = { ...h, score: h.score - NAMED_ELSEWHERE_PENALTY, reach: h.score };
        const numbers = listNumbers(ex.items.map((i) => this.items[i]!.number));
        addNote(doubted, `Amount equals ${numbers} exactly, which the text does not name`);
        hypotheses[k] = doubted;
        doubts = true;
      }
      // the two doubt each other: as rivals of a third answer both count as they were
      if (doubts) hypotheses[n] = { ...a, reach: a.score + NAMED_ELSEWHERE_PENALTY };
    }
  }

  private describeAnswer(h: Hypothesis): string {
    const numbers = listNumbers(h.itemIndexes.map((i) => this.items[i]!.number));
    return `${numbers} of ${this.customerNames[h.customer]!}`;
  }

  /** Deduplicates, sorts and applies the ambiguity rule; returns at most maxSuggestions. */
  private rank(hypotheses: Hypothesis[]): Hypothesis[] {
    if (hypotheses.length <= 1) return hypotheses;
    // the same answer found twice keeps its best score (and its first place)
    const sorted: Hypothesis[] = [];
    for (const h of hypotheses) {
      const k = sorted.findIndex((u) => sameAnswer(u, h));
      if (k < 0) sorted.push(h);
      else if (h.score > sorted[k]!.score) sorted[k] = h;
    }
    sorted.sort(
      (a, b) =>
        b.score - a.score ||
        a.allocations.length - b.allocations.length ||
        (keyOf(a) < keyOf(b) ? -1 : 1),
    );
    const top = sorted[0];
    // the strongest other answer, counting a lowered one at the score it had (see `reach`)
    let rival = sorted[1];
    for (let k = 2; k < sorted.length; k++) {
      if (rival && reachOf(sorted[k]!) > reachOf(rival)) rival = sorted[k];
    }
    // scores are sums of table values: compare with a little slack for float rounding
    if (top && rival && reachOf(rival) >= top.score - AMBIGUITY_MARGIN - 1e-9) {
      const cap = this.threshold - AMBIGUITY_DROP;
      const band = top.score - AMBIGUITY_MARGIN - 1e-9;
      if (top.score > cap) {
        // the tied answers, and anything between them and the cap, are all held back below it
        const held = sorted.filter((h) => h.score > cap);
        for (const h of held) {
          const other = h === top ? rival : top;
          const how = h.score >= band ? 'fits nearly as well' : 'fits better but is in doubt';
          addNote(
            h,
            `Ambiguous: ${this.describeAnswer(other)} ${how} (${displayScore(other.score)}); needs review`,
          );
        }
        for (const h of held) h.score = cap;
      }
    }
    return sorted.length > this.maxSuggestions ? sorted.slice(0, this.maxSuggestions) : sorted;
  }
}

/**
 * The references of the line's remittance text and end-to-end id, and the amounts the payer
 * states per document when the text has "REF:amount" pairs that can be used (then the amounts
 * are not read as references: "INV-1001:250" names INV-1001 only). Texts without a colon, nearly
 * all of them, are scanned once as before.
 */
function readRemittance(line: MatchLine): {
  references: RemittanceReference[];
  stated: StatedRemittance | null;
} {
  let info =
    line.remittanceInfo && line.remittanceInfo !== 'NOTPROVIDED' ? line.remittanceInfo : '';
  if (info.length > MAX_TEXT_LENGTH) info = cutText(info);
  const id = line.endToEndId && line.endToEndId !== 'NOTPROVIDED' ? line.endToEndId : '';
  const found =
    info.indexOf(':') < 0 ? null : readStatedAmounts(info, line.currency, line.amountMinor);
  if (found !== null) {
    const ends: number[] = [];
    const references = extractReferences(remittanceText(found.text, id), ends);
    const stated = statedRemittance(found, references, ends, info.length);
    if (stated !== null) return { references, stated };
  }
  return { references: extractReferences(remittanceText(info, id)), stated: null };
}

/** The remittance text and the end-to-end id ("NOTPROVIDED" is no id), as one text. */
function remittanceText(info: string, id: string): string {
  const text = info && id ? `${info} ${id}` : info || id;
  return text.length > MAX_TEXT_LENGTH ? cutText(text) : text;
}

/**
 * The first MAX_TEXT_LENGTH characters, without the word the cut goes through: "INV-100431"
 * cut to "INV-1004" would name another document.
 */
function cutText(text: string): string {
  if (/\s/.test(text[MAX_TEXT_LENGTH] ?? ' ')) return text.slice(0, MAX_TEXT_LENGTH);
  const cut = text.slice(0, MAX_TEXT_LENGTH);
  const space = cut.search(/\s\S*$/);
  return space > 0 ? cut.slice(0, space) : '';
}

/**
 * a + b for amounts kept as doubles: NaN once the sum may leave the exactly representable
 * integers (or either is NaN already), so that the caller sums in bigint instead.
 */
function exactSum(a: number, b: number): number {
  const sum = a + b;
  return Math.abs(b) <= MAX_EXACT_PART && Math.abs(sum) <= MAX_EXACT_PART ? sum : NaN;
}
/** Parts and partial sums up to this are exact in doubles, however many are added. */
const MAX_EXACT_PART = 2 ** 52;

/** "2026-03-10" → 20260310; -1 for anything else. */
function isoDay(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return -1;
  let day = 0;
  for (let k = 0; k < 10; k++) {
    if (k === 4 || k === 7) continue;
    const digit = date.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return -1;
    day = day * 10 + digit;
  }
  return day;
}

/**
 * An answer by amount alone that leaves out documents of its customer the text names: less
 * sure by {@link NAMED_ELSEWHERE_PENALTY}, and it says which (see also
 * `MatchIndex.doubtNamedMisfits`).
 */
function namedElsewhere(h: Hypothesis, named: ReadonlyMap<number, readonly Hit[]>): Hypothesis {
  const ex = h.explanation;
  const hits = named.get(h.customer);
  if (ex.kind !== 'amount' || ex.basis === 'payerOnly' || hits === undefined) return h;
  const left = hits.filter((hit) => hit.quality !== 'fuzzy' && !h.itemIndexes.includes(hit.item));
  if (left.length === 0) return h;
  return {
    ...h,
    score: h.score - NAMED_ELSEWHERE_PENALTY,
    explanation: { ...ex, namedElsewhere: left.map((hit) => hit.item) },
  };
}

function reachOf(h: Hypothesis): number {
  return h.reach ?? h.score;
}
