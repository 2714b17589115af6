/**
 * Amounts the payer states per document in the remittance text, as "REF:amount" pairs: a lockbox
 * file writes them so (`INV-1001:100.00; INV-1002:50.00`, see parsers/lockbox.ts), and some banks
 * pass a payer's advice on the same way ("INV-1001:250.00"). Only texts with a colon are read,
 * so every other line costs one `indexOf`.
 *
 * The decimal separator is not known here (a lockbox mapping may use ","), so an amount is read
 * as people write one: "1,234.50", "1.234,50", "1'234.50", "250.00", "250,00", "250". A lone
 * separator followed by more digits than the currency has decimals is a thousands separator
 * ("1,234" is 1234.00 in USD, 1.234 in BHD); anything else that is not a clean amount
 * ("1.2.3", "12,34,5") makes the colon no pair. Money is read into bigint minor units only.
 */
import { currencyExponent, isCurrency } from '../../../shared/currencies.ts';
import type { RemittanceReference } from './normalize.ts';

/** Pairs read from one text at most: a longer list is not used. */
const MAX_STATED_AMOUNTS = 50;
/** Integer digits of an amount at most (a bigint column holds 18 whole digits safely). */
const MAX_INTEGER_DIGITS = 15;

/** One "REF:amount" of the text: where the reference ends (index after it), and the amount. */
export type StatedPair = { referenceEnd: number; amountMinor: bigint };

/**
 * The pairs of one remittance text, and the text as the reference scanner should read it: with
 * the amounts blanked out (same length), so that "INV-1001:250" does not also name document 250.
 */
export type StatedText = { pairs: StatedPair[]; totalMinor: bigint; text: string };

/** A reference of the text with the amount the payer states for it. */
export type StatedAmount = { reference: RemittanceReference; amountMinor: bigint };

/** What the payer states for one bank line, tied to the references the scanner read. */
export type StatedRemittance = {
  amounts: StatedAmount[];
  /** Σ amounts, at most the line amount */
  totalMinor: bigint;
  /** references of the remittance text named without an amount: they share what is left */
  unstated: RemittanceReference[];
};

/**
 * The "REF:amount" pairs of a remittance text, or null when it has none that can be used: an
 * amount of zero or below (a credit taken, which the open items cannot show), more pairs than
 * MAX_STATED_AMOUNTS, or amounts adding up to more than the line.
 *
 * Example: "INV-1001:100.00; INV-1002:50.00" (USD, line 150.00) → pairs ending after "INV-1001"
 * and "INV-1002" with 10000n and 5000n, text "INV-1001:      ; INV-1002:     ".
 */
export function readStatedAmounts(
  text: string,
  currency: string,
  lineAmountMinor: bigint,
): StatedText | null {
  let colon = text.indexOf(':');
  if (colon < 0 || !isCurrency(currency)) return null;
  const exponent = currencyExponent(currency);
  const pairs: StatedPair[] = [];
  /** start and end of each amount, to blank it */
  const spans: number[] = [];
  let total = 0n;
  while (colon >= 0) {
    const pair = readPair(text, colon, exponent);
    if (pair === null) {
      colon = text.indexOf(':', colon + 1);
      continue;
    }
    if (pair.amountMinor <= 0n || pairs.length === MAX_STATED_AMOUNTS) return null;
    pairs.push({ referenceEnd: pair.referenceEnd, amountMinor: pair.amountMinor });
    spans.push(pair.amountStart, pair.amountEnd);
    total += pair.amountMinor;
    colon = text.indexOf(':', pair.amountEnd);
  }
  if (pairs.length === 0 || total > lineAmountMinor) return null;
  let blanked = '';
  let from = 0;
  for (let k = 0; k < spans.length; k += 2) {
    blanked += text.slice(from, spans[k]) + ' '.repeat(spans[k + 1]! - spans[k]!);
    from = spans[k + 1]!;
  }
  return { pairs, totalMinor: total, text: blanked + text.slice(from) };
}

/**
 * Ties the pairs to the references the scanner read from the blanked text (`ends`: where each
 * reference ends, as extractReferences reports it; `textLength`: the remittance text's length,
 * references after it come from the end-to-end id). Null when a pair's reference is none the
 * scanner reads ("12:30"), or is the same as another pair's: the payer's split is then unclear.
 */
export function statedRemittance(
  found: StatedText,
  references: readonly RemittanceReference[],
  ends: readonly number[],
  textLength: number,
): StatedRemittance | null {
  if (ends.length !== references.length) return null;
  const taken = new Array<boolean>(references.length).fill(false);
  const amounts: StatedAmount[] = [];
  for (const pair of found.pairs) {
    const k = ends.indexOf(pair.referenceEnd);
    if (k < 0 || taken[k]) return null;
    taken[k] = true;
    amounts.push({ reference: references[k]!, amountMinor: pair.amountMinor });
  }
  const unstated: RemittanceReference[] = [];
  for (let k = 0; k < references.length; k++) {
    if (!taken[k] && ends[k]! <= textLength) unstated.push(references[k]!);
  }
  return { amounts, totalMinor: found.totalMinor, unstated };
}

