/**
 * camt.052 / camt.053 / camt.054 parser against every public sample we have (copied fixtures for
 * the permissively licensed ones, ../shared/samples for the AGPL ones), the samples' own expected
 * outputs, the balance identity, and hand-written malformed files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currencyExponent } from '../../src/shared/currencies.ts';
import { balanceProblem } from '../../src/modules/banking/parsers/balance-check.ts';
import { unpackBankFile } from '../../src/modules/banking/parsers/archive.ts';
import { parseCamt } from '../../src/modules/banking/parsers/camt.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
} from '../../src/modules/banking/parsers/statement.ts';
import {
  genkgoExpected,
  ocaExpected,
  parsePythonLiteral,
  type ExpectedBalance,
  type ExpectedFile,
  type ExpectedStatement,
} from './camt-expected.ts';
import { SHARED_SAMPLES } from '../support/samples.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(REPO, 'test/fixtures/bank/camt');
const SHARED = resolve(SHARED_SAMPLES, 'camt');
const SHARED_ONLY_SOURCES = ['OCA_bank-statement-import_16.0'];
const sharedPresent = existsSync(SHARED);

/** Inputs only: expected outputs, notices and the like are not camt files. */
function isInput(file: string): boolean {
  return !/\.(json|pydata|md|csv)$/.test(file);
}

function listFiles(root: string, under = root): string[] {
  return readdirSync(under).flatMap((name) => {
    const full = join(under, name);
    return statSync(full).isDirectory() ? listFiles(root, full) : [relative(root, full)];
  });
}

/** A sample input; a ZIP counts as one sample per file inside (`….zip#inner.xml`). */
type Sample = { name: string; path: string; read: () => string };

function samplesIn(root: string, under: string): Sample[] {
  return listFiles(root, under)
    .filter(isInput)
    .flatMap((name): Sample[] => {
      const path = join(root, name);
      if (!name.endsWith('.zip')) return [{ name, path, read: () => readFileSync(path, 'utf8') }];
      // unpacked as an upload is (the product's own unpacking)
      return unpackBankFile(readFileSync(path), name).map((inner) => ({
        name: `${name}#${inner.name}`,
        path,
        read: () => inner.bytes.toString('utf8'),
      }));
    });
}

const samples: Sample[] = [
  ...samplesIn(FIXTURES, FIXTURES),
  ...(sharedPresent
    ? SHARED_ONLY_SOURCES.flatMap((source) => samplesIn(SHARED, join(SHARED, source)))
    : []),
].sort((a, b) => a.name.localeCompare(b.name));

/** Samples their source marks as invalid, with what the error must say. */
const INVALID: Record<string, RegExp> = {
  // genkgo's own "wrong" fixture: a BkToCstmrStmt with a group header and no statement
  'genkgo_camt/camt053.v2.wrong.xml':
    /^Document\/BkToCstmrStmt\/Stmt: missing: the message has no Stmt/,
};

/**
 * Statements whose balances do not agree with their entries in the file itself; the check is not
 * loosened for them, it must report exactly this.
 */
const KNOWN_INCONSISTENT: Record<string, { reason: string; problem: string }> = {
  'OCA_bank-statement-import_16.0/test-camt053': {
    reason:
      'OCA test data: 15 568.27 − 754.25 − 664.05 + 1 405.31 ≠ 15 121.12 whichever way the ' +
      'reversed 664.05 counts (OCA only asserts the balances as written)',
    problem: 'difference -434.16 EUR',
  },
  // the same test statement, re-dated, zipped to test zipped uploads
  'OCA_bank-statement-import_16.0/test-camt053.zip#test-camt053_02.xml': {
    reason: 'OCA test data: a re-dated copy of test-camt053 with the same balances',
    problem: 'difference -504.16 EUR',
  },
  'OCA_bank-statement-import_16.0/test-camt053.zip#test-camt053_03.xml': {
    reason: 'OCA test data: a re-dated copy of test-camt053 with the same balances',
    problem: 'difference -504.16 EUR',
  },
  'genkgo_camt/camt053.v2.all-balance-types.xml': {
    reason: 'synthetic: every balance type with made-up amounts 1.01, 2.02, … 10.10',
    problem: 'difference -5.82 EUR',
  },
  'genkgo_camt/camt053.v2.five.decimals.xml': {
    reason: 'synthetic: 18.150 + 8.850 = 27.000, CLBD says 27.050',
    problem: 'difference 0.05 EUR',
  },
  'moov-io_iso20022/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml': {
    reason:
      'PostFinance: CLBD leaves out the 1 537.00 credit valued the next day (FWAV includes it)',
    problem: 'difference -1537.00 CHF',
  },
};

