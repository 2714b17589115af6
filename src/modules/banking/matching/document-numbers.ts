/**
 * The open items' document and PO numbers, split as {@link documentKey} splits them (letters
 * before the digits, digits without leading zeros), and looked up by their digits.
 *
 * Built for a million items: a number is read once, character by character, into a numeric
 * prefix code and a numeric core, so no string is made per item. Prefixes are shared by a
 * handful of series ("INV", "DM") and kept once each; cores are kept as numbers (exact up to
 * {@link MAX_NUMERIC_DIGITS} digits, which covers every reference the text scanner reads) and
 * written as text only when a caller asks for one. Numbers the fast reading does not cover
 * (letters outside ASCII, longer prefixes or cores) take {@link documentKey} itself.
 */
import { addPosting, type Postings } from './internal.ts';
import { ItemsByKey, filled } from './items-by-key.ts';
import { documentKey } from './normalize.ts';
import type { OpenItem } from './types.ts';

/** Digits a core may have and still be an exact double (below 2^53). */
const MAX_NUMERIC_DIGITS = 15;
/** Letters a numeric prefix code holds (27^10 is below 2^53). */
const MAX_CODED_LETTERS = 10;
const NONE: readonly number[] = [];

/** A number read by {@link scanNumber}: the prefix as a base-27 code, the core and its digits. */
type Scan = { prefixCode: number; letters: number; core: number; digits: number };

/**
 * Reads an ASCII document number as {@link documentKey} would: letters before the first digit
 * (upper case) and every digit after, leading zeros dropped ("000" reads as "0"). False when the
 * number needs documentKey itself: a character outside ASCII (upper case may change its
 * length), more than 10 prefix letters, or more than 15 significant digits.
 */
function scanNumber(number: string, scan: Scan): boolean {
  let prefixCode = 0;
  let letters = 0;
  let sawDigit = false;
  let core = 0;
  let digits = 0;
  for (let i = 0; i < number.length; i++) {
    const code = number.charCodeAt(i);
    if (code >= 128) return false;
    if (code >= 48 && code <= 57) {
      sawDigit = true;
      if (digits === 0 && code === 48) continue;
      core = core * 10 + (code - 48);
      if (++digits > MAX_NUMERIC_DIGITS) return false;
    } else if (!sawDigit) {
      const upper = code >= 97 && code <= 122 ? code - 32 : code;
      if (upper < 65 || upper > 90) continue;
      if (++letters > MAX_CODED_LETTERS) return false;
      prefixCode = prefixCode * 27 + (upper - 64);
    }
  }
  if (sawDigit && digits === 0) digits = 1; // all zeros: the core is "0"
  scan.prefixCode = prefixCode;
  scan.letters = letters;
  scan.core = core;
  scan.digits = digits;
  return true;
}

function decodePrefix(code: number): string {
  let text = '';
  for (let rest = code; rest > 0; rest = Math.floor(rest / 27)) {
    text = String.fromCharCode(64 + (rest % 27)) + text;
  }
  return text;
}

/** Prefixes numbered once: the same few series recur over every item. */
class PrefixTable {
  readonly texts: string[] = [''];
  private readonly byCode = new Map<number, number>([[0, 0]]);
  private readonly byText = new Map<string, number>([['', 0]]);

  ofCode(code: number): number {
    let id = this.byCode.get(code);
    if (id === undefined) {
      id = this.ofText(decodePrefix(code));
      this.byCode.set(code, id);
    }
    return id;
  }

  ofText(text: string): number {
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.byText.set(text, id);
    }
    return id;
  }
}

/**
 * One series of numbers of the indexed items (document numbers, or PO numbers): per item the
 * prefix and the core (as a number, with its count of digits), filed by core in an
 * {@link ItemsByKey}. Columns that most items leave empty (PO numbers) are plain arrays on V8's
 * heap; see items-by-key.ts for why.
 */
