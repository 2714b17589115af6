// Display helpers. Money is a decimal string end to end; it is never turned into a float.

const DECIMAL_RE = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * Groups the integer part of a decimal string: "12500.00" → "12,500.00", "-1234.5" → "-1,234.5".
 * The scale is the server's (JPY has none); pass minFraction to pad. Non-numeric input is returned as is.
 */
export function formatMoney(value: string | null | undefined, minFraction = 0): string {
  if (value === null || value === undefined || value === '') return '';
  const m = DECIMAL_RE.exec(value.trim());
  if (!m) return value;
  const sign = m[1] ?? '';
  const intPart = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  let frac = m[3] ?? '';
  if (frac.length < minFraction) frac = frac.padEnd(minFraction, '0');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Minor-unit exponents (ISO 4217) of the common currencies that do not use 2 decimals. */
const CURRENCY_EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Decimals an amount in this currency may carry (2 unless listed). */
export function currencyExponent(currency: string | null | undefined): number {
  return CURRENCY_EXPONENTS[(currency ?? '').toUpperCase()] ?? 2;
}

/** Digits, optionally grouped by commas in threes ("12,500", "1,234,567"), then ".fraction". */
const MONEY_INPUT_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

export type MoneyInput =
  { ok: true; value: string | null } | { ok: false; error: string; value?: undefined };

/**
 * Reads what a person typed into an amount field: "12,500.00" → "12500.00", blank → null.
 * A comma is only a thousands separator; "2500,50" or "1,5" are refused, never guessed.
 * With a currency, the number of decimals is checked against its exponent.
 */
export function readMoneyInput(input: string, currency?: string | null): MoneyInput {
  const s = input.trim();
  if (s === '') return { ok: true, value: null };
  const m = MONEY_INPUT_RE.exec(s);
  if (!m) {
    if (/^[\d.,\s]+$/.test(s) && s.includes(',')) {
      return { ok: false, error: 'Use a point for decimals, e.g. 2500.50' };
    }
    return { ok: false, error: 'Enter an amount such as 12,500.00' };
  }
  const int = (m[1] ?? '').replace(/,/g, '');
  const frac = m[2];
  if (int.replace(/^0+(?=\d)/, '').length > 15)
    return { ok: false, error: 'The amount is too large' };
  if (currency !== undefined && currency !== null && frac !== undefined) {
    const exp = currencyExponent(currency);
    if (frac.length > exp) {
      return {
        ok: false,
        error:
          exp === 0
            ? `${currency} amounts have no decimals`
            : `${currency} amounts have at most ${exp} decimals`,
      };
    }
  }
  return { ok: true, value: frac !== undefined ? `${int}.${frac}` : int };
}

/** Normalizes what a person typed into an amount field ("12,500" → "12500"). Null if blank or invalid. */
export function parseMoneyInput(input: string, currency?: string | null): string | null {
  const r = readMoneyInput(input, currency);
  return r.ok ? r.value : null;
}

/** The field error for an amount, or null when it is fine (blank is fine). */
export function moneyInputError(input: string, currency?: string | null): string | null {
  const r = readMoneyInput(input, currency);
  return r.ok ? null : r.error;
}

export function isValidMoney(input: string, currency?: string | null): boolean {
  return readMoneyInput(input, currency).ok;
}

let orgTimeZone: string | undefined;
export function setTimeZone(tz: string | undefined): void {
  orgTimeZone = tz;
}

function tzOpt(): { timeZone?: string } {
  return orgTimeZone ? { timeZone: orgTimeZone } : {};
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      ...tzOpt(),
    })
      .format(d)
      .replace(',', '');
  } catch {
    return d.toISOString().slice(0, 16).replace('T', ' ');
  }
}

