/**
 * BAI2 (Cash Management Balance Reporting Specifications, version 2) → {@link ParsedBankFile}.
 *
 * One {@link ParsedStatement} per 03 account. Amounts are whole numbers of the currency's minor
 * unit (BAI2 implies the currency's decimals, so `10000` USD is 100.00 and `10000` JPY is ¥10000).
 * Detail type codes 100–399 (and 720–728, 920–959) are credits, 400–699 (and 760, 960–999)
 * debits; 890 is non-monetary information and produces no line. Opening and closing balances are
 * the 03 record's 010 (opening ledger) and 015 (closing ledger).
 *
 * The 49, 98 and 99 control totals and record counts are recomputed and a disagreement is put in
 * `controlProblems` with both figures; a structural fault (missing trailer, record out of order,
 * unreadable field) is a {@link BankFileError} naming the line and the record code.
 */
import type { IsoDate } from '../../../shared/dates.ts';
import {
  DEFAULT_CURRENCY,
  direction,
  fail,
  physicalCount,
  readCount,
  readCurrency,
  readDate,
  readFundsType,
  readSignedInteger,
  readTime,
  readTypeCode,
} from './bai2-fields.ts';
import {
  Bai2FieldCursor,
  groupBai2Records,
  splitBai2Records,
  type Bai2LogicalRecord,
} from './bai2-records.ts';
import {
  BankFileError,
  type ParsedBankFile,
  type ParsedStatement,
  type ParsedStatementLine,
} from './statement.ts';

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

type FileHeader = {
  senderId: string;
  fileId: string;
  creationDate: IsoDate;
  createdAt: string;
};

type GroupState = {
  record: Bai2LogicalRecord;
  number: number;
  originatorId: string | null;
  asOfDate: IsoDate;
  currency: string | null;
  problems: string[];
  records: number;
  accounts: number;
  declaredAccountTotals: bigint;
  statements: ParsedStatement[];
};

type AccountState = {
  record: Bai2LogicalRecord;
  statement: ParsedStatement;
  records: number;
  /** Σ 03 amounts + Σ 16 amounts, as the 49 control total is defined */
  total: bigint;
};

function parseFileHeader(record: Bai2LogicalRecord): FileHeader {
  const cursor = new Bai2FieldCursor(record);
  const senderId = cursor.next() ?? '';
  cursor.next(); // receiver
  const creationDate = readDate(record, cursor.next(), 'file creation date');
  const time = readTime(record, cursor.next(), 'file creation time');
  const fileId = cursor.next() ?? '';
  cursor.next(); // physical record length
  cursor.next(); // block size
  const version = cursor.next() ?? '';
  if (version !== '2') {
    fail(record, `version ${JSON.stringify(version)}: Dunwell reads BAI version 2 files`);
  }
  return { senderId, fileId, creationDate, createdAt: `${creationDate}T${time ?? '00:00:00'}` };
}

const GROUP_STATUS_NOTES: Record<string, string | null> = {
  '1': null,
  '3': 'group status 3 (correction): the group corrects data the bank sent before',
};

/** Groups whose entries are no money received: the file is refused rather than worked. */
const REFUSED_GROUP_STATUS: Record<string, string> = {
  '2': 'is marked status 2 (deletion): the bank withdraws data it sent before, which is not done by importing; nothing was imported',
  '4': 'is marked status 4 (test only): its entries are test data, not money; nothing was imported',
};

