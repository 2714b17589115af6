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