/** ISO timestamp → YYYY-MM-DD in the organization's time zone. Date-only strings pass through. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  try {
    return new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...tzOpt(),
    }).format(d);
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  credit_hold: 'Credit hold',
  agency: 'Agency',
  closed: 'Closed',
};

export const RISK_LABELS: Record<string, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

export const CONTACT_ROLE_LABELS: Record<string, string> = {
  billing: 'Billing',
  ap: 'AP',
  decision_maker: 'Decision maker',
};

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'Email',
  phone: 'Phone',
  letter: 'Letter',
};

export const ADDRESS_KIND_LABELS: Record<string, string> = {
  billing: 'Billing',
  shipping: 'Shipping',
  remit_from: 'Remit from',
};

export const ROLE_LABELS: Record<string, string> = {
  admin: 'Admin',
  manager: 'Manager',
  collector: 'Collector',
  credit_analyst: 'Credit analyst',
  sales_rep: 'Sales rep',
  viewer: 'Viewer',
};

export function label(map: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '';
  return map[key] ?? key.replace(/_/g, ' ');
}

export const CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'CHF',
  'JPY',
  'CNY',
  'HKD',
  'SGD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'MXN',
  'BRL',
  'INR',
  'ZAR',
] as const;

// ---------- AR documents ----------

export const DOCUMENT_KIND_LABELS: Record<string, string> = {
  invoice: 'Invoice',
  credit_memo: 'Credit memo',
  debit_memo: 'Debit memo',
  adjustment: 'Adjustment',
  write_off: 'Write-off',
  refund: 'Refund',
  payment: 'Payment',
  discount: 'Discount',
};

export const DOCUMENT_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  open: 'Open',
  partially_paid: 'Partially paid',
  paid: 'Paid',
  written_off: 'Written off',
  voided: 'Voided',
  unapplied: 'Unapplied',
  partially_applied: 'Partially applied',
  applied: 'Applied',
};

export const REFUND_METHOD_LABELS: Record<string, string> = {
  check: 'Check',
  ach: 'ACH',
  wire: 'Wire',
  card: 'Card',
  cash: 'Cash',
  other: 'Other',
};

/** A document's name for people: "INV-000012", or "Draft invoice" before it is numbered. */
export function documentName(kind: string, number: string | null): string {
  if (number) return number;
  return `Draft ${label(DOCUMENT_KIND_LABELS, kind).toLowerCase()}`;
}

// ---------- Exact decimal arithmetic (invoice lines) ----------
// Mirrors the server's pricing rule: a line's amount is quantity × unit price rounded half-up
// to the currency's minor unit; its tax is amount × rate / 100, rounded the same way; the
// document's figures are the sums of the rounded lines. Everything is bigint: no floats.

/** Decimal places accepted in a quantity, and in a tax rate (percent). */
export const QUANTITY_DECIMALS = 4;
export const TAX_RATE_DECIMALS = 4;
/** Decimal places a unit price may have beyond its currency's own. */
export const UNIT_PRICE_EXTRA_DECIMALS = 2;
const MAX_INTEGER_DIGITS = 12;

export type ScaledDecimal =
  { ok: true; scaled: bigint; text: string } | { ok: false; error: string };

/**
 * Reads a non-negative decimal a person typed ("1,250.5", "3", "0.125") as an integer scaled by
 * 10^decimals, plus the plain text to send to the API ("1250.5"). Commas are thousands
 * separators only; more decimals than allowed is an error, never rounded away.
 */
export function readDecimal(input: string, decimals: number): ScaledDecimal {
  const s = input.trim();
  if (s === '') return { ok: false, error: 'Required' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) {
    if (s.startsWith('-')) return { ok: false, error: 'Must not be negative' };
    if (/^[\d.,]+$/.test(s) && s.includes(','))
      return { ok: false, error: 'Use a point for decimals' };
    return { ok: false, error: 'Enter a number' };
  }
  const int = (m[1] ?? '0').replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const frac = m[2] ?? '';
  if (int.length > MAX_INTEGER_DIGITS) return { ok: false, error: 'Too large' };
  if (frac.length > decimals) {
    return {
      ok: false,
      error: decimals === 0 ? 'No decimals allowed' : `At most ${decimals} decimals`,
    };
  }
  return {
    ok: true,
    scaled: BigInt(int + frac.padEnd(decimals, '0')),
    text: frac ? `${int}.${frac}` : int,
  };
}

/** numerator / denominator rounded to the nearest integer, halves away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = n / d;
  const rounded = (n % d) * 2n >= d ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** Minor units → decimal string in the currency's scale: 123450n, USD → "1234.50". */
export function minorToDecimal(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exp + 1, '0');
  const int = digits.slice(0, digits.length - exp);
  const frac = exp > 0 ? `.${digits.slice(digits.length - exp)}` : '';
  return `${negative ? '-' : ''}${int}${frac}`;
}

/** Decimal string (as the API sends it) → minor units, or null when it is not one. */
export function decimalToMinor(value: string, currency: string): bigint | null {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return null;
  const exp = currencyExponent(currency);
  const frac = m[3] ?? '';
  if (frac.length > exp) return null;
  const v = BigInt((m[2] ?? '0') + frac.padEnd(exp, '0'));
  return m[1] ? -v : v;
}