type Pair = { referenceEnd: number; amountStart: number; amountEnd: number; amountMinor: bigint };

/**
 * The pair around the colon at `colon`: the word before it (up to a space, ",", ";" or ":")
 * holds a digit, and an amount follows (spaces allowed on both sides). An amount running into
 * the next pair without a space ("1001:100.00,1002:50.00") ends at its last comma.
 */
function readPair(text: string, colon: number, exponent: number): Pair | null {
  let end = colon;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && !isWordBreak(text.charCodeAt(start - 1))) start--;
  // the reference ends with its last letter or digit: "(INV-1001):" ends after "1"
  while (end > start && !isAlphanumeric(text.charCodeAt(end - 1))) end--;
  if (!hasDigit(text, start, end)) return null;
  let from = colon + 1;
  while (from < text.length && isBlank(text.charCodeAt(from))) from++;
  if (text.charCodeAt(from) === MINUS && isDigit(text.charCodeAt(from + 1))) {
    // a negative amount (a credit taken): any negative figure makes the caller refuse the text
    return { referenceEnd: end, amountStart: from, amountEnd: from + 1, amountMinor: -1n };
  }
  if (!isDigit(text.charCodeAt(from))) return null;
  let to = from;
  while (to < text.length && isAmountCharacter(text.charCodeAt(to))) to++;
  let bounded = to === text.length || isAmountBoundary(text.charCodeAt(to));
  if (text.charCodeAt(to) === COLON) {
    const comma = text.lastIndexOf(',', to - 1);
    if (comma < from) return null;
    to = comma;
    bounded = true;
  }
  while (to > from && isSeparator(text.charCodeAt(to - 1))) {
    to--;
    bounded = true;
  }
  if (!bounded) return null;
  const amountMinor = readAmount(text.slice(from, to), exponent);
  return amountMinor === null
    ? null
    : { referenceEnd: end, amountStart: from, amountEnd: to, amountMinor };
}

/**
 * Digits with "." or "," as decimal or thousands separators and "'" or "’" as thousands
 * separators, in minor units of a currency with `exponent` decimals; null when unclear.
 */
export function readAmount(written: string, exponent: number): bigint | null {
  const lastDot = written.lastIndexOf('.');
  const lastComma = written.lastIndexOf(',');
  let decimalAt = -1;
  if (lastDot >= 0 && lastComma >= 0) {
    decimalAt = Math.max(lastDot, lastComma);
  } else if (lastDot >= 0 || lastComma >= 0) {
    const at = Math.max(lastDot, lastComma);
    const lone = written.indexOf(written[at]!) === at;
    if (lone && written.length - at - 1 <= exponent) decimalAt = at;
  }
  const whole = decimalAt < 0 ? written : written.slice(0, decimalAt);
  const fraction = decimalAt < 0 ? '' : written.slice(decimalAt + 1);
  if (decimalAt >= 0 && (fraction.length === 0 || !allDigits(fraction))) return null;
  if (fraction.length > exponent) return null;
  const digits = wholeDigits(whole);
  if (digits === null || digits.length > MAX_INTEGER_DIGITS) return null;
  return BigInt(digits + fraction.padEnd(exponent, '0'));
}

/** "1,234,567" → "1234567" (one separator throughout, groups of three); null when not so. */
function wholeDigits(whole: string): string | null {
  if (allDigits(whole)) return whole === '' ? null : whole;
  const separator = whole[whole.search(/[^0-9]/)]!;
  const groups = whole.split(separator);
  if (groups[0]!.length < 1 || groups[0]!.length > 3 || !allDigits(groups[0]!)) return null;
  for (let k = 1; k < groups.length; k++) {
    if (groups[k]!.length !== 3 || !allDigits(groups[k]!)) return null;
  }
  return groups.join('');
}

function allDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

function hasDigit(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isDigit(text.charCodeAt(i))) return true;
  return false;
}

const MINUS = 45;
const COLON = 58;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlphanumeric(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** What ends the word before a colon: white space, ",", ";" or another colon. */
function isWordBreak(code: number): boolean {
  return code <= 32 || code === 44 || code === 59 || code === COLON;
}

/** Digits and the separators an amount may hold: . , ' ’ */
function isAmountCharacter(code: number): boolean {
  return isDigit(code) || isSeparator(code);
}

function isSeparator(code: number): boolean {
  return code === 46 || code === 44 || code === 39 || code === 0x2019;
}

/** What may follow an amount: white space, ";", ")", "]", "/" or "|". */
function isAmountBoundary(code: number): boolean {
  return code <= 32 || code === 59 || code === 41 || code === 93 || code === 47 || code === 124;
}
