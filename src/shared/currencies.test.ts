import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES, currencyExponent, isCurrency } from './currencies.ts';
import { AppError, DomainError } from './errors.ts';

describe('currencyExponent', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['CHF', 2],
    ['INR', 2],
    ['IDR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0],
    ['VND', 0],
    ['XOF', 0],
    ['XAF', 0],
    ['XPF', 0],
    ['CLP', 0],
    ['PYG', 0],
    ['UGX', 0],
    ['UYI', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['OMR', 3],
    ['JOD', 3],
    ['TND', 3],
    ['LYD', 3],
    ['IQD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ] as const)('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it.each([
    'usd',
    'Usd',
    'US',
    'USDX',
    '',
    ' USD',
    'XXX',
    'XAU',
    'XDR',
    'HRK',
    'constructor',
    '__proto__',
  ])('rejects %j with a 422 unknown_currency DomainError', (code) => {
    let thrown: unknown;
    try {
      currencyExponent(code);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ status: 422, code: 'unknown_currency' });
    expect((thrown as Error).message).toContain(JSON.stringify(code));
    expect(isCurrency(code)).toBe(false);
  });
});

describe('CURRENCY_CODES', () => {
  it('lists a full table of unique, sorted, upper-case three-letter codes', () => {
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('has only the exponents 0, 2, 3 and 4', () => {
    const exponents = new Set(CURRENCY_CODES.map(currencyExponent));
    expect([...exponents].sort()).toEqual([0, 2, 3, 4]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CURRENCY_CODES)).toBe(true);
  });

  it('agrees with isCurrency and currencyExponent for any three-letter code', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{3}$/), (code) => {
        const listed = CURRENCY_CODES.includes(code);
        expect(isCurrency(code)).toBe(listed);
        if (listed) expect(currencyExponent(code)).toBeGreaterThanOrEqual(0);
        else expect(() => currencyExponent(code)).toThrow(DomainError);
      }),
    );
  });
});
