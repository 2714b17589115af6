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

/** Normalizes what a person typed into an amount field ("12,500" → "12500"). Null if blank. */
export function parseMoneyInput(input: string): string | null {
  const s = input.replace(/[,\s_]/g, '');
  return s === '' ? null : s;
}

export function isValidMoney(input: string): boolean {
  const s = parseMoneyInput(input);
  return s === null || /^\d{1,15}(\.\d{1,2})?$/.test(s);
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
