import { DomainError } from './errors.ts';

/**
 * Active ISO 4217 currency codes grouped by minor-unit exponent (the number of
 * decimal digits of the minor unit: USD 2 → cents, JPY 0, BHD 3 → fils).
 *
 * Exponents follow ISO 4217 List One, not CLDR cash rounding (e.g. IDR and IRR
 * are 2 here). Codes without a minor unit in ISO ("N.A.": XAU, XDR, XXX, …) are
 * deliberately absent because they cannot be invoiced in minor units. Withdrawn
 * codes (HRK, SLL, VEF, ZWL, CUC, …) are absent; ANG/XCG and BGN are kept while
 * their successors phase in.
 */
// prettier-ignore
const CODES_BY_EXPONENT: Readonly<Record<0 | 2 | 3 | 4, readonly string[]>> = {
  0: [
    'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF',
    'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
  ],
  2: [
    'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN',
    'BAM', 'BBD', 'BDT', 'BGN', 'BMD', 'BND', 'BOB', 'BOV', 'BRL', 'BSD',
    'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW', 'CNY',
    'COP', 'COU', 'CRC', 'CUP', 'CVE', 'CZK', 'DKK', 'DOP', 'DZD', 'EGP',
    'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD',
    'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IRR',
    'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR',
    'LRD', 'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU',
    'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO',
    'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'QAR',
    'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP',
    'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS',
    'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'USD', 'USN', 'UYU',
    'UZS', 'VED', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
  ],
  3: ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'],
  4: ['CLF', 'UYW'],
};

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(CODES_BY_EXPONENT).flatMap(([exponent, codes]) =>
    codes.map((code) => [code, Number(exponent)] as const),
  ),
);

/** All supported ISO 4217 codes (upper case), sorted. */
export const CURRENCY_CODES: readonly string[] = Object.freeze([...EXPONENTS.keys()].sort());

/** True when `code` is a supported ISO 4217 code. Case-sensitive: `usd` is not a currency. */
export function isCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

/**
 * Minor-unit exponent of an ISO 4217 code (USD → 2, JPY → 0, BHD → 3, CLF → 4).
 * @throws DomainError `unknown_currency` when the code is not supported.
 */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) {
    throw new DomainError('unknown_currency', `Unknown currency code ${JSON.stringify(code)}`);
  }
  return exponent;
}