/** Samples whose TxsSummry disagrees with their entries. */
const KNOWN_CONTROL_PROBLEMS: Record<string, string[]> = {
  // The FFFS 2009 guideline sample nets its CRDT + RvslInd INFO entry as −100.00; ISO 20022 says
  // CdtDbtInd already is the direction of a reversal entry, so it counts +100.00 here.
  'moov-io_iso20022/FI_camt_054_sample.xml.xml': [
    'Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/TxsSummry/TtlNtries/TtlNetNtryAmt says 169.95 EUR ' +
      'but the entries (net) add up to 369.95 EUR',
  ],
};

const parsed = new Map<string, ParsedBankFile>();
function parseSample(sample: Sample): ParsedBankFile {
  let result = parsed.get(sample.name);
  if (!result) {
    result = parseCamt(sample.read());
    parsed.set(sample.name, result);
  }
  return result;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const validSamples = samples.filter((sample) => !(sample.name in INVALID));

describe('camt samples', () => {
  it('has the shared samples in CI (the AGPL ones are read from there)', () => {
    if (process.env.CI) expect(sharedPresent, `${SHARED} is missing`).toBe(true);
    // 79 copied inputs (104 files less 25 genkgo expected outputs); OCA: 4 files and a ZIP of 2
    expect(samples).toHaveLength(79 + (sharedPresent ? 6 : 0));
  });

  it.skipIf(!sharedPresent)('has a byte-identical fixture for every permissive sample', () => {
    const manifest = readFileSync(join(SHARED, '../MANIFEST.csv'), 'utf8').split('\n');
    const permissive = manifest
      .map((row) => row.split(','))
      .filter(
        ([file, , , , , licence]) =>
          file?.startsWith('camt/') && /^(MIT|Apache-2\.0|BSD)/.test(licence ?? ''),
      )
      .map(([file]) => (file ?? '').slice('camt/'.length));
    expect(permissive.length).toBe(104);
    for (const name of permissive) {
      const copy = join(FIXTURES, name);
      expect(existsSync(copy), `fixture ${name}`).toBe(true);
      expect(readFileSync(copy).equals(readFileSync(join(SHARED, name))), name).toBe(true);
    }
  });

  it.each(Object.entries(INVALID))('rejects %s, marked invalid by its source', (name, message) => {
    const sample = samples.find((candidate) => candidate.name === name);
    expect(sample).toBeDefined();
    const error = catchError(() => parseSample(sample as Sample));
    expect(error).toBeInstanceOf(BankFileError);
    expect((error as BankFileError).message).toMatch(message);
    expect((error as BankFileError).element).toBe('Document/BkToCstmrStmt/Stmt');
    expect((error as BankFileError).line).toBe(3);
  });

  it.each(validSamples.map((sample) => [sample.name, sample] as const))(
    'parses %s',
    (name, sample) => {
      const file = parseSample(sample);
      expect(file.statements.length).toBeGreaterThan(0);
      const source = sample.read().split(/\r\n?|\n/);
      for (const statement of file.statements) {
        expect(statement.format).toBe(file.format);
        expect(statement.accountIdentifier).toMatch(/\S/);
        expect(currencyExponent(statement.currency)).toBeGreaterThanOrEqual(0);
        expect(statement.controlProblems).toEqual(
          (KNOWN_CONTROL_PROBLEMS[name] ?? []).filter((problem) =>
            problem.startsWith(`Document/${messageTag(file)}/`),
          ),
        );
        statement.lines.forEach((line, index) => {
          expect(line.lineNo).toBe(index + 1);
          expect(typeof line.amountMinor).toBe('bigint');
          expect(line.currency).toBe(statement.currency);
          // sourceLine points at the entry or transaction-detail element the line came from
          expect(source[(line.sourceLine ?? 0) - 1], `${name} line ${line.lineNo}`).toMatch(
            /<(\w+:)?(Ntry|TxDtls)>/,
          );
        });
      }
    },
  );
});

function messageTag(file: ParsedBankFile): string {
  return {
    'camt.052': 'BkToCstmrAcctRpt',
    'camt.053': 'BkToCstmrStmt',
    'camt.054': 'BkToCstmrDbtCdtNtfctn',
  }[file.format as 'camt.052' | 'camt.053' | 'camt.054'];
}

// ---------------------------------------------------------------------------
// Expected outputs
// ---------------------------------------------------------------------------

function expectBalance(
  actual: ParsedStatement['openingBalance'],
  expected: ExpectedBalance | null | undefined,
  zeroMeansAbsent: boolean,
  label: string,
) {
  if (expected === undefined) return;
  if (expected === null || (zeroMeansAbsent && expected.amountMinor === 0n && actual === null)) {
    if (expected === null) expect(actual, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(actual?.amountMinor, `${label} amount`).toBe(expected.amountMinor);
  expect(actual?.currency, `${label} currency`).toBe(expected.currency);
  if (expected.date !== null) expect(actual?.date, `${label} date`).toBe(expected.date);
}

function compareStatement(actual: ParsedStatement, expected: ExpectedStatement, label: string) {
  const same = <T>(value: T, want: T | undefined, field: string) => {
    if (want !== undefined) expect(value, `${label} ${field}`).toEqual(want);
  };
  same(actual.statementId, expected.statementId, 'statementId');
  same(actual.accountIdentifier, expected.accountIdentifier, 'accountIdentifier');
  same(actual.currency, expected.currency, 'currency');
  same(actual.sequenceNumber, expected.sequenceNumber, 'sequenceNumber');
  same(actual.fromDate, expected.fromDate, 'fromDate');
  same(actual.toDate, expected.toDate, 'toDate');
  if (expected.createdAt !== undefined) {
    expect(Date.parse(actual.createdAt ?? ''), `${label} createdAt`).toBe(
      Date.parse(expected.createdAt),
    );
  }
  const zero = expected.zeroMeansAbsent ?? false;
  expectBalance(actual.openingBalance, expected.openingBalance, zero, `${label} opening`);
  expectBalance(actual.closingBalance, expected.closingBalance, zero, `${label} closing`);
  expect(actual.lines.length, `${label} line count`).toBe(expected.lines.length);
  expected.lines.forEach((want, index) => {
    const line = actual.lines[index];
    const where = `${label} line ${index + 1}`;
    expect(line, where).toBeDefined();
    if (!line) return;
    expect(line.amountMinor, `${where} amount`).toBe(want.amountMinor);
    const fields = [
      'currency',
      'bookingDate',
      'valueDate',
      'typeCode',
      'counterpartyName',
      'counterpartyAccount',
      'endToEndId',
      'bankReference',
    ] as const;
    for (const field of fields) {
      if (want[field] !== undefined) expect(line[field], `${where} ${field}`).toBe(want[field]);
    }
    if (want.typeCodePrefix !== undefined) {
      expect(line.typeCode ?? '', `${where} typeCode`).toMatch(
        new RegExp(`^${want.typeCodePrefix}\\b`),
      );
    }
    for (const text of want.remittanceContains ?? []) {
      expect(line.remittanceInfo ?? '', `${where} remittance`).toContain(text);
    }
    for (const text of want.additionalInfoContains ?? []) {
      expect(line.additionalInfo ?? '', `${where} additionalInfo`).toContain(text);
    }
    if (want.anyReference !== undefined) {
      const references = [line.endToEndId, line.bankReference, line.remittanceInfo].join('\n');
      expect(references, `${where} reference`).toContain(want.anyReference);
    }
  });
}

function compareFile(actual: ParsedBankFile, expected: ExpectedFile, name: string) {
  if (expected.statementCount !== undefined) {
    expect(actual.statements.length, `${name} statements`).toBe(expected.statementCount);
  }
  for (const want of expected.statements) {
    const statement =
      want.statementId === undefined
        ? actual.statements[0]
        : actual.statements.find((candidate) => candidate.statementId === want.statementId);
    expect(statement, `${name} statement ${want.statementId}`).toBeDefined();
    if (statement) compareStatement(statement, want, `${name} ${want.statementId ?? ''}`);
  }
}

const genkgoCases = validSamples
  .filter((sample) => sample.name.startsWith('genkgo_camt/'))
  .map((sample) => ({ sample, expected: sample.path.replace(/\.xml$/, '.json') }))
  .filter(({ expected }) => existsSync(expected));

describe('camt samples against genkgo/camt expected output (*.json)', () => {
  it('has an expected output for every genkgo input but the invalid one', () => {
    expect(genkgoCases.length).toBe(25);
  });

  it.each(genkgoCases.map((item) => [item.sample.name, item] as const))('%s', (name, item) => {
    const actual = parseSample(item.sample);
    const expected = genkgoExpected(JSON.parse(readFileSync(item.expected, 'utf8')), actual.format);
    expect(expected.statements.length).toBeGreaterThan(0);
    compareFile(actual, expected, name);
  });
});

const ocaCases = validSamples
  .filter((sample) => /^OCA_bank-statement-import_16\.0\/test-camt[^.]*$/.test(sample.name))
  .map((sample) => {
    const golden = sample.name.replace(/test-(camt[^/]*)$/, 'golden-$1.pydata');
    return { sample, golden: join(SHARED, golden) };
  });

describe.skipIf(!sharedPresent)('camt samples against OCA expected output (golden-*)', () => {
  it('has a golden for each of the four OCA inputs (the ZIP has none)', () => {
    expect(ocaCases.map((item) => item.sample.name.split('/')[1])).toEqual([
      'test-camt053',
      'test-camt053-no-ntry',
      'test-camt053-txdtls',
      'test-camt054',
    ]);
  });

  it.each(ocaCases.map((item) => [item.sample.name, item] as const))('%s', (name, item) => {
    const actual = parseSample(item.sample);
    const expected = ocaExpected(
      parsePythonLiteral(readFileSync(item.golden, 'utf8')),
      currencyExponent,
    );
    if (expected.statements.length === 0) {
      // OCA drops statements without transactions
      expect(actual.statements.flatMap((statement) => statement.lines)).toEqual([]);
      return;
    }
    compareFile(actual, expected, name);
  });
});

// ---------------------------------------------------------------------------
// Balance identity
// ---------------------------------------------------------------------------

describe('opening balance + Σ lines = closing balance', () => {
  const checked = validSamples.filter((sample) =>
    parseSample(sample).statements.some((st) => st.openingBalance && st.closingBalance),
  );

  it('checks a good share of the samples', () => {
    expect(checked.length).toBeGreaterThanOrEqual(30);
  });

  it.each(checked.map((sample) => [sample.name, sample] as const))('%s', (name, sample) => {
    const problems = parseSample(sample)
      .statements.map((statement) => balanceProblem(statement))
      .filter((problem): problem is string => problem !== null);
    const known = KNOWN_INCONSISTENT[name];
    if (known) {
      expect(problems, known.reason).toHaveLength(1);
      expect(problems[0]).toContain(known.problem);
    } else {
      expect(problems).toEqual([]);
    }
  });

  it('chains the daily Subite statements: each day opens at the previous close', () => {
    const days = validSamples.filter((sample) =>
      sample.name.includes('LT625883379695428516/CAMT_053/'),
    );
    expect(days).toHaveLength(16);
    const lastClose = new Map<string, bigint>();
    for (const day of days) {
      for (const statement of parseSample(day).statements) {
        const previous = lastClose.get(statement.accountIdentifier);
        if (previous !== undefined) {
          expect(
            statement.openingBalance?.amountMinor,
            `${day.name} ${statement.accountIdentifier}`,
          ).toBe(previous);
        }
        lastClose.set(statement.accountIdentifier, statement.closingBalance?.amountMinor ?? 0n);
      }
    }
    expect(lastClose.size).toBe(2);
  });

  it('reports a statement that does not add up, and ignores one it cannot check', () => {
    const statement = parseCamt(
      statementXml({ entries: [entryXml({ amount: '10.00' })], close: '111.00' }),
    ).statements[0] as ParsedStatement;
    expect(balanceProblem(statement)).toBe(
      'opening balance 100.00 EUR + lines 10.00 EUR = 110.00 EUR, but the closing balance is ' +
        '111.00 EUR (difference 1.00 EUR)',
    );
    expect(balanceProblem({ ...statement, closingBalance: null })).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Hand-written files
// ---------------------------------------------------------------------------

type EntryOptions = {
  amount?: string | null;
  currency?: string;
  indicator?: string;
  reversal?: boolean;
  status?: string;
  bookingDate?: string;
  details?: string;
  extra?: string;
};

function entryXml(options: EntryOptions = {}): string {
  const amount =
    options.amount === null
      ? ''
      : `<Amt Ccy="${options.currency ?? 'EUR'}">${options.amount ?? '1.00'}</Amt>`;
  return [
    '<Ntry>',
    amount,
    `<CdtDbtInd>${options.indicator ?? 'CRDT'}</CdtDbtInd>`,
    options.reversal ? '<RvslInd>true</RvslInd>' : '',
    `<Sts><Cd>${options.status ?? 'BOOK'}</Cd></Sts>`,
    `<BookgDt><Dt>${options.bookingDate ?? '2024-03-07'}</Dt></BookgDt>`,
    '<ValDt><DtTm>2024-03-07T00:30:00+01:00</DtTm></ValDt>',
    '<AcctSvcrRef>BANKREF</AcctSvcrRef>',
    options.details ?? '',
    options.extra ?? '',
    '</Ntry>',
  ].join('\n');
}

function statementXml(
  options: {
    entries?: string[];
    open?: string;
    close?: string;
    summary?: string;
    prefix?: string;
  } = {},
): string {
  const body = [
    '<Stmt>',
    '<Id>S1</Id>',
    '<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>',
    `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${options.open ?? '100.00'}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-06</Dt></Dt></Bal>`,
    `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${options.close ?? '101.00'}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-07</Dt></Dt></Bal>`,
    options.summary ?? '',
    ...(options.entries ?? [entryXml()]),
    '</Stmt>',
  ].join('\n');
  return document(body);
}

function document(body: string, root = 'BkToCstmrStmt', version = 'camt.053.001.08'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}">`,
    `<${root}>`,
    '<GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-07T18:00:00+01:00</CreDtTm></GrpHdr>',
    body,
    `</${root}>`,
    '</Document>',
  ].join('\n');
}

function txDetails(
  parts: { amount?: string; indicator?: string; name: string; reference?: string; e2e?: string }[],
): string {
  return [
    '<NtryDtls>',
    ...parts.map((part) =>
      [
        '<TxDtls>',
        `<Refs><AcctSvcrRef>TX-${part.name}</AcctSvcrRef><EndToEndId>${part.e2e ?? 'NOTPROVIDED'}</EndToEndId></Refs>`,
        part.amount ? `<Amt Ccy="EUR">${part.amount}</Amt>` : '',
        part.indicator ? `<CdtDbtInd>${part.indicator}</CdtDbtInd>` : '',
        `<RltdPties><Dbtr><Pty><Nm>${part.name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></DbtrAcct>`,
        `<Cdtr><Pty><Nm>Us Ltd</Nm></Pty></Cdtr></RltdPties>`,
        `<RmtInf><Ustrd>Thanks</Ustrd><Ustrd>${part.name}</Ustrd><Strd><RfrdDocInf><Nb>INV-${part.name}</Nb></RfrdDocInf><CdtrRefInf><Ref>${part.reference ?? 'RF18539007547034'}</Ref></CdtrRefInf></Strd></RmtInf>`,
        '</TxDtls>',
      ].join(''),
    ),
    '</NtryDtls>',
  ].join('\n');
}

function errorOf(xml: string): BankFileError {
  const error = catchError(() => parseCamt(xml));
  expect(error).toBeInstanceOf(BankFileError);
  return error as BankFileError;
}

describe('parseCamt on hand-written files', () => {
  it('reads a statement: balances, dates, references, counterparty, remittance', () => {
    const xml = statementXml({
      entries: [entryXml({ details: txDetails([{ name: 'Acme', e2e: 'E2E-1' }]) })],
    });
    const [statement] = parseCamt(xml).statements;
    expect(statement).toMatchObject({
      format: 'camt.053',
      statementId: 'S1',
      accountIdentifier: 'DE89370400440532013000',
      currency: 'EUR',
      createdAt: '2024-03-07T18:00:00+01:00',
      openingBalance: { amountMinor: 10000n, currency: 'EUR', date: '2024-03-06' },
      closingBalance: { amountMinor: 10100n, currency: 'EUR', date: '2024-03-07' },
      controlProblems: [],
    });
    expect(statement?.lines).toEqual([
      {
        lineNo: 1,
        bookingDate: '2024-03-07',
        // the bank's own calendar date, not the UTC one (2024-03-06T23:30Z)
        valueDate: '2024-03-07',
        amountMinor: 100n,
        currency: 'EUR',
        typeCode: null,
        counterpartyName: 'Acme',
        counterpartyAccount: 'GB33BUKB20201555555555',
        counterpartyBank: null,
        remittanceInfo: 'Thanks Acme INV-Acme RF18539007547034',
        endToEndId: 'E2E-1',
        bankReference: 'BANKREF',
        additionalInfo: null,
        sourceLine: 11,
      },
    ]);
  });

  it('takes the payee of a debit, ignores NOTPROVIDED, and keeps the reversal direction', () => {
    const xml = statementXml({
      entries: [
        entryXml({ amount: '5.00', indicator: 'DBIT', details: txDetails([{ name: 'Acme' }]) }),
        entryXml({ amount: '6.00', reversal: true }),
      ],
      close: '101.00',
    });
    const [statement] = parseCamt(xml).statements;
    expect(statement?.lines.map((line) => line.amountMinor)).toEqual([-500n, 600n]);
    expect(statement?.lines[0]).toMatchObject({ counterpartyName: 'Us Ltd', endToEndId: null });
    expect(statement?.lines[1]?.additionalInfo).toBe('reversal (RvslInd)');
    expect(balanceProblem(statement as ParsedStatement)).toBeNull();
  });

  it('splits a batch whose TxDtls amounts add up, and keeps one line when they do not', () => {
    const split = entryXml({
      amount: '30.00',
      details: txDetails([
        { name: 'A', amount: '10.00' },
        { name: 'B', amount: '25.00' },
        { name: 'C', amount: '5.00', indicator: 'DBIT' },
      ]),
    });
    const netted = entryXml({
      amount: '29.00',
      details: txDetails([
        { name: 'A', amount: '10.00' },
        { name: 'B', amount: '20.00' },
      ]),
    });
    const [statement] = parseCamt(
      statementXml({ entries: [split, netted], close: '159.00' }),
    ).statements;
    expect(
      statement?.lines.map((line) => [line.amountMinor, line.counterpartyName, line.bankReference]),
    ).toEqual([
      [1000n, 'A', 'TX-A'],
      [2500n, 'B', 'TX-B'],
      [-500n, 'Us Ltd', 'TX-C'],
      [2900n, null, 'BANKREF'],
    ]);
    expect(statement?.lines[3]?.remittanceInfo).toBe('Thanks A INV-A RF18539007547034 B INV-B');
    expect(statement?.lines[3]?.additionalInfo).toBe('batch of 2 transactions');
    expect(balanceProblem(statement as ParsedStatement)).toBeNull();
  });

  it('leaves pending entries out of a statement but keeps INFO advices of a camt.054', () => {
    const pending = entryXml({ amount: '7.00', status: 'PDNG' });
    const [statement] = parseCamt(statementXml({ entries: [entryXml(), pending] })).statements;
    expect(statement?.lines.map((line) => line.amountMinor)).toEqual([100n]);
    const notification = document(
      [
        '<Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>12345678</Id></Othr></Id></Acct>',
        entryXml({ amount: '7', currency: 'JPY', status: 'INFO' }),
        '</Ntfctn>',
      ].join('\n'),
      'BkToCstmrDbtCdtNtfctnV01',
      'camt.054.001.01',
    );
    const file = parseCamt(notification);
    expect(file.format).toBe('camt.054');
    expect(file.statements[0]).toMatchObject({
      accountIdentifier: '12345678',
      currency: 'JPY',
      openingBalance: null,
      closingBalance: null,
    });
    expect(file.statements[0]?.lines[0]).toMatchObject({
      amountMinor: 7n,
      additionalInfo: 'status INFO',
    });
  });

  it('reads namespace prefixes, a BOM and trailing zeros beyond the minor unit', () => {
    const xml =
      '\uFEFF' +
      statementXml({ entries: [entryXml({ amount: '1.000' })] })
        .replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1c:$2')
        .replace('xmlns=', 'xmlns:c=');
    const [statement] = parseCamt(xml).statements;
    expect(statement?.lines[0]?.amountMinor).toBe(100n);
    expect(balanceProblem(statement as ParsedStatement)).toBeNull();
  });

  it('checks TxsSummry and says what disagrees', () => {
    const summary = [
      '<TxsSummry>',
      '<TtlNtries><NbOfNtries>3</NbOfNtries><Sum>3.00</Sum><TtlNetNtry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry></TtlNtries>',
      '<TtlCdtNtries><NbOfNtries>2</NbOfNtries><Sum>2.00</Sum></TtlCdtNtries>',
      '<TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>1.00</Sum></TtlDbtNtries>',
      '</TxsSummry>',
    ].join('');
    const entries = [entryXml(), entryXml(), entryXml({ indicator: 'DBIT' })];
    expect(parseCamt(statementXml({ entries, summary })).statements[0]?.controlProblems).toEqual(
      [],
    );
    const wrong = summary
      .replace('<Sum>2.00</Sum>', '<Sum>2.50</Sum>')
      .replace('<NbOfNtries>3<', '<NbOfNtries>4<');
    expect(
      parseCamt(statementXml({ entries, summary: wrong })).statements[0]?.controlProblems,
    ).toEqual([
      'Document/BkToCstmrStmt/Stmt[1]/TxsSummry/TtlNtries/NbOfNtries says 4 but the statement has 3 entries',
      'Document/BkToCstmrStmt/Stmt[1]/TxsSummry/TtlCdtNtries/Sum says 2.50 EUR but the credit entries add up to 2.00 EUR',
    ]);
  });

  it('names the element in Stmt[2]/Ntry[5] that is wrong, with its line', () => {
    const good = statementXml().split('\n').slice(4, -2).join('\n');
    const entries = [1, 2, 3, 4].map(() => entryXml());
    const second = statementXml({ entries: [...entries, entryXml({ amount: '12,50' })] })
      .split('\n')
      .slice(4, -2)
      .join('\n');
    const xml = document(`${good}\n${second}`);
    const error = errorOf(xml);
    expect(error.element).toBe('Document/BkToCstmrStmt/Stmt[2]/Ntry[5]/Amt');
    expect(error.message).toBe(
      'Document/BkToCstmrStmt/Stmt[2]/Ntry[5]/Amt: "12,50" is not a decimal amount',
    );
    const lines = xml.split('\n');
    const fifth = lines.reduce<number[]>(
      (found, text, index) => (text === '<Ntry>' ? [...found, index + 1] : found),
      [],
    )[5];
    // the <Amt> just below the fifth <Ntry> of the second statement
    expect(error.line).toBe((fifth ?? 0) + 1);
  });

  it.each([
    ['missing Amt', entryXml({ amount: null }), 'Ntry[1]/Amt', 'missing', 11],
    [
      'unknown currency',
      entryXml({ currency: 'EURO' }),
      'Ntry[1]/Amt/@Ccy',
      'unknown currency code "EURO"',
      12,
    ],
    [
      'too many decimals',
      entryXml({ amount: '1.005' }),
      'Ntry[1]/Amt',
      '"1.005" has more decimals than the currency allows (2)',
      12,
    ],
    [
      'negative amount',
      entryXml({ amount: '-1.00' }),
      'Ntry[1]/Amt',
      '"-1.00" is negative: the sign belongs in CdtDbtInd',
      12,
    ],
    [
      'impossible date',
      entryXml({ bookingDate: '2024-02-30' }),
      'Ntry[1]/BookgDt/Dt',
      '"2024-02-30" is not a valid date',
      16,
    ],
    [
      'not a date',
      entryXml({ bookingDate: '07.03.2024' }),
      'Ntry[1]/BookgDt/Dt',
      '"07.03.2024" is not a valid date',
      16,
    ],
    [
      'bad indicator',
      entryXml({ indicator: 'CREDIT' }),
      'Ntry[1]/CdtDbtInd',
      '"CREDIT" is neither CRDT nor DBIT',
      11,
    ],
  ])('rejects an entry with %s', (_case, entry, element, message, line) => {
    const error = errorOf(statementXml({ entries: [entry] }));
    expect(error.element).toBe(`Document/BkToCstmrStmt/Stmt[1]/${element}`);
    expect(error.message).toBe(`Document/BkToCstmrStmt/Stmt[1]/${element}: ${message}`);
    // the line of the element itself, or of its entry for a text-only element
    expect(error.line).toBe(line);
  });

  it('reports the first problem met, though entries are read while the XML is parsed', () => {
    const badEntry = entryXml({ indicator: 'CREDIT' });
    const broken = statementXml({ entries: [badEntry] }).replace('</Stmt>', '</Stmt><x>');
    expect(errorOf(broken).message).toMatch(/^Not a well-formed XML file: line \d+, column/);
    const accountLast = statementXml({ entries: [badEntry] })
      .replace(/<Acct>.*<\/Acct>\n/, '')
      .replace('</Stmt>', '<Acct><Nm>x</Nm></Acct>\n</Stmt>');
    expect(errorOf(accountLast).element).toBe('Document/BkToCstmrStmt/Stmt[1]/Acct/Id');
    // a bad date fails the lines of Ntry[1]; lines are made once every entry has been read
    const badDate = entryXml({ bookingDate: '2024-02-30' });
    expect(errorOf(statementXml({ entries: [badDate, badEntry] })).element).toBe(
      'Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/CdtDbtInd',
    );
    expect(errorOf(statementXml({ entries: [badDate, badDate] })).element).toBe(
      'Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt/Dt',
    );
    const empty = errorOf(statementXml({ entries: [entryXml(), '<Ntry/>', badEntry] }));
    expect(empty.message).toBe('Document/BkToCstmrStmt/Stmt[1]/Ntry[2]: empty entry');
    expect(empty.line).toBe(5); // of its statement, <Stmt>
  });

  it('reads the statements of the message it finds in an envelope, and only those', () => {
    const inner = (entries: string[]) => statementXml({ entries }).replace(/^<\?xml[^>]*>\n/, '');
    const xml = (first: string[], second: string[]) =>
      `<?xml version="1.0"?>\n<Envelope><AppHdr><Fr/></AppHdr>\n${inner(first)}\n` +
      `<Wrapped>${inner(second)}</Wrapped></Envelope>`;
    const bad = entryXml({ amount: 'x' });
    const file = parseCamt(xml([entryXml(), entryXml({ amount: '2.00' })], [bad]));
    expect(file.statements.map((statement) => statement.lines.length)).toEqual([2]);
    expect(file.statements[0]?.lines.map((line) => [line.lineNo, line.amountMinor])).toEqual([
      [1, 100n],
      [2, 200n],
    ]);
    expect(errorOf(xml([entryXml(), bad], [])).element).toBe(
      'Envelope/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt',
    );
  });

  it('rejects broken XML with the validator line and column', () => {
    const xml = statementXml().replace('</Acct>', '</Account>');
    const error = errorOf(xml);
    expect(error.message).toMatch(/^Not a well-formed XML file: line 7, column \d+: .*'Acct'/);
    expect(error.line).toBe(7);
  });

  it.each([
    ['plain text', 'Kontoauszug 2024-03-07\n1;2;3', 'line 1, column 1'],
    ['JSON', '{"statements": []}', 'line 1, column 1'],
    ['an empty file', '', 'line 1'],
  ])('rejects %s as not XML', (_case, content, where) => {
    expect(errorOf(content).message).toContain(`Not a well-formed XML file: ${where}`);
  });

  it('rejects XML that is not a camt message', () => {
    const pain = document('<PmtInf/>', 'CstmrCdtTrfInitn', 'pain.001.001.09');
    expect(errorOf(pain).message).toBe(
      'Document: holds CstmrCdtTrfInitn, not a BkToCstmrStmt (camt.053), BkToCstmrAcctRpt ' +
        '(camt.052) or BkToCstmrDbtCdtNtfctn (camt.054)',
    );
    expect(errorOf('<html><body/></html>').element).toBe('html');
  });

  it('rejects a statement without account identification or currency', () => {
    const noAccount = statementXml().replace(/<Acct>.*<\/Acct>/, '<Acct><Nm>x</Nm></Acct>');
    expect(errorOf(noAccount).element).toBe('Document/BkToCstmrStmt/Stmt[1]/Acct/Id');
    const noCurrency = document(
      '<Stmt><Id>S</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct></Stmt>',
    );
    expect(errorOf(noCurrency).message).toBe(
      'Document/BkToCstmrStmt/Stmt[1]/Acct/Ccy: missing, and no balance or entry tells it',
    );
  });
});