function parseGroupHeader(record: Bai2LogicalRecord, number: number): GroupState {
  const cursor = new Bai2FieldCursor(record);
  cursor.next(); // ultimate receiver
  const originatorId = cursor.next() || null;
  const status = cursor.next() ?? '';
  const refused = REFUSED_GROUP_STATUS[status];
  if (refused !== undefined) fail(record, `group ${number} ${refused}`);
  const note = GROUP_STATUS_NOTES[status];
  if (note === undefined) {
    fail(record, `group status ${JSON.stringify(status)} is not 1, 2, 3 or 4`);
  }
  const asOfDate = readDate(record, cursor.next(), 'as-of date');
  readTime(record, cursor.next(), 'as-of time');
  const currency = readCurrency(record, cursor.next());
  const modifier = cursor.next() ?? '';
  if (!['', '1', '2', '3', '4'].includes(modifier)) {
    fail(record, `as-of-date modifier ${JSON.stringify(modifier)} is not 1, 2, 3 or 4`);
  }
  return {
    record,
    number,
    originatorId,
    asOfDate,
    currency,
    problems: note ? [`group ${number} (line ${record.line}): ${note}`] : [],
    records: physicalCount(record),
    accounts: 0,
    declaredAccountTotals: 0n,
    statements: [],
  };
}

function parseAccount(
  record: Bai2LogicalRecord,
  header: FileHeader,
  group: GroupState,
): AccountState {
  const cursor = new Bai2FieldCursor(record);
  const accountNumber = cursor.next() ?? '';
  if (accountNumber === '') fail(record, 'the customer account number is missing');
  const currency = readCurrency(record, cursor.next()) ?? group.currency ?? DEFAULT_CURRENCY;
  const balance = (amountMinor: bigint) => ({ amountMinor, currency, date: group.asOfDate });
  const statement: ParsedStatement = {
    format: 'bai2',
    statementId: `${header.senderId}:${header.creationDate}:${header.fileId}:${group.number}.${group.accounts + 1}`,
    sequenceNumber: header.fileId || null,
    accountIdentifier: accountNumber,
    bankIdentifier: group.originatorId,
    currency,
    createdAt: header.createdAt,
    fromDate: group.asOfDate,
    toDate: group.asOfDate,
    openingBalance: null,
    closingBalance: null,
    controlProblems: [],
    lines: [],
  };
  let total = 0n;
  // summary/status groups: type code, amount, item count, funds type (+ its own fields)
  for (let typeCode = cursor.next(); typeCode !== undefined; typeCode = cursor.next()) {
    const amount = cursor.next() ?? '';
    const itemCount = cursor.next() ?? '';
    const fundsType = cursor.next() ?? '';
    if (typeCode === '' && amount === '' && itemCount === '' && fundsType === '') continue;
    readTypeCode(record, typeCode);
    if (itemCount !== '') readCount(record, itemCount, `item count of type ${typeCode}`);
    readFundsType(record, cursor, fundsType);
    if (amount === '') continue;
    const amountMinor = readSignedInteger(record, amount, `amount of type ${typeCode}`);
    total += amountMinor;
    if (typeCode === '010') statement.openingBalance = balance(amountMinor);
    if (typeCode === '015') statement.closingBalance = balance(amountMinor);
  }
  return { record, statement, records: physicalCount(record), total };
}

/** Goldman Sachs-style `TAG: value` continuation lines that name the parties. */
function partyTags(lines: string[]): Map<string, string> {
  const tags = new Map<string, string>();
  for (const line of lines) {
    const match = /^([A-Z]{4}):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] && !tags.has(match[1])) tags.set(match[1], match[2].trim());
  }
  return tags;
}

