/**
 * The invoice form's live totals (web/src/format.ts, bigint in the browser) against the
 * server's pricing (src/modules/billing/pricing.ts): for the same line, both give the same
 * amount and tax, so what the form shows is what the server posts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceLines } from '../../src/modules/billing/pricing.ts';
import { minorToDecimal, priceLine, trimZeros } from '../../web/src/format.ts';

const CURRENCIES = ['USD', 'JPY', 'BHD', 'EUR'] as const;
const EXPONENT: Record<(typeof CURRENCIES)[number], number> = { USD: 2, JPY: 0, BHD: 3, EUR: 2 };

/** A decimal string with up to `int` integer digits and up to `frac` decimals. */
const decimal = (int: number, frac: number) =>
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** BigInt(int) - 1n }),
      fc.integer({ min: 0, max: frac }),
      fc.bigInt({ min: 0n, max: 10n ** BigInt(frac) - 1n }),
    )
    .map(([i, places, f]) =>
      places === 0
        ? i.toString()
        : `${i}.${(f % 10n ** BigInt(places)).toString().padStart(places, '0')}`,
    );

describe('invoice line pricing in the web app', () => {
  it('matches the server for every quantity, unit price and tax rate', () => {
    const line = fc.constantFrom(...CURRENCIES).chain((currency) =>
      fc.record({
        currency: fc.constant(currency),
        quantity: decimal(6, 4).filter((q) => /[1-9]/.test(q)),
        unitPrice: decimal(7, EXPONENT[currency] + 2),
        taxRate: decimal(2, 4),
      }),
    );
    fc.assert(
      fc.property(line, ({ currency, quantity, unitPrice, taxRate }) => {
        const server = priceLines([{ description: 'x', quantity, unitPrice, taxRate }], currency);
        const client = priceLine({ quantity, unitPrice, taxRate }, currency);
        expect(client).toEqual({
          ok: true,
          price: { amountMinor: server.lines[0]!.amountMinor, taxMinor: server.lines[0]!.taxMinor },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('rounds halves up, reads thousands separators and refuses a decimal comma', () => {
    const line = (quantity: string, unitPrice: string, taxRate = '') =>
      priceLine({ quantity, unitPrice, taxRate }, 'USD');
    expect(line('3', '19.995', '8.25')).toEqual({
      ok: true,
      price: { amountMinor: 5999n, taxMinor: 495n },
    });
    expect(line('2', '1,250.50', '5')).toEqual({
      ok: true,
      price: { amountMinor: 250100n, taxMinor: 12505n },
    });
    expect(line('1', '0.005')).toEqual({ ok: true, price: { amountMinor: 1n, taxMinor: 0n } });
    expect(line('1', '2500,50')).toEqual({
      ok: false,
      errors: { unitPrice: 'Use a point for decimals' },
    });
    expect(line('0', '10')).toEqual({ ok: false, errors: { quantity: 'Must be more than 0' } });
    expect(line('1', '1.00001')).toEqual({
      ok: false,
      errors: { unitPrice: 'At most 4 decimals' },
    });
    expect(line('1', '1', '100.5')).toEqual({ ok: false, errors: { taxRate: 'At most 100 %' } });
    expect(priceLine({ quantity: '7', unitPrice: '1500', taxRate: '10' }, 'JPY')).toEqual({
      ok: true,
      price: { amountMinor: 10500n, taxMinor: 1050n },
    });
  });

  it('formats minor units in the currency scale', () => {
    expect(minorToDecimal(123450n, 'USD')).toBe('1234.50');
    expect(minorToDecimal(-5n, 'USD')).toBe('-0.05');
    expect(minorToDecimal(1500n, 'JPY')).toBe('1500');
    expect(minorToDecimal(1n, 'BHD')).toBe('0.001');
    expect(trimZeros('19.995000', 2)).toBe('19.995');
    expect(trimZeros('3.0000')).toBe('3');
    expect(trimZeros('1250.500000', 2)).toBe('1250.50');
  });
});
