import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent } from '../../shared/currencies.ts';
import {
  addDays,
  daysBetween,
  endOfMonth,
  parseIsoDate,
  type IsoDate,
} from '../../shared/dates.ts';
import { ValidationError } from '../../shared/errors.ts';
import { MAX_MINOR_UNITS } from '../../shared/money.ts';
import {
  QUANTITY_DECIMALS,
  TAX_RATE_DECIMALS,
  UNIT_PRICE_EXTRA_DECIMALS,
  applyTerms,
  divideRounded,
  priceLines,
  withoutTax,
  type LineInput,
  type Terms,
} from './pricing.ts';

/**
 * Pricing is checked against an independent model: every decimal string is read as an exact
 * rational (numerator / 10^decimals) with bigint arithmetic, and a rounded figure must lie
 * within half a minor unit of the exact value, with an exact half going away from zero.
 */

const FAST_CHECK = { numRuns: 300, seed: envSeed() };

function envSeed(): number | undefined {
  const raw = process.env.FC_SEED;
  return raw ? Number.parseInt(raw, 10) : undefined;
}

type Rational = { n: bigint; d: bigint };

/** A non-negative decimal string as an exact fraction. */
function rational(text: string): Rational {
  const [integer = '0', fraction = ''] = text.split('.');
  return { n: BigInt(integer + fraction), d: 10n ** BigInt(fraction.length) };
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/**
 * Asserts that the integer `rounded` is `exact` rounded to the nearest integer with halves away
 * from zero: |rounded − exact| < 1/2, or exactly 1/2 with |rounded| > |exact|.
 */
function expectRoundedHalfAwayFromZero(rounded: bigint, exact: Rational, what: string) {
  // compare 2·(rounded·d − n) with d, all integers
  const twiceError = 2n * (rounded * exact.d - exact.n);
  const withinHalf = abs(twiceError) < abs(exact.d);
  const tieAway = abs(twiceError) === abs(exact.d) && abs(rounded * exact.d) > abs(exact.n);
  expect(
    withinHalf || tieAway,
    `${what}: ${rounded} is not ${exact.n}/${exact.d} rounded half away from zero`,
  ).toBe(true);
}

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    return error as ValidationError;
  }
  return expect.fail('expected a ValidationError');
}

const pathsOf = (error: ValidationError) => error.errors.map((e) => e.path);

/** A canonical-ish decimal string: integer part and up to `decimals` fraction digits. */
function decimalText(maxInteger: bigint, decimals: number, minInteger = 0n) {
  return fc
    .tuple(
      fc.bigInt({ min: minInteger, max: maxInteger }),
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: decimals }),
    )
    .map(([integer, fraction]) => (fraction ? `${integer}.${fraction}` : `${integer}`));
}

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KRW', 'BHD', 'KWD', 'CLF'] as const;

function lineFor(currency: string) {
  const priceDecimals = currencyExponent(currency) + UNIT_PRICE_EXTRA_DECIMALS;
  return fc.record({
    description: fc.constantFrom('Widget', 'Freight', ' Consulting ', 'Licence'),
    quantity: decimalText(100_000n, QUANTITY_DECIMALS).filter((q) => rational(q).n > 0n),
    unitPrice: decimalText(10_000_000n, priceDecimals),
    taxRate: fc.oneof(
      fc.constant(undefined),
      decimalText(99n, TAX_RATE_DECIMALS),
      fc.constantFrom('0', '100', '8.875', '19', '7.25', '0.0001'),
    ),
  });
}

const currencyAndLines = fc
  .constantFrom(...CURRENCIES)
  .chain((currency) =>
    fc.tuple(fc.constant(currency), fc.array(lineFor(currency), { minLength: 1, maxLength: 8 })),
  );