function parseDetail(record: Bai2LogicalRecord, account: AccountState, asOfDate: IsoDate) {
  const cursor = new Bai2FieldCursor(record);
  const typeCode = readTypeCode(record, cursor.next());
  const amountText = cursor.next() ?? '';
  if (!/^\+?[0-9]+$/.test(amountText)) {
    fail(
      record,
      amountText.startsWith('-')
        ? `amount ${JSON.stringify(amountText)} has a sign; the type code gives the direction`
        : `amount ${JSON.stringify(amountText)} is not a whole number of minor units`,
    );
  }
  const magnitude = BigInt(amountText);
  const { valueDate } = readFundsType(record, cursor, cursor.next() ?? '');
  const bankReference = cursor.next() || null;
  const customerReference = cursor.next() || null;
  const { text, continuation } = cursor.text();
  account.total += magnitude;

  const sign = direction(typeCode);
  if (sign === null) {
    fail(
      record,
      `type code ${typeCode} is not a transaction type (credits are 100–399, debits 400–699)`,
    );
  }
  if (sign === 0n) return; // 890: non-monetary information
  const statement = account.statement;
  const tags = partyTags(continuation);
  const credit = sign > 0n;
  const party = (creditTag: string, debitTag: string) =>
    tags.get(credit ? creditTag : debitTag) ?? null;
  const remittance = [text, ...continuation].filter((part) => part !== '').join(' ');
  const additional = continuation.filter((part) => part !== '').join('\n');
  const line: ParsedStatementLine = {
    lineNo: statement.lines.length + 1,
    bookingDate: asOfDate,
    valueDate,
    amountMinor: sign * magnitude,
    currency: statement.currency,
    typeCode,
    // on a credit the counterparty is the debtor (DB..), on a debit the creditor (CR..)
    counterpartyName: party('DBNM', 'CRNM'),
    counterpartyAccount: party('DACT', 'CACT'),
    counterpartyBank: party('DABA', 'CABA') ?? party('DBIC', 'CBIC'),
    remittanceInfo: remittance || null,
    endToEndId: customerReference ?? tags.get('EREF') ?? null,
    bankReference,
    additionalInfo: additional || null,
    sourceLine: record.line,
  };
  statement.lines.push(line);
}

// ---------------------------------------------------------------------------
// Trailers
// ---------------------------------------------------------------------------

function compare(
  problems: string[],
  where: string,
  what: string,
  declared: bigint,
  actual: bigint,
) {
  if (declared !== actual) problems.push(`${where}: ${what} ${declared} declared, ${actual} found`);
}

function closeAccount(record: Bai2LogicalRecord, account: AccountState): bigint {
  const cursor = new Bai2FieldCursor(record);
  const declaredTotal = readSignedInteger(record, cursor.next() ?? '', 'account control total');
  const declaredRecords = readCount(record, cursor.next(), 'number of records');
  account.records += physicalCount(record);
  const where = `account ${account.statement.accountIdentifier} (49 trailer, line ${record.line})`;
  const problems = account.statement.controlProblems;
  compare(problems, where, 'control total (Σ 03 and 16 amounts)', declaredTotal, account.total);
  compare(
    problems,
    where,
    'record count (03 to 49)',
    BigInt(declaredRecords),
    BigInt(account.records),
  );
  return declaredTotal;
}

function closeGroup(record: Bai2LogicalRecord, group: GroupState): bigint {
  const cursor = new Bai2FieldCursor(record);
  const declaredTotal = readSignedInteger(record, cursor.next() ?? '', 'group control total');
  const declaredAccounts = readCount(record, cursor.next(), 'number of accounts');
  const declaredRecords = readCount(record, cursor.next(), 'number of records');
  group.records += physicalCount(record);
  const where = `group ${group.number} (98 trailer, line ${record.line})`;
  const problems = group.problems;
  compare(
    problems,
    where,
    'control total (Σ 49 totals)',
    declaredTotal,
    group.declaredAccountTotals,
  );
  compare(problems, where, 'account count', BigInt(declaredAccounts), BigInt(group.accounts));
  compare(
    problems,
    where,
    'record count (02 to 98)',
    BigInt(declaredRecords),
    BigInt(group.records),
  );
  for (const statement of group.statements) statement.controlProblems.push(...problems);
  return declaredTotal;
}

type FileTotals = { records: number; groups: number; declaredGroupTotals: bigint };

