/**
 * ISO 20022 bank-to-customer cash management messages → {@link ParsedBankFile}:
 * camt.053 statements (`BkToCstmrStmt`), camt.052 account reports (`BkToCstmrAcctRpt`) and
 * camt.054 debit/credit notifications (`BkToCstmrDbtCdtNtfctn`), every version from 001.01
 * (`…V01` root names) to 001.14, with or without namespace prefixes. One ParsedStatement per
 * `Stmt` / `Rpt` / `Ntfctn`; how entries become lines is explained in camt-entries.ts.
 *
 * Balances. Opening = OPBD (opening booked), else PRCD (previous closing booked). Closing = CLBD
 * (closing booked). In a camt.053, ITBD (interim booked) stands in for the missing one when the
 * other is there: that is how a paginated statement opens its later pages and closes its earlier
 * ones. In a camt.052 an ITBD is *not* taken as the closing balance: ISO 20022 defines it as the
 * balance "at a precise moment in the reporting period", not after the report's last entry, and
 * real intraday reports show it (PostFinance's sample: OPBD − 913.00 = ITBD while the report also
 * has a 103.00 debit), so an intraday report has a closing balance only if it has a CLBD.
 * Available balances (OPAV, CLAV, ITAV, FWAV) are never used: booked entries do not lead to
 * them. A camt.054 has no balances.
 *
 * Control totals. `TxsSummry` (TtlNtries, TtlCdtNtries, TtlDbtNtries: NbOfNtries, Sum and the
 * net amount) is recomputed over every entry of the statement, booked or not, and a disagreement
 * is put in `controlProblems`. Opening + Σ lines = closing is left to the importer
 * (balance-check.ts).
 *
 * Anything unreadable (not XML, no camt message, a missing or malformed amount, currency,
 * indicator or date) is a {@link BankFileError} naming the element path and line. Of several
 * problems, the first met is reported: the XML's, then the message's, then statement by statement
 * (account, balances, entries, then their lines).
 *
 * Large files. Entries are read as the XML is parsed and their elements dropped (camt-stream.ts):
 * only the statements' headers and balances stay as a tree. Failures found in entries wait until
 * the walk below reaches them, so the order above holds.
 */
import { currencyExponent } from '../../../shared/currencies.ts';
import { formatAmount } from '../../../shared/money.ts';
import { accountId, agentId, StatementEntries } from './camt-entries.ts';
import { EntryStream, MAX_ENVELOPE_DEPTH, MESSAGE_KINDS, type MessageKind } from './camt-stream.ts';
import { CamtReader, decimalToMinor } from './camt-values.ts';
import { child, children, isElement, path, readXml, text, type XmlElement } from './camt-xml.ts';
import {
  BankFileError,
  type BankFileFormat,
  type ParsedBankFile,
  type ParsedStatement,
  type StatementBalance,
} from './statement.ts';

/**
 * Parses a camt.052 / camt.053 / camt.054 file.
 * @throws BankFileError naming the element path (and line) of the first thing it cannot read.
 */
export function parseCamt(xml: string): ParsedBankFile {
  const reader: CamtReader = new CamtReader();
  // entries are read while the XML is parsed (camt-stream.ts), the rest walks the tree
  const stream = new EntryStream(reader);
  const root = readXml(xml, stream).root;
  const { message, messagePath, kind } = locateMessage(reader, root);
  const groupCreatedAt = text(message, 'GrpHdr', 'CreDtTm');
  const nodes = children(message, kind.statementTag);
  if (nodes.length === 0) {
    reader.fail(
      `${messagePath}/${kind.statementTag}`,
      `missing: the message has no ${kind.statementTag} (a ${kind.format} needs at least one)`,
      message,
    );
  }
  const statements = nodes.map((node, index) => {
    const statementPath = `${messagePath}/${kind.statementTag}[${index + 1}]`;
    if (!isElement(node)) reader.fail(statementPath, 'empty', message);
    const entries = stream.entriesOf(node) ?? readEntries(reader, node, statementPath, kind);
    return readStatement(reader, node, statementPath, kind.format, groupCreatedAt, entries);
  });
  return { format: kind.format, statements };
}

/** The entries of a statement the stream did not take (read from the tree, as the stream does). */
function readEntries(
  reader: CamtReader,
  node: XmlElement,
  statementPath: string,
  kind: MessageKind,
): StatementEntries {
  const entries = new StatementEntries(statementPath, kind.format);
  for (const entry of children(node, 'Ntry')) entries.add(reader, entry);
  return entries;
}

