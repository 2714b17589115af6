/**
 * Invoice arithmetic, exact: quantities, unit prices and tax rates are parsed from decimal
 * strings into scaled integers and every product is rounded once, to the currency's minor
 * unit, with halves rounded away from zero.
 *
 * Rounding rule (documented in the README): each line's net amount is rounded
 * (`quantity × unit price`); each line's tax is computed from the rounded net amount and
 * rounded (`net × rate / 100`); the document's subtotal, tax and total are the exact sums of
 * the rounded lines. A line's figures therefore never change when other lines are added, and
 * the printed lines always add up to the printed total.
 */
import { currencyExponent } from '../../shared/currencies.ts';
import { addDays, endOfMonth, type IsoDate } from '../../shared/dates.ts';
import { ValidationError, type FieldError } from '../../shared/errors.ts';
import { MAX_MINOR_UNITS, percentOf } from '../../shared/money.ts';

/** Decimal places accepted in a quantity. */
export const QUANTITY_DECIMALS = 4;
/** Decimal places a unit price may have beyond the currency's own (e.g. 4 for USD). */
export const UNIT_PRICE_EXTRA_DECIMALS = 2;
/** Decimal places accepted in a tax rate given in percent (8.875). */
export const TAX_RATE_DECIMALS = 4;
const MAX_INTEGER_DIGITS = 12;

export type LineInput = {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate?: string | undefined;
};

export type PricedLine = {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  amountMinor: bigint;
  taxMinor: bigint;
};

export type PricedDocument = {
  lines: PricedLine[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
};

/** A non-negative decimal as an integer scaled by 10^decimals, or why it is not acceptable. */
function parseScaled(
  text: string,
  decimals: number,
): { value: bigint; canonical: string } | { problem: string } {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!match) {
    if (/^-/.test(text)) return { problem: 'must not be negative' };
    return { problem: `${JSON.stringify(text)} is not a decimal number` };
  }
  const [, integer = '0', fraction = ''] = match;
  if (integer.length > MAX_INTEGER_DIGITS) return { problem: 'is too large' };
  if (fraction.length > decimals) {
    return { problem: `has more than ${decimals} decimal places` };
  }
  const padded = fraction.padEnd(decimals, '0');
  const trimmed = fraction.replace(/0+$/, '');
  return {
    value: BigInt(integer + padded),
    canonical: trimmed ? `${integer}.${trimmed}` : integer,
  };
}

/** `numerator / denominator` rounded to the nearest integer, halves away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = n / d;
  const rounded = (n % d) * 2n >= d ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/**
 * Prices document lines in `currency`. Every problem is reported at once, each naming its
 * field (`lines.2.quantity`).
 * @throws ValidationError listing every invalid field.
 */
export function priceLines(lines: readonly LineInput[], currency: string): PricedDocument {
  const exponent = currencyExponent(currency);
  const priceDecimals = exponent + UNIT_PRICE_EXTRA_DECIMALS;
  const errors: FieldError[] = [];
  const priced: PricedLine[] = [];
  if (lines.length === 0) errors.push({ path: 'lines', message: 'needs at least one line' });
  lines.forEach((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    if (!line.description.trim()) errors.push({ path: at('description'), message: 'is empty' });
    const quantity = parseScaled(line.quantity, QUANTITY_DECIMALS);
    const price = parseScaled(line.unitPrice, priceDecimals);
    const rate = parseScaled(line.taxRate ?? '0', TAX_RATE_DECIMALS);
    if ('problem' in quantity) errors.push({ path: at('quantity'), message: quantity.problem });
    else if (quantity.value === 0n)
      errors.push({ path: at('quantity'), message: 'must be more than 0' });
    if ('problem' in price) errors.push({ path: at('unitPrice'), message: price.problem });
    if ('problem' in rate) errors.push({ path: at('taxRate'), message: rate.problem });
    else if (rate.value > 100n * 10n ** BigInt(TAX_RATE_DECIMALS))
      errors.push({ path: at('taxRate'), message: 'must be at most 100 (percent)' });
    if ('problem' in quantity || 'problem' in price || 'problem' in rate) return;
    // quantity × 10^4 · price × 10^(exp+2) → minor units × 10^(4+2)
    const amountMinor = divideRounded(
      quantity.value * price.value,
      10n ** BigInt(QUANTITY_DECIMALS + UNIT_PRICE_EXTRA_DECIMALS),
    );
    if (amountMinor > MAX_MINOR_UNITS) {
      errors.push({ path: at('unitPrice'), message: 'quantity × unit price is too large' });
      return;
    }
    // rate in percent × 10^4 → fraction = rate / 10^6
    const taxMinor = divideRounded(amountMinor * rate.value, 10n ** BigInt(TAX_RATE_DECIMALS + 2));
    priced.push({
      description: line.description.trim(),
      quantity: quantity.canonical,
      unitPrice: price.canonical,
      taxRate: rate.canonical,
      amountMinor,
      taxMinor,
    });
  });
  if (errors.length > 0) {
    throw new ValidationError(
      `Invalid lines: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    );
  }
  const subtotalMinor = priced.reduce((sum, l) => sum + l.amountMinor, 0n);
  const taxMinor = priced.reduce((sum, l) => sum + l.taxMinor, 0n);
  const totalMinor = subtotalMinor + taxMinor;
  if (totalMinor > MAX_MINOR_UNITS) {
    throw new ValidationError('The document total is too large', [
      { path: 'lines', message: 'the total is larger than the largest amount Dunwell stores' },
    ]);
  }
  return { lines: priced, subtotalMinor, taxMinor, totalMinor };
}

/** The same lines with every tax rate set to zero (a tax-exempt customer). */
export function withoutTax(lines: readonly LineInput[]): LineInput[] {
  return lines.map((l) => ({ ...l, taxRate: '0' }));
}

export type Terms = {
  type: 'net' | 'eom';
  netDays: number;
  discountBp: number;
  discountDays: number;
};

export type TermsResult = {
  dueDate: IsoDate;
  /** null when the terms offer no early-payment discount */
  discountDate: IsoDate | null;
  discountMinor: bigint;
};

/**
 * Due date and early-payment discount from payment terms: net N is the issue date + N days;
 * end of month + N is the last day of the issue month + N days; a discount of `discountBp`
 * basis points of the total is available through issue date + `discountDays`.
 */
export function applyTerms(issueDate: IsoDate, terms: Terms, totalMinor: bigint): TermsResult {
  const base = terms.type === 'eom' ? endOfMonth(issueDate) : issueDate;
  const dueDate = addDays(base, terms.netDays);
  if (terms.discountBp <= 0 || totalMinor <= 0n) {
    return { dueDate, discountDate: null, discountMinor: 0n };
  }
  return {
    dueDate,
    discountDate: addDays(issueDate, terms.discountDays),
    discountMinor: percentOf(totalMinor, BigInt(terms.discountBp)),
  };
}
