/**
 * The cash-application matcher (src/modules/banking/matching): text helpers, each kind of
 * evidence, the safety rules (ambiguity, currency, caps), money invariants as properties, and
 * the seeded remittance scenario of the benchmark at a small size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  generateRemittanceScenario,
  isCorrect,
} from '../../bench/dataset/remittances.ts';
import { findCombinations } from '../../src/modules/banking/matching/combinations.ts';
import { DocumentNumbers } from '../../src/modules/banking/matching/document-numbers.ts';
import { displayAmount, displayPercent } from '../../src/modules/banking/matching/evidence.ts';
import { ItemsByKey } from '../../src/modules/banking/matching/items-by-key.ts';
import { MatchIndex } from '../../src/modules/banking/matching/match-index.ts';
import { NameIndex } from '../../src/modules/banking/matching/name-index.ts';
import {
  documentKey,
  extractReferences,
  jaroWinkler,
  legalFormsConflict,
  maskAccount,
  nameSimilarity,
  nameWords,
  normalizeAccount,
  normalizeName,
  normalizeText,
  splitName,
  withinOneEdit,
} from '../../src/modules/banking/matching/normalize.ts';
import {
  readAmount,
  readStatedAmounts,
} from '../../src/modules/banking/matching/stated-amounts.ts';
import { d, item, line } from './support/match-book.ts';
import type {
  MatchCustomer,
  MatchLine,
  OpenItem,
  PayerHint,
  Suggestion,
} from '../../src/modules/banking/matching/types.ts';
import { formatAmount } from '../../src/shared/money.ts';

const ACME_IBAN = 'DE89370400440532013000';
const customers: MatchCustomer[] = [
  { id: 'acme', name: 'Acme Mechanical GmbH', accountNumber: 'C010023' },
  { id: 'beta', name: 'Beta Logistics LLC', accountNumber: 'C010024' },
  {
    id: 'gamma',
    name: 'Gamma Foods S.A.',
    accountNumber: 'C010025',
    otherNames: ['Gamma Trading'],
  },
  { id: 'delta', name: 'Delta Printing Ltd.', accountNumber: 'C010026' },
];
const items: OpenItem[] = [
  item('acme', 'INV-000123', 123450n, {
    poNumber: 'PO-4711',
    dueDate: d('2026-03-01'),
    discountDate: d('2026-03-11'),
    discountMinor: 2469n,
  }),
  item('acme', 'INV-000124', 50012n, { dueDate: d('2026-03-05') }),
  item('acme', 'INV-000131', 31415n, { dueDate: d('2026-03-06') }),
  item('acme', 'INV-000140', 77777n, { amountMinor: 100000n, dueDate: d('2026-03-07') }),
  item('beta', 'INV-000125', 70000n),
  item('beta', 'INV-004321', 99999n),
  item('gamma', 'INV-000126', 25000n),
  item('gamma', 'INV-000127', 25000n),
  item('gamma', 'INV-000128', 33333n),
  item('delta', 'INV-005555', 10001n, { currency: 'USD' }),
  item('delta', 'INV-005556', 20002n),
];
const hints: PayerHint[] = [{ customerId: 'acme', account: ACME_IBAN, name: null }];
const book = new MatchIndex({ openItems: items, customers, payerHints: hints });

const top = (l: MatchLine, index = book) => index.match(l)[0];
const docs = (s: Suggestion | undefined) => s?.allocations.map((a) => a.documentId) ?? [];

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

describe('normalize', () => {
  it('upper-cases, strips accents and collapses punctuation', () => {
    expect(normalizeText('  Société  Générale, s.a. ')).toBe('SOCIETE GENERALE SA');
    expect(normalizeText("O'Brien & Søn")).toBe('OBRIEN SON');
  });

  it('drops legal forms at the end only, and spells them canonically', () => {
    expect(normalizeName('Müller GmbH & Co. KG')).toBe('MULLER');
    expect(splitName('Kowalski Brewing GMBH U. CO KG')).toEqual({
      tokens: ['KOWALSKI', 'BREWING'],
      form: 'GMBH CO KG',
    });
    expect(splitName('Trident Packaging Gesellschaft mbH').form).toBe('GMBH');
    expect(splitName('Meridian Foods S A').form).toBe('SA');
    expect(normalizeName('Co-Op Supply Co.')).toBe('CO OP SUPPLY');
    expect(normalizeName('The Corp')).toBe('CORP');
  });

  it('splits document numbers into prefix and digits', () => {
    expect(documentKey('INV-000123')).toEqual({ prefix: 'INV', core: '123' });
    expect(documentKey('inv000123')).toEqual({ prefix: 'INV', core: '123' });
    expect(documentKey('2024/0042')).toEqual({ prefix: '', core: '20240042' });
    expect(documentKey('DM-00000')).toEqual({ prefix: 'DM', core: '0' });
    expect(documentKey('ABC')).toEqual({ prefix: 'ABC', core: '' });
  });

  it('normalizes and masks accounts', () => {
    expect(normalizeAccount('de89 3704-0044.0532/0130 00')).toBe(ACME_IBAN);
    expect(maskAccount('DE89 3704 0044 0532 0130 00')).toBe('DE89…3000');
    expect(maskAccount('12345')).toBe('12345');
  });

  it('extracts document numbers with prefixes, lists and OCR slips', () => {
    const refs = (text: string) => extractReferences(text).map((r) => `${r.prefix}/${r.core}`);
    expect(refs('INV-000123')).toEqual(['INV/123']);
    expect(refs('Inv#00123')).toEqual(['INV/123']);
    expect(refs('RE: 123 124 125')).toEqual(['RE/123', 'RE/124', 'RE/125']);
    expect(refs('Rechnung 4711')).toEqual(['RECHNUNG/4711']);
    expect(refs('INV 123, 124; 125/126 and 127')).toEqual([
      'INV/123',
      'INV/124',
      'INV/125',
      'INV/126',
      'INV/127',
    ]);
    expect(refs('Invoice No. 000456')).toEqual(['INVOICE/456']);
    expect(refs('INV-0OO123 and INV-O00124')).toEqual(['INV/123', 'INV/124']);
    expect(refs('RMR*IV*INV000123*1234.5\\')).toEqual(['INV/123']);
  });

  it('skips dates, amounts, long ids and short numbers', () => {
    expect(extractReferences('paid 1,234.50 EUR on 10.03.2026 (2026-03-10)')).toEqual([]);
    expect(extractReferences('12 and 7')).toEqual([]);
    expect(extractReferences('IBAN DE89370400440532013000 E2E 1234567890123')).toEqual([]);
    expect(extractReferences(null)).toEqual([]);
  });

  it('skips the numbers of IBANs, phone numbers, postcodes and dates written as digits', () => {
    const refs = (text: string) => extractReferences(text).map((r) => `${r.prefix}/${r.core}`);
    // an IBAN in groups of four: no block is an invoice number; a failing check digit is kept
    expect(refs('IBAN DE89 3704 0044 0532 0130 00')).toEqual([]);
    expect(refs('from GB82 WEST 1234 5698 7654 32, INV 4711')).toEqual(['INV/4711']);
    expect(refs('DE00 3704 0044 0532 0130 00')).not.toEqual([]);
    expect(refs('AT61 1904 3002 3457 3201 4711')).toEqual(['/4711']);
    // phone and fax numbers after their keyword, or written with a country code
    expect(refs('Max Mustermann Tel. 0891 80331')).toEqual([]);
    expect(refs('Fax: 089/123 456-0 Rechnung 4711')).toEqual(['RECHNUNG/4711']);
    expect(refs('Rückfragen +49 89 1234567, RE 10023')).toEqual(['RE/10023']);
    // a postcode after a street and house number, after PLZ or a country letter
    expect(refs('Hauptstr. 5 80331 München')).toEqual([]);
    expect(refs('Hauptstraße 12a, 80331 Muenchen INV-10023')).toEqual(['INV/10023']);
    expect(refs('Am Ring 7-9, D-50667 Köln')).toEqual([]);
    expect(refs('PLZ 80331 Zahlung 10023')).toEqual(['ZAHLUNG/10023']);
    expect(refs('12 Baker Street, 80331 London')).toEqual([]);
    expect(refs('12 rue de la Paix, 75002 Paris')).toEqual([]);
    expect(refs('Hauptstr. 5, 74613 Öhringen')).toEqual([]);
    // and the house number
    expect(refs('Hauptstr. 123')).toEqual([]);
    expect(refs('Ironwood Brewing 12 Main Street, Portland')).toEqual([]);
    expect(refs('1600 Pennsylvania Ave NW INV 4711')).toEqual(['INV/4711']);
    expect(refs('Facture 2291, 12 rue de la Paix')).toEqual(['FACTURE/2291']);
    // a date without separators after a date word
    expect(refs('Zahlung vom 20260310')).toEqual([]);
    expect(refs('Datum: 10032026, Rg 4711')).toEqual(['RG/4711']);
    expect(refs('RE 100326 VOM 100326')).toEqual(['RE/100326']);
    expect(refs('paid on 120526')).toEqual(['ON/120526']);
    // but the same digits elsewhere are references: a bare number, a year-based invoice number
    expect(refs('Zahlung 80331')).toEqual(['ZAHLUNG/80331']);
    expect(refs('Rechnung 20260312')).toEqual(['RECHNUNG/20260312']);
    expect(refs('80331 Danke')).toEqual(['/80331']);
    expect(refs('Catering 4711, Engineering 4712')).toEqual(['CATERING/4711', '/4712']);
    expect(refs('EREF+12345 SVWZ+INV-10023')).toEqual(['EREF/12345', 'INV/10023']);
  });

  // found by review I: invoice numbers before a payer name that has a street word in it
  it.each([
    ['RE 4711 Krankenhaus St. Elisabeth', ['RE/4711']],
    ['Rechnung 4711 Pfarrei St Josef', ['RECHNUNG/4711']],
    ['INV#10023 CITY OF ST LOUIS', ['INV/10023']],
    ['INVOICE 10023 DIOCESE OF ST AUGUSTINE', ['INVOICE/10023']],
    ['PMT INV 10023 FROM ST MARYS HOSPITAL', ['INV/10023']],
    ['Invoice 10023 Penny Lane Ltd', ['INVOICE/10023']],
    ['INV 10023 PARK AVE DENTAL', ['INV/10023']],
    ['INV 10023 PAID BY WAY OF ACH', ['INV/10023']],
    ['INV 4711 EXTERNAL HARD DRIVE', ['INV/4711']],
    ['Payment 10023 City of St Paul', ['PAYMENT/10023']],
    ['RE 4711 4712 4713 Pfarramt St. Peter', ['RE/4711', 'RE/4712', 'RE/4713']],
    ['Rechnung 4711 und 4712 Kinderhaus St. Anna', ['RECHNUNG/4711', 'RECHNUNG/4712']],
    ['Rechnungen 4711, 4712 Seniorenheim St Josef', ['/4711', '/4712']],
    ['Facture 10023 Rue du Commerce SARL', ['FACTURE/10023']],
    ['RE 4711 Allee Center', ['RE/4711']],
    ['FACTURE 10023 PLACE DE LA BOURSE', ['FACTURE/10023']],
    ['Lindenstr. 5 RE-4711 Material', ['RE/4711']],
    ['Hauptstr. 5, RG-12345 Restzahlung', ['RG/12345']],
  ])('keeps the invoice number in "%s"', (text, expected) => {
    const refs = (t: string) => extractReferences(t).map((r) => `${r.prefix}/${r.core}`);
    expect(refs(text)).toEqual(expected);
  });

  it('keeps the text as written for evidence', () => {
    expect(extractReferences('Zahlung Rg. 000123 Straße 5').map((r) => r.written)).toEqual([
      'Rg. 000123',
    ]);
  });

  it('tells one-character slips from other numbers', () => {
    expect(withinOneEdit('123456', '123456')).toBe(true);
    expect(withinOneEdit('123456', '123856')).toBe(true); // substituted
    expect(withinOneEdit('123456', '124356')).toBe(true); // transposed
    expect(withinOneEdit('123456', '12456')).toBe(true); // dropped
    expect(withinOneEdit('123456', '1234556')).toBe(true); // doubled
    expect(withinOneEdit('123456', '654321')).toBe(false);
    expect(withinOneEdit('123456', '1234')).toBe(false);
    expect(withinOneEdit('123456', '213465')).toBe(false);
  });

  it('scores name similarity', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(nameSimilarity('ACME MECHANICAL GMBH', 'Acme Mechanical GmbH')).toBe(1);
    expect(nameSimilarity('MUELLER BAECKEREI', 'Müller Bäckerei GmbH')).toBe(1);
    expect(nameSimilarity('KOWALKSI PLUMBING', 'Kowalski Plumbing LLC')).toBeGreaterThan(0.95);
    expect(nameSimilarity('SUMMIT LOGISTICS GRO', 'Summit Logistics Group')).toBe(0.96);
    expect(nameSimilarity('SUMMIT LOGISTICS', 'Summit Logistics Group')).toBeCloseTo(0.87, 2);
    expect(nameSimilarity('ACME LOGISTICS', 'Apex Logistics')).toBeLessThan(0.5);
  });

  it('reads shortened words and cut names, but not a word that merely begins another', () => {
    // a word shortened by the payer ("Techn.") or a name cut by the bank
    expect(nameSimilarity('MUSTER TECHN SERVICE', 'Muster Technik Service')).toBeGreaterThan(0.95);
    expect(nameSimilarity('STADTWERKE MUSTERSTADT NE', 'Stadtwerke Musterstadt Netz GmbH')).toBe(
      0.96,
    );
    // another word that begins the same, or one letter short: another company, or a typo
    expect(nameSimilarity('SUN MEDIA GMBH', 'Sunrise Media GmbH')).toBeLessThan(0.75);
    expect(nameSimilarity('SCHMID GMBH', 'Schmidt GmbH')).toBeLessThan(0.85);
    // a name with its legal form was not cut: "GmbH" after the words says they are whole
    expect(
      nameSimilarity('STADTWERKE MUSTERSTADT GMBH', 'Stadtwerke Musterstadt Netz GmbH'),
    ).toBeLessThan(0.85);
  });

  it('tells legal forms apart: a bank may cut a form, not add to it', () => {
    expect(legalFormsConflict('GMBH', 'GMBH CO KG')).toBe(false);
    expect(legalFormsConflict('GMBH CO KG', 'GMBH')).toBe(true);
    expect(legalFormsConflict('GMBH', 'SARL')).toBe(true);
    expect(legalFormsConflict('', 'GMBH')).toBe(false);
    expect(legalFormsConflict('GMBH', '')).toBe(false);
  });

  it('formats evidence amounts and discount shares exactly', () => {
    expect(displayAmount(123450n, 'EUR')).toBe('1,234.50');
    expect(displayAmount(-123456789n, 'USD')).toBe('-1,234,567.89');
    expect(displayAmount(1234567n, 'JPY')).toBe('1,234,567');
    expect(displayPercent(2469n, 123450n)).toBe('2%');
    expect(displayPercent(150n, 10000n)).toBe('1.5%');
  });
});

describe('findCombinations', () => {
  it('finds sets of 2..4 that add up, and at most the asked number of them', () => {
    const amounts = [100n, 250n, 300n, 450n, 1000n];
    expect(findCombinations(amounts, 550n, 2, 4).sort()).toEqual([
      [0, 3],
      [1, 2],
    ]);
    expect(findCombinations(amounts, 550n, 2, 4, 1)).toHaveLength(1);
    expect(findCombinations(amounts, 1800n, 2, 4)).toEqual([[0, 1, 3, 4]]);
    expect(findCombinations(amounts, 1800n, 2, 3)).toEqual([]);
    expect(findCombinations(amounts, 7n, 1, 4)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Fast paths, each against its plain definition
// ---------------------------------------------------------------------------

/** All index sets of 1..4 amounts that add up to the target, smallest first (the oracle). */
function bruteForceCombinations(amounts: readonly bigint[], target: bigint): number[][] {
  const found: number[][] = [];
  const extend = (set: number[], from: number, sum: bigint, size: number) => {
    if (set.length === size) {
      if (sum === target) found.push([...set]);
      return;
    }
    for (let i = from; i < amounts.length; i++) {
      extend([...set, i], i + 1, sum + amounts[i]!, size);
    }
  };
  for (let size = 1; size <= 4; size++) extend([], 0, 0n, size);
  return found;
}