function locateMessage(
  reader: CamtReader,
  root: XmlElement,
): {
  message: XmlElement;
  messagePath: string;
  kind: MessageKind;
} {
  const found = findDocument(root, '', 0);
  if (!found) {
    const rootName = elementNames(root)[0] ?? '(none)';
    throw new BankFileError(
      `${rootName}: not an ISO 20022 camt document (no Document element with a ` +
        'BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)',
      { element: rootName, line: 1 },
    );
  }
  for (const name of elementNames(found.document)) {
    const kind = MESSAGE_KINDS[name.replace(/V[0-9]+$/, '')];
    const message = child(found.document, name);
    if (kind && message) return { message, messagePath: `${found.path}/${name}`, kind };
  }
  const inside = elementNames(found.document).join(', ') || 'nothing';
  return reader.fail(
    found.path,
    `holds ${inside}, not a BkToCstmrStmt (camt.053), BkToCstmrAcctRpt (camt.052) or ` +
      'BkToCstmrDbtCdtNtfctn (camt.054)',
    found.document,
  );
}

function elementNames(node: XmlElement): string[] {
  return Object.keys(node).filter((name) => !name.startsWith('@') && name !== '#text');
}

function findDocument(
  node: XmlElement,
  parentPath: string,
  depth: number,
): { document: XmlElement; path: string } | null {
  const document = child(node, 'Document');
  if (document) return { document, path: `${parentPath}Document` };
  if (depth >= MAX_ENVELOPE_DEPTH) return null;
  for (const name of elementNames(node)) {
    const inner = child(node, name);
    const found = inner ? findDocument(inner, `${parentPath}${name}/`, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

function readStatement(
  reader: CamtReader,
  node: XmlElement,
  statementPath: string,
  format: BankFileFormat,
  groupCreatedAt: string | null,
  entries: StatementEntries,
): ParsedStatement {
  const account = child(node, 'Acct');
  if (!account) reader.fail(`${statementPath}/Acct`, 'missing', node);
  const accountIdentifier = accountId(child(account, 'Id'));
  if (accountIdentifier === null) {
    reader.fail(`${statementPath}/Acct/Id`, 'no IBAN or other account identification', account);
  }
  const accountCurrency = text(account, 'Ccy');
  if (accountCurrency !== null) {
    reader.currency(accountCurrency, `${statementPath}/Acct/Ccy`, account);
  }
  const { opening, closing } = readBalances(reader, node, statementPath, format);
  entries.checkEntries(reader, node);
  const currency =
    accountCurrency ?? opening?.currency ?? closing?.currency ?? entries.firstCurrency;
  if (currency === null) {
    reader.fail(`${statementPath}/Acct/Ccy`, 'missing, and no balance or entry tells it', account);
  }
  entries.checkLines();
  const period = child(node, 'FrToDt');
  const from = text(period, 'FrDtTm');
  const to = text(period, 'ToDtTm');
  return {
    format,
    statementId: text(node, 'Id'),
    sequenceNumber: text(node, 'ElctrncSeqNb') ?? text(node, 'LglSeqNb'),
    accountIdentifier,
    bankIdentifier: agentId(path(account, 'Svcr', 'FinInstnId')),
    currency,
    createdAt: text(node, 'CreDtTm') ?? groupCreatedAt,
    fromDate: from === null ? null : reader.date(from, `${statementPath}/FrToDt/FrDtTm`, period),
    toDate: to === null ? null : reader.date(to, `${statementPath}/FrToDt/ToDtTm`, period),
    openingBalance: opening,
    closingBalance: closing,
    controlProblems: summaryProblems(node, statementPath, entries, currency),
    lines: entries.lines,
  };
}

const BOOKED_BALANCE_CODES = new Set(['OPBD', 'PRCD', 'CLBD', 'ITBD']);

function readBalances(
  reader: CamtReader,
  node: XmlElement,
  statementPath: string,
  format: BankFileFormat,
): { opening: StatementBalance | null; closing: StatementBalance | null } {
  const byCode = new Map<string, StatementBalance[]>();
  children(node, 'Bal').forEach((balance, index) => {
    if (!isElement(balance)) return;
    const code =
      text(balance, 'Tp', 'CdOrPrtry', 'Cd') ??
      text(balance, 'Tp', 'Cd') ??
      text(balance, 'Tp', 'CdOrPrtry', 'Prtry');
    if (code === null || !BOOKED_BALANCE_CODES.has(code)) return;
    const balancePath = `${statementPath}/Bal[${index + 1}]`;
    const { amountMinor, currency } = reader.amount(balance, balancePath);
    // Some banks leave the indicator out of balances (schema-invalid, seen in real exports):
    // read as a credit balance. A wrong guess cannot pass unnoticed: opening + Σ lines = closing
    // then fails in the importer's balance check.
    const sign = text(balance, 'CdtDbtInd') === null ? 1n : reader.sign(balance, balancePath);
    const date = reader.dateChoice(balance, balancePath, 'Dt');
    const list = byCode.get(code) ?? [];
    list.push({ amountMinor: sign * amountMinor, currency, date });
    byCode.set(code, list);
  });
  const first = (code: string) => byCode.get(code)?.[0] ?? null;
  const last = (code: string) => byCode.get(code)?.at(-1) ?? null;
  const booked = first('OPBD') ?? first('PRCD');
  const closed = last('CLBD');
  if (format !== 'camt.053') return { opening: booked, closing: closed };
  return {
    opening: booked ?? (closed ? first('ITBD') : null),
    closing: closed ?? (booked ? last('ITBD') : null),
  };
}

/** Recomputes the TxsSummry totals the bank declared; one message per disagreement. */
function summaryProblems(
  node: XmlElement,
  statementPath: string,
  entries: StatementEntries,
  currency: string,
): string[] {
  const summary = child(node, 'TxsSummry');
  if (!summary) return [];
  const exponent = currencyExponent(currency);
  const show = (amountMinor: bigint) => `${formatAmount(amountMinor, currency)} ${currency}`;
  const summaryPath = `${statementPath}/TxsSummry`;
  const problems: string[] = [];
  /** `side`: the entries of one sign only (credits 1n, debits -1n), or null for all. */
  const checkGroup = (name: string, label: string, side: 1n | -1n | null) => {
    const group = child(summary, name);
    if (!group) return;
    let count = 0;
    let gross = 0n;
    let net = 0n;
    entries.amounts.forEach((amountMinor, index) => {
      const sign = entries.signs[index] as 1n | -1n;
      if (side !== null && sign !== side) return;
      count += 1;
      gross += sign * amountMinor;
      net += amountMinor;
    });
    const groupPath = `${summaryPath}/${name}`;
    const declaredCount = text(group, 'NbOfNtries');
    if (declaredCount !== null && declaredCount !== String(count)) {
      problems.push(
        `${groupPath}/NbOfNtries says ${declaredCount} but the statement has ${count} ${label}`,
      );
    }
    checkAmount(
      problems,
      `${groupPath}/Sum`,
      text(group, 'Sum'),
      null,
      gross,
      label,
      exponent,
      show,
    );
    if (name === 'TtlNtries') {
      const legacy = text(group, 'TtlNetNtryAmt');
      const netPath =
        legacy === null ? `${groupPath}/TtlNetNtry/Amt` : `${groupPath}/TtlNetNtryAmt`;
      const netAmount = legacy ?? text(group, 'TtlNetNtry', 'Amt');
      const netSign =
        legacy === null ? text(group, 'TtlNetNtry', 'CdtDbtInd') : text(group, 'CdtDbtInd');
      checkAmount(problems, netPath, netAmount, netSign, net, `${label} (net)`, exponent, show);
    }
  };
  checkGroup('TtlNtries', 'entries', null);
  checkGroup('TtlCdtNtries', 'credit entries', 1n);
  checkGroup('TtlDbtNtries', 'debit entries', -1n);
  return problems;
}

function checkAmount(
  problems: string[],
  element: string,
  declared: string | null,
  indicator: string | null,
  actual: bigint,
  label: string,
  exponent: number,
  show: (amountMinor: bigint) => string,
): void {
  if (declared === null) return;
  const minor = decimalToMinor(declared, exponent);
  if (typeof minor === 'string') {
    problems.push(`${element} ${JSON.stringify(declared)} ${minor}`);
    return;
  }
  const signed = indicator === 'DBIT' ? -minor : minor;
  if (signed !== actual) {
    problems.push(`${element} says ${show(signed)} but the ${label} add up to ${show(actual)}`);
  }
}
