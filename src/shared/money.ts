/**
 * Money as exact integers. An amount is a `bigint` count of the currency's minor
 * unit (cents for USD, yen for JPY, fils for BHD) and never a float: there is no
 * `Number(amount)`, no `parseFloat`, and no floating-point division anywhere here.
 */
import { assert } from './assert.ts';
import { currencyExponent } from './currencies.ts';
import { DomainError } from './errors.ts';

/** An amount in minor units of an ISO 4217 currency. */
export type Money = { readonly amountMinor: bigint; readonly currency: string };

/** Largest number of digits accepted before the decimal point by {@link parseAmount}. */
const MAX_INTEGER_DIGITS = 18;
/** The largest magnitude a PostgreSQL `bigint` column holds, in minor units. */
export const MAX_MINOR_UNITS = 9_223_372_036_854_775_807n;

/** Optional minus, integer part without leading zeros, optional non-empty fraction. */
const AMOUNT_PATTERN = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Builds a {@link Money} value.
 * @throws DomainError `unknown_currency` when the currency is not an ISO 4217 code.
 */
export function money(amountMinor: bigint, currency: string): Money {
  assert(typeof amountMinor === 'bigint', 'money() needs a bigint amount');
  currencyExponent(currency);
  return Object.freeze({ amountMinor, currency });
}

// ---------------------------------------------------------------------------
// Parsing and formatting
// ---------------------------------------------------------------------------

function invalidAmount(message: string): DomainError {
  return new DomainError('invalid_amount', message);
}

/** Explains why `text` does not match {@link AMOUNT_PATTERN}. */
function syntaxProblem(text: string): string {
  const quoted = JSON.stringify(text);
  if (text === '') return 'Amount is empty';
  if (/\s/.test(text)) return `${quoted} contains whitespace`;
  if (text.startsWith('+')) return `${quoted} must not start with a plus sign`;
  if (/[eE]/.test(text)) return `${quoted} must not use exponent notation`;
  if (/[,_'’]/.test(text)) {
    return `${quoted} must use "." as the decimal point and no thousands separators`;
  }
  if (/^-?0[0-9]/.test(text)) return `${quoted} has leading zeros`;
  if (/^-?(\.|[0-9]+\.$)/.test(text)) {
    return `${quoted} needs digits on both sides of the decimal point`;
  }
  return `${quoted} is not a decimal number`;
}

/**
 * Parses a strict decimal string into minor units of `currency`.
 *
 * Accepted: an optional `-`, then `0` or digits without leading zeros (at most
 * 18), then optionally `.` and 1..exponent fraction digits — `"1234.5"`,
 * `"1234.50"`, `"-12.00"`, `"0"`, `"0.50"`, `"12"`. `"-0"` is accepted and is 0.
 *
 * Rejected (never rounded or trimmed): more fraction digits than the currency has
 * (`"12.345"` or even `"12.340"` for USD, `"1.5"` or `"1.0"` for JPY), empty
 * strings, any whitespace, `+`, exponents, thousands separators, `"."`, `"1."`,
 * `".5"`, leading zeros such as `"007"` or `"00.5"`, and magnitudes beyond
 * {@link MAX_MINOR_UNITS} minor units (what a database `bigint` holds).
 *
 * @throws DomainError `invalid_amount` (with the reason) or `unknown_currency`.
 */
export function parseAmount(text: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  if (typeof text !== 'string') throw invalidAmount('Amount must be a decimal string');
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) throw invalidAmount(syntaxProblem(text));
  const [, sign, integer = '', fraction = ''] = match;
  const quoted = JSON.stringify(text);
  if (integer.length > MAX_INTEGER_DIGITS) {
    throw invalidAmount(`${quoted} has more than ${MAX_INTEGER_DIGITS} integer digits`);
  }
  if (fraction.length > exponent) {
    throw invalidAmount(`${quoted} has more than ${exponent} decimals for ${currency}`);
  }
  const magnitude = BigInt(integer + fraction.padEnd(exponent, '0'));
  if (magnitude > MAX_MINOR_UNITS) {
    throw invalidAmount(
      `${quoted} is too large: at most ${formatAmount(MAX_MINOR_UNITS, currency)} ${currency}`,
    );
  }
  return sign === '-' ? -magnitude : magnitude;
}

