/**
 * Bank files inside ZIP archives and gzip files: each file inside is read as a bank file of its
 * own, what operating systems add is left out, and a damaged, nested, oversized or foreign
 * archive is refused with a message naming the file at fault.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  BankFileError,
  parseBankFile,
  unpackBankFile,
} from '../../src/modules/banking/parsers/index.ts';

const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/bank/${path}`, import.meta.url));
const CAMT = fixture('camt/genkgo_camt/camt053.v4.xml');
const MT940 = fixture('mt940/betterplace_mt940_parser/sepa_snippet.txt');
const BAI2 = fixture('bai2/dunwell/two-accounts.bai');

const zip = (files: Record<string, Uint8Array>) => Buffer.from(zipSync(files));

function errorOf(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BankFileError);
    return error as BankFileError;
  }
  throw new Error('expected a BankFileError');
}

describe('ZIP archives', () => {
  it('reads every bank file inside, in name order, each as if uploaded alone', () => {
    const archive = zip({
      'statements/2-mt940.txt': MT940,
      'statements/1-camt.xml': CAMT,
      'statements/3-bai2.bai': BAI2,
    });
    const parsed = parseBankFile(archive, { fileName: 'day.zip' });
    const alone = [
      ...parseBankFile(CAMT).statements,
      ...parseBankFile(MT940).statements,
      ...parseBankFile(BAI2).statements,
    ];
    expect(parsed.format).toBe('camt.053');
    expect(parsed.statements.map(({ sourceFile: _file, ...s }) => s)).toEqual(alone);
    expect(parsed.statements.map((s) => s.sourceFile)).toEqual([
      'day.zip/statements/1-camt.xml',
      ...parseBankFile(MT940).statements.map(() => 'day.zip/statements/2-mt940.txt'),
      ...parseBankFile(BAI2).statements.map(() => 'day.zip/statements/3-bai2.bai'),
    ]);
    expect(parsed.statements.map((s) => s.format)).toContain('mt940');
    expect(parsed.statements.map((s) => s.format)).toContain('bai2');
  });

  it('leaves out folders, macOS resource forks and hidden files', () => {
    const archive = zip({
      'export/': new Uint8Array(),
      'export/camt.xml': CAMT,
      '__MACOSX/export/._camt.xml': strToU8('not a bank file'),
      'export/.DS_Store': strToU8('not a bank file'),
      'Thumbs.db': strToU8('not a bank file'),
    });
    expect(unpackBankFile(archive, 'a.zip').map((p) => p.name)).toEqual(['export/camt.xml']);
    expect(parseBankFile(archive).statements).toHaveLength(1);
  });

  it('names the file inside the archive, and its line, when that file cannot be read', () => {
    const broken = strToU8(
      ':20:REF\n:25:12345678\n:28C:1/1\n:60F:C261116EUR100,00\n:61:2611161116C12,3,4NTRFNONREF\n:62F:C261116EUR112,34\n-',
    );
    const error = errorOf(() =>
      parseBankFile(zip({ 'a-camt.xml': CAMT, 'b-broken.sta': broken }), { fileName: 'x.zip' }),
    );
    expect(error.message).toMatch(/^b-broken\.sta: /);
    expect(error.line).toBe(5);
    const foreign = errorOf(() =>
      parseBankFile(zip({ 'camt.xml': CAMT, 'readme.pdf': strToU8('%PDF-1.4 ...') })),
    );
    expect(foreign.message).toMatch(/^readme\.pdf: the file is not a bank statement Dunwell knows/);
  });

  it('refuses an archive inside the archive, an empty one and a damaged one', () => {
    expect(errorOf(() => parseBankFile(zip({ 'inner.zip': zip({ 'c.xml': CAMT }) }))).message).toBe(
      'inner.zip: an archive inside the archive; upload the inner archive on its own',
    );
    expect(errorOf(() => parseBankFile(zip({}))).message).toBe('the ZIP archive holds no file');
    expect(errorOf(() => parseBankFile(zip({ 'only/': new Uint8Array() }))).message).toBe(
      'the ZIP archive holds no file',
    );
    const damaged = zip({ 'camt.xml': CAMT });
    // the end-of-central-directory record is cut off
    expect(errorOf(() => parseBankFile(damaged.subarray(0, damaged.length - 30))).message).toMatch(
      /^the ZIP archive cannot be opened: /,
    );
    // the deflated data is overwritten
    const garbled = Buffer.from(damaged);
    garbled.fill(0xff, 40, 400);
    expect(errorOf(() => parseBankFile(garbled)).message).toMatch(
      /^the ZIP archive cannot be opened: /,
    );
  });

  it('refuses archives that unpack to too much or hold too many files, before unpacking them', () => {
    const many = zip(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.xml`, CAMT])));
    expect(() => unpackBankFile(many, 'm.zip', { bytes: 1e9, files: 6 })).not.toThrow();
    expect(errorOf(() => unpackBankFile(many, 'm.zip', { bytes: 1e9, files: 5 })).message).toBe(
      'the ZIP archive holds more than 5 files',
    );
    expect(
      errorOf(() => unpackBankFile(many, 'm.zip', { bytes: CAMT.length * 6 - 1, files: 10 }))
        .message,
    ).toMatch(/^the ZIP archive unpacks to more than \d+ MiB; split it/);
    // a size declared in the central directory is what is checked: a lying header claiming
    // 4 GiB is refused at the default limit without inflating anything
    const lying = zip({ 'camt.xml': CAMT });
    const central = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(0xffff0000, central + 24);
    expect(errorOf(() => parseBankFile(lying)).message).toMatch(
      /^the ZIP archive unpacks to more than 256 MiB/,
    );
  });
});

describe('gzip files', () => {
  it('reads the bank file inside, under the upload name without .gz', () => {
    const packed = gzipSync(MT940);
    expect(unpackBankFile(packed, 'day.sta.gz')).toEqual([
      { name: 'day.sta', member: false, bytes: MT940 },
    ]);
    const parsed = parseBankFile(packed, { fileName: 'day.sta.gz' });
    expect(parsed).toEqual(parseBankFile(MT940));
    expect(parsed.statements[0]?.sourceFile).toBeUndefined();
  });

  it('refuses a damaged gzip file, one that unpacks to too much, and an archive inside', () => {
    const packed = gzipSync(CAMT);
    expect(errorOf(() => parseBankFile(packed.subarray(0, 40))).message).toMatch(
      /^the gzip file cannot be unpacked: /,
    );
    expect(
      errorOf(() => unpackBankFile(packed, 'c.xml.gz', { bytes: CAMT.length - 1, files: 1 }))
        .message,
    ).toMatch(/^the gzip file unpacks to more than \d+ MiB$/);
    expect(
      errorOf(() => parseBankFile(gzipSync(zip({ 'c.xml': CAMT })), { fileName: 'c.zip.gz' }))
        .message,
    ).toBe('c.zip: an archive inside the gzip file; upload it unpacked');
  });
});
