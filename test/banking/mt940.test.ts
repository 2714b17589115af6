import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMt940 } from '../../src/modules/banking/parsers/mt940.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
} from '../../src/modules/banking/parsers/statement.ts';
import {
  BETTERPLACE,
  Comparison,
  compareRs,
  compareWebschik,
  compareWolph,
} from './support/mt940-expected.ts';
import {
  INCONSISTENT_BALANCES,
  SAMPLES,
  SHARED_ONLY_PREFIX,
  type SampleOutcome,
} from './support/mt940-samples.ts';
import { SHARED_SAMPLES } from '../support/samples.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(REPO, 'test/fixtures/bank/mt940');
/** Samples under other licences (AGPL) are not copied: read from `../shared/samples/`. */
const SHARED = path.resolve(SHARED_SAMPLES, 'mt940');
const sharedPresent = existsSync(SHARED);
const onShared = (name: string) => name.startsWith(SHARED_ONLY_PREFIX);

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(root, full) : [path.relative(root, full)];
  });
}

const sampleBytes = (name: string) =>
  readFileSync(path.join(onShared(name) ? SHARED : FIXTURES, name));

/** As the upload dispatcher does: UTF-8 when valid, else latin1. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

const sampleText = (name: string) => decode(sampleBytes(name));

/** The CP852 (DOS Central European) letters of the Raiffeisen sample; the rest is ASCII. */
const CP852: Readonly<Record<number, string>> = {
  0x81: 'ü', 0x82: 'é', 0x94: 'ö', 0xa0: 'á', 0xa1: 'í', 0xa2: 'ó',
}; // prettier-ignore
function decodeCp852(bytes: Buffer): string {
  return [...bytes].map((byte) => CP852[byte] ?? String.fromCharCode(byte)).join('');
}

function parseError(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError, the input parsed');
}

const inputs = Object.entries(SAMPLES).filter(
  (entry): entry is [string, Exclude<SampleOutcome, { kind: 'other' }>] =>
    entry[1].kind !== 'other',
);
const available = ([name]: [string, unknown]) =>
  !onShared(name) || sharedPresent || !!process.env.CI;
const parsing = inputs.filter(
  (entry): entry is [string, Extract<SampleOutcome, { kind: 'parses' }>] =>
    entry[1].kind === 'parses',
);

describe('MT940 sample files', () => {
  it('finds ../shared/samples when running in CI', () => {
    if (process.env.CI) expect(sharedPresent, `${SHARED} is missing`).toBe(true);
  });

  it.skipIf(!sharedPresent)(
    'has an outcome for every shared sample and copies the permissive ones verbatim',
    () => {
      expect(listFiles(SHARED).sort()).toEqual(Object.keys(SAMPLES).sort());
      const copies = Object.keys(SAMPLES).filter((name) => !onShared(name));
      expect(
        listFiles(FIXTURES)
          .filter((name) => name !== 'NOTICE.md')
          .sort(),
      ).toEqual(copies.sort());
      for (const name of copies) {
        expect(
          readFileSync(path.join(FIXTURES, name)).equals(readFileSync(path.join(SHARED, name))),
          name,
        ).toBe(true);
      }
    },
  );

  it.for(inputs)('%s', ([name, outcome], { skip }) => {
    if (!available([name, outcome])) skip('../shared/samples is missing (AGPL sample)');
    const text = sampleText(name);
    if (outcome.kind === 'parses') {
      const file = parseMt940(text);
      expect(file.format).toBe(outcome.format);
      expect(file.statements).toHaveLength(outcome.statements);
      const lines = file.statements.flatMap((statement) => statement.lines);
      expect(lines).toHaveLength(outcome.lines);
      const sourceLines = text.split(/\r\n|\r|\n/);
      for (const statement of file.statements) {
        expect(statement.format).toBe(outcome.format);
        statement.lines.forEach((line, index) => {
          expect(line.lineNo).toBe(index + 1);
          expect(line.currency).toBe(statement.currency);
          expect(sourceLines[(line.sourceLine ?? 0) - 1]).toMatch(/^:61:/);
        });
      }
      return;
    }
    const error = parseError(() => parseMt940(text));
    expect(error.message).toMatch(outcome.message);
    expect(error.line).toBe(outcome.line);
  });

  it('reads invalid_utf8.sta (CP852, not UTF-8) through the latin1 fallback', () => {
    const bytes = sampleBytes('svenstaro_mt940-rs/mt940/special-cases/invalid_utf8.sta');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const latin1 = parseMt940(bytes.toString('latin1')).statements[0]?.lines[0];
    expect(latin1?.additionalInfo).toContain('napi \u0094sszevont ut\u00a0nv\u0082t');
    const cp852 = parseMt940(decodeCp852(bytes)).statements[0]?.lines[0];
    expect(cp852?.additionalInfo).toContain('napi összevont utánvét');
    expect(cp852?.amountMinor).toBe(latin1?.amountMinor);
  });
});

