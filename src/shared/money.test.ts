import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES, currencyExponent } from './currencies.ts';
import { DomainError, InvariantError } from './errors.ts';
import {
  MAX_MINOR_UNITS,
  allocate,
  allocateEvenly,
  formatAmount,
  formatMoneyDisplay,
  money,
  parseAmount,
  percentOf,
  sumMinor,
} from './money.ts';

/** Runs `fn`, which must throw a DomainError with `code`; returns it for further checks. */
function domainErrorOf(fn: () => unknown, code: string): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).status).toBe(422);
    return error as DomainError;
  }
  return expect.fail(`expected DomainError ${code}`);
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** One currency for each exponent, plus the whole table for round trips. */
const anyCurrency = fc.constantFrom(...CURRENCY_CODES);
/** Largest magnitude parseAmount accepts for a currency: 18 integer digits. */
const maxMinor = (currency: string) => {
  const byDigits = 10n ** BigInt(18 + currencyExponent(currency)) - 1n;
  return byDigits < MAX_MINOR_UNITS ? byDigits : MAX_MINOR_UNITS;
};
const currencyAndAmount = anyCurrency.chain((currency) =>
  fc.tuple(fc.constant(currency), fc.bigInt({ min: -maxMinor(currency), max: maxMinor(currency) })),
);

