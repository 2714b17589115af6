import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { balanceProblem } from '../../src/modules/banking/parsers/balance-check.ts';
import { parseBai2 } from '../../src/modules/banking/parsers/bai2.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
} from '../../src/modules/banking/parsers/statement.ts';
import { SHARED_SAMPLES } from '../support/samples.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/bank/bai2/', import.meta.url));
/** Samples written by others, beside the repository (GPL ones are only there). */
const SHARED = `${SHARED_SAMPLES}/bai2/`;
const sharedAvailable = existsSync(SHARED);
if (!sharedAvailable && process.env.CI === 'true') {
  throw new Error(`CI=true but the shared BAI2 samples are missing at ${SHARED}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const read = (path: string) => readFileSync(path, 'latin1');
const allProblems = (file: ParsedBankFile) => [
  ...new Set(file.statements.flatMap((statement) => statement.controlProblems)),
];
const lineCount = (file: ParsedBankFile) =>
  file.statements.reduce((count, statement) => count + statement.lines.length, 0);

function parseError(text: string): BankFileError {
  try {
    parseBai2(text);
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError');
}

type Outcome =
  | { statements: number; lines: number; problems: number }
  | { error: RegExp; line: number; element?: string };

/**
 * What each sample gives. Control totals are recomputed for every file: `problems` counts the
 * distinct disagreements the file's own 49/98/99 trailers have with its records.
 */
const OUTCOMES: Record<string, Outcome> = {
  'dnsbty_bai2/test.bai': { statements: 1, lines: 1, problems: 7 },
  'dnsbty_bai2/test2.bai': { statements: 1, lines: 1, problems: 6 },
  // a truncated file: an 03 and nothing after it
  'dnsbty_bai2/test3.bai': { error: /ends without the 49 trailer/, line: 3, element: '49' },
  // not BAI2 as written: an eight-digit creation date, a seven-digit as-of date, type code 10000
  'hengpor_bai2-to-csv/sample.bai': { error: /creation date "20250525"/, line: 1, element: '01' },
  // marked invalid by its source
  'moov-io_bai2/errors/sample-parseError.txt': { error: /is not a BAI2 record/, line: 1 },
  'moov-io_bai2/sample1.txt': { statements: 2, lines: 17, problems: 0 },
  // its fourth group has status 3 (correction), which is flagged
  'moov-io_bai2/sample2.txt': { statements: 5, lines: 4, problems: 1 },
  'moov-io_bai2/sample3.txt': { statements: 15, lines: 26, problems: 0 },
  // these two carry totals and counts that do not match their records (see the report)
  'moov-io_bai2/sample4-continuations-newline-delimited.txt': {
    statements: 5,
    lines: 17,
    problems: 8,
  },
  'moov-io_bai2/sample5-issue113.txt': { statements: 5, lines: 20, problems: 8 },
  'sh-vardhantallapalli_bai2-reader/sample_1.bai': { statements: 5, lines: 20, problems: 8 },
  // three files spliced together: a second 01 inside the first file's account
  'sh-vardhantallapalli_bai2-reader/sample_2.bai': { error: /second 01 file header/, line: 38 },
  'sh-vardhantallapalli_bai2-reader/sample_3.bai': { statements: 1, lines: 4, problems: 1 },
  'sh-vardhantallapalli_bai2-reader/sample_4.bai': { error: /second 01 file header/, line: 75 },
  'sh-vardhantallapalli_bai2-reader/sample_5.bai': { error: /second 01 file header/, line: 111 },
};

function checkOutcome(path: string, outcome: Outcome) {
  if ('error' in outcome) {
    const error = parseError(read(path));
    expect(error.message).toMatch(outcome.error);
    expect(error.message).toMatch(new RegExp(`^line ${outcome.line}\\b`));
    expect(error.line).toBe(outcome.line);
    if (outcome.element) expect(error.element).toBe(outcome.element);
    return;
  }
  const file = parseBai2(read(path));
  expect(file.format).toBe('bai2');
  expect(file.statements).toHaveLength(outcome.statements);
  expect(lineCount(file)).toBe(outcome.lines);
  expect(allProblems(file)).toHaveLength(outcome.problems);
}

describe.skipIf(!sharedAvailable)('every BAI2 sample in shared/samples', () => {
  const files = sharedAvailable ? filesUnder(SHARED).map((path) => relative(SHARED, path)) : [];

  it('has an expected outcome for each file', () => {
    expect(files.sort()).toEqual(Object.keys(OUTCOMES).sort());
  });

  it.each(files)('%s', (name) => {
    const outcome = OUTCOMES[name];
    if (!outcome) throw new Error(`no expected outcome for ${name}`);
    checkOutcome(join(SHARED, name), outcome);
  });
});

describe('the copied BAI2 samples', () => {
  it.each(Object.keys(OUTCOMES).filter((name) => existsSync(join(FIXTURES, name))))('%s', (name) =>
    checkOutcome(join(FIXTURES, name), OUTCOMES[name] as Outcome),
  );

  it('sample1: two CAD accounts whose details net to the 88 credit and debit summaries', () => {
    const file = parseBai2(read(join(FIXTURES, 'moov-io_bai2/sample1.txt')));
    const [first, second] = file.statements as [ParsedStatement, ParsedStatement];
    expect(first.accountIdentifier).toBe('10200123456');
    expect(first.currency).toBe('CAD');
    expect(first.bankIdentifier).toBe('0004');
    expect(first.fromDate).toBe('2006-03-17');
    expect(first.createdAt).toBe('2006-03-21T08:29:00');
    expect(first.lines[0]).toEqual({
      lineNo: 1,
      bookingDate: '2006-03-17',
      valueDate: '2006-03-16',
      amountMinor: -2500n,
      currency: 'CAD',
      typeCode: '409',
      counterpartyName: null,
      counterpartyAccount: null,
      counterpartyBank: null,
      remittanceInfo: 'RETURNED CHEQUE',
      endToEndId: null,
      bankReference: null,
      additionalInfo: null,
      sourceLine: 5,
    });
    // the 88 declares 100 (credits) 208500 in 3 items and 400 (debits) 208500 in 8 items
    const credits = first.lines.filter((line) => line.amountMinor > 0n);
    const debits = first.lines.filter((line) => line.amountMinor < 0n);
    expect(credits.reduce((sum, line) => sum + line.amountMinor, 0n)).toBe(208500n);
    expect(credits).toHaveLength(3);
    expect(debits.reduce((sum, line) => sum + line.amountMinor, 0n)).toBe(-208500n);
    expect(debits).toHaveLength(8);
    expect(second.lines.map((line) => line.amountMinor)).toEqual([
      11500n,
      100000n,
      -100000n,
      -9000n,
      -2000n,
      -500n,
    ]);
    expect(first.statementId).not.toBe(second.statementId);
  });

  it('sample2: continuations split a summary group, funds types S, V, D and 1', () => {
    const file = parseBai2(read(join(FIXTURES, 'moov-io_bai2/sample2.txt')));
    const byAccount = new Map(file.statements.map((s) => [s.accountIdentifier, s]));
    expect(file.statements.map((s) => s.currency)).toEqual(Array(5).fill('USD'));
    expect(byAccount.get('9876543210')?.openingBalance?.amountMinor).toBe(-500000n);
    expect(byAccount.get('9876543210')?.lines[0]?.remittanceInfo).toBe('LOCK BOX NO.68751');
    expect(byAccount.get('4589761203')?.lines[0]).toMatchObject({
      typeCode: '218',
      amountMinor: 20000000n,
      valueDate: '2004-06-22',
      bankReference: 'SP4738',
      endToEndId: 'YRC065321',
      remittanceInfo: 'PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO',
    });
    expect(byAccount.get('0975312468')?.lines).toEqual([]);
    expect(allProblems(file)).toEqual([
      'group 4 (line 26): group status 3 (correction): the group corrects data the bank sent before',
    ]);
  });

  it('sample3: records packed on one line and a wrapped text still balance', () => {
    const file = parseBai2(read(join(FIXTURES, 'moov-io_bai2/sample3.txt')));
    for (const statement of file.statements) {
      expect(statement.openingBalance).not.toBeNull();
      expect(statement.closingBalance).not.toBeNull();
      expect(balanceProblem(statement)).toBeNull();
    }
    expect(file.statements[0]?.openingBalance?.amountMinor).toBe(-3500n);
    expect(file.statements[0]?.closingBalance?.amountMinor).toBe(-3600n);
    const wrapped = file.statements[7]?.lines[0];
    expect(wrapped?.sourceLine).toBe(18);
    expect(wrapped?.remittanceInfo).toBe(
      '111111     ACH_SETL           1111111111 111111111111111 1111111111',
    );
  });

  it('sample4: text with commas runs to the end of the line, party tags are read', () => {
    const file = parseBai2(
      read(join(FIXTURES, 'moov-io_bai2/sample4-continuations-newline-delimited.txt')),
    );
    const lines = file.statements.flatMap((s) => s.lines);
    expect(lines[0]?.remittanceInfo).toMatch(
      /^ACH Credit Payment,Entry Description: EXP; -, SEC: CCD, Client Ref ID: 1111, GS ID: SPB2322984714570 EREF: 1111/,
    );
    const wire = lines.find((line) => line.bankReference === 'GI2229300000187');
    expect(wire).toMatchObject({
      typeCode: '195',
      amountMinor: 1125n,
      endToEndId: 'GS0D9VGMP1IWPLW',
      counterpartyAccount: '8348572423',
      counterpartyBank: 'CITIUS30XXX',
    });
    const returned = lines.find((line) => line.typeCode === '557');
    expect(returned?.amountMinor).toBe(-200000n);
    expect(returned?.counterpartyName).toBe('Test');
  });

  it('sample5: slashes inside fields are kept', () => {
    const file = parseBai2(read(join(FIXTURES, 'moov-io_bai2/sample5-issue113.txt')));
    const lines = file.statements.flatMap((s) => s.lines);
    expect(lines.map((line) => line.endToEndId)).toContain('AB/GS/RPFILERP0001/RPBA0001');
    const wire = lines.find((line) => line.endToEndId === '3785726');
    expect(wire?.remittanceInfo).toContain('Remittance Info: "08/18/23 Invoice - Sample"');
    expect(wire?.amountMinor).toBe(-30000000n);
  });

  it('test.bai: every trailer disagreement is reported with both figures', () => {
    const file = parseBai2(read(join(FIXTURES, 'dnsbty_bai2/test.bai')));
    expect(file.statements[0]?.controlProblems).toEqual([
      'account 123456 (49 trailer, line 7): record count (03 to 49) 2 declared, 4 found',
      'group 1 (98 trailer, line 8): control total (Σ 49 totals) 12000 declared, 11000 found',
      'group 1 (98 trailer, line 8): account count 2 declared, 1 found',
      'group 1 (98 trailer, line 8): record count (02 to 98) 5 declared, 6 found',
      'file (99 trailer, line 9): control total (Σ 98 totals) 22000 declared, 12000 found',
      'file (99 trailer, line 9): group count 2 declared, 1 found',
      'file (99 trailer, line 9): record count (01 to 99) 10 declared, 8 found',
    ]);
    expect(file.statements[0]?.lines[0]).toMatchObject({
      typeCode: '495',
      amountMinor: -1000n,
      bankReference: 'I1220012',
      endToEndId: 'endtoendID',
      remittanceInfo:
        'To: Payee account, Account: XXXXX-4454, Client Ref ID: endtoendID, GS ID:I1220012 ' +
        'CREF: 9f4396bd-8c47-4893-8682-bd8ff006d140, BREF: 204820942048',
    });
  });
});

describe('a BAI2 file written for Dunwell', () => {
  const parse = () => parseBai2(read(join(FIXTURES, 'dunwell/two-accounts.bai')));

  it('reads both accounts, their balances and control totals', () => {
    const file = parse();
    const [usd, jpy] = file.statements as [ParsedStatement, ParsedStatement];
    expect(file.statements).toHaveLength(2);
    expect(allProblems(file)).toEqual([]);
    expect(usd.openingBalance).toEqual({
      amountMinor: 1000000n,
      currency: 'USD',
      date: '2024-03-14',
    });
    expect(usd.closingBalance?.amountMinor).toBe(1124550n);
    expect(jpy.currency).toBe('JPY');
    expect(jpy.openingBalance?.amountMinor).toBe(500000n);
    expect(jpy.closingBalance?.amountMinor).toBe(530000n);
    expect(balanceProblem(usd)).toBeNull();
    expect(balanceProblem(jpy)).toBeNull();
  });

  it('signs each line by its type code and skips 890 information records', () => {
    const [usd, jpy] = parse().statements as [ParsedStatement, ParsedStatement];
    expect(usd.lines.map((line) => [line.typeCode, line.amountMinor])).toEqual([
      ['165', 125000n],
      ['115', 50000n],
      ['475', -450n],
      ['699', -50000n],
    ]);
    expect(usd.lines[0]).toEqual({
      lineNo: 1,
      bookingDate: '2024-03-14',
      valueDate: null,
      amountMinor: 125000n,
      currency: 'USD',
      typeCode: '165',
      counterpartyName: 'ACME CORP',
      counterpartyAccount: '987654321',
      counterpartyBank: '026009593',
      remittanceInfo:
        'ACH CREDIT FROM ACME CORP, INVOICES INV-1001 AND INV-1002 ' +
        'DBNM: ACME CORP DACT: 987654321 DABA: 026009593',
      endToEndId: 'INV-1001',
      bankReference: 'BR0001',
      additionalInfo: 'DBNM: ACME CORP\nDACT: 987654321\nDABA: 026009593',
      sourceLine: 4,
    });
    expect(usd.lines[1]?.valueDate).toBe('2024-03-15');
    expect(usd.lines[3]?.remittanceInfo).toBe('BANK FEE, MARCH');
    expect(jpy.lines[0]?.amountMinor).toBe(30000n);
  });
});

/** A small valid file to break in the cases below; line numbers are 1-based. */
const VALID = [
  '01,BANK,CUSTOMER,240102,0800,1,,,2/',
  '02,CUSTOMER,BANK,1,240101,,USD,2/',
  '03,4711,USD,010,10000,,,015,12500,,/',
  '16,142,5000,,REF1,CUST1,PAYMENT INV-7/',
  '16,451,2500,,REF2,,FEE/',
  '49,30000,4/',
  '98,30000,1,6/',
  '99,30000,1,8/',
];
const withLines = (edit: (lines: string[]) => string[]) => edit([...VALID]).join('\n');

describe('hand-written malformed BAI2 files', () => {
  it('the valid base file parses without problems and balances', () => {
    const file = parseBai2(VALID.join('\r\n'));
    const statement = file.statements[0] as ParsedStatement;
    expect(statement.controlProblems).toEqual([]);
    expect(statement.lines.map((line) => line.amountMinor)).toEqual([5000n, -2500n]);
    expect(balanceProblem(statement)).toBeNull();
  });

  it('a wrong 49 control total is a control problem naming both figures', () => {
    const text = withLines((lines) => lines.with(5, '49,30100,4/'));
    const problems = parseBai2(text).statements[0]?.controlProblems ?? [];
    expect(problems).toContain(
      'account 4711 (49 trailer, line 6): control total (Σ 03 and 16 amounts) 30100 declared, 30000 found',
    );
    // the 98 sums the 49 totals as declared, so it now disagrees by the same 100
    expect(problems.join('\n')).toMatch(/98 trailer.*30000 declared, 30100 found/);
  });

  it('a wrong record count is a control problem', () => {
    const problems = parseBai2(withLines((lines) => lines.with(7, '99,30000,1,9/'))).statements[0]
      ?.controlProblems;
    expect(problems).toEqual([
      'file (99 trailer, line 8): record count (01 to 99) 9 declared, 8 found',
    ]);
  });

  it('a missing 99 is an error naming the last line', () => {
    const error = parseError(withLines((lines) => lines.slice(0, 7)));
    expect(error.message).toBe('line 7: the file ends without a 99 file trailer');
    expect(error.line).toBe(7);
    expect(error.element).toBe('99');
  });

  it('a missing 49 before the next 98 is an error', () => {
    const error = parseError(withLines((lines) => lines.toSpliced(5, 1)));
    expect(error.message).toBe(
      'line 6 (98 group trailer): the account opened on line 3 has no 49 trailer',
    );
  });

  it('a 16 before any 03 is an error naming its line', () => {
    const error = parseError(withLines((lines) => lines.toSpliced(2, 1)));
    expect(error.message).toBe(
      'line 3 (16 transaction detail): a transaction outside an account (no 03 before it)',
    );
    expect(error.line).toBe(3);
    expect(error.element).toBe('16');
  });

  it('a test-only or deletion group is refused, naming its line; a correction is imported with a note', () => {
    const withStatus = (status: string) =>
      withLines((lines) =>
        lines.with(1, lines[1]!.replace(/^(02,[^,]*,[^,]*,)1,/, `$1${status},`)),
      );
    expect(parseError(withStatus('4')).message).toMatch(
      /^line 2 \(02 group header\): group 1 is marked status 4 \(test only\)/,
    );
    expect(parseError(withStatus('2')).message).toMatch(/group 1 is marked status 2 \(deletion\)/);
    const corrected = parseBai2(withStatus('3')).statements[0]!;
    expect(corrected.lines).toHaveLength(2);
    expect(corrected.controlProblems.join('\n')).toMatch(/status 3 \(correction\)/);
  });

  it('records after the 99 are an error', () => {
    const error = parseError(withLines((lines) => [...lines, '02,X,Y,1,240101,,USD,2/']));
    expect(error.message).toMatch(/^line 9 \(02 group header\): record after the 99 file trailer/);
  });

  it('a file that does not start with 01 is an error', () => {
    expect(parseError(withLines((lines) => lines.slice(1))).message).toBe(
      'line 1 (02 group header): the file must start with a 01 file header',
    );
  });

  it.each([
    ['an unknown funds type', 3, '16,142,5000,X,REF1,CUST1,PAYMENT/', /funds type "X"/],
    ['a status code on a detail', 3, '16,010,5000,,REF1,CUST1,PAYMENT/', /type code 010 is not/],
    ['a signed detail amount', 3, '16,142,-5000,,REF1,,PAYMENT/', /has a sign/],
    ['a non-numeric amount', 2, '03,4711,USD,010,10O00,,/', /amount of type 010 "10O00"/],
    ['an unknown currency', 2, '03,4711,XYZ,010,10000,,/', /currency "XYZ"/],
    ['an impossible date', 1, '02,CUSTOMER,BANK,1,240231,,USD,2/', /"240231" is not a calendar/],
    ['a bad value date', 3, '16,142,5000,V,2401,,REF1,,X/', /V value date "2401"/],
    ['a text line outside any record', 7, 'HELLO', /"HELLO" is not a BAI2 record/],
  ])('%s is an error naming the line', (_name, index, replacement, message) => {
    const error = parseError(withLines((lines) => lines.with(index, replacement)));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(index + 1);
  });

  it('a slash inside text ends the record only before whitespace and a record code', () => {
    const text = withLines((lines) =>
      lines.with(3, '16,142,5000,,REF1,CUST1,PAID INV 2024/03,04 AND 2024/16,17/'),
    );
    expect(parseBai2(text).statements[0]?.lines[0]?.remittanceInfo).toBe(
      'PAID INV 2024/03,04 AND 2024/16,17',
    );
    const packed = withLines((lines) => [
      ...lines.slice(0, 3),
      `${lines[3]}  ${lines[4]}   ${lines[5]}`,
      ...lines.slice(6),
    ]);
    const file = parseBai2(packed);
    expect(file.statements[0]?.lines.map((line) => line.remittanceInfo)).toEqual([
      'PAYMENT INV-7',
      'FEE',
    ]);
    // three records on line 4 are still three records for the counts
    expect(file.statements[0]?.controlProblems).toEqual([]);
  });

  it('an 88 continues the fields of the record before it', () => {
    const text = withLines((lines) =>
      lines.toSpliced(2, 1, '03,4711,USD,010/', '88,10000,,,015,12500,,/').with(6, '49,30000,5/'),
    );
    const file = parseBai2(
      text.replace('98,30000,1,6/', '98,30000,1,7/').replace('99,30000,1,8/', '99,30000,1,9/'),
    );
    expect(file.statements[0]?.controlProblems).toEqual([]);
    expect(file.statements[0]?.openingBalance?.amountMinor).toBe(10000n);
    expect(file.statements[0]?.closingBalance?.amountMinor).toBe(12500n);
  });
});
