/**
 * Damaged bank files: whatever happens to a real file on its way (cut off, a character
 * changed, inserted or lost, a line repeated), the import either reads it or refuses it with a
 * BankFileError that says where (which becomes a 400 naming the line or element). Any other
 * exception would be a 500 with nothing for the user to fix. Every format is damaged from its
 * own fixtures, CSV and lockbox files with the mappings their tests use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  balanceProblem,
  BankFileError,
  parseBankFile,
  type CsvStatementMapping,
  type ParseBankFileOptions,
} from '../../src/modules/banking/parsers/index.ts';
import {
  COMMA_DECIMAL_CSV,
  DEBIT_CREDIT_CSV,
  DOT_DECIMAL_CSV,
  NO_HEADER_CSV,
  REPEATED_COLUMNS_LOCKBOX,
} from './support/fixture-mappings.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/bank');

/** Every bank file under the format's fixture folder (notices and licences left out). */
function filesOf(format: string): Buffer[] {
  return readdirSync(path.join(FIXTURES, format), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/^(NOTICE|LICENSE)|\.(md|json|ts)$/.test(e.name))
    .map((e) => readFileSync(path.join(e.parentPath, e.name)));
}

const CHARACTERS = '0123456789-+.,;:/ "\'\n\r\t|()<>=&?$€ABCDEFXYZabcdez';

type Damage =
  | { kind: 'cut off'; at: number }
  | { kind: 'changed'; at: number; char: string }
  | { kind: 'inserted'; at: number; char: string }
  | { kind: 'lost'; at: number; length: number }
  | { kind: 'repeated line'; at: number; line: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('cut off' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('changed' as const),
    at: fc.nat(),
    char: fc.constantFrom(...CHARACTERS),
  }),
  fc.record({
    kind: fc.constant('inserted' as const),
    at: fc.nat(),
    char: fc.constantFrom(...CHARACTERS),
  }),
  fc.record({
    kind: fc.constant('lost' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({ kind: fc.constant('repeated line' as const), at: fc.nat(), line: fc.nat() }),
);

/** Latin-1 keeps one character per byte, so every position of the file can be hit. */
function damaged(file: Buffer, damages: readonly Damage[]): Buffer {
  let text = file.toString('latin1');
  for (const d of damages) {
    const at = d.at % (text.length + 1);
    if (d.kind === 'cut off') text = text.slice(0, at);
    else if (d.kind === 'changed') text = text.slice(0, at) + d.char + text.slice(at + 1);
    else if (d.kind === 'inserted') text = text.slice(0, at) + d.char + text.slice(at);
    else if (d.kind === 'lost') text = text.slice(0, at) + text.slice(at + d.length);
    else {
      const lines = text.split('\n');
      lines.splice(at % lines.length, 0, lines[d.line % lines.length]!);
      text = lines.join('\n');
    }
  }
  return Buffer.from(text, 'latin1');
}

/** Reads the file or refuses it as a bank file error; anything else fails the property. */
function readsOrRefuses(bytes: Buffer, options: ParseBankFileOptions): void {
  try {
    for (const statement of parseBankFile(bytes, options).statements) balanceProblem(statement);
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    if (error.line !== null) expect(error.line).toBeGreaterThan(0);
  }
}

const csv = (mapping: CsvStatementMapping, currency = 'USD'): ParseBankFileOptions => ({
  csv: { accountIdentifier: 'US64SVBKUS6S3300958879', currency, mapping },
});
const lockbox = (extra: object = {}): ParseBankFileOptions => ({
  lockbox: { accountIdentifier: 'LOCKBOX-778', currency: 'USD', ...extra },
});
const csvFile = (name: string) => readFileSync(path.join(FIXTURES, 'csv', name));
const lockboxFile = (name: string) => readFileSync(path.join(FIXTURES, 'lockbox', name));

const cases: Array<[string, Buffer[], ParseBankFileOptions]> = [
  ['camt.052/053/054', filesOf('camt'), {}],
  ['MT940 / MT942', filesOf('mt940'), {}],
  ['BAI2', filesOf('bai2'), {}],
  ['CSV with a header', [csvFile('dot-decimal.csv')], csv(DOT_DECIMAL_CSV)],
  ['CSV with "," decimals', [csvFile('comma-decimal-latin1.csv')], csv(COMMA_DECIMAL_CSV, 'EUR')],
  ['CSV with debit and credit columns', [csvFile('debit-credit.csv')], csv(DEBIT_CREDIT_CSV)],
  ['CSV without a header', [csvFile('no-header.csv')], csv(NO_HEADER_CSV)],
  ['lockbox, default columns', [lockboxFile('default-columns.csv')], lockbox()],
  [
    'lockbox, repeated invoice columns',
    [lockboxFile('repeated-columns.csv')],
    lockbox(REPEATED_COLUMNS_LOCKBOX),
  ],
];

describe('damaged bank files are read or refused with a bank file error', () => {
  for (const [format, files, options] of cases) {
    it(format, () => {
      expect(files.length).toBeGreaterThan(0);
      // each fixture as it is (read, or refused where the sample is invalid), then damaged
      for (const file of files) readsOrRefuses(file, options);
      fc.assert(
        fc.property(
          fc.nat({ max: files.length - 1 }),
          fc.array(damage, { minLength: 1, maxLength: 3 }),
          (which, damages) => readsOrRefuses(damaged(files[which]!, damages), options),
        ),
        { numRuns: 400 },
      );
    });
  }
});