/** Splits |amountMinor| into whole major units and the minor-unit remainder. */
function splitMinor(amountMinor: bigint, exponent: number) {
  const negative = amountMinor < 0n;
  const magnitude = negative ? -amountMinor : amountMinor;
  const scale = 10n ** BigInt(exponent);
  return { negative, whole: magnitude / scale, fraction: magnitude % scale };
}

/**
 * Formats minor units as the canonical decimal string with exactly the
 * currency's number of decimals and no grouping: `123450n` USD → `"1234.50"`,
 * `-5n` USD → `"-0.05"`, `100n` JPY → `"100"`, `1234n` BHD → `"1.234"`.
 * Zero is never signed. `parseAmount(formatAmount(x, c), c) === x` for every x
 * whose integer part has at most 18 digits.
 */
export function formatAmount(amountMinor: bigint, currency: string): string {
  assert(typeof amountMinor === 'bigint', 'formatAmount() needs a bigint amount');
  const exponent = currencyExponent(currency);
  const { negative, whole, fraction } = splitMinor(amountMinor, exponent);
  const decimals = exponent === 0 ? '' : `.${fraction.toString().padStart(exponent, '0')}`;
  return `${negative ? '-' : ''}${whole}${decimals}`;
}

type DisplayFormatters = { currency: Intl.NumberFormat; fraction: Intl.NumberFormat };

const displayFormatterCache = new Map<string, DisplayFormatters>();

function displayFormatters(locale: string, currency: string, exponent: number): DisplayFormatters {
  const key = `${locale}\u0000${currency}`;
  let formatters = displayFormatterCache.get(key);
  if (!formatters) {
    const digits = { minimumFractionDigits: exponent, maximumFractionDigits: exponent };
    let currencyFormat: Intl.NumberFormat;
    try {
      currencyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency, ...digits });
    } catch {
      throw new DomainError('invalid_locale', `Unknown locale ${JSON.stringify(locale)}`);
    }
    const fraction = new Intl.NumberFormat(locale, {
      numberingSystem: currencyFormat.resolvedOptions().numberingSystem,
      useGrouping: false,
      minimumIntegerDigits: Math.max(1, exponent),
    });
    formatters = { currency: currencyFormat, fraction };
    displayFormatterCache.set(key, formatters);
  }
  return formatters;
}

/**
 * Human display with the locale's grouping, decimal mark, sign and currency
 * symbol: `123456789n` USD → `"$1,234,567.89"`, de-DE EUR → `"1.234.567,89 €"`.
 *
 * Exact for any size: Intl formats the signed whole part as a `bigint` (zero
 * as the integer `0`/`-0` so that `-0.05` keeps its sign), and the fraction
 * digits of that output are replaced by the real minor-unit digits. Nothing is
 * ever converted to a float. For display only — never parse this back.
 *
 * @throws DomainError `unknown_currency` or `invalid_locale`.
 */
