/**
 * Reading camt leaf values strictly: amounts (exact, to bigint minor units), currencies, credit /
 * debit indicators and dates. Every failure is a {@link BankFileError} naming the element path
 * (`Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`) and its line.
 */
import { currencyExponent, isCurrency } from '../../../shared/currencies.ts';
import { isIsoDate, type IsoDate } from '../../../shared/dates.ts';
import { attribute, child, isElement, lineOf, text, textOf, type XmlElement } from './camt-xml.ts';
import { BankFileError } from './statement.ts';

/** xs:decimal without sign, as ISO 20022 amounts are written (the sign is in CdtDbtInd). */
const DECIMAL = /^([0-9]+)(?:\.([0-9]*))?$|^\.([0-9]+)$/;
/** ISO 20022 amounts have at most 18 digits in total. */
const MAX_DIGITS = 18;
/** `2024-03-07` or the date part of `2024-03-07T10:15:00+01:00`. */
const DATE_TIME =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

/** How many distinct values {@link CamtReader.shared} keeps. */
const MAX_SHARED = 10_000;

export type SignedAmount = { amountMinor: bigint; currency: string };

/**
 * The strict readers of leaf values and the failure helper. Element paths are only put together
 * when something fails: these run for every entry of a large file.
 */
export class CamtReader {
  /** One string for each value many lines repeat (currencies, transaction codes). */
  readonly #shared = new Map<string, string>();
  /** The last date read and its text: a statement's entries mostly share a few dates. */
  #lastDateText = '';
  #lastDate: IsoDate | null = null;

  /**
   * `value`, or an equal string read before: the 100 000 lines of a large file hold a handful of
   * currencies and transaction codes, and they outlive the parse (a code joined from its parts
   * is five strings; once shared, none per line).
   */
  shared<Value extends string | null>(value: Value): Value {
    if (value === null) return value;
    const known = this.#shared.get(value);
    if (known !== undefined) return known as Value;
    if (this.#shared.size < MAX_SHARED) this.#shared.set(value, value);
    return value;
  }

  fail(element: string, message: string, node?: XmlElement): never {
    throw new BankFileError(`${element}: ${message}`, {
      element,
      line: node ? lineOf(node) : null,
    });
  }

  /**
   * `Amt Ccy="EUR">12.50<` below `parent` → 1250n (unsigned). The currency must be ISO 4217 and
   * the amount must fit its minor unit exactly: trailing zeros beyond it are fine ("18.150" EUR),
   * other digits are not ("18.155" EUR).
   */
  amount(parent: XmlElement, parentPath: string, name = 'Amt'): SignedAmount {
    const value = parent[name];
    if (value === undefined) this.fail(`${parentPath}/${name}`, 'missing', parent);
    const node = isElement(value) ? value : parent;
    const raw = textOf(value);
    if (raw === null) this.fail(`${parentPath}/${name}`, 'empty amount', node);
    const currency = attribute(value, 'Ccy');
    if (currency === null) this.fail(`${parentPath}/${name}/@Ccy`, 'missing currency', node);
    if (!isCurrency(currency)) {
      this.fail(
        `${parentPath}/${name}/@Ccy`,
        `unknown currency code ${JSON.stringify(currency)}`,
        node,
      );
    }
    const minor = decimalToMinor(raw, currencyExponent(currency));
    if (typeof minor === 'string') {
      this.fail(`${parentPath}/${name}`, `${JSON.stringify(raw)} ${minor}`, node);
    }
    return { amountMinor: minor, currency: this.shared(currency) };
  }

  /** A currency code that must be ISO 4217. */
  currency(code: string, element: string, node?: XmlElement): string {
    if (!isCurrency(code))
      this.fail(element, `unknown currency code ${JSON.stringify(code)}`, node);
    return code;
  }

  /** `CdtDbtInd` below `parent`: +1n for CRDT, -1n for DBIT. */
  sign(parent: XmlElement, parentPath: string): 1n | -1n {
    const indicator = text(parent, 'CdtDbtInd');
    if (indicator === 'CRDT') return 1n;
    if (indicator === 'DBIT') return -1n;
    const element = `${parentPath}/CdtDbtInd`;
    if (indicator === null) this.fail(element, 'missing (CRDT or DBIT expected)', parent);
    this.fail(element, `${JSON.stringify(indicator)} is neither CRDT nor DBIT`, parent);
  }

  /** A `DateAndDateTimeChoice` (`<X><Dt>…</Dt></X>` or `<X><DtTm>…</DtTm></X>`), or null. */
  dateChoice(parent: XmlElement, parentPath: string, name: string): IsoDate | null {
    const holder = child(parent, name);
    if (!holder) return null;
    const dateText = text(holder, 'Dt');
    if (dateText !== null) {
      return this.#knownDate(dateText) ?? this.date(dateText, `${parentPath}/${name}/Dt`, holder);
    }
    const dateTime = text(holder, 'DtTm');
    if (dateTime !== null) {
      return this.#knownDate(dateTime) ?? this.date(dateTime, `${parentPath}/${name}/DtTm`, holder);
    }
    return null;
  }

  /** The date of `raw` when it is the text read last, else null. */
  #knownDate(raw: string): IsoDate | null {
    return raw === this.#lastDateText ? this.#lastDate : null;
  }