export interface LinePrice {
  amountMinor: bigint;
  taxMinor: bigint;
}

export type LineFieldErrors = Partial<Record<'quantity' | 'unitPrice' | 'taxRate', string>>;

/** Prices one line the way the server does, or says which fields are not usable yet. */
export function priceLine(
  line: { quantity: string; unitPrice: string; taxRate: string },
  currency: string,
): { ok: true; price: LinePrice } | { ok: false; errors: LineFieldErrors } {
  const priceDecimals = currencyExponent(currency) + UNIT_PRICE_EXTRA_DECIMALS;
  const quantity = readDecimal(line.quantity, QUANTITY_DECIMALS);
  const price = readDecimal(line.unitPrice, priceDecimals);
  const rate: ScaledDecimal =
    line.taxRate.trim() === ''
      ? { ok: true, scaled: 0n, text: '0' }
      : readDecimal(line.taxRate, TAX_RATE_DECIMALS);
  const errors: LineFieldErrors = {};
  if (!quantity.ok) errors.quantity = quantity.error;
  else if (quantity.scaled === 0n) errors.quantity = 'Must be more than 0';
  if (!price.ok) errors.unitPrice = price.error;
  if (!rate.ok) errors.taxRate = rate.error;
  if (!quantity.ok || !price.ok || !rate.ok || errors.quantity) return { ok: false, errors };
  const rateScaled = rate.scaled;
  if (rateScaled > 100n * 10n ** BigInt(TAX_RATE_DECIMALS)) {
    return { ok: false, errors: { taxRate: 'At most 100 %' } };
  }
  const amountMinor = divideRounded(
    quantity.scaled * price.scaled,
    10n ** BigInt(QUANTITY_DECIMALS + UNIT_PRICE_EXTRA_DECIMALS),
  );
  const taxMinor = divideRounded(amountMinor * rateScaled, 10n ** BigInt(TAX_RATE_DECIMALS + 2));
  return { ok: true, price: { amountMinor, taxMinor } };
}

/** Today's date (YYYY-MM-DD) in the organization's time zone. */
export function todayIso(): string {
  return formatDate(new Date().toISOString());
}

/**
 * A decimal without insignificant trailing zeros, keeping at least `minFraction` decimals:
 * ("3.0000") → "3", ("19.995000", 2) → "19.995", ("1250.500000", 2) → "1250.50".
 */
export function trimZeros(value: string, minFraction = 0): string {
  const m = /^(-?\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) return value;
  let frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length < minFraction) frac = frac.padEnd(minFraction, '0');
  return frac ? `${m[1]}.${frac}` : (m[1] ?? value);
}

// ---------- Payments and cash application ----------

export const PAYMENT_STATUS_LABELS: Record<string, string> = {
  unidentified: 'Unidentified',
  unapplied: 'Unapplied',
  partially_applied: 'Partially applied',
  applied: 'Applied',
  reversed: 'Reversed',
};

export const PAYMENT_METHOD_LABELS: Record<string, string> = {
  ...REFUND_METHOD_LABELS,
  direct_deposit: 'Direct deposit',
};

export const PAYMENT_KIND_LABELS: Record<string, string> = {
  receipt: 'Receipt',
  prepayment: 'Prepayment (deposit)',
};

export const REVERSAL_KIND_LABELS: Record<string, string> = {
  nsf: 'Returned: insufficient funds (NSF)',
  chargeback: 'Chargeback',
  stop_payment: 'Stop payment',
  error: 'Entered in error',
};

export const DEDUCTION_REASON_LABELS: Record<string, string> = {
  pricing: 'Pricing',
  shortage: 'Shortage',
  damaged: 'Damaged goods',
  returns: 'Returns',
  promotion: 'Promotion',
  freight: 'Freight',
  tax: 'Tax',
  unearned_discount: 'Unearned discount',
  other: 'Other',
};

export const APPLICATION_VIA_LABELS: Record<string, string> = {
  cash: 'Cash',
  discount: 'Discount',
  write_off: 'Short-pay write-off',
};

export const DEDUCTION_STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  settled: 'Settled',
  resolved: 'Resolved',
};

export const LINE_STATUS_LABELS: Record<string, string> = {
  unmatched: 'Unmatched',
  suggested: 'Suggested',
  applied: 'Applied',
  reconciled: 'Reconciled',
  ignored: 'Ignored',
  duplicate: 'Duplicate',
  debit: 'Debit',
};