describe('money', () => {
  it('builds a frozen value', () => {
    const m = money(1050n, 'EUR');
    expect(m).toEqual({ amountMinor: 1050n, currency: 'EUR' });
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('rejects an unknown currency', () => {
    domainErrorOf(() => money(1n, 'EURO'), 'unknown_currency');
  });

  it('rejects a number amount as a bug', () => {
    expect(() => money(1 as unknown as bigint, 'EUR')).toThrow(InvariantError);
  });
});

describe('parseAmount', () => {
  it.each([
    ['1234.5', 'USD', 123450n],
    ['1234.50', 'USD', 123450n],
    ['-12.00', 'USD', -1200n],
    ['0', 'USD', 0n],
    ['-0', 'USD', 0n],
    ['-0.00', 'USD', 0n],
    ['12', 'USD', 1200n],
    ['0.50', 'USD', 50n],
    ['0.05', 'USD', 5n],
    ['-0.05', 'USD', -5n],
    ['100', 'JPY', 100n],
    ['-7', 'KRW', -7n],
    ['1.234', 'BHD', 1234n],
    ['1.5', 'BHD', 1500n],
    ['0.0001', 'CLF', 1n],
    ['92233720368547758.07', 'USD', 9223372036854775807n],
    ['999999999999999999', 'JPY', 999999999999999999n],
    ['-999999999999999999', 'JPY', -999999999999999999n],
  ] as const)('parses %j %s as %s', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toBe(expected);
  });

  it.each([
    ['12.345', 'USD', /^"12\.345" has more than 2 decimals for USD$/],
    ['12.340', 'USD', /more than 2 decimals for USD/],
    ['0.001', 'EUR', /more than 2 decimals for EUR/],
    ['1.5', 'JPY', /more than 0 decimals for JPY/],
    ['1.0', 'JPY', /more than 0 decimals for JPY/],
    ['1.2345', 'KWD', /more than 3 decimals for KWD/],
    ['1.00001', 'CLF', /more than 4 decimals for CLF/],
    ['', 'USD', /empty/],
    [' 1', 'USD', /whitespace/],
    ['1 ', 'USD', /whitespace/],
    ['1\n', 'USD', /whitespace/],
    ['1 000', 'USD', /whitespace/],
    ['\u00a01', 'USD', /whitespace/],
    ['+1', 'USD', /plus sign/],
    ['1e3', 'USD', /exponent/],
    ['1E-2', 'USD', /exponent/],
    ['1,234.00', 'USD', /thousands separators/],
    ['1,5', 'EUR', /decimal point/],
    ['1_000', 'USD', /thousands separators/],
    ["1'000", 'CHF', /thousands separators/],
    ['.', 'USD', /digits on both sides/],
    ['1.', 'USD', /digits on both sides/],
    ['.5', 'USD', /digits on both sides/],
    ['-.5', 'USD', /digits on both sides/],
    ['007', 'USD', /leading zeros/],
    ['00.5', 'USD', /leading zeros/],
    ['-01', 'USD', /leading zeros/],
    ['-', 'USD', /not a decimal number/],
    ['--1', 'USD', /not a decimal number/],
    ['1.2.3', 'USD', /not a decimal number/],
    ['abc', 'USD', /not a decimal number/],
    ['0x10', 'USD', /not a decimal number/],
    ['Infinity', 'USD', /not a decimal number/],
    ['NaN', 'USD', /not a decimal number/],
    ['١٢', 'USD', /not a decimal number/],
    ['1234567890123456789', 'USD', /more than 18 integer digits/],
    ['-1234567890123456789.00', 'USD', /more than 18 integer digits/],
  ] as const)('rejects %j for %s', (text, currency, reason) => {
    const error = domainErrorOf(() => parseAmount(text, currency), 'invalid_amount');
    expect(error.message).toMatch(reason);
  });

  it('rejects non-string input', () => {
    domainErrorOf(() => parseAmount(12.5 as unknown as string, 'USD'), 'invalid_amount');
  });

  it('rejects an unknown currency', () => {
    domainErrorOf(() => parseAmount('1.00', 'XYZ'), 'unknown_currency');
  });

  it('parses any well-formed amount to the value its canonical form denotes', () => {
    const wellFormed = anyCurrency.chain((currency) =>
      fc.record({
        currency: fc.constant(currency),
        negative: fc.boolean(),
        integer: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,17}$/)),
        fraction: fc.stringMatching(new RegExp(`^[0-9]{0,${currencyExponent(currency)}}$`)),
      }),
    );
    fc.assert(
      fc.property(wellFormed, ({ currency, negative, integer, fraction }) => {
        const text = `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
        const exponent = currencyExponent(currency);
        const padded = fraction.padEnd(exponent, '0');
        const isZero = /^0*$/.test(integer + padded);
        const canonical = `${negative && !isZero ? '-' : ''}${integer}${exponent ? `.${padded}` : ''}`;
        expect(formatAmount(parseAmount(text, currency), currency)).toBe(canonical);
      }),
    );
  });

  it('rejects any amount with more decimals than the currency allows, never rounding', () => {
    const tooPrecise = anyCurrency.chain((currency) =>
      fc.record({
        currency: fc.constant(currency),
        integer: fc.stringMatching(/^-?(0|[1-9][0-9]{0,10})$/),
        fraction: fc.stringMatching(
          new RegExp(
            `^[0-9]{${currencyExponent(currency) + 1},${currencyExponent(currency) + 6}}$`,
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(tooPrecise, ({ currency, integer, fraction }) => {
        const text = `${integer}.${fraction}`;
        const error = domainErrorOf(() => parseAmount(text, currency), 'invalid_amount');
        expect(error.message).toBe(
          `${JSON.stringify(text)} has more than ${currencyExponent(currency)} decimals for ${currency}`,
        );
      }),
    );
  });

  it('rejects any string outside the strict grammar', () => {
    const strict = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789.-+eE, _\t'), maxLength: 8 }),
        (text) => {
          fc.pre(!strict.test(text));
          domainErrorOf(() => parseAmount(text, 'CLF'), 'invalid_amount');
        },
      ),
    );
  });
});

describe('formatAmount', () => {
  it.each([
    [123450n, 'USD', '1234.50'],
    [-5n, 'USD', '-0.05'],
    [0n, 'USD', '0.00'],
    [-100n, 'EUR', '-1.00'],
    [100n, 'JPY', '100'],
    [-100n, 'JPY', '-100'],
    [0n, 'JPY', '0'],
    [1234n, 'BHD', '1.234'],
    [5n, 'KWD', '0.005'],
    [1n, 'CLF', '0.0001'],
    [123456789012345678901234567890n, 'USD', '1234567890123456789012345678.90'],
  ] as const)('formats %s %s as %j', (amount, currency, expected) => {
    expect(formatAmount(amount, currency)).toBe(expected);
  });

  it('round-trips through parseAmount for every currency', () => {
    fc.assert(
      fc.property(currencyAndAmount, ([currency, amount]) => {
        const text = formatAmount(amount, currency);
        const exponent = currencyExponent(currency);
        const decimals = exponent === 0 ? '' : `\\.[0-9]{${exponent}}`;
        expect(text).toMatch(new RegExp(`^-?(0|[1-9][0-9]*)${decimals}$`));
        expect(parseAmount(text, currency)).toBe(amount);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly what a database bigint holds and refuses one minor unit more', () => {
    expect(parseAmount('92233720368547758.07', 'USD')).toBe(MAX_MINOR_UNITS);
    expect(parseAmount('-92233720368547758.07', 'USD')).toBe(-MAX_MINOR_UNITS);
    expect(() => parseAmount('92233720368547758.08', 'USD')).toThrow(/too large/);
    expect(() => parseAmount('999999999999999999.99', 'USD')).toThrow(/too large/);
    expect(() => parseAmount('99999999999999999', 'BHD')).toThrow(/too large/);
    fc.assert(
      fc.property(anyCurrency, fc.bigInt({ min: 1n, max: 10n ** 20n }), (currency, excess) => {
        const text = formatAmount(MAX_MINOR_UNITS + excess, currency);
        if (text.replace('-', '').split('.')[0]!.length > 18) return; // refused for its digits
        expect(() => parseAmount(text, currency)).toThrow(DomainError);
      }),
    );
  });

  it('round-trips the largest and smallest accepted amounts', () => {
    for (const currency of CURRENCY_CODES) {
      for (const amount of [maxMinor(currency), -maxMinor(currency), 1n, -1n, 0n]) {
        expect(parseAmount(formatAmount(amount, currency), currency)).toBe(amount);
      }
    }
  });
});

describe('formatMoneyDisplay', () => {
  it.each([
    [123450n, 'USD', 'en-US', '$1,234.50'],
    [-5n, 'USD', 'en-US', '-$0.05'],
    [0n, 'USD', 'en-US', '$0.00'],
    [123456789n, 'USD', 'en-US', '$1,234,567.89'],
    [100n, 'JPY', 'en-US', '¥100'],
    [-1234567n, 'JPY', 'ja-JP', '-￥1,234,567'],
    [123450n, 'EUR', 'de-DE', '1.234,50\u00a0€'],
    [-123450n, 'EUR', 'de-DE', '-1.234,50\u00a0€'],
    [1234n, 'BHD', 'en-US', 'BHD\u00a01.234'],
    [12345678901n, 'INR', 'en-IN', '₹12,34,56,789.01'],
    [10001n, 'CLF', 'en-US', 'CLF\u00a01.0001'],
  ] as const)('formats %s %s in %s as %j', (amount, currency, locale, expected) => {
    expect(formatMoneyDisplay(amount, currency, locale)).toBe(expected);
  });

  it('defaults to en-US', () => {
    expect(formatMoneyDisplay(-123450n, 'USD')).toBe('-$1,234.50');
  });

  it('is exact beyond float precision', () => {
    expect(formatMoneyDisplay(123456789012345678901234567n, 'USD')).toBe(
      '$1,234,567,890,123,456,789,012,345.67',
    );
    expect(formatMoneyDisplay(9007199254740993n, 'JPY')).toBe('¥9,007,199,254,740,993');
  });

  it('uses locale digits for the fraction too', () => {
    expect(formatMoneyDisplay(-123405n, 'USD', 'ar-EG')).toMatch(/١٬٢٣٤٫٠٥/);
  });

  it("matches Intl's own exact decimal-string formatting in many locales", () => {
    const locales = [
      'en-US',
      'de-DE',
      'fr-FR',
      'de-CH',
      'ja-JP',
      'en-IN',
      'ar-EG',
      'hi-IN-u-nu-deva',
    ];
    fc.assert(
      fc.property(currencyAndAmount, fc.constantFrom(...locales), ([currency, amount], locale) => {
        const exponent = currencyExponent(currency);
        const reference = new Intl.NumberFormat(locale, {
          style: 'currency',
          currency,
          minimumFractionDigits: exponent,
          maximumFractionDigits: exponent,
        });
        // Intl.NumberFormat v3 formats decimal strings exactly (no float in between).
        const decimal = formatAmount(amount, currency) as unknown as number;
        expect(formatMoneyDisplay(amount, currency, locale)).toBe(reference.format(decimal));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects unknown currencies and locales', () => {
    domainErrorOf(() => formatMoneyDisplay(1n, 'ABC'), 'unknown_currency');
    domainErrorOf(() => formatMoneyDisplay(1n, 'USD', 'not a locale'), 'invalid_locale');
  });
});

describe('sumMinor', () => {
  it('adds exactly, also past 2^53', () => {
    expect(sumMinor([])).toBe(0n);
    expect(sumMinor([9007199254740993n, 1n, -2n])).toBe(9007199254740992n);
    expect(sumMinor(new Set([1n, 2n, 3n]))).toBe(6n);
    function* values() {
      yield 10n;
      yield -3n;
    }
    expect(sumMinor(values())).toBe(7n);
  });
});

describe('allocate', () => {
  it.each([
    [100n, [1n, 1n, 1n], [34n, 33n, 33n]],
    [-100n, [1n, 1n, 1n], [-34n, -33n, -33n]],
    [100n, [1n, 2n, 3n], [17n, 33n, 50n]],
    [10n, [3n, 7n], [3n, 7n]],
    [1n, [1n, 1n], [1n, 0n]],
    [2n, [1n, 1n, 1n], [1n, 1n, 0n]],
    [5n, [1n, 0n, 1n], [3n, 0n, 2n]],
    [0n, [1n, 2n], [0n, 0n]],
    [7n, [0n, 5n], [0n, 7n]],
    [101n, [1n, 3n], [25n, 76n]],
    [10n, [1n, 1n, 1n, 1n, 1n, 1n], [2n, 2n, 2n, 2n, 1n, 1n]],
    [99999999999999999999n, [1n, 1n], [50000000000000000000n, 49999999999999999999n]],
  ])('allocate(%s, %s) = %s', (total, weights, expected) => {
    expect(allocate(total, weights)).toEqual(expected);
  });

  it.each([[[]], [[-1n, 2n]], [[0n, 0n]], [[0n]]])('rejects weights %s', (weights) => {
    domainErrorOf(() => allocate(100n, weights), 'invalid_allocation');
  });

  const weightsArb = fc
    .array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 12 })
    .filter((weights) => weights.some((w) => w > 0n));
  const totalArb = fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n });

  it('always sums exactly to the total, every part within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const parts = allocate(total, weights);
        const weightSum = sumMinor(weights);
        expect(parts).toHaveLength(weights.length);
        expect(sumMinor(parts)).toBe(total);
        parts.forEach((part, i) => {
          // |part − total·w/Σw| < 1  ⇔  |part·Σw − total·w| < Σw
          expect(abs(part * weightSum - total * weights[i]!) < weightSum).toBe(true);
          if (weights[i] === 0n) expect(part).toBe(0n);
          if (part !== 0n) expect(part < 0n).toBe(total < 0n);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the leftover units to the largest remainders, ties to the earlier index', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const magnitude = abs(total);
        const weightSum = sumMinor(weights);
        const parts = allocate(magnitude, weights);
        const extra = parts.map((part, i) => part - (magnitude * weights[i]!) / weightSum);
        const remainder = weights.map((w) => (magnitude * w) % weightSum);
        extra.forEach((e) => expect(e === 0n || e === 1n).toBe(true));
        for (let i = 0; i < weights.length; i++) {
          for (let j = 0; j < weights.length; j++) {
            if (extra[i] !== 1n || extra[j] !== 0n) continue;
            const ri = remainder[i]!;
            const rj = remainder[j]!;
            expect(ri > rj || (ri === rj && i < j)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic and symmetric in the sign of the total', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const parts = allocate(total, weights);
        expect(allocate(total, [...weights])).toEqual(parts);
        expect(allocate(-total, weights)).toEqual(parts.map((p) => -p));
      }),
    );
  });

  it('does not modify the weights', () => {
    const weights = [3n, 1n];
    allocate(10n, weights);
    expect(weights).toEqual([3n, 1n]);
  });
});

describe('allocateEvenly', () => {
  it.each([
    [1000n, 3, [334n, 333n, 333n]],
    [-1000n, 3, [-334n, -333n, -333n]],
    [2n, 5, [1n, 1n, 0n, 0n, 0n]],
    [12n, 4, [3n, 3n, 3n, 3n]],
    [7n, 1, [7n]],
    [0n, 2, [0n, 0n]],
  ] as const)('allocateEvenly(%s, %i) = %s', (total, parts, expected) => {
    expect(allocateEvenly(total, parts)).toEqual(expected);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s parts', (parts) => {
    domainErrorOf(() => allocateEvenly(100n, parts), 'invalid_allocation');
  });

  it('sums to the total, parts differ by at most one, larger parts first, same as allocate', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }),
        fc.integer({ min: 1, max: 60 }),
        (total, count) => {
          const parts = allocateEvenly(total, count);
          const magnitudes = parts.map(abs);
          expect(parts).toHaveLength(count);
          expect(sumMinor(parts)).toBe(total);
          expect(
            magnitudes.reduce((a, b) => (a > b ? a : b)) -
              magnitudes.reduce((a, b) => (a < b ? a : b)) <=
              1n,
          ).toBe(true);
          magnitudes.slice(1).forEach((m, i) => expect(m <= magnitudes[i]!).toBe(true));
          expect(parts).toEqual(
            allocate(
              total,
              Array.from({ length: count }, () => 1n),
            ),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('percentOf', () => {
  it.each([
    [1999n, 1900n, 380n], // 379.81
    [10000n, 2500n, 2500n],
    [5n, 1000n, 1n], // 0.5 → away from zero
    [-5n, 1000n, -1n], // −0.5 → away from zero
    [5n, -1000n, -1n],
    [4n, 1000n, 0n], // 0.4
    [-4n, 1000n, 0n],
    [15n, 5000n, 8n], // 7.5
    [25n, 5000n, 13n], // 12.5 (not banker's rounding)
    [1n, 4999n, 0n], // 0.4999
    [1n, 5000n, 1n], // 0.5
    [12345n, 0n, 0n],
    [12345n, 10000n, 12345n],
    [123456789012345678901234n, 1n, 12345678901234567890n], // …0123.4 → …0123
  ] as const)('percentOf(%s, %s bp) = %s', (amount, bp, expected) => {
    expect(percentOf(amount, bp)).toBe(expected);
  });

  it('is the exact rational amount·bp/10000 rounded half away from zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.bigInt({ min: -20_000n, max: 20_000n }),
        (amount, bp) => {
          const exact = amount * bp; // the true result is exact / 10000
          const result = percentOf(amount, bp);
          const error = result * 10_000n - exact; // 10000 × (result − true value)
          expect(abs(error) <= 5_000n).toBe(true); // nearest minor unit
          if (abs(error) === 5_000n) expect(abs(result * 10_000n) > abs(exact)).toBe(true); // tie → away from zero
          expect(percentOf(-amount, bp)).toBe(-result);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('hits every tie exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (k) => {
        // amount·5000/10000 = k + ½ when amount = 2k + 1
        const amount = 2n * k + 1n;
        expect(percentOf(amount, 5000n)).toBe(amount > 0n ? k + 1n : k);
      }),
    );
  });
});
