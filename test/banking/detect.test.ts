import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  UNKNOWN_BANK_FILE_MESSAGE,
  decodeBankFile,
  detectBankFormat,
  parseBankFile,
} from '../../src/modules/banking/parsers/index.ts';
import { BankFileError } from '../../src/modules/banking/parsers/statement.ts';
import { SHARED_SAMPLES } from '../support/samples.ts';

/** Samples written by others, beside the repository. */
const SHARED = `${SHARED_SAMPLES}/`;
const sharedAvailable = existsSync(SHARED);
if (!sharedAvailable && process.env.CI === 'true') {
  throw new Error(`CI=true but the shared samples are missing at ${SHARED}`);
}
const BAI2_FIXTURE = fileURLToPath(
  new URL('../fixtures/bank/bai2/dunwell/two-accounts.bai', import.meta.url),
);

const SAMPLES = [
  ['camt/genkgo_camt/camt052.v2.xml', 'camt.052'],
  ['camt/genkgo_camt/camt053.v2.minimal.xml', 'camt.053'],
  ['camt/genkgo_camt/camt054.v2.xml', 'camt.054'],
  ['mt940/svenstaro_mt940-rs/mt940/full/jejik/ing.sta', 'mt940'],
  // an MT942 is detected as the MT940 family; its parser says which one it is
  ['mt940/svenstaro_mt940-rs/mt942/special-cases/mt942.sta', 'mt940'],
  ['bai2/moov-io_bai2/sample1.txt', 'bai2'],
] as const;

function utf16be(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const low = bytes[i] as number;
    bytes[i] = bytes[i + 1] as number;
    bytes[i + 1] = low;
  }
  return bytes;
}

describe.skipIf(!sharedAvailable)('detecting the samples of each format', () => {
  it.each(SAMPLES)('%s is %s', (path, format) => {
    expect(detectBankFormat(readFileSync(join(SHARED, path)), path)).toBe(format);
  });

  it.each([
    ['camt/genkgo_camt/camt052.v2.xml', 'camt.052', 'camt.052'],
    ['camt/genkgo_camt/camt053.v2.minimal.xml', 'camt.053', 'camt.053'],
    ['camt/genkgo_camt/camt054.v2.xml', 'camt.054', 'camt.054'],
    ['mt940/svenstaro_mt940-rs/mt940/full/jejik/ing.sta', 'mt940', 'mt940'],
    ['mt940/svenstaro_mt940-rs/mt942/special-cases/mt942.sta', 'mt942', 'mt942'],
  ])('parseBankFile dispatches %s to its parser', (path, fileFormat, statementFormat) => {
    const file = parseBankFile(readFileSync(join(SHARED, path)));
    expect(file.format).toBe(fileFormat);
    expect(file.statements.length).toBeGreaterThan(0);
    expect(file.statements.every((s) => s.format === statementFormat)).toBe(true);
  });

  it.each([
    'ofx/jseutter_ofxparse/bank_medium.ofx',
    'ach/moov-io_ach/examples/testdata/ppd-credit.ach',
  ])('%s is not taken for a bank statement', (path) => {
    expect(detectBankFormat(readFileSync(join(SHARED, path)))).toBeNull();
  });
});

describe('detection rules', () => {
  const bai2 = readFileSync(BAI2_FIXTURE);

  it('recognises BAI2 by its 01 record and parses it', () => {
    expect(detectBankFormat(bai2)).toBe('bai2');
    const file = parseBankFile(bai2, { fileName: 'statement.bai' });
    expect(file.format).toBe('bai2');
    expect(file.statements.map((s) => s.accountIdentifier)).toEqual(['123456789', '555000111']);
  });

  it('recognises camt by namespace, by root element, or by file name for a bare Document', () => {
    const namespaced =
      '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>';
    expect(detectBankFormat(Buffer.from(namespaced))).toBe('camt.053');
    expect(detectBankFormat(Buffer.from('<Document><BkToCstmrDbtCdtNtfctn>'))).toBe('camt.054');
    expect(detectBankFormat(Buffer.from('<x:Document><x:BkToCstmrAcctRpt>'))).toBe('camt.052');
    expect(detectBankFormat(Buffer.from('<Document><Other/></Document>'), 'CAMT053_0001.xml')).toBe(
      'camt.053',
    );
    expect(detectBankFormat(Buffer.from('<Document><Other/></Document>'))).toBeNull();
    expect(detectBankFormat(Buffer.from('<html><body>camt.053</body></html>'))).toBeNull();
  });

  it('recognises MT940 by :20: or {1: with :25: and :28C:', () => {
    const mt940 = ':20:REF\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n:60F:C240101EUR1,00\r\n';
    expect(detectBankFormat(Buffer.from(mt940))).toBe('mt940');
    expect(
      detectBankFormat(Buffer.from(`{1:F01BANKBEBBAXXX0000000000}{2:O940}{4:\r\n${mt940}-}`)),
    ).toBe('mt940');
    expect(detectBankFormat(Buffer.from(':20:REF\r\n:25:NL91ABNA0417164300\r\n'))).toBeNull();
  });

  it('never guesses CSV', () => {
    expect(detectBankFormat(Buffer.from('Date,Amount\n2024-01-01,1.00\n'))).toBeNull();
    expect(detectBankFormat(Buffer.from(''))).toBeNull();
  });

  it('detects through UTF-16 and a UTF-8 byte order mark', () => {
    const text = bai2.toString('utf8');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bai2]);
    expect(detectBankFormat(le)).toBe('bai2');
    expect(detectBankFormat(be)).toBe('bai2');
    expect(detectBankFormat(bom)).toBe('bai2');
    expect(detectBankFormat(Buffer.from(text, 'utf16le'))).toBe('bai2');
    expect(parseBankFile(le).statements[0]?.lines[0]?.amountMinor).toBe(125000n);
  });

  it('an unknown file is a BankFileError with the formats Dunwell knows', () => {
    let caught: unknown;
    try {
      parseBankFile(Buffer.from('Date,Amount\n2024-01-01,1.00\n'), { fileName: 'export.csv' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BankFileError);
    expect((caught as BankFileError).message).toBe(
      'the file is not a bank statement Dunwell knows: camt.052/053/054, MT940/MT942, BAI2 (also inside a ZIP archive or a gzip file); CSV files need a saved column mapping',
    );
    expect(UNKNOWN_BANK_FILE_MESSAGE).toBe((caught as BankFileError).message);
  });
});

describe('decodeBankFile', () => {
  const text = 'Zahlung Müller – 12,50 €';

  it('drops a UTF-8 byte order mark and reads UTF-8', () => {
    expect(
      decodeBankFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    ).toBe(text);
    expect(decodeBankFile(Buffer.from(text))).toBe(text);
  });

  it('reads UTF-16 LE and BE with a byte order mark', () => {
    expect(
      decodeBankFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    ).toBe(text);
    expect(decodeBankFile(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]))).toBe(text);
  });

  it('reads bytes that are not UTF-8 as Latin-1 (Windows-1252)', () => {
    const latin1 = Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x80, 0x20, 0xe9]);
    expect(decodeBankFile(latin1)).toBe('Müller € é');
    expect(decodeBankFile(Buffer.from([0x93, 0x41, 0x94, 0x81]))).toBe('“A”\u0081');
  });
});