describe('divideRounded', () => {
  it.each([
    [5n, 10n, 1n],
    [4n, 10n, 0n],
    [15n, 10n, 2n],
    [25n, 10n, 3n],
    [-5n, 10n, -1n],
    [-15n, 10n, -2n],
    [-4n, 10n, 0n],
    [5n, -10n, -1n],
    [-5n, -10n, 1n],
    [0n, 7n, 0n],
    [7n, 7n, 1n],
    [10n, 3n, 3n],
    [-10n, 3n, -3n],
  ])('%d / %d → %d (halves away from zero)', (n, d, expected) => {
    expect(divideRounded(n, d)).toBe(expected);
  });

  it('is the exact quotient rounded half away from zero, and odd in its numerator', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.boolean(),
        (n, d, negateDenominator) => {
          const denominator = negateDenominator ? -d : d;
          const q = divideRounded(n, denominator);
          expectRoundedHalfAwayFromZero(q, { n, d: denominator }, `${n}/${denominator}`);
          expect(divideRounded(-n, denominator)).toBe(-q);
        },
      ),
      FAST_CHECK,
    );
  });
});

describe('priceLines', () => {
  it('prices the README example exactly', () => {
    const priced = priceLines(
      [
        { description: 'Widgets', quantity: '3', unitPrice: '19.995', taxRate: '8.25' },
        { description: 'Freight', quantity: '1', unitPrice: '25.00' },
      ],
      'USD',
    );
    // 3 × 19.995 = 59.985 → 59.99 (half away from zero); 8.25 % of 59.99 = 4.949175 → 4.95
    expect(priced.lines.map((l) => [l.amountMinor, l.taxMinor])).toEqual([
      [5999n, 495n],
      [2500n, 0n],
    ]);
    expect(priced).toMatchObject({ subtotalMinor: 8499n, taxMinor: 495n, totalMinor: 8994n });
    expect(priced.lines[1]).toMatchObject({ unitPrice: '25', taxRate: '0', quantity: '1' });
  });

  it('rounds a line half away from zero once, on the product', () => {
    // 0.5 cent exactly → 1 cent; 0.4999 → 0
    expect(
      priceLines([{ description: 'a', quantity: '1', unitPrice: '0.005' }], 'USD').lines[0],
    ).toMatchObject({ amountMinor: 1n });
    expect(
      priceLines([{ description: 'a', quantity: '0.5', unitPrice: '0.01' }], 'USD').lines[0],
    ).toMatchObject({ amountMinor: 1n });
    expect(
      priceLines([{ description: 'a', quantity: '0.4999', unitPrice: '0.01' }], 'USD').lines[0],
    ).toMatchObject({ amountMinor: 0n });
    // 3 × 0.3333 = 0.9999 → 1.00, not 3 × round(0.3333) = 0.99
    expect(
      priceLines([{ description: 'a', quantity: '3', unitPrice: '0.3333' }], 'USD').lines[0],
    ).toMatchObject({ amountMinor: 100n });
  });

  it('rounds tax half away from zero on the rounded net amount', () => {
    // 1 % of 0.50 = 0.005 → 0.01
    const half = priceLines(
      [{ description: 'a', quantity: '1', unitPrice: '0.50', taxRate: '1' }],
      'USD',
    );
    expect(half.lines[0]).toMatchObject({ amountMinor: 50n, taxMinor: 1n });
    // 1 % of 0.49 = 0.0049 → 0.00
    const below = priceLines(
      [{ description: 'a', quantity: '1', unitPrice: '0.49', taxRate: '1' }],
      'USD',
    );
    expect(below.lines[0]).toMatchObject({ taxMinor: 0n });
    // tax is computed from the rounded net (0.01), not from the exact 0.005: 50 % → 0.005 → 0.01
    const onRounded = priceLines(
      [{ description: 'a', quantity: '1', unitPrice: '0.005', taxRate: '50' }],
      'USD',
    );
    expect(onRounded.lines[0]).toMatchObject({ amountMinor: 1n, taxMinor: 1n });
    // 8.875 % of 200.00 = 17.75 exactly; of 0.04 = 0.00355 → 0.00
    expect(
      priceLines([{ description: 'a', quantity: '2', unitPrice: '100', taxRate: '8.875' }], 'USD')
        .lines[0],
    ).toMatchObject({ taxMinor: 1775n });
    // 100 % doubles
    expect(
      priceLines([{ description: 'a', quantity: '1', unitPrice: '9.99', taxRate: '100' }], 'USD'),
    ).toMatchObject({ subtotalMinor: 999n, taxMinor: 999n, totalMinor: 1998n });
  });

  it('uses the currency exponent: JPY has no minor unit, BHD has three decimals', () => {
    // JPY: 1.5 × 333 = 499.5 → 500 yen; 10 % tax = 50
    const yen = priceLines(
      [{ description: 'a', quantity: '1.5', unitPrice: '333', taxRate: '10' }],
      'JPY',
    );
    expect(yen).toMatchObject({ subtotalMinor: 500n, taxMinor: 50n, totalMinor: 550n });
    // JPY prices may have 2 decimals (exponent 0 + 2): 3 × 0.33 = 0.99 → 1 yen
    expect(
      priceLines([{ description: 'a', quantity: '3', unitPrice: '0.33' }], 'JPY').lines[0],
    ).toMatchObject({ amountMinor: 1n });
    const jpyTooPrecise = validationErrorOf(() =>
      priceLines([{ description: 'a', quantity: '1', unitPrice: '0.001' }], 'JPY'),
    );
    expect(pathsOf(jpyTooPrecise)).toEqual(['lines.0.unitPrice']);
    // BHD: 2 × 1.2345 = 2.469 BHD = 2469 fils; 5 % VAT = 123.45 → 123 fils
    const bhd = priceLines(
      [{ description: 'a', quantity: '2', unitPrice: '1.2345', taxRate: '5' }],
      'BHD',
    );
    expect(bhd).toMatchObject({ subtotalMinor: 2469n, taxMinor: 123n, totalMinor: 2592n });
    // BHD prices may have 5 decimals: 1 × 0.00051 = 0.51 fils → 1 fils
    expect(
      priceLines([{ description: 'a', quantity: '1', unitPrice: '0.00051' }], 'BHD').lines[0],
    ).toMatchObject({ amountMinor: 1n });
    const bhdTooPrecise = validationErrorOf(() =>
      priceLines([{ description: 'a', quantity: '1', unitPrice: '0.000001' }], 'BHD'),
    );
    expect(pathsOf(bhdTooPrecise)).toEqual(['lines.0.unitPrice']);
  });

  it.each([
    ['quantity with 5 decimals', { quantity: '1.00001' }, 'lines.1.quantity'],
    ['unit price with 5 decimals (USD)', { unitPrice: '1.00001' }, 'lines.1.unitPrice'],
    ['tax rate with 5 decimals', { taxRate: '8.00001' }, 'lines.1.taxRate'],
    ['negative quantity', { quantity: '-1' }, 'lines.1.quantity'],
    ['negative unit price', { unitPrice: '-0.01' }, 'lines.1.unitPrice'],
    ['negative tax rate', { taxRate: '-5' }, 'lines.1.taxRate'],
    ['zero quantity', { quantity: '0' }, 'lines.1.quantity'],
    ['zero quantity with decimals', { quantity: '0.0000' }, 'lines.1.quantity'],
    ['tax rate above 100', { taxRate: '100.0001' }, 'lines.1.taxRate'],
    ['tax rate of 150', { taxRate: '150' }, 'lines.1.taxRate'],
    ['quantity that is not a number', { quantity: '1e3' }, 'lines.1.quantity'],
    ['unit price with a comma', { unitPrice: '1,50' }, 'lines.1.unitPrice'],
    ['unit price with a leading zero', { unitPrice: '01.50' }, 'lines.1.unitPrice'],
    ['quantity with 13 integer digits', { quantity: '1000000000000' }, 'lines.1.quantity'],
    ['empty description', { description: '  ' }, 'lines.1.description'],
  ])('refuses a %s, naming the field', (_what, change, path) => {
    const good: LineInput = { description: 'ok', quantity: '1', unitPrice: '1', taxRate: '5' };
    const error = validationErrorOf(() => priceLines([good, { ...good, ...change }, good], 'USD'));
    expect(pathsOf(error)).toEqual([path]);
    expect(error.message).toContain(path);
  });

  it('accepts the limits themselves', () => {
    const priced = priceLines(
      [
        { description: 'a', quantity: '999999999999.9999', unitPrice: '0', taxRate: '100' },
        { description: 'b', quantity: '0.0001', unitPrice: '999999999999.9999', taxRate: '0' },
        { description: 'c', quantity: '1.5000', unitPrice: '2.10', taxRate: '100.0000' },
      ],
      'USD',
    );
    expect(priced.lines.map((l) => l.amountMinor)).toEqual([0n, 10_000_000_000n, 315n]);
    expect(priced.lines[2]).toMatchObject({ quantity: '1.5', unitPrice: '2.1', taxRate: '100' });
  });

  it('refuses a line or a document whose amount would not fit a database bigint', () => {
    // 12 integer digits are accepted in both quantity and unit price, so one line can reach
    // 10^24 major units, far beyond the 9 223 372 036 854 775 807 minor units ar_documents holds:
    // the database would refuse the insert with a 500 instead of a 400 naming the line.
    const huge = { description: 'a', quantity: '999999999999', unitPrice: '999999999999' };
    const line = validationErrorOf(() => priceLines([huge], 'USD'));
    expect(pathsOf(line)[0]).toMatch(/^lines\.0\./);
    // each line fits (8.99 × 10^18 cents), their sum does not
    const big = { description: 'b', quantity: '90000', unitPrice: '999999999999' };
    expect(priceLines([big], 'USD').totalMinor <= MAX_MINOR_UNITS).toBe(true);
    expect(pathsOf(validationErrorOf(() => priceLines([big, big], 'USD'))).length).toBe(1);
  });

  it('reports every problem at once, each naming its line', () => {
    const error = validationErrorOf(() =>
      priceLines(
        [
          { description: 'a', quantity: '0', unitPrice: '1' },
          { description: 'b', quantity: '1', unitPrice: '-1', taxRate: '101' },
          { description: 'c', quantity: '1', unitPrice: '1' },
          { description: '', quantity: '1.123456', unitPrice: '1' },
        ],
        'USD',
      ),
    );
    expect(pathsOf(error).sort()).toEqual(
      [
        'lines.0.quantity',
        'lines.1.unitPrice',
        'lines.1.taxRate',
        'lines.3.description',
        'lines.3.quantity',
      ].sort(),
    );
  });

  it('needs at least one line', () => {
    expect(pathsOf(validationErrorOf(() => priceLines([], 'USD')))).toEqual(['lines']);
  });

  it('property: totals are the exact sums of the lines, each line within half a minor unit of the exact product', () => {
    fc.assert(
      fc.property(currencyAndLines, ([currency, lines]) => {
        const priced = priceLines(lines, currency);
        const scale = 10n ** BigInt(currencyExponent(currency));
        expect(priced.lines).toHaveLength(lines.length);
        priced.lines.forEach((line, i) => {
          const input = lines[i]!;
          const q = rational(input.quantity);
          const p = rational(input.unitPrice);
          // exact amount in minor units = q × p × 10^exponent
          const exactAmount = { n: q.n * p.n * scale, d: q.d * p.d };
          expectRoundedHalfAwayFromZero(line.amountMinor, exactAmount, `lines.${i} amount`);
          const r = rational(input.taxRate ?? '0');
          // exact tax = rounded amount × rate / 100
          const exactTax = { n: line.amountMinor * r.n, d: r.d * 100n };
          expectRoundedHalfAwayFromZero(line.taxMinor, exactTax, `lines.${i} tax`);
          expect(line.amountMinor >= 0n && line.taxMinor >= 0n).toBe(true);
          expect(line.taxMinor <= line.amountMinor || r.n > r.d * 100n).toBe(true);
          // canonical strings denote the same numbers
          expect(rational(line.quantity).n * q.d).toBe(q.n * rational(line.quantity).d);
          expect(rational(line.unitPrice).n * p.d).toBe(p.n * rational(line.unitPrice).d);
          expect(line.description).toBe(input.description.trim());
        });
        const sum = (f: (l: (typeof priced.lines)[number]) => bigint) =>
          priced.lines.reduce((s, l) => s + f(l), 0n);
        expect(priced.subtotalMinor).toBe(sum((l) => l.amountMinor));
        expect(priced.taxMinor).toBe(sum((l) => l.taxMinor));
        expect(priced.totalMinor).toBe(priced.subtotalMinor + priced.taxMinor);
      }),
      FAST_CHECK,
    );
  });

  it('property: a line is priced the same whatever other lines the document has', () => {
    fc.assert(
      fc.property(currencyAndLines, ([currency, lines]) => {
        const together = priceLines(lines, currency).lines;
        lines.forEach((line, i) => {
          expect(priceLines([line], currency).lines[0]).toEqual(together[i]);
        });
      }),
      FAST_CHECK,
    );
  });

  it('property: more decimals than allowed are refused, never rounded', () => {
    const tooPrecise = fc
      .tuple(
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom('quantity', 'unitPrice', 'taxRate'),
        fc.nat({ max: 7 }),
        fc.integer({ min: 1, max: 9 }),
      )
      .map(([currency, field, index, lastDigit]) => {
        const allowed = {
          quantity: QUANTITY_DECIMALS,
          unitPrice: currencyExponent(currency) + UNIT_PRICE_EXTRA_DECIMALS,
          taxRate: TAX_RATE_DECIMALS,
        }[field];
        return { currency, field, index, value: `1.${'0'.repeat(allowed)}${lastDigit}` };
      });
    fc.assert(
      fc.property(tooPrecise, ({ currency, field, index, value }) => {
        const lines: LineInput[] = Array.from({ length: index + 1 }, () => ({
          description: 'x',
          quantity: '1',
          unitPrice: '1',
          taxRate: '1',
        }));
        lines[index] = { ...lines[index]!, [field]: value };
        expect(pathsOf(validationErrorOf(() => priceLines(lines, currency)))).toEqual([
          `lines.${index}.${field}`,
        ]);
      }),
      FAST_CHECK,
    );
  });

  it('withoutTax zeroes every rate and nothing else', () => {
    const lines: LineInput[] = [
      { description: 'a', quantity: '2', unitPrice: '10', taxRate: '19' },
      { description: 'b', quantity: '1', unitPrice: '5' },
    ];
    const exempt = priceLines(withoutTax(lines), 'EUR');
    expect(exempt).toMatchObject({ subtotalMinor: 2500n, taxMinor: 0n, totalMinor: 2500n });
    expect(lines[0]!.taxRate).toBe('19');
  });
});