export function formatMoneyDisplay(
  amountMinor: bigint,
  currency: string,
  locale = 'en-US',
): string {
  assert(typeof amountMinor === 'bigint', 'formatMoneyDisplay() needs a bigint amount');
  const exponent = currencyExponent(currency);
  const formatters = displayFormatters(locale, currency, exponent);
  const { negative, whole, fraction } = splitMinor(amountMinor, exponent);
  const signedWhole = whole === 0n ? (negative ? -0 : 0) : negative ? -whole : whole;
  return formatters.currency
    .formatToParts(signedWhole)
    .map((part) => (part.type === 'fraction' ? formatters.fraction.format(fraction) : part.value))
    .join('');
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

/** Exact sum of minor-unit amounts (0n for none). */
export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

function invalidAllocation(message: string): DomainError {
  return new DomainError('invalid_allocation', message);
}

function checkWeights(weights: readonly bigint[]): bigint {
  if (weights.length === 0) throw invalidAllocation('Allocation needs at least one weight');
  for (const weight of weights) {
    assert(typeof weight === 'bigint', 'allocate() needs bigint weights');
    if (weight < 0n) throw invalidAllocation(`Allocation weight ${weight} is negative`);
  }
  const weightSum = sumMinor(weights);
  if (weightSum === 0n) throw invalidAllocation('Allocation weights are all zero');
  return weightSum;
}

/**
 * Splits `totalMinor` in proportion to non-negative integer `weights` such that
 * the parts ALWAYS sum exactly to the total (largest-remainder / Hamilton method).
 *
 * Rounding rule, on the magnitude |total| (a negative total is allocated as
 * |total| and every part negated, so rounding is toward zero and symmetric):
 * 1. part i gets floor(|total| × wᵢ / Σw);
 * 2. the k minor units still missing (k < number of parts) go one each to the k
 *    parts with the largest remainders (|total| × wᵢ mod Σw), ties to the
 *    earlier index.
 * Consequently every part differs from its exact share by less than one minor
 * unit, zero-weight parts get 0, and the result is deterministic.
 *
 * @example allocate(100n, [1n, 1n, 1n]) // [34n, 33n, 33n]
 * @example allocate(-100n, [1n, 1n, 1n]) // [-34n, -33n, -33n]
 * @throws DomainError `invalid_allocation` on empty, negative or all-zero weights.
 */
export function allocate(totalMinor: bigint, weights: readonly bigint[]): bigint[] {
  assert(typeof totalMinor === 'bigint', 'allocate() needs a bigint total');
  const weightSum = checkWeights(weights);
  const magnitude = totalMinor < 0n ? -totalMinor : totalMinor;
  const parts = weights.map((weight) => (magnitude * weight) / weightSum);
  const byRemainder = weights
    .map((weight, index) => ({ index, remainder: (magnitude * weight) % weightSum }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
  let missing = magnitude - sumMinor(parts);
  for (const { index } of byRemainder) {
    if (missing === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    missing -= 1n;
  }
  assert(missing === 0n, 'allocate() left minor units undistributed');
  return totalMinor < 0n ? parts.map((part) => -part) : parts;
}

/**
 * Splits `totalMinor` into `parts` equal shares (e.g. installments) with the
 * same rule as {@link allocate} for equal weights: every share is
 * floor(|total| / parts) and the first (|total| mod parts) shares get one more
 * minor unit; a negative total is split as |total| and negated. Shares differ
 * by at most one minor unit, larger ones first, and sum exactly to the total.
 *
 * @example allocateEvenly(1000n, 3) // [334n, 333n, 333n]
 * @throws DomainError `invalid_allocation` unless `parts` is a positive integer.
 */
export function allocateEvenly(totalMinor: bigint, parts: number): bigint[] {
  assert(typeof totalMinor === 'bigint', 'allocateEvenly() needs a bigint total');
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw invalidAllocation(`Cannot split into ${parts} parts; need a positive integer`);
  }
  const magnitude = totalMinor < 0n ? -totalMinor : totalMinor;
  const count = BigInt(parts);
  const share = magnitude / count;
  const remainder = magnitude % count;
  const sign = totalMinor < 0n ? -1n : 1n;
  return Array.from(
    { length: parts },
    (_, i) => sign * (BigInt(i) < remainder ? share + 1n : share),
  );
}

/**
 * `amountMinor × basisPoints / 10 000` (1 bp = 0.01 %), for discounts, fees and
 * tax. The exact rational result is rounded to the nearest minor unit, with
 * halves rounded away from zero (0.5 → 1, −0.5 → −1; "commercial rounding"),
 * so `percentOf(-x, bp) === -percentOf(x, bp)`.
 *
 * @example percentOf(1999n, 1900n) // 379.81 → 380n (19 % of 19.99)
 * @example percentOf(5n, 1000n) // 0.5 → 1n
 */
export function percentOf(amountMinor: bigint, basisPoints: bigint): bigint {
  assert(typeof amountMinor === 'bigint', 'percentOf() needs a bigint amount');
  assert(typeof basisPoints === 'bigint', 'percentOf() needs bigint basis points');
  const product = amountMinor * basisPoints;
  const magnitude = product < 0n ? -product : product;
  const quotient = magnitude / 10_000n;
  const rounded = (magnitude % 10_000n) * 2n >= 10_000n ? quotient + 1n : quotient;
  return product < 0n ? -rounded : rounded;
}