describe('MT940 samples against their expected outputs', () => {
  const RS = 'svenstaro_mt940-rs/mt940/full';
  const rsPairs = Object.keys(SAMPLES)
    .filter((name) => name.startsWith(RS) && name.endsWith('.json'))
    .map((json) => [json.replace(/\.json$/, '.sta'), json] as const);
  rsPairs.push(
    ['betterplace_mt940_parser/sepa_snippet.txt', `${RS}/betterplace/sepa_snippet.json`],
    [
      'betterplace_mt940_parser/with_binary_character.txt',
      `${RS}/betterplace/with_binary_character.json`,
    ],
  );

  it.each(rsPairs)('mt940-rs: %s', (input, expected) => {
    const cmp = new Comparison();
    compareRs(cmp, input, parseMt940(sampleText(input)), sampleText(expected));
    expect(cmp.differences).toEqual([]);
    expect(cmp.compared).toBeGreaterThan(10);
  });

  const WS = 'webschik_mt940-js';
  const wsPairs = Object.keys(SAMPLES)
    .filter((name) => name.startsWith(WS) && name.endsWith('.json'))
    .map((json) => {
      const input = Object.keys(SAMPLES).find(
        (n) => n !== json && n.startsWith(json.replace(/json$/, '')),
      );
      return [input ?? '', json] as const;
    });

  it.each(wsPairs)('mt940-js: %s', (input, expected) => {
    const cmp = new Comparison();
    // base-1.mta is in Deutsche Mark, which Dunwell refuses: compare it read as EUR (2 decimals)
    const dem = (text: string) =>
      input.endsWith('base-1.mta') ? text.replaceAll('DEM', 'EUR') : text;
    compareWebschik(cmp, input, parseMt940(dem(sampleText(input))), dem(sampleText(expected)));
    expect(cmp.differences).toEqual([]);
    expect(cmp.compared).toBeGreaterThan(8);
  });

  const WO = 'wolph_mt940';
  const wolphPairs = Object.entries(SAMPLES)
    .filter(([name, outcome]) => name.startsWith(WO) && outcome.kind === 'parses')
    .filter(([name]) => name.endsWith('.sta') && name.replace(/\.sta$/, '.yml') in SAMPLES)
    .map(([name]) => [name, name.replace(/\.sta$/, '.yml')] as const);
  // the same inputs as copied by mt940-rs
  wolphPairs.push(
    [
      'svenstaro_mt940-rs/mt940/special-cases/incomplete_tag_61.sta',
      `${WO}/self-provided/details_60-63.yml`,
    ],
    [
      'svenstaro_mt940-rs/mt940/special-cases/invalid_utf8.sta',
      `${WO}/self-provided/raiffeisen-cmi.yml`,
    ],
    ['svenstaro_mt940-rs/mt942/special-cases/mt942.sta', `${WO}/self-provided/mt942.yml`],
    [
      'svenstaro_mt940-rs/mt942/special-cases/long_statement_number.sta',
      `${WO}/self-provided/long_statement_number.yml`,
    ],
    [
      'svenstaro_mt940-rs/mt942/full/sberbank/171011_01234945.sta',
      `${WO}/sberbank/171011_01234945.yml`,
    ],
  );

  it.each(wolphPairs)('wolph/mt940: %s', (input, expected) => {
    const cmp = new Comparison();
    // wolph reads the Hungarian Raiffeisen file as CP852; the dispatcher would give latin1
    const raiffeisen = expected.endsWith('raiffeisen-cmi.yml');
    const text = raiffeisen ? decodeCp852(sampleBytes(input)) : sampleText(input);
    compareWolph(cmp, input, parseMt940(text), sampleText(expected));
    expect(cmp.differences).toEqual([]);
    expect(cmp.compared).toBeGreaterThan(6);
  });

  it.each(Object.keys(BETTERPLACE))('betterplace: %s (wrapped in a minimal statement)', (name) => {
    const input = `betterplace_mt940_parser/${name}`;
    const cmp = new Comparison();
    BETTERPLACE[name]?.(
      cmp,
      parseMt940,
      sampleText(input),
      sampleText(input.replace(/\.txt$/, '.yml')),
    );
    expect(cmp.differences).toEqual([]);
    expect(cmp.compared).toBeGreaterThan(0);
  });
});