const byText = (sets: number[][]) => sets.map((set) => set.join(',')).sort();

describe('fast paths', () => {
  it('findCombinations finds every set a brute-force search finds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 40n }), { maxLength: 9 }),
        fc.bigInt({ min: 1n, max: 120n }),
        (amounts, target) => {
          const found = findCombinations(amounts, target, 1, 4, 10_000);
          expect(byText(found)).toEqual(byText(bruteForceCombinations(amounts, target)));
          for (let k = 1; k < found.length; k++) {
            expect(found[k]!.length).toBeGreaterThanOrEqual(found[k - 1]!.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('nameWords reads a name as normalizeText does', () => {
    const pool = "aAzZ09 .'`’-&,/\tÄöüßÆœØłÉçñİıſ½⑴ЖΣς\u0301🙂𝐀";
    const text = fc
      .array(fc.constantFrom(...Array.from(pool)), { maxLength: 24 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 24 })), (name) => {
        const normalized = normalizeText(name);
        expect(nameWords(name)).toEqual(normalized === '' ? [] : normalized.split(' '));
      }),
      { numRuns: 2_000 },
    );
  });

  it('document numbers are read as documentKey reads them, and found by their digits', () => {
    const numberText = fc
      .array(fc.constantFrom(...Array.from('INVdmRE-/ #0012345678999ßÄİ')), { maxLength: 14 })
      .map((chars) => chars.join(''));
    const longNumber = fc.constantFrom('INV-1234567890123456789', 'ABCDEFGHIJKLMN-42', '0000');
    fc.assert(
      fc.property(fc.array(fc.oneof(numberText, longNumber), { maxLength: 30 }), (numbers) => {
        const table = new DocumentNumbers(numbers.length);
        numbers.forEach((number, i) =>
          table.add(i, item('acme', number, 1n, { poNumber: number })),
        );
        numbers.forEach((number, i) => {
          const key = documentKey(number);
          expect(table.prefixOf(i)).toBe(key.prefix);
          expect(table.coreOf(i)).toBe(key.core);
          expect(table.coreLengthOf(i)).toBe(Math.min(255, key.core.length));
          expect(table.poPrefixOf(i)).toBe(number ? key.prefix : '');
          if (key.core === '') return;
          const same = numbers.flatMap((other, k) =>
            documentKey(other).core === key.core ? [k] : [],
          );
          expect(table.itemsByCore(key.core)).toEqual(same);
          expect(table.itemsByPoCore(key.core)).toEqual(same.filter((k) => numbers[k] !== ''));
        });
        expect(table.itemsByCore('987654321098')).toEqual(
          numbers.flatMap((n, k) => (documentKey(n).core === '987654321098' ? [k] : [])),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('ItemsByKey files items as a Map of lists would', () => {
    const key = fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.constantFrom(2 ** 32, 2 ** 32 * 3 + 5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), (keys) => {
        const table = new ItemsByKey(Float64Array.from(keys), keys.length);
        const expected = new Map<number, number[]>();
        keys.forEach((k, i) => {
          table.add(i);
          expected.set(k, [...(expected.get(k) ?? []), i]);
          // asked while being filled, as well as at the end
          expect(table.get(k)).toEqual(expected.get(k));
        });
        for (const [k, filed] of expected) expect(table.get(k)).toEqual(filed);
        expect(table.get(0.5)).toEqual([]);
        expect(table.get(51)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('displayAmount groups exactly what formatAmount writes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.constantFrom('EUR', 'JPY', 'BHD', 'CLF'),
        (amount, currency) => {
          const shown = displayAmount(amount, currency);
          expect(shown.replace(/,/g, '')).toBe(formatAmount(amount, currency));
          expect(shown).toMatch(/^-?\d{1,3}(,\d{3})*(\.\d+)?$/);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('name look-ups give the same answers whatever was asked before', () => {
    const names = [
      'ACME MECHANICAL SARL',
      'Acme Mechanical GmbH',
      'ACME MECH',
      'Beta Logistcs',
      'gamma',
    ];
    const warm = new NameIndex();
    customers.forEach((c, i) => warm.add(i, c.name, false));
    for (const name of names) warm.query(name);
    for (const name of names) {
      const fresh = new NameIndex();
      customers.forEach((c, i) => fresh.add(i, c.name, false));
      expect(warm.query(name), name).toEqual(fresh.query(name));
    }
  });

  it('amounts beyond exact doubles are matched and summed in bigint', () => {
    const big = 2n ** 53n + 1n;
    const index = new MatchIndex({
      openItems: [
        item('acme', 'INV-900001', big),
        item('acme', 'INV-900002', big + 2n),
        item('beta', 'INV-900003', 5000n),
      ],
      customers,
      payerHints: hints,
    });
    const single = top(line({ amountMinor: big + 2n, counterpartyAccount: ACME_IBAN }), index)!;
    expect(docs(single)).toEqual(['doc-INV-900002']);
    const all = top(line({ amountMinor: 2n * big + 2n, counterpartyAccount: ACME_IBAN }), index)!;
    expect(docs(all).sort()).toEqual(['doc-INV-900001', 'doc-INV-900002']);
    expect(all.unappliedMinor).toBe(0n);
    expect(all.evidence[0]).toBe(
      `Amount ${displayAmount(2n * big + 2n, 'EUR')} equals all 2 open items of Acme Mechanical GmbH`,
    );
  });
});

// ---------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------

describe('MatchIndex evidence', () => {
  it('full number and exact amount', () => {
    const s = top(line({ amountMinor: 123450n, remittanceInfo: 'Payment INV-000123' }))!;
    expect(s.customerId).toBe('acme');
    expect(s.allocations).toEqual([
      { documentId: 'doc-INV-000123', amountMinor: 123450n, discountMinor: 0n },
    ]);
    expect(s.score).toBe(0.98);
    expect(s.evidence).toEqual([
      'Remittance names INV-000123',
      'Amount 1,234.50 equals the open balance of INV-000123',
    ]);
    expect(s.unappliedMinor).toBe(0n);
    expect(s.shortPayMinor).toBe(0n);
  });

  it('with the learned payer account as well', () => {
    const s = top(
      line({ amountMinor: 123450n, remittanceInfo: 'INV000123', counterpartyAccount: ACME_IBAN }),
    )!;
    expect(s.score).toBe(0.99);
    expect(s.evidence).toContain('Payer account DE89…3000 was used by Acme Mechanical GmbH before');
  });

  it('number without prefix, zeros dropped or added', () => {
    for (const written of ['123', '000123', 'INV-123', 'INV-0000123', 'Rechnung 123']) {
      const s = top(line({ amountMinor: 123450n, remittanceInfo: written }))!;
      expect(docs(s), written).toEqual(['doc-INV-000123']);
      expect(s.score, written).toBeGreaterThanOrEqual(0.95);
      expect(s.evidence[0]).toBe(`Remittance names INV-000123 (written "${written}")`);
    }
  });

  it('OCR letters in the number are read as digits', () => {
    const s = top(line({ amountMinor: 123450n, remittanceInfo: 'INV-0OO123' }))!;
    expect(docs(s)).toEqual(['doc-INV-000123']);
    expect(s.score).toBe(0.98);
  });

  it('a slipped digit is accepted with the amount, automatically only with the payer', () => {
    // INV-004321 written as INV-004312 (transposed): 4312 is no open document
    const text = 'INV-004312';
    const unknownPayer = top(line({ amountMinor: 99999n, remittanceInfo: text }))!;
    expect(docs(unknownPayer)).toEqual(['doc-INV-004321']);
    expect(unknownPayer.evidence[0]).toBe(
      'Remittance nearly names INV-004321 (written "INV-004312", one character off)',
    );
    expect(unknownPayer.score).toBeLessThan(0.9);
    const knownPayer = top(
      line({ amountMinor: 99999n, remittanceInfo: text, counterpartyName: 'BETA LOGISTICS LLC' }),
    )!;
    expect(docs(knownPayer)).toEqual(['doc-INV-004321']);
    expect(knownPayer.score).toBeGreaterThanOrEqual(0.9);
  });

  it('a slipped digit without corroboration names nothing', () => {
    const suggestions = book.match(line({ amountMinor: 1234n, remittanceInfo: 'INV-004312' }));
    expect(suggestions).toEqual([]);
  });

  it('several numbers in one line', () => {
    const s = top(line({ amountMinor: 173462n, remittanceInfo: 'RE: 123, 124' }))!;
    expect(docs(s)).toEqual(['doc-INV-000123', 'doc-INV-000124']);
    expect(s.evidence).toContain(
      'Amount 1,734.62 equals the open balances of INV-000123 and INV-000124',
    );
    expect(s.score).toBeGreaterThanOrEqual(0.95);
  });

  it('the amount of some of the named documents', () => {
    const s = top(line({ amountMinor: 50012n, remittanceInfo: 'INV-000123 INV-000124' }))!;
    expect(docs(s)).toEqual(['doc-INV-000124']);
    expect(s.evidence).toContain('Amount 500.12 equals INV-000124, 1 of the 2 named documents');
  });

  it('PO number', () => {
    const s = top(line({ amountMinor: 123450n, remittanceInfo: 'Your order PO-4711' }))!;
    expect(docs(s)).toEqual(['doc-INV-000123']);
    expect(s.evidence[0]).toBe('Remittance names PO PO-4711 of INV-000123 (written "PO-4711")');
  });

  it('customer number in the text identifies the payer', () => {
    const s = top(line({ amountMinor: 50012n, remittanceInfo: 'KD-NR C010023' }))!;
    expect(docs(s)).toEqual(['doc-INV-000124']);
    expect(s.score).toBe(0.93);
    expect(s.evidence).toContain(
      'Remittance quotes customer number C010023 of Acme Mechanical GmbH (written "C010023")',
    );
  });

  it('payer name alone, with an amount of one open item', () => {
    const s = top(line({ amountMinor: 50012n, counterpartyName: 'ACME MECHANICAL' }))!;
    expect(docs(s)).toEqual(['doc-INV-000124']);
    expect(s.score).toBe(0.93);
    expect(s.evidence).toEqual([
      'Amount 500.12 equals the open balance of INV-000124',
      'Payer name "ACME MECHANICAL" resembles customer "Acme Mechanical GmbH" (1.00)',
      'No document is named in the remittance text',
    ]);
  });

  it('a trading name on file counts as the customer name', () => {
    const s = top(line({ amountMinor: 33333n, counterpartyName: 'GAMMA TRADING' }))!;
    expect(s.customerId).toBe('gamma');
    expect(s.score).toBe(0.93);
    expect(s.evidence).toContain(
      'Payer name "GAMMA TRADING" resembles customer "Gamma Foods S.A." (1.00)',
    );
  });

  it('a round amount proves less', () => {
    const s = top(line({ amountMinor: 70000n, counterpartyName: 'BETA LOGISTICS' }))!;
    expect(docs(s)).toEqual(['doc-INV-000125']);
    expect(s.score).toBe(0.87);
    expect(s.evidence).toContain('A round amount: deposits and payments on account often are');
  });

  it('early-payment discount taken in time', () => {
    const s = top(
      line({ amountMinor: 120981n, remittanceInfo: 'INV-000123', valueDate: d('2026-03-11') }),
    )!;
    expect(s.allocations).toEqual([
      { documentId: 'doc-INV-000123', amountMinor: 120981n, discountMinor: 2469n },
    ]);
    expect(s.evidence).toContain(
      'Amount equals INV-000123 net of the 2% discount (24.69) taken by 2026-03-11',
    );
    expect(s.score).toBe(0.97);
  });

  it('a discount taken too late is a short pay', () => {
    const s = top(
      line({ amountMinor: 120981n, remittanceInfo: 'INV-000123', bookingDate: d('2026-03-12') }),
    )!;
    expect(s.allocations).toEqual([
      { documentId: 'doc-INV-000123', amountMinor: 120981n, discountMinor: 0n },
    ]);
    expect(s.shortPayMinor).toBe(2469n);
    expect(s.evidence).toContain(
      'The difference is the early-payment discount, which ended on 2026-03-11',
    );
    expect(s.score).toBeLessThan(0.9);
  });

  it('short pay: oldest due first, automatic only with a strong payer', () => {
    const text = 'INV-000123 INV-000124 less damaged goods';
    const unknown = top(line({ amountMinor: 150000n, remittanceInfo: text }))!;
    expect(unknown.allocations).toEqual([
      { documentId: 'doc-INV-000123', amountMinor: 123450n, discountMinor: 0n },
      { documentId: 'doc-INV-000124', amountMinor: 26550n, discountMinor: 0n },
    ]);
    expect(unknown.shortPayMinor).toBe(23462n);
    expect(unknown.unappliedMinor).toBe(0n);
    expect(unknown.score).toBe(0.84);
    const known = top(
      line({ amountMinor: 150000n, remittanceInfo: text, counterpartyAccount: ACME_IBAN }),
    )!;
    expect(known.score).toBe(0.92);
  });

  it('overpay: the rest stays unapplied', () => {
    const s = top(
      line({ amountMinor: 51000n, remittanceInfo: 'INV-000124', counterpartyAccount: ACME_IBAN }),
    )!;
    expect(docs(s)).toEqual(['doc-INV-000124']);
    expect(s.unappliedMinor).toBe(988n);
    expect(s.score).toBe(0.92);
    expect(s.evidence).toContain(
      'Amount exceeds the open 500.12 of INV-000124 by 9.88: left unapplied',
    );
  });

  it('overpay that is the original amount of a credited document', () => {
    const s = top(line({ amountMinor: 100000n, remittanceInfo: 'INV-000140' }))!;
    expect(s.allocations).toEqual([
      { documentId: 'doc-INV-000140', amountMinor: 77777n, discountMinor: 0n },
    ]);
    expect(s.unappliedMinor).toBe(22223n);
    expect(s.evidence[1]).toMatch(/^Amount 1,000.00 equals the original amount of INV-000140/);
  });

  it('overpay made up by an unnamed document', () => {
    const s = top(
      line({ amountMinor: 81427n, remittanceInfo: 'INV-000124', counterpartyAccount: ACME_IBAN }),
    )!;
    expect(docs(s).sort()).toEqual(['doc-INV-000124', 'doc-INV-000131']);
    expect(s.unappliedMinor).toBe(0n);
    expect(s.score).toBeCloseTo(0.96, 4);
  });

  it('lump sum: a combination of open items of the identified payer', () => {
    const s = top(line({ amountMinor: 81427n, counterpartyAccount: ACME_IBAN }))!;
    expect(docs(s).sort()).toEqual(['doc-INV-000124', 'doc-INV-000131']);
    expect(s.evidence[0]).toBe(
      'Amount 814.27 equals the sum of 2 open invoices of Acme Mechanical GmbH (INV-000124 and INV-000131), one of 6 possible sets of 2 among its 4 oldest items',
    );
    expect(s.score).toBe(0.91);
  });

  it('lump sum: all open items of the customer', () => {
    const s = top(line({ amountMinor: 282654n, counterpartyAccount: ACME_IBAN }))!;
    expect(docs(s)).toHaveLength(4);
    expect(s.evidence[0]).toBe('Amount 2,826.54 equals all 4 open items of Acme Mechanical GmbH');
    expect(s.score).toBe(0.93);
  });

  it('amount only, payer unknown: suggested, never automatic', () => {
    const s = top(line({ amountMinor: 70000n }))!;
    expect(s.customerId).toBe('beta');
    expect(s.score).toBeLessThan(0.5);
    expect(s.evidence).toContain(
      'The payer is unknown; this is the only open item with this amount',
    );
  });

  it('payer known, nothing adds up: a low suggestion, oldest first', () => {
    const s = top(line({ amountMinor: 60001n, counterpartyAccount: ACME_IBAN }))!;
    expect(s.score).toBe(0.35);
    expect(s.allocations[0]).toEqual({
      documentId: 'doc-INV-000123',
      amountMinor: 60001n,
      discountMinor: 0n,
    });
  });
});

// ---------------------------------------------------------------------------
// Safety rules
// ---------------------------------------------------------------------------

describe('MatchIndex safety', () => {
  it('two equally good answers: neither is automatic', () => {
    const suggestions = book.match(line({ amountMinor: 25000n, counterpartyName: 'Gamma Foods' }));
    expect(suggestions).toHaveLength(2);
    expect(new Set(suggestions.flatMap(docs))).toEqual(
      new Set(['doc-INV-000126', 'doc-INV-000127']),
    );
    for (const s of suggestions) {
      expect(s.score).toBeLessThan(0.9);
      expect(s.evidence.at(-1)).toMatch(
        /^Ambiguous: INV-00012[67] of Gamma Foods S.A. fits nearly as well/,
      );
    }
  });

  it('the ambiguity cap follows the organization threshold', () => {
    const strict = new MatchIndex(
      { openItems: items, customers, payerHints: hints },
      { autoApplyThreshold: 0.95 },
    );
    const [s] = strict.match(line({ amountMinor: 25000n, counterpartyName: 'Gamma Foods' }));
    expect(s!.score).toBe(0.85);
  });

  it('a document named for the amount is applied when another customer pays, less surely', () => {
    // Acme's account pays Beta's invoice (a group company, a factor): still the named document
    const [s] = book.match(
      line({ amountMinor: 99999n, remittanceInfo: '4321', counterpartyAccount: ACME_IBAN }),
    );
    expect(s!.customerId).toBe('beta');
    expect(s!.score).toBe(0.9);
    const [own] = book.match(
      line({ amountMinor: 99999n, remittanceInfo: '4321', counterpartyName: 'Beta Logistics' }),
    );
    expect(own!.score).toBe(0.98);
  });

  it('a short pay of another customer than the strong payer is not applied', () => {
    const [s] = book.match(
      line({ amountMinor: 90000n, remittanceInfo: 'INV-004321', counterpartyAccount: ACME_IBAN }),
    );
    expect(s!.customerId).toBe('beta');
    expect(s!.score).toBe(0.7);
  });

  it('currency must match', () => {
    const usd = book.match(
      line({ amountMinor: 10001n, currency: 'USD', remittanceInfo: 'INV-005555' }),
    );
    expect(docs(usd[0])).toEqual(['doc-INV-005555']);
    const eur = book.match(
      line({ amountMinor: 10001n, currency: 'EUR', remittanceInfo: 'INV-005555' }),
    );
    expect(eur).toEqual([]);
    const wrong = book.match(
      line({ amountMinor: 20002n, currency: 'USD', remittanceInfo: 'INV-005556' }),
    );
    expect(wrong).toEqual([]);
  });

  it('money out and zero lines get nothing', () => {
    expect(book.match(line({ amountMinor: -123450n, remittanceInfo: 'INV-000123' }))).toEqual([]);
    expect(book.match(line({ amountMinor: 0n, remittanceInfo: 'INV-000123' }))).toEqual([]);
  });

  it('returns at most maxSuggestions, best first', () => {
    const one = new MatchIndex(
      { openItems: items, customers, payerHints: hints },
      { maxSuggestions: 1 },
    );
    const l = line({ amountMinor: 25000n, counterpartyName: 'Gamma Foods' });
    expect(one.match(l)).toHaveLength(1);
    const all = book.match(line({ amountMinor: 70000n, remittanceInfo: '125 4321 123' }));
    const scores = all.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(all.length).toBeLessThanOrEqual(3);
  });

  it('maxCombination bounds the subset sum', () => {
    const pairsOnly = new MatchIndex(
      { openItems: items, customers, payerHints: hints },
      { maxCombination: 2 },
    );
    // 1,234.50 + 500.00 + 314.15 = 2,048.65 needs three items
    const l = line({ amountMinor: 204877n, counterpartyAccount: ACME_IBAN });
    const [three] = book.match(l);
    expect(docs(three)).toHaveLength(3);
    expect(three!.score).toBeGreaterThan(0.8);
    // with pairs only, no combination is found: what is left is the low "oldest first" answer
    const [fallback] = pairsOnly.match(l);
    expect(fallback!.score).toBe(0.35);
    expect(
      fallback!.evidence.some((e) => e.startsWith('No open item or combination of up to 2')),
    ).toBe(true);
  });

  it('never allocates above an open balance or the line amount, in bigint', () => {
    const s = top(
      line({
        amountMinor: 10n ** 15n,
        remittanceInfo: 'INV-000123',
        counterpartyAccount: ACME_IBAN,
      }),
    )!;
    expect(s.allocations).toEqual([
      { documentId: 'doc-INV-000123', amountMinor: 123450n, discountMinor: 0n },
    ]);
    expect(s.unappliedMinor).toBe(10n ** 15n - 123450n);
    expect(s.score).toBeLessThan(0.9); // a huge excess is not applied on its own
  });

  it('rejects an invalid threshold', () => {
    expect(
      () =>
        new MatchIndex({ openItems: [], customers: [], payerHints: [] }, { autoApplyThreshold: 0 }),
    ).toThrow();
  });
});

// ---------------------------------------------------------------------------
// Amounts the payer states per document ("INV-3001:100.00", as lockbox files write them)
// ---------------------------------------------------------------------------

describe('stated amounts in the remittance text', () => {
  const pairs = (text: string, lineMinor = 10n ** 9n, currency = 'USD') => {
    const found = readStatedAmounts(text, currency, lineMinor);
    return found && { amounts: found.pairs.map((p) => p.amountMinor), text: found.text };
  };

  it('reads REF:amount pairs with either decimal separator and blanks the amounts', () => {
    expect(pairs('INV-3001:100.00; INV-3002:50.00')).toEqual({
      amounts: [10000n, 5000n],
      text: 'INV-3001:      ; INV-3002:     ',
    });
    expect(pairs('INV-1001:1.000,00; INV-1002:234,50')?.amounts).toEqual([100000n, 23450n]);
    expect(pairs('INV-1001: 1,250.00 INV-1002 : 99.5')?.amounts).toEqual([125000n, 9950n]);
    expect(pairs('1001:100.00,1002:50.00')).toEqual({
      amounts: [10000n, 5000n],
      text: '1001:      ,1002:     ',
    });
    expect(pairs('1001:100,00,1002:50,00')?.amounts).toEqual([10000n, 5000n]);
    expect(pairs("INV-1001:1'234.50;INV-1002:250")?.amounts).toEqual([123450n, 25000n]);
    expect(pairs('(INV-1001):75.00')?.amounts).toEqual([7500n]);
  });

  it('finds no pairs where a colon is no stated amount, or the amounts cannot be used', () => {
    expect(pairs('INV-3001 INV-3002')).toBeNull();
    expect(pairs('RE: 123 124')).toBeNull(); // "RE" names no document
    expect(pairs('IBAN:DE89370400440532013000')).toBeNull();
    expect(pairs('INV-3001:100.00EUR')).toBeNull();
    expect(pairs('INV-3001:12.3.4')).toBeNull();
    expect(pairs('INV-3001:100.00; CM-17:-20.00')).toBeNull(); // a credit taken
    expect(pairs('INV-3001:0.00; INV-3002:50.00')).toBeNull();
    expect(pairs('INV-3001:100.00; INV-3002:50.00', 14999n)).toBeNull(); // more than the line
    expect(pairs('INV-3001:100.00; INV-3002:50.00', 15000n)?.amounts).toEqual([10000n, 5000n]);
    expect(pairs('INV-3001:100.00', 10n ** 9n, 'ZZZ')).toBeNull(); // no currency
  });

  it('reads an amount as people write one, in minor units of the currency', () => {
    const cases: Array<[string, number, bigint | null]> = [
      ['250', 2, 25000n],
      ['250.5', 2, 25050n],
      ['250,50', 2, 25050n],
      ['1,234.50', 2, 123450n],
      ['1.234,50', 2, 123450n],
      ['1,234', 2, 123400n], // three digits after a lone separator: thousands
      ['1.234.567', 2, 123456700n],
      ['1,234', 3, 1234n], // BHD has three decimals
      ['1,234', 0, 1234n], // JPY
      ['1.5', 0, null],
      ['1.234', 2, 123400n],
      ['12,34,5', 2, null],
      ['1,234.567,89', 2, null],
      ['1234567890123456', 2, null], // more integer digits than an amount has
    ];
    for (const [written, exponent, minor] of cases) {
      expect(readAmount(written, exponent), written).toBe(minor);
    }
  });
});

describe('MatchIndex with amounts the payer states', () => {
  const NORTH_ACCOUNT = '021000021123456789';
  const usd = (customerId: string, number: string, openMinor: bigint, extra: Partial<OpenItem>) =>
    item(customerId, number, openMinor, { currency: 'USD', ...extra });
  const statedItems: OpenItem[] = [
    usd('north', 'INV-3001', 10000n, { dueDate: d('2026-03-01') }),
    usd('north', 'INV-3002', 8000n, { dueDate: d('2026-03-02') }),
    usd('north', 'INV-3003', 20400n, {
      dueDate: d('2026-03-03'),
      discountDate: d('2026-03-15'),
      discountMinor: 408n,
    }),
    usd('north', 'INV-3004', 3000n, { amountMinor: 5000n, dueDate: d('2026-03-04') }),
    usd('north', 'INV-3750', 15000n, { dueDate: d('2026-03-05') }),
    usd('north', 'INV-3006', 4000n, { dueDate: d('2026-03-06') }),
    usd('north', 'INV-0150', 2500n, { dueDate: d('2026-02-15') }),
    usd('south', 'INV-4001', 5000n, { dueDate: d('2026-03-01') }),
    usd('south', 'INV-4002', 25000n, { dueDate: d('2026-03-02') }),
  ];
  const statedBook = new MatchIndex({
    openItems: statedItems,
    customers: [
      { id: 'north', name: 'Northwind Supply Inc.', accountNumber: 'C-77001' },
      { id: 'south', name: 'Southgate Foods LLC', accountNumber: 'C-77002' },
    ],
    payerHints: [{ customerId: 'north', account: NORTH_ACCOUNT, name: null }],
  });
  const check = (amountMinor: bigint, remittanceInfo: string, extra: Partial<MatchLine> = {}) =>
    line({ amountMinor, currency: 'USD', remittanceInfo, endToEndId: '10236', ...extra });
  const match = (l: MatchLine) => statedBook.match(l);
  const allocations = (s: Suggestion | undefined) =>
    s?.allocations.map((a) => [a.documentId, a.amountMinor, a.discountMinor]);

  it('amounts equal to the open balances: applied as stated, automatically', () => {
    const [s, ...others] = match(check(18000n, 'INV-3001:100.00;INV-3002:80.00'));
    expect(others).toEqual([]);
    expect(s!.customerId).toBe('north');
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3002', 8000n, 0n],
    ]);
    expect(s!.score).toBe(0.98);
    expect(s!.unappliedMinor).toBe(0n);
    expect(s!.shortPayMinor).toBe(0n);
    expect(s!.evidence).toEqual([
      'Remittance names INV-3001',
      'Remittance names INV-3002',
      "Payer's remittance: 100.00 to INV-3001, 80.00 to INV-3002",
      'Each stated amount equals the open balance of its document',
    ]);
    // with the payer's account known as well
    const [known] = match(
      check(18000n, 'INV-3001:100.00;INV-3002:80.00', { counterpartyAccount: NORTH_ACCOUNT }),
    );
    expect(known!.score).toBe(0.99);
  });

  it('a stated short pay stays open on the document the payer names, not the newest one', () => {
    // without amounts the oldest is paid first: 100.00 to INV-3001, 50.00 to INV-3002
    const [plain] = match(check(15000n, 'INV-3001 INV-3002'));
    expect(allocations(plain)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3002', 5000n, 0n],
    ]);
    const [s] = match(check(15000n, 'INV-3001:70.00; INV-3002:80.00'));
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 7000n, 0n],
      ['doc-INV-3002', 8000n, 0n],
    ]);
    expect(s!.shortPayMinor).toBe(3000n);
    expect(s!.unappliedMinor).toBe(0n);
    expect(s!.score).toBe(0.84); // a short pay: automatic only with a strong payer
    expect(s!.evidence).toEqual([
      'Remittance names INV-3001',
      'Remittance names INV-3002',
      "Payer's remittance: 70.00 to INV-3001, 80.00 to INV-3002",
      '70.00 to INV-3001 leaves 30.00 of its open 100.00 unpaid: short pay',
    ]);
    const [known] = match(
      check(15000n, 'INV-3001:70.00; INV-3002:80.00', { counterpartyAccount: NORTH_ACCOUNT }),
    );
    expect(allocations(known)).toEqual(allocations(s));
    expect(known!.score).toBe(0.92);
  });

  it('a stated short pay is not outdone by another open item that equals the amount', () => {
    // INV-3750 owes 150.00, the amount of the check; the payer says what it pays instead
    const [s, ...others] = match(
      check(15000n, 'INV-3001:70.00; INV-3002:80.00', { counterpartyName: 'Northwind Supply' }),
    );
    expect(docs(s)).toEqual(['doc-INV-3001', 'doc-INV-3002']);
    expect(others.flatMap(docs)).not.toContain('doc-INV-3750');
    expect(s!.score).toBe(0.92);
  });

  it('the balance net of a discount still allowed takes the discount', () => {
    const text = 'INV-3001:100.00; INV-3003:199.92';
    const [s] = match(check(29992n, text, { valueDate: d('2026-03-15') }));
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3003', 19992n, 408n],
    ]);
    expect(s!.shortPayMinor).toBe(0n);
    expect(s!.score).toBe(0.97);
    expect(s!.evidence).toContain(
      '199.92 to INV-3003 is its open 204.00 net of the 2% discount (4.08) taken by 2026-03-15',
    );
    // a day late the discount is gone: a short pay of 4.08, said so
    const [late] = match(check(29992n, text, { valueDate: d('2026-03-16') }));
    expect(allocations(late)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3003', 19992n, 0n],
    ]);
    expect(late!.shortPayMinor).toBe(408n);
    expect(late!.score).toBe(0.84);
    expect(late!.evidence).toContain(
      '199.92 to INV-3003 leaves 4.08 of its open 204.00 unpaid: short pay; the difference is the early-payment discount, which ended on 2026-03-15',
    );
  });

  it('a stated amount above the open balance is capped at it; the excess stays unapplied', () => {
    const text = 'INV-3001:100.00; INV-3002:85.00';
    const [s] = match(check(18500n, text, { counterpartyAccount: NORTH_ACCOUNT }));
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3002', 8000n, 0n],
    ]);
    expect(s!.unappliedMinor).toBe(500n);
    expect(s!.shortPayMinor).toBe(0n);
    expect(s!.score).toBe(0.92); // an overpay: automatic only with a strong payer
    expect(s!.evidence).toContain(
      '85.00 to INV-3002 exceeds its open 80.00: 80.00 applied, 5.00 stays unapplied',
    );
    const [unknown] = match(check(18500n, text));
    expect(allocations(unknown)).toEqual(allocations(s));
    expect(unknown!.score).toBe(0.84);
    // far above what is open: less sure still
    const [large] = match(check(30000n, 'INV-3001:100.00; INV-3002:200.00'));
    expect(allocations(large)).toEqual(allocations(s));
    expect(large!.unappliedMinor).toBe(12000n);
    expect(large!.score).toBeCloseTo(0.74, 4);
    expect(large!.evidence).toContain(
      'The excess is large: the payment may be for documents not named',
    );
  });

  it('the original amount of a credited document: what is open is applied, the rest unapplied', () => {
    const [s] = match(check(15000n, 'INV-3001:100.00; INV-3004:50.00'));
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3004', 3000n, 0n],
    ]);
    expect(s!.unappliedMinor).toBe(2000n);
    expect(s!.score).toBe(0.9);
    expect(s!.evidence).toContain(
      '50.00 to INV-3004 is its original amount; 30.00 is open after credits or payments, 20.00 stays unapplied',
    );
  });

  it('amounts that give one document more and another less are held for review', () => {
    // the check pays both in full, but the split is swapped: 100.00 is INV-3001's balance
    const [s] = match(
      check(18000n, 'INV-3001:80.00; INV-3002:100.00', { counterpartyAccount: NORTH_ACCOUNT }),
    );
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 8000n, 0n],
      ['doc-INV-3002', 8000n, 0n],
    ]);
    expect(s!.shortPayMinor).toBe(2000n);
    expect(s!.unappliedMinor).toBe(2000n);
    // 0.92 for an overpay by a strong payer, −0.10 for the split, −0.10 for 20.00 over 180.00
    expect(s!.score).toBeCloseTo(0.72, 4);
    expect(s!.evidence).toContain(
      'The stated amounts give one document more than it owes and another less: the split may be wrong',
    );
  });

  it('a reference without an amount takes what is left, oldest due first', () => {
    const [s] = match(check(22000n, 'INV-3002:80.00; INV-3006; INV-3001'));
    expect(allocations(s)).toEqual([
      ['doc-INV-3002', 8000n, 0n],
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3006', 4000n, 0n],
    ]);
    expect(s!.score).toBe(0.98);
    expect(s!.evidence).toEqual([
      'Remittance names INV-3002',
      'Remittance names INV-3001',
      'Remittance names INV-3006',
      "Payer's remittance: 80.00 to INV-3002",
      'INV-3001 and INV-3006, named without amounts, get the rest (140.00), oldest due first',
      'Each stated amount equals the open balance of its document',
    ]);
    // less left than they owe: the newest of them is short paid
    const [short] = match(check(20000n, 'INV-3002:80.00; INV-3006; INV-3001'));
    expect(allocations(short)).toEqual([
      ['doc-INV-3002', 8000n, 0n],
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3006', 2000n, 0n],
    ]);
    expect(short!.shortPayMinor).toBe(2000n);
  });

  it('amounts that do not add up to the line: answered as without them', () => {
    const over = 'INV-3001:100.00; INV-3002:60.00'; // 160.00 for a check of 150.00
    expect(match(check(15000n, over))).toEqual(match(check(15000n, 'INV-3001; INV-3002')));
    const under = 'INV-3001:100.00; INV-3002:30.00'; // 130.00, nothing named without an amount
    expect(match(check(15000n, under))).toEqual(match(check(15000n, 'INV-3001; INV-3002')));
    expect(match(check(15000n, under))[0]!.evidence.join(' ')).not.toContain("Payer's");
  });

  it('an unknown reference or one of another customer gains nothing from its amount', () => {
    const unknown = 'INV-3001:100.00; INV-9999:50.00';
    expect(match(check(15000n, unknown))).toEqual(match(check(15000n, 'INV-3001 INV-9999')));
    expect(match(check(15000n, unknown))[0]!.score).toBeLessThan(0.9);
    // INV-4001 is Southgate's: the two references do not resolve to one customer
    const split = match(check(15000n, 'INV-3001:100.00; INV-4001:50.00'));
    expect(split).toEqual(match(check(15000n, 'INV-3001 INV-4001')));
    for (const s of split) expect(s.score).toBeLessThan(0.9);
  });

  it('amounts without decimals are not read as document numbers', () => {
    // read as a number, "150" would name INV-0150 (due first), which would take what is left
    const [s] = match(check(29000n, 'INV-3001:100;INV-3750:150;INV-3006'));
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3750', 15000n, 0n],
      ['doc-INV-3006', 4000n, 0n],
    ]);
    expect(s!.score).toBe(0.98);
    expect(s!.evidence.join(' ')).not.toContain('INV-0150');
  });

  it('digits without the prefix, and a bank text around the pairs, are read the same', () => {
    const [s] = match(
      check(18000n, 'SVWZ+Payment advice 3001: 100.00 / 3002: 80.00 thank you', {
        endToEndId: null,
      }),
    );
    expect(allocations(s)).toEqual([
      ['doc-INV-3001', 10000n, 0n],
      ['doc-INV-3002', 8000n, 0n],
    ]);
    expect(s!.score).toBe(0.95);
    expect(s!.evidence).toContain("Payer's remittance: 100.00 to INV-3001, 80.00 to INV-3002");
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const propertyBook: fc.Arbitrary<PropertyBook> = fc.record({
  amounts: fc.array(fc.bigInt({ min: 1n, max: 500_000n }), { minLength: 1, maxLength: 30 }),
  owners: fc.array(fc.nat(4), { minLength: 30, maxLength: 30 }),
  credited: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
  discounted: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
});

type PropertyBook = {
  amounts: bigint[];
  owners: number[];
  credited: boolean[];
  discounted: boolean[];
};

function buildPropertyIndex(spec: PropertyBook): { items: OpenItem[]; index: MatchIndex } {
  const names = [
    'Acme Steel GmbH',
    'Acme Steel SARL',
    'Beta Foods LLC',
    'Gamma Paper Inc.',
    'Delta Tools AG',
  ];
  const propertyCustomers = names.map((name, i) => ({
    id: `c${i}`,
    name,
    accountNumber: `C0${i}`,
  }));
  const propertyItems = spec.amounts.map((amount, i) =>
    item(
      `c${spec.owners[i]!}`,
      `INV-${String(100 + i).padStart(6, '0')}`,
      spec.credited[i] ? amount - amount / 3n : amount,
      {
        id: `p${i}`,
        amountMinor: amount,
        currency: i % 7 === 6 ? 'USD' : 'EUR',
        discountDate: spec.discounted[i] ? d('2026-03-10') : null,
        discountMinor: spec.discounted[i] ? amount / 50n : 0n,
      },
    ),
  );
  const propertyHints = [
    { customerId: 'c0', account: 'DE00111', name: null },
    { customerId: 'c1', account: 'DE00111', name: null },
  ];
  return {
    items: propertyItems,
    index: new MatchIndex({
      openItems: propertyItems,
      customers: propertyCustomers,
      payerHints: propertyHints,
    }),
  };
}

const propertyLine = fc.record({
  amount: fc.bigInt({ min: 1n, max: 3_000_000n }),
  picks: fc.array(fc.nat(29), { maxLength: 5 }),
  useSum: fc.boolean(),
  cut: fc.bigInt({ min: 0n, max: 5_000n }),
  name: fc.constantFrom(null, 'ACME STEEL', 'BETA FOODS', 'GAMA PAPER', 'SOMEONE ELSE'),
  account: fc.constantFrom(null, 'DE00111', 'DE00999'),
  prefix: fc.constantFrom('INV-', '', 'RE ', 'Inv#'),
  currency: fc.constantFrom('EUR', 'EUR', 'USD'),
});

describe('MatchIndex properties', () => {
  it('allocations stay within the line, the open balances and one customer', () => {
    fc.assert(
      fc.property(propertyBook, propertyLine, (spec, l) => {
        const { items: book2, index } = buildPropertyIndex(spec);
        const picked = [...new Set(l.picks.filter((p) => p < book2.length))].map((p) => book2[p]!);
        const sum = picked.reduce((s, it) => s + it.openMinor, 0n);
        const amount = l.useSum && sum > l.cut ? sum - l.cut : l.amount;
        const suggestions = index.match(
          line({
            amountMinor: amount,
            currency: l.currency,
            remittanceInfo: picked.map((it) => `${l.prefix}${it.number.slice(4)}`).join(', '),
            counterpartyName: l.name,
            counterpartyAccount: l.account,
          }),
        );
        const byId = new Map(book2.map((it) => [it.id, it]));
        expect(suggestions.length).toBeLessThanOrEqual(3);
        let previous = 1;
        for (const s of suggestions) {
          expect(s.score).toBeGreaterThanOrEqual(0);
          expect(s.score).toBeLessThanOrEqual(previous);
          previous = s.score;
          let applied = 0n;
          const seen = new Set<string>();
          for (const a of s.allocations) {
            const it = byId.get(a.documentId)!;
            expect(it.customerId).toBe(s.customerId);
            expect(it.currency).toBe(l.currency);
            expect(a.amountMinor).toBeGreaterThan(0n);
            expect(a.discountMinor).toBeGreaterThanOrEqual(0n);
            expect(a.amountMinor + a.discountMinor).toBeLessThanOrEqual(it.openMinor);
            expect(seen.has(a.documentId)).toBe(false);
            seen.add(a.documentId);
            applied += a.amountMinor;
          }
          expect(applied).toBeLessThanOrEqual(amount);
          expect(s.unappliedMinor).toBe(amount - applied);
          expect(s.shortPayMinor).toBeGreaterThanOrEqual(0n);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a fully named, exactly paid set is found and applied', () => {
    fc.assert(
      fc.property(
        propertyBook,
        fc.array(fc.nat(29), { minLength: 1, maxLength: 4 }),
        (spec, picks) => {
          const { items: book2, index } = buildPropertyIndex(spec);
          const first = book2[picks[0]! % book2.length]!;
          const picked = [...new Set(picks.map((p) => book2[p % book2.length]!))].filter(
            (it) => it.customerId === first.customerId && it.currency === first.currency,
          );
          const amount = picked.reduce((s, it) => s + it.openMinor, 0n);
          const [s] = index.match(
            line({
              amountMinor: amount,
              currency: first.currency,
              remittanceInfo: picked.map((it) => it.number).join(' '),
            }),
          );
          expect(s).toBeDefined();
          expect(s!.customerId).toBe(first.customerId);
          expect(new Set(docs(s))).toEqual(new Set(picked.map((it) => it.id)));
          expect(s!.score).toBeGreaterThanOrEqual(0.9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('MatchIndex properties of stated amounts', () => {
  it('amounts that add up are applied as stated, never above what is open', () => {
    fc.assert(
      fc.property(
        propertyBook,
        fc.array(fc.nat(29), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 4, maxLength: 4 }),
        (spec, picks, kinds, others) => {
          const { items: book2, index } = buildPropertyIndex(spec);
          const first = book2[picks[0]! % book2.length]!;
          const picked = [...new Set(picks.map((p) => book2[p % book2.length]!))].filter(
            (it) => it.customerId === first.customerId && it.currency === first.currency,
          );
          // per document: its open balance, its discounted balance, less, or any amount
          const stated = picked.map((it, k) => {
            const kind = kinds[k]!;
            if (kind === 0 || (kind === 1 && it.discountDate === null)) return it.openMinor;
            if (kind === 1) return it.openMinor - it.discountMinor;
            if (kind === 2 && it.openMinor > 1n) return it.openMinor - 1n;
            return others[k]!;
          });
          const amount = stated.reduce((sum, x) => sum + x, 0n);
          const text = picked
            .map((it, k) => `${it.number}:${formatAmount(stated[k]!, it.currency)}`)
            .join('; ');
          const suggestions = index.match(
            line({ amountMinor: amount, currency: first.currency, remittanceInfo: text }),
          );
          const s = suggestions.find((x) => x.customerId === first.customerId);
          expect(s, text).toBeDefined();
          const expected = picked.map((it, k) => {
            const x = stated[k]!;
            const net = it.discountDate !== null && x === it.openMinor - it.discountMinor;
            return {
              documentId: it.id,
              amountMinor: x < it.openMinor ? x : it.openMinor,
              discountMinor: net && x < it.openMinor ? it.discountMinor : 0n,
            };
          });
          expect(s!.allocations).toEqual(expected);
          const applied = expected.reduce((sum, a) => sum + a.amountMinor, 0n);
          expect(s!.unappliedMinor).toBe(amount - applied);
          expect(s!.evidence).toContain(
            `Payer's remittance: ${picked
              .map((it, k) => `${displayAmount(stated[k]!, it.currency)} to ${it.number}`)
              .join(', ')}`,
          );
          const exact = stated.every((x, k) => x === picked[k]!.openMinor);
          if (exact) expect(s!.score).toBeGreaterThanOrEqual(0.9);
          // above what is open (and not the original amount of a credited document): no auto-apply
          const over = (x: bigint, it: OpenItem) => x > it.openMinor && x !== it.amountMinor;
          if (stated.some((x, k) => over(x, picked[k]!))) expect(s!.score).toBeLessThan(0.9);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------
// The benchmark scenario, small
// ---------------------------------------------------------------------------

describe('remittance scenario', () => {
  const spec = { customers: 500, openItems: 5_000, lines: 2_000, seed: 42 };

  it('is the same for the same seed', () => {
    const a = generateRemittanceScenario({ ...spec, lines: 50 });
    const b = generateRemittanceScenario({ ...spec, lines: 50 });
    expect(b.lines).toEqual(a.lines);
    expect(b.openItems.slice(0, 20)).toEqual(a.openItems.slice(0, 20));
    const other = generateRemittanceScenario({ ...spec, lines: 50, seed: 43 });
    expect(other.lines).not.toEqual(a.lines);
  });

  it('auto-matches ≥ 95 % of the lines with a true match and ≤ 0.1 % falsely', () => {
    const scenario = generateRemittanceScenario(spec);
    const truths = scenario.lines.filter((l) => l.truth !== null).length;
    expect(truths).toBeGreaterThan(1_700);
    for (const l of scenario.lines.filter((x) => x.truth)) {
      const ids = new Set(scenario.openItems.map((it) => it.id));
      expect(l.truth!.documentIds.every((id) => ids.has(id))).toBe(true);
    }
    const index = new MatchIndex(scenario);
    const result = evaluate(index, scenario.lines);
    expect(result.lines).toBe(2_000);
    expect(result.withTrueMatch).toBe(truths);
    expect(result.autoMatchRate).toBeGreaterThanOrEqual(0.95);
    expect(result.falseMatchRate).toBeLessThanOrEqual(0.001);
    expect(result.autoApplied).toBe(result.autoCorrect + result.falseMatches);
    // every kind with a true match is found at least as the best suggestion most of the time
    for (const [kind, figures] of Object.entries(result.byKind)) {
      if (kind === 'nonAr' || figures.lines === 0) continue;
      expect(figures.topCorrect / figures.lines, kind).toBeGreaterThan(0.6);
    }
    expect(result.byKind.nonAr.autoCorrect).toBe(0);
  });

  it('judges correctness by customer and the exact set of documents', () => {
    const truth = { customerId: 'c', documentIds: ['a', 'b'] };
    const suggestion = (ids: string[], customerId = 'c'): Suggestion => ({
      customerId,
      allocations: ids.map((documentId) => ({ documentId, amountMinor: 1n, discountMinor: 0n })),
      score: 1,
      evidence: [],
      unappliedMinor: 0n,
      shortPayMinor: 0n,
    });
    expect(isCorrect(suggestion(['b', 'a']), truth)).toBe(true);
    expect(isCorrect(suggestion(['a']), truth)).toBe(false);
    expect(isCorrect(suggestion(['a', 'b', 'x']), truth)).toBe(false);
    expect(isCorrect(suggestion(['a', 'a']), truth)).toBe(false);
    expect(isCorrect(suggestion(['a', 'b', 'a']), truth)).toBe(true);
    expect(isCorrect(suggestion(['a', 'b'], 'other'), truth)).toBe(false);
    expect(isCorrect(suggestion(['a', 'b']), null)).toBe(false);
  });
});