function closeFile(record: Bai2LogicalRecord, totals: FileTotals, statements: ParsedStatement[]) {
  const cursor = new Bai2FieldCursor(record);
  const declaredTotal = readSignedInteger(record, cursor.next() ?? '', 'file control total');
  const declaredGroups = readCount(record, cursor.next(), 'number of groups');
  const declaredRecords = readCount(record, cursor.next(), 'number of records');
  const where = `file (99 trailer, line ${record.line})`;
  const problems: string[] = [];
  compare(
    problems,
    where,
    'control total (Σ 98 totals)',
    declaredTotal,
    totals.declaredGroupTotals,
  );
  compare(problems, where, 'group count', BigInt(declaredGroups), BigInt(totals.groups));
  compare(
    problems,
    where,
    'record count (01 to 99)',
    BigInt(declaredRecords),
    BigInt(totals.records),
  );
  for (const statement of statements) statement.controlProblems.push(...problems);
}

// ---------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------

/**
 * Parses a BAI2 file (already decoded to text).
 * @throws BankFileError naming the line and record code for anything it cannot read.
 */
export function parseBai2(text: string): ParsedBankFile {
  const records = groupBai2Records(splitBai2Records(text));
  const statements: ParsedStatement[] = [];
  const totals: FileTotals = { records: 0, groups: 0, declaredGroupTotals: 0n };
  let header: FileHeader | null = null;
  let group: GroupState | null = null;
  let account: AccountState | null = null;
  let trailer: Bai2LogicalRecord | null = null;

  for (const record of records) {
    if (trailer) fail(record, `record after the 99 file trailer on line ${trailer.line}`);
    totals.records += physicalCount(record);
    if (record.code === '01') {
      if (header) fail(record, 'a second 01 file header');
      header = parseFileHeader(record);
      continue;
    }
    if (!header) fail(record, 'the file must start with a 01 file header');
    if (account && record.code !== '16' && record.code !== '49') {
      fail(record, `the account opened on line ${account.record.line} has no 49 trailer`);
    }
    switch (record.code) {
      case '02':
        if (group) fail(record, `the group opened on line ${group.record.line} has no 98 trailer`);
        totals.groups += 1;
        group = parseGroupHeader(record, totals.groups);
        break;
      case '03':
        if (!group) fail(record, 'an account outside a group (no 02 group header before it)');
        account = parseAccount(record, header, group);
        break;
      case '16':
        if (!account || !group) fail(record, 'a transaction outside an account (no 03 before it)');
        account.records += physicalCount(record);
        parseDetail(record, account, group.asOfDate);
        break;
      case '49': {
        if (!account || !group) fail(record, 'an account trailer without an 03 account');
        group.declaredAccountTotals += closeAccount(record, account);
        group.records += account.records;
        group.accounts += 1;
        group.statements.push(account.statement);
        statements.push(account.statement);
        account = null;
        break;
      }
      case '98':
        if (!group) fail(record, 'a group trailer without an 02 group header');
        totals.declaredGroupTotals += closeGroup(record, group);
        group = null;
        break;
      case '99':
        if (group) fail(record, `the group opened on line ${group.record.line} has no 98 trailer`);
        closeFile(record, totals, statements);
        trailer = record;
        break;
    }
  }
  return {
    format: 'bai2',
    statements: finishFile(text, { header, group, account, trailer }, statements),
  };
}

function finishFile(
  text: string,
  open: {
    header: FileHeader | null;
    group: GroupState | null;
    account: AccountState | null;
    trailer: Bai2LogicalRecord | null;
  },
  statements: ParsedStatement[],
): ParsedStatement[] {
  const lastLine = Math.max(1, text.replace(/[\s\u001a]+$/, '').split(/\r\n|\r|\n/).length);
  const missing = (message: string, element: string): never => {
    throw new BankFileError(`line ${lastLine}: the file ends ${message}`, {
      line: lastLine,
      element,
    });
  };
  if (!open.header) missing('without any record (a BAI2 file starts with 01)', '01');
  if (open.account) {
    missing(
      `without the 49 trailer of the account opened on line ${open.account.record.line}`,
      '49',
    );
  }
  if (open.group) {
    missing(`without the 98 trailer of the group opened on line ${open.group.record.line}`, '98');
  }
  if (!open.trailer) missing('without a 99 file trailer', '99');
  return statements;
}