describe('applyTerms', () => {
  const d = (text: string) => parseIsoDate(text);
  const net = (netDays: number, discountBp = 0, discountDays = 0): Terms => ({
    type: 'net',
    netDays,
    discountBp,
    discountDays,
  });
  const eom = (netDays: number): Terms => ({
    type: 'eom',
    netDays,
    discountBp: 0,
    discountDays: 0,
  });

  it.each([
    ['2026-01-31', eom(30), '2026-03-02'],
    ['2026-01-01', eom(30), '2026-03-02'],
    ['2028-01-31', eom(30), '2028-03-01'], // 2028 is a leap year: Jan 31 + 30 = Mar 1
    ['2028-02-10', eom(0), '2028-02-29'],
    ['2026-02-10', eom(0), '2026-02-28'],
    ['2100-02-10', eom(0), '2100-02-28'], // not a leap year (divisible by 100)
    ['2000-02-10', eom(0), '2000-02-29'], // a leap year (divisible by 400)
    ['2026-12-15', eom(30), '2027-01-30'],
    ['2026-01-31', net(30), '2026-03-02'],
    ['2028-01-31', net(30), '2028-03-01'],
    ['2028-02-15', net(30), '2028-03-16'],
    ['2026-02-15', net(30), '2026-03-17'],
    ['2026-12-20', net(15), '2027-01-04'],
    ['2026-03-10', net(0), '2026-03-10'],
    ['2026-10-01', net(90), '2026-12-30'],
  ])('issued %s with %o is due %s', (issue, terms, due) => {
    expect(applyTerms(d(issue), terms, 10000n)).toMatchObject({
      dueDate: due,
      discountDate: null,
      discountMinor: 0n,
    });
  });

  it('2/10 net 30: 2 % off through day 10, rounded half away from zero', () => {
    expect(applyTerms(d('2026-10-01'), net(30, 200, 10), 8994n)).toEqual({
      dueDate: '2026-10-31',
      discountDate: '2026-10-11',
      discountMinor: 180n, // 2 % of 89.94 = 1.7988
    });
    // 2 % of 0.25 = 0.005 → 0.01
    expect(applyTerms(d('2028-02-25'), net(30, 200, 10), 25n)).toEqual({
      dueDate: '2028-03-26',
      discountDate: '2028-03-06', // through the leap day
      discountMinor: 1n,
    });
    // 2 % of 0.24 = 0.0048 → 0.00, still a discount date
    expect(applyTerms(d('2026-02-25'), net(30, 200, 10), 24n)).toEqual({
      dueDate: '2026-03-27',
      discountDate: '2026-03-07',
      discountMinor: 0n,
    });
  });

  it('offers no discount on a zero total or without discount terms', () => {
    expect(applyTerms(d('2026-10-01'), net(30, 200, 10), 0n)).toEqual({
      dueDate: '2026-10-31',
      discountDate: null,
      discountMinor: 0n,
    });
    expect(applyTerms(d('2026-10-01'), net(30, 0, 10), 5000n).discountDate).toBeNull();
  });

  it('property: due = base + net days, discount = total × bp / 10 000 rounded half away from zero', () => {
    const dates = fc
      .integer({ min: 0, max: 365 * 80 })
      .map((n) => addDays(parseIsoDate('1990-01-01'), n));
    const terms = fc.record({
      type: fc.constantFrom('net' as const, 'eom' as const),
      netDays: fc.integer({ min: 0, max: 120 }),
      discountBp: fc.integer({ min: 0, max: 10_000 }),
      discountDays: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(
        dates,
        terms,
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (issue: IsoDate, t, total) => {
          const result = applyTerms(issue, t, total);
          const base = t.type === 'eom' ? endOfMonth(issue) : issue;
          expect(daysBetween(base, result.dueDate)).toBe(t.netDays);
          expect(daysBetween(issue, result.dueDate)).toBeGreaterThanOrEqual(t.netDays);
          if (t.discountBp > 0 && total > 0n) {
            expect(result.discountDate).toBe(addDays(issue, t.discountDays));
            expectRoundedHalfAwayFromZero(
              result.discountMinor,
              { n: total * BigInt(t.discountBp), d: 10_000n },
              'discount',
            );
            expect(result.discountMinor <= total).toBe(true);
          } else {
            expect(result).toMatchObject({ discountDate: null, discountMinor: 0n });
          }
        },
      ),
      FAST_CHECK,
    );
  });
});