describe('MT940 balances: opening + Σ lines = closing', () => {
  /** closing − (opening + Σ lines) per statement with both balances, by 1-based number */
  function differences(statements: ParsedStatement[]) {
    const result: Record<number, bigint> = {};
    statements.forEach((statement, index) => {
      const { openingBalance, closingBalance } = statement;
      if (openingBalance === null || closingBalance === null) return;
      const total = statement.lines.reduce((sum, line) => sum + line.amountMinor, 0n);
      const difference = closingBalance.amountMinor - (openingBalance.amountMinor + total);
      if (difference !== 0n) result[index + 1] = difference;
    });
    return result;
  }

  it.for(parsing)('%s', ([name, outcome], { skip }) => {
    if (!available([name, outcome])) skip('../shared/samples is missing (AGPL sample)');
    const statements = parseMt940(sampleText(name)).statements;
    expect(differences(statements)).toEqual(INCONSISTENT_BALANCES[name]?.statements ?? {});
  });

  it('lists only samples that parse', () => {
    for (const name of Object.keys(INCONSISTENT_BALANCES))
      expect(SAMPLES[name]?.kind).toBe('parses');
  });

  it('has both balances in every MT940 statement except the two samples that stop early', () => {
    const missing: string[] = [];
    for (const [name, outcome] of parsing.filter(available)) {
      if (outcome.format !== 'mt940') continue;
      parseMt940(sampleText(name)).statements.forEach((statement, index) => {
        if (statement.closingBalance === null) missing.push(`${name} #${index + 1}`);
      });
    }
    const expected = [
      'OCA_bank-statement-import_10.0/account_bank_statement_import_mt940_base/test_files/test-sns.940 #3',
      'wolph_mt940/self-provided/gv_codes.sta #1',
    ].filter((entry) => available([entry, null]));
    expect(missing).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------
// Hand-written inputs
// ---------------------------------------------------------------------------

const HEADER = ':20:REF1\n:25:DE89370400440532013000\n:28C:1/1\n';

function statement(body: string, opening = ':60F:C240102EUR1000,00', closing = ''): string {
  return `${HEADER}${opening}\n${body}${closing ? `${closing}\n` : ''}-\n`;
}

function only(file: ParsedBankFile): ParsedStatement {
  expect(file.statements).toHaveLength(1);
  return file.statements[0] as ParsedStatement;
}

describe('malformed MT940 names the line and the tag', () => {
  const cases: Array<[string, string, RegExp, number | null, string | null]> = [
    ['amount with two commas', statement(':61:2401020102C12,3,4NTRFNONREF\n'), /^line 5, :61:: amount "12,3,4" is not a number$/, 5, ':61:'],
    ['amount without comma', statement('', ':60F:C240102EUR1000'), /^line 4, :60F:: amount "1000" has no decimal comma$/, 4, ':60F:'],
    ['amount with letters', statement(':61:240102C1O,00NTRFNONREF\n'), /^line 5, :61:: amount "1" has no decimal comma$/, 5, ':61:'],
    ['more decimals than the currency', statement(':61:240102C1,234NTRFNONREF\n'), /^line 5, :61:: amount "1,234" has more than 2 decimals for EUR$/, 5, ':61:'],
    ['decimals for JPY', `${HEADER}:60F:C240102JPY100,5\n`, /^line 4, :60F:: amount "100,5" has more than 0 decimals for JPY$/, 4, ':60F:'],
    ['unknown currency', statement('', ':60F:C240102XYZ1,00'), /^line 4, :60F:: currency "XYZ" is not an active ISO 4217 code$/, 4, ':60F:'],
    ['balance without C/D', statement('', ':60F:X240102EUR1,00'), /^line 4, :60F:: balance "X240102EUR1,00" must start with C or D$/, 4, ':60F:'],
    ['30 February', statement('', ':60F:C240230EUR1,00'), /^line 4, :60F:: balance date "240230" is not a valid YYMMDD date$/, 4, ':60F:'],
    ['bad value date', statement(':61:241301C1,00NTRFNONREF\n'), /^line 5, :61:: value date "241301" is not a valid YYMMDD date$/, 5, ':61:'],
    ['bad entry date', statement(':61:2401021302C1,00NTRFNONREF\n'), /^line 5, :61:: entry date "1302" is not a valid MMDD date$/, 5, ':61:'],
    ['missing debit/credit mark', statement(':61:2401020102X1,00NTRFNONREF\n'), /^line 5, :61:: debit\/credit mark \(C, D, RC, RD\) expected, found "X1"$/, 5, ':61:'],
    ['missing amount', statement(':61:240102CNTRFNONREF\n'), /^line 5, :61:: amount expected, found "TRFNONREF"$/, 5, ':61:'],
    ['missing type code', statement(':61:240102C1,00\n'), /^line 5, :61:: transaction type \(e\.g\. NTRF\) expected after the amount, found ""$/, 5, ':61:'],
    ['line before the opening balance', `${HEADER}:61:240102C1,00NTRFNONREF\n:60F:C240102EUR1,00\n`, /^line 4, :61:: :61: before the opening balance :60F: \(MT940\) or floor limit :34F: \(MT942\)$/, 4, ':61:'],
    ['line after the closing balance', statement(':62F:C240102EUR1000,00\n:61:240102C1,00NTRFNONREF\n'), /^line 6, :61:: :61: after the closing balance$/, 6, ':61:'],
    ['two opening balances', statement(':60F:C240102EUR1,00\n'), /^line 5, :60F:: second :60F: in the statement$/, 5, ':60F:'],
    ['closing in another currency', statement(':62F:C240102USD1,00\n'), /^line 5, :62F:: currency USD differs from the statement's EUR$/, 5, ':62F:'],
    ['unknown tag', statement(':99:HELLO\n'), /^line 5, :99:: unknown tag :99:$/, 5, ':99:'],
    ['field before :20:', ':25:ACCOUNT\n:20:REF\n', /^line 1, :25:: :25: outside a statement: a statement starts with :20:$/, 1, ':25:'],
    ['no :25:', ':20:REF\n:28C:1\n:60F:C240102EUR1,00\n', /^line 2, :28C:: expected :25: \(account identification\) before :28C:$/, 2, ':28C:'],
    ['no balance, no floor limit', ':20:REF\n:25:ACC\n', /^line 1, :20:: statement has neither an opening balance :60F: nor a floor limit :34F:$/, 1, ':20:'],
    ['text after a balance', statement('', ':60F:C240102EUR1,00\nEXTRA'), /^line 5, :60F:: unexpected text "EXTRA" after the single-line :60F:$/, 5, ':60F:'],
    ['bad :13D:', `${HEADER}:34F:EUR0,\n:13D:2401022560+0100\n`, /^line 5, :13D:: time 2560 in "2401022560\+0100" is not a valid hhmm$/, 5, ':13D:'],
    ['bad :34F:', `${HEADER}:34F:0,00\n`, /^line 4, :34F:: floor limit "0,00" must start with a currency$/, 4, ':34F:'],
    ['bad :90D:', `${HEADER}:34F:EUR0,\n:90D:EUR1,00\n`, /^line 5, :90D:: entry total "EUR1,00" is not count, currency, amount$/, 5, ':90D:'],
    ['amount beyond bigint', statement('', ':60F:C240102EUR92233720368547758,08'), /^line 4, :60F:: amount "92233720368547758,08" is too large$/, 4, ':60F:'],
    ['second statement broken', `${statement('')}:20:REF2\n:25:ACC\n:60F:C240102EUR1,0,0\n`, /^line 8, :60F:: amount "1,0,0" is not a number$/, 8, ':60F:'],
    ['empty file', '', /^the file is empty$/, null, null],
    ['blank file', ' \r\n\r\n', /^the file is empty$/, null, null],
    ['no tag at all', 'HELLO\nWORLD\n', /^no MT940\/MT942 statement found/, null, ':20:'],
  ]; // prettier-ignore

  it.each(cases)('%s', (_name, text, message, line, element) => {
    const error = parseError(() => parseMt940(text));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
    expect(error.element).toBe(element);
  });
});

describe('MT940 features', () => {
  const body = [
    ':20:STARTUMS',
    ':25:DE89370400440532013000',
    ':28C:00042/001',
    ':60F:C231228EUR1000,00',
    ':61:2312291229D100,NDDTNONREF//BANKREF1',
    ':86:105?00SEPA-LASTSCHRIFT?109249?20EREF+INV-2023-001?21SVWZ+Rechnung 4711 Müller',
    '?22 GmbH?30COBADEFFXXX?31DE02120300000000202051?32Müller & Söhne Anlagenbau G',
    '?33mbH',
    ':61:2401020102RD50,NTRFNONREF',
    ':61:240102C0,5NTRFCUSTREF',
    ':61:240102RC0,25NTRFNONREF',
    ':62F:C240102EUR950,25',
    '-',
  ];

  it('reads bare, enveloped, CRLF, LF and CR files alike', () => {
    const bare = parseMt940(body.join('\n'));
    const enveloped = parseMt940(
      `{1:F01COBADEFFAXXX0000000000}{2:O9401200240102COBADEFFAXXX00000000002401021200N}{4:\r\n${body.slice(0, -1).join('\r\n')}\r\n-}{5:{CHK:123}}`,
    );
    // the envelope's first line moves every source line down by one
    const shifted = only(enveloped).lines.map((line) => ({
      ...line,
      sourceLine: (line.sourceLine ?? 0) - 1,
    }));
    expect({ ...enveloped, statements: [{ ...only(enveloped), lines: shifted }] }).toEqual(bare);
    expect(parseMt940(body.join('\r'))).toEqual(bare);
    expect(parseMt940(`\uFEFF${body.join('\r\n')}\u001a`)).toEqual(bare);
  });

  it('reads the statement header, balances and every :61: subfield', () => {
    const parsed = only(parseMt940(body.join('\n')));
    expect(parsed).toMatchObject({
      format: 'mt940',
      statementId: 'STARTUMS',
      sequenceNumber: '00042/001',
      accountIdentifier: 'DE89370400440532013000',
      bankIdentifier: null,
      currency: 'EUR',
      fromDate: '2023-12-28',
      toDate: '2024-01-02',
      openingBalance: { amountMinor: 100000n, currency: 'EUR', date: '2023-12-28' },
      closingBalance: { amountMinor: 95025n, currency: 'EUR', date: '2024-01-02' },
      controlProblems: [],
    });
    expect(
      parsed.lines.map((line) => [line.valueDate, line.bookingDate, line.amountMinor]),
    ).toEqual([
      ['2023-12-29', '2023-12-29', -10000n],
      ['2024-01-02', '2024-01-02', 5000n], // RD: reversal of a debit, money back in
      ['2024-01-02', null, 50n],
      ['2024-01-02', null, -25n], // RC: reversal of a credit, money out
    ]);
    expect(
      parsed.lines.map((line) => [line.typeCode, line.endToEndId, line.bankReference]),
    ).toEqual([
      ['NDDT', 'INV-2023-001', 'BANKREF1'],
      ['NTRF', null, null],
      ['NTRF', 'CUSTREF', null],
      ['NTRF', null, null],
    ]);
    expect(parsed.lines.map((line) => line.sourceLine)).toEqual([5, 9, 10, 11]);
  });

  it('reads German ?NN subfields, with umlauts as given', () => {
    const line = only(parseMt940(body.join('\n'))).lines[0];
    expect(line).toMatchObject({
      counterpartyName: 'Müller & Söhne Anlagenbau GmbH',
      counterpartyAccount: 'DE02120300000000202051',
      counterpartyBank: 'COBADEFFXXX',
      remittanceInfo: 'Rechnung 4711 Müller GmbH',
      endToEndId: 'INV-2023-001',
      additionalInfo: body.slice(5, 8).join('\n').slice(':86:'.length),
    });
  });

  it('reads Dutch /KEY/ details (ABN AMRO, Rabobank, ING)', () => {
    const text = statement(
      [
        ':61:2401020102C25,00N658NONREF',
        ':86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. JANSEN/REMI/FACTUUR 2023-',
        '118/EREF/E2E-778',
        ':61:240102D1,57NTRFEREF//00000000001006',
        ':86:/EREF/SEPA-991//CNTP/NL32INGB0000012345/INGBNL2A/Acme B.V.//AMSTERDAM///REMI/USTD//Invoice 12/',
        ':61:240102C4,00N541PREF',
        'NL66RABO0160878799',
        ':86:/PREF/BATCH-7/ORDP//NAME/R. SMITH/REMI/t/m 31-12/ISDT/2024-01-02',
        '',
      ].join('\n'),
    );
    const lines = only(parseMt940(text)).lines;
    expect(
      lines.map((l) => [l.counterpartyName, l.counterpartyAccount, l.counterpartyBank]),
    ).toEqual([
      ['J. JANSEN', 'NL91ABNA0417164300', 'ABNANL2A'],
      ['Acme B.V.', 'NL32INGB0000012345', 'INGBNL2A'],
      ['R. SMITH', 'NL66RABO0160878799', null], // IBAN from the :61: supplementary line
    ]);
    expect(lines.map((l) => [l.remittanceInfo, l.endToEndId])).toEqual([
      ['FACTUUR 2023-118', 'E2E-778'],
      ['Invoice 12', 'SEPA-991'],
      ['t/m 31-12', 'BATCH-7'],
    ]);
  });

  it('takes the reference from :86: when :61: only points there (KREF+, EREF, NONREF)', () => {
    const text = statement(
      [
        ':61:240102D15,00NTRFKREF+//B1',
        ':86:191?00SEPA-UEBERW?20KREF+BATCH 2024-01?21SVWZ+Sammler',
        ':61:240102C1,00NTRFNONREF//B2',
        ':86:166?00GUTSCHR?20EREF+NOTPROVIDED?21SVWZ+Rechnung 9',
        ':61:240102C1,00NTRFMY-REF//B3',
        ':86:166?00GUTSCHR?20EREF+E2E-1',
        '',
      ].join('\n'),
    );
    const lines = only(parseMt940(text)).lines;
    expect(lines.map((line) => [line.endToEndId, line.remittanceInfo])).toEqual([
      ['BATCH 2024-01', 'Sammler'],
      [null, 'Rechnung 9'],
      ['MY-REF', null],
    ]);
  });

  it('joins free-text :86: lines and keeps the raw text', () => {
    const lines = only(
      parseMt940(statement(':61:240102C1,00NMSCNONREF\n:86:PAYMENT FROM ACME\nINVOICE 42\n\n')),
    ).lines;
    expect(lines[0]?.remittanceInfo).toBe('PAYMENT FROM ACME INVOICE 42');
    expect(lines[0]?.additionalInfo).toBe('PAYMENT FROM ACME\nINVOICE 42');
  });

  it('pivots two-digit years at 80 and infers entry years across the year end', () => {
    const old = only(parseMt940(statement(':61:8001020102C1,00NTRFNONREF\n', ':60F:C791231EUR0,')));
    expect(old.openingBalance?.date).toBe('2079-12-31');
    expect(old.lines[0]?.valueDate).toBe('1980-01-02');
    const crossing = only(
      parseMt940(
        statement(
          ':61:2312311229C1,00NTRFNONREF\n:61:2401021231C1,00NTRFNONREF\n:61:2312300102C1,00NTRFNONREF\n',
        ),
      ),
    );
    expect(crossing.lines.map((line) => line.bookingDate)).toEqual([
      '2023-12-29',
      '2023-12-31',
      '2024-01-02',
    ]);
  });

  it('reads amounts exactly for 0, 2 and 3 decimal currencies', () => {
    const yen = only(
      parseMt940(
        `${HEADER}:60F:C240102JPY1234567,\n:61:240102D100,NTRFNONREF\n:62F:C240102JPY1234467,\n`,
      ),
    );
    expect([yen.openingBalance?.amountMinor, yen.lines[0]?.amountMinor]).toEqual([1234567n, -100n]);
    const dinar = only(parseMt940(`${HEADER}:60F:D240102BHD1,5\n:61:240102C0,001NTRFNONREF\n`));
    expect([dinar.openingBalance?.amountMinor, dinar.lines[0]?.amountMinor]).toEqual([-1500n, 1n]);
    const euro = only(
      parseMt940(
        statement(':61:240102C00012,300NTRFNONREF\n', ':60F:C240102EUR92233720368547758,07'),
      ),
    );
    expect([euro.openingBalance?.amountMinor, euro.lines[0]?.amountMinor]).toEqual([
      9223372036854775807n,
      1230n,
    ]);
  });

  it('round-trips any amount and keeps opening + lines = closing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.boolean()), { maxLength: 8 }),
        fc.constantFrom(['EUR', 2], ['JPY', 0], ['KWD', 3]),
        (entries, [currency, exponent]) => {
          const swift = (minor: bigint) => {
            const digits = minor.toString().padStart(exponent + 1, '0');
            return `${digits.slice(0, digits.length - exponent)},${digits.slice(digits.length - exponent)}`;
          };
          const total = entries.reduce(
            (sum, [minor, credit]) => sum + (credit ? minor : -minor),
            0n,
          );
          const mark = (value: bigint) => (value < 0n ? 'D' : 'C');
          const closing = 10n ** 16n + total;
          const text = [
            HEADER.trimEnd(),
            `:60F:C240102${currency}${swift(10n ** 16n)}`,
            ...entries.map(
              ([minor, credit]) => `:61:240102${credit ? 'C' : 'D'}${swift(minor)}NTRFNONREF`,
            ),
            `:62F:${mark(closing)}240102${currency}${swift(closing < 0n ? -closing : closing)}`,
          ].join('\n');
          const parsed = only(parseMt940(text));
          expect(parsed.lines.map((line) => line.amountMinor)).toEqual(
            entries.map(([m, c]) => (c ? m : -m)),
          );
          expect(parsed.closingBalance?.amountMinor).toBe(closing);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits several statements at "-", at a new :20: and at envelopes', () => {
    const one = statement(
      ':61:240102C1,00NTRFNONREF\n',
      ':60F:C240102EUR0,',
      ':62F:C240102EUR1,00',
    );
    const two = one.replace(/-\n$/, '').replace('REF1', 'REF2');
    const three = `{1:F01BANK}{2:I940BANK}{4:\n${one.replace('REF1', 'REF3').replace(/-\n$/, '')}-}\n`;
    const file = parseMt940(`0000 01INGBNL2AXXXX00001\n940 00\n${one}${two}${three}`);
    expect(file.statements.map((s) => s.statementId)).toEqual(['REF1', 'REF2', 'REF3']);
    expect(file.statements.map((s) => s.lines.length)).toEqual([1, 1, 1]);
  });

  it('keeps a "-" inside :86: text when the statement continues', () => {
    const text = statement(
      ':61:240102C1,00NDDTEREF\n:86:/EREF/E1//MARF/MND\n-\nEV01//REMI/USTD//X/\n',
      ':60F:C240102EUR0,',
      ':62F:C240102EUR1,00',
    );
    const line = only(parseMt940(text)).lines[0];
    expect(line?.additionalInfo).toBe('/EREF/E1//MARF/MND\n-\nEV01//REMI/USTD//X/');
    expect(line?.remittanceInfo).toBe('X');
  });

  it('detects MT942 by :34F: and checks its :90D: / :90C: totals', () => {
    const mt942 = (totals: string) =>
      `${HEADER}:34F:EURD0,\n:34F:EURC100,00\n:13D:2401021530+0100\n` +
      ':61:240102D1,50NTRFNONREF\n:61:240102D2,NTRFNONREF\n:61:240102C10,NTRFNONREF\n' +
      `${totals}:86:STATEMENT INFO\n`;
    const good = parseMt940(mt942(':90D:2EUR3,50\n:90C:1EUR10,\n'));
    expect(good.format).toBe('mt942');
    expect(only(good)).toMatchObject({
      format: 'mt942',
      currency: 'EUR',
      createdAt: '2024-01-02T15:30:00+01:00',
      openingBalance: null,
      closingBalance: null,
      fromDate: '2024-01-02',
      toDate: '2024-01-02',
      controlProblems: [],
    });
    expect(only(parseMt940(mt942(':90D:3EUR3,50\n:90C:1EUR9,\n'))).controlProblems).toEqual([
      ':90D: declares 3 entries totalling 350 minor units of EUR; the statement has 2 totalling 350',
      ':90C: declares 1 entries totalling 900 minor units of EUR; the statement has 1 totalling 1000',
    ]);
  });

  it('reports an MT940 statement cut off before its closing balance', () => {
    const cut = `${HEADER}:60F:C261116EUR1000,00\n:61:2611161116C100,00NTRFNONREF//B1\n:86:Rechnung 1\n`;
    const parsed = only(parseMt940(cut));
    expect(parsed.closingBalance).toBeNull();
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.controlProblems).toEqual([
      expect.stringMatching(/no closing balance \(:62F: or :62M:\): the file may be cut off/),
    ]);
  });

  it('reads a :61: whose amount is wrapped to the next line (Sparkassen)', () => {
    const line = only(parseMt940(statement(':61:1811261126CR\n30,00N062NONREF\n'))).lines[0];
    expect([line?.valueDate, line?.amountMinor, line?.typeCode]).toEqual([
      '2018-11-26',
      3000n,
      'N062',
    ]);
  });

  it('parses 100,000 lines in well under two seconds', () => {
    const entries = 25_000;
    const parts = [HEADER, ':60F:C240102EUR0,\n'];
    for (let i = 0; i < entries; i++) {
      parts.push(
        `:61:2401020102C${i % 1000},${String(i % 100).padStart(2, '0')}NTRFREF${i}//B${i}\n`,
        `:86:166?00GUTSCHRIFT?20EREF+E${i}?21SVWZ+Invoice ${i}?32ACME\n`,
        `?33 GMBH?31DE02120300000000202051?30COBADEFFXXX\n`,
        'FREE TEXT LINE\n',
      );
    }
    const text = parts.join('');
    expect(text.split('\n').length).toBeGreaterThan(100_000);
    const cpu = process.cpuUsage();
    const file = parseMt940(text);
    const used = process.cpuUsage(cpu);
    expect(only(file).lines).toHaveLength(entries);
    // CPU time, not wall time: the suite shares two cores with other jobs (≈ 0.5 s measured)
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
  });
});