  /**
   * A date or the calendar date of a date-time as the bank wrote it (its own offset: a booking at
   * `2024-03-07T00:30:00+01:00` is on the 7th, not on the 6th in UTC).
   */
  date(raw: string, element: string, node?: XmlElement): IsoDate {
    const match = DATE_TIME.exec(raw);
    const day = match?.[1];
    if (day === undefined || !isIsoDate(day)) {
      this.fail(element, `${JSON.stringify(raw)} is not a valid date`, node);
    }
    this.#lastDateText = raw;
    this.#lastDate = day;
    return day;
  }
}

/**
 * Exact decimal → minor units at `exponent` decimals, or the reason it cannot be: "12.5" at 2 →
 * 1250n; "12.340" at 2 → 1234n; "12.345" at 2 → "has more decimals than …".
 */
export function decimalToMinor(raw: string, exponent: number): bigint | string {
  const simple = simpleDecimalToMinor(raw, exponent);
  if (simple !== null) return simple;
  const match = DECIMAL.exec(raw);
  if (!match) {
    return raw.startsWith('-')
      ? 'is negative: the sign belongs in CdtDbtInd'
      : 'is not a decimal amount';
  }
  const integer = (match[1] ?? '').replace(/^0+/, '');
  const fraction = (match[2] ?? match[3] ?? '').replace(/0+$/, '');
  if (integer.length + fraction.length > MAX_DIGITS) return `has more than ${MAX_DIGITS} digits`;
  if (fraction.length > exponent) return `has more decimals than the currency allows (${exponent})`;
  const digits = integer + fraction.padEnd(exponent, '0');
  return digits === '' ? 0n : BigInt(digits);
}

/** Digits a float holds exactly (2^53 has 16). */
const EXACT_DIGITS = 15;

/**
 * {@link decimalToMinor} without regular expressions or BigInt parsing, for the amounts nearly
 * every file has: digits with at most `exponent` decimals, at most {@link EXACT_DIGITS} digits
 * once padded to `exponent` decimals. Null for anything else, which the general path reads.
 */
function simpleDecimalToMinor(raw: string, exponent: number): bigint | null {
  const length = raw.length;
  let point = -1;
  for (let index = 0; index < length; index += 1) {
    const code = raw.charCodeAt(index);
    if (code === 0x2e) {
      if (point >= 0) return null;
      point = index;
    } else if (code < 0x30 || code > 0x39) {
      return null;
    }
  }
  const integerDigits = point < 0 ? length : point;
  const decimals = point < 0 ? 0 : length - point - 1;
  if (integerDigits === 0 || decimals > exponent || integerDigits + exponent > EXACT_DIGITS) {
    return null;
  }
  let value = 0;
  for (let index = 0; index < length; index += 1) {
    if (index !== point) value = value * 10 + (raw.charCodeAt(index) - 0x30);
  }
  for (let scale = decimals; scale < exponent; scale += 1) value *= 10;
  return BigInt(value);
}