class NumberColumn {
  /** prefix id per item, -1 when the item has no such number */
  readonly prefix: Int32Array | number[];
  /** significant digits of the core (0: no digits), capped at 255 */
  private readonly digits: Uint8Array | number[];
  /** the core as a number, when it has at most MAX_NUMERIC_DIGITS digits */
  private readonly core: Float64Array | number[];
  /** cores with more digits, as text */
  private readonly longCores = new Map<number, string>();
  private readonly byCore: ItemsByKey;
  private readonly byLongCore = new Map<string, Postings>();
  /** digit counts of the cores present, so that other references skip the look-up */
  private readonly lengths = new Set<number>();

  constructor(size: number, sparse: boolean) {
    this.prefix = sparse ? filled(size, -1) : new Int32Array(size).fill(-1);
    this.digits = sparse ? filled(size, 0) : new Uint8Array(size);
    this.core = sparse ? filled(size, NaN) : new Float64Array(size);
    this.byCore = new ItemsByKey(this.core, size);
  }

  add(item: number, number: string, prefixes: PrefixTable, scan: Scan): void {
    if (scanNumber(number, scan)) {
      this.prefix[item] = prefixes.ofCode(scan.prefixCode);
      if (scan.digits > 0) this.file(item, scan.core, scan.digits);
      return;
    }
    const key = documentKey(number);
    this.prefix[item] = prefixes.ofText(key.prefix);
    if (key.core === '') return;
    if (key.core.length <= MAX_NUMERIC_DIGITS) {
      this.file(item, Number(key.core), key.core.length);
      return;
    }
    this.lengths.add(key.core.length);
    this.digits[item] = Math.min(255, key.core.length);
    this.longCores.set(item, key.core);
    addPosting(this.byLongCore, key.core, item);
  }

  private file(item: number, core: number, digits: number): void {
    this.lengths.add(digits);
    this.digits[item] = digits;
    this.core[item] = core;
    this.byCore.add(item);
  }

  /** How many digits the item's core has (capped at 255). */
  digitsOf(item: number): number {
    return this.digits[item]!;
  }

  /** The item's core as text. */
  coreOf(item: number): string {
    const digits = this.digits[item]!;
    if (digits === 0) return '';
    return digits <= MAX_NUMERIC_DIGITS ? String(this.core[item]!) : this.longCores.get(item)!;
  }

  /** Items whose core is `core` (digits without leading zeros). */
  itemsByCore(core: string): readonly number[] {
    if (core === '' || !this.lengths.has(core.length)) return NONE;
    if (core.length <= MAX_NUMERIC_DIGITS) return this.byCore.get(Number(core));
    const found = this.byLongCore.get(core);
    return found === undefined ? NONE : typeof found === 'number' ? [found] : found;
  }
}

/** The document and PO numbers of the indexed items (items not indexed have neither). */
export class DocumentNumbers {
  private readonly prefixes = new PrefixTable();
  private readonly numbers: NumberColumn;
  private readonly pos: NumberColumn;
  private readonly scan: Scan = { prefixCode: 0, letters: 0, core: 0, digits: 0 };

  constructor(size: number) {
    this.numbers = new NumberColumn(size, false);
    this.pos = new NumberColumn(size, true);
  }

  add(index: number, item: OpenItem): void {
    this.numbers.add(index, item.number, this.prefixes, this.scan);
    if (item.poNumber) this.pos.add(index, item.poNumber, this.prefixes, this.scan);
  }

  /** Letters of the item's number ("INV"), upper case. */
  prefixOf(item: number): string {
    const id = this.numbers.prefix[item]!;
    return id < 0 ? '' : this.prefixes.texts[id]!;
  }

  /** Letters of the item's PO number, upper case ('' without one). */
  poPrefixOf(item: number): string {
    const id = this.pos.prefix[item]!;
    return id < 0 ? '' : this.prefixes.texts[id]!;
  }

  /** Digits of the item's number without leading zeros. */
  coreOf(item: number): string {
    return this.numbers.coreOf(item);
  }

  /** How many digits {@link coreOf} has (capped at 255), without writing them. */
  coreLengthOf(item: number): number {
    return this.numbers.digitsOf(item);
  }

  itemsByCore(core: string): readonly number[] {
    return this.numbers.itemsByCore(core);
  }

  itemsByPoCore(core: string): readonly number[] {
    return this.pos.itemsByCore(core);
  }
}
