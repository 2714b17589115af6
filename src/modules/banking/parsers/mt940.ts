/**
 * SWIFT MT940 (customer statement) and MT942 (interim transaction report) parser.
 *
 * Accepts bare files and files in SWIFT block envelopes (`{1:…}{2:…}{4:` … `-}`), several
 * statements per file separated by `-`, by a new `:20:` or by an envelope, CRLF / LF / CR line
 * ends, and bank preambles before the first `:20:` (ING's `0000 01INGBNL2A…`, ABN AMRO's
 * `ABNANL2A / 940`, Rabobank's `:940:`). A statement is MT942 when it has a floor limit `:34F:` or
 * no opening balance `:60F:`; its currency then comes from `:34F:`.
 *
 * Amounts are exact bigint minor units; dates are validated (no 30 February). Anything that cannot
 * be read throws {@link BankFileError} with the 1-based line and the tag:
 * `line 14, :61:: amount "12,3,4" is not a number`.
 *
 * Only active ISO 4217 currencies are accepted (a DEM statement is refused at its balance line).
 *
 * Lenient where no money or date is at stake: :61: without customer reference, :86: longer than
 * SWIFT's 6 × 65 characters, wrapped :20:/:25:/:28C: values, unknown ?NN subfields. An MT940
 * statement cut off before its closing balance is read (closingBalance null) with a control
 * problem saying so, since its entries cannot be checked.
 *
 * Read and validated but not carried by {@link ParsedStatement}: :21:, :64: / :65: (available
 * balances), statement-level :86:, :NS: (bank extensions), :61: funds code and supplementary
 * details (except an IBAN there, which Rabobank uses for the counterparty account).
 */
import type { IsoDate } from '../../../shared/dates.ts';
import { IBAN_SHAPE } from '../../../shared/iban.ts';
import { parseDetails } from './mt940-details.ts';
import {
  type Balance,
  type EntryTotal,
  type FieldSite,
  exponentOf,
  fieldError,
  parseBalance,
  parseDateTime,
  parseEntryTotal,
  parseFloorLimit,
  parseStatementLine,
  statementLineIsCut,
} from './mt940-fields.ts';
import {
  BankFileError,
  type BankFileFormat,
  type ParsedBankFile,
  type ParsedStatement,
  type ParsedStatementLine,
  type StatementBalance,
} from './statement.ts';

/** Continuation lines one field may have (German :86: use ~10, the SWIFT limit is 6). */
const MAX_FIELD_LINES = 500;

const KNOWN_TAGS = new Set([
  '20', '21', '25', '28', '28C', '60F', '60M', '61', '86', '62F', '62M', '64', '65',
  '13', '13D', '34F', '90D', '90C', 'NS',
]); // prettier-ignore

/** CRLF and old-Mac CR line ends, read as LF. */
const CARRIAGE_RETURN = /\r\n?/g;
const TAG = /^:([0-9A-Z]{2,4}):/;
const COLON = 0x3a;
const DASH = 0x2d;
/** Control characters at either end of a line: SOH/ETX around mBank messages, DOS EOF, BOM. */
const EDGE_CONTROLS = /^[\u0000-\u0008\u000B-\u001F\uFEFF]+|[\u0000-\u0008\u000B-\u001F]+$/g;
/** `{1:`, `{2:`, … block headers of a SWIFT envelope. */
const BLOCK_HEADER = /^\{[1-5A-Z]:/;
/** `-` closing a message; ING writes `-XXX`. */
const SEPARATOR = /^-[A-Z0-9]*\s*$/;

type Field = { tag: string; line: number; first: string; more: string[] };
type Message = { line: number; fields: Field[] };

/** Parses a whole MT940 / MT942 file (already decoded to a string). */
export function parseMt940(text: string): ParsedBankFile {
  if (text.trim() === '') {
    throw new BankFileError('the file is empty', { line: null, element: null });
  }
  const statements: ParsedStatement[] = [];
  // each statement is built as soon as its message ends, so errors come in file order
  splitMessages(text, (message) => statements.push(buildStatement(message)));
  if (statements.length === 0) {
    throw new BankFileError(
      'no MT940/MT942 statement found: the file has no :20: (transaction reference) field',
      { line: null, element: ':20:' },
    );
  }
  const format: BankFileFormat = statements.every((s) => s.format === 'mt942') ? 'mt942' : 'mt940';
  return { format, statements };
}

// ---------------------------------------------------------------------------
// Lines → messages → fields
// ---------------------------------------------------------------------------

function splitMessages(text: string, onMessage: (message: Message) => void): void {
  const lines = (text.includes('\r') ? text.replace(CARRIAGE_RETURN, '\n') : text).split('\n');
  let message: Message | null = null;
  let field: Field | null = null;
  let closed = false; // the open message has its closing balance
  const end = () => {
    if (message !== null) onMessage(message);
    message = null;
    field = null;
  };

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    let line = withoutEdgeControls(lines[index] ?? '');

    if (BLOCK_HEADER.test(line)) {
      end();
      const body = line.indexOf('{4:');
      if (body < 0) continue;
      line = line.slice(body + 3);
      if (line.trim() === '') continue;
    }
    if (line.startsWith('-}')) {
      end();
      continue;
    }

    const tag = line.charCodeAt(0) === COLON ? TAG.exec(line) : null;
    if (tag) {
      const name = tag[1] ?? '';
      if (name === '940') {
        end(); // Rabobank's file header
        continue;
      }
      if (name === '20') {
        end();
        message = { line: lineNo, fields: [] };
        closed = false;
      } else if (message === null) {
        const problem = KNOWN_TAGS.has(name)
          ? `${tag[0]} outside a statement: a statement starts with :20:`
          : `unknown tag ${tag[0]}`;
        throw fieldError({ line: lineNo, tag: tag[0] }, problem);
      }
      // an unknown tag inside a statement is reported when the statement reaches it
      field = { tag: name, line: lineNo, first: line.slice(tag[0].length), more: [] };
      (message as Message).fields.push(field);
      if (name.startsWith('62')) closed = true;
      continue;
    }

    if (message === null || field === null) continue; // preamble or text between messages

    const current: Field = field;
    const dash = line.trimStart().charCodeAt(0) === DASH;
    if (dash && SEPARATOR.test(line.trim()) && ending(current, closed, lines, index)) {
      end();
      continue;
    }
    if (current.more.length >= MAX_FIELD_LINES) {
      throw fieldError(
        { line: lineNo, tag: `:${current.tag}:` },
        `more than ${MAX_FIELD_LINES} continuation lines`,
      );
    }
    current.more.push(line);
  }
  end();
}

/** C0 control other than tab (NaN, for an empty line, is not). */
function isControl(code: number): boolean {
  return code < 0x20 && code !== 0x09;
}

function withoutEdgeControls(line: string): string {
  const first = line.charCodeAt(0);
  if (!isControl(first) && !isControl(line.charCodeAt(line.length - 1)) && first !== 0xfeff) {
    return line;
  }
  return line.replace(EDGE_CONTROLS, '');
}

/**
 * Whether a `-` line ends the message. Inside a transaction's :86: text (before the closing
 * balance) it may be wrapped text — ING splits mandate ids such as `MND-EV01` — unless the next
 * non-blank line starts a new message or the file ends.
 */
function ending(field: Field, closed: boolean, lines: string[], index: number): boolean {
  if (closed || !['86', '61', 'NS'].includes(field.tag)) return true;
  for (let next = index + 1; next < lines.length; next++) {
    const line = withoutEdgeControls(lines[next] ?? '');
    if (line.trim() === '') continue;
    return line.startsWith(':20:') || line.startsWith(':940:') || BLOCK_HEADER.test(line);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Fields → statement
// ---------------------------------------------------------------------------

type Draft = {
  reference: string;
  account: string | null;
  sequence: string | null;
  opening: Balance | null;
  closing: Balance | null;
  floorCurrency: string | null;
  createdAt: string | null;
  lines: ParsedStatementLine[];
  /** per line: written with a debit mark (D, RC) — a zero amount keeps its side */
  debitMarks: boolean[];
  /** :86: lines of the latest :61:, parsed when the next field arrives */
  details: string[] | null;
  /** customer reference and supplementary details of the latest :61: */
  pending: { customerReference: string | null; supplementary: string | null } | null;
  debitTotal: EntryTotal | null;
  creditTotal: EntryTotal | null;
};

function site(field: Field): FieldSite {
  return { line: field.line, tag: `:${field.tag}:` };
}

/** The field's text: first line plus wrapped continuation lines (blank lines dropped). */
function joinedValue(field: Field): string {
  return [field.first, ...field.more.filter((line) => line.trim() !== '')].join('').trim();
}

/** Single-line fields (balances, totals) must not continue on the next line. */
function singleLine(field: Field): string {
  const extra = field.more.find((line) => line.trim() !== '');
  if (extra !== undefined) {
    const at = field.line + 1 + field.more.indexOf(extra);
    throw fieldError(
      { line: at, tag: `:${field.tag}:` },
      `unexpected text ${JSON.stringify(extra.trim().slice(0, 40))} after the single-line ${`:${field.tag}:`}`,
    );
  }
  return field.first.trim();
}

function buildStatement(message: Message): ParsedStatement {
  const [head, ...fields] = message.fields;
  if (head === undefined) throw new Error('a message always starts with its :20: field');
  const draft: Draft = {
    reference: joinedValue(head),
    account: null,
    sequence: null,
    opening: null,
    closing: null,
    floorCurrency: null,
    createdAt: null,
    lines: [],
    debitMarks: [],
    details: null,
    pending: null,
    debitTotal: null,
    creditTotal: null,
  };
  for (const field of fields) applyField(draft, field);
  flushDetails(draft);
  return finish(draft, message);
}

function expectAccount(draft: Draft, field: Field) {
  if (draft.account === null) {
    throw fieldError(site(field), `expected :25: (account identification) before :${field.tag}:`);
  }
}

function once<T>(current: T | null, field: Field): void {
  if (current !== null) throw fieldError(site(field), `second :${field.tag}: in the statement`);
}

function applyField(draft: Draft, field: Field): void {
  const tag = field.tag;
  if (tag !== '86' && tag !== 'NS') flushDetails(draft);
  switch (tag) {
    case '21':
      return;
    case '25':
      if (draft.lines.length > 0 || draft.opening !== null) {
        throw fieldError(
          site(field),
          ':25: (account identification) after the opening balance or statement lines',
        );
      }
      once(draft.account, field);
      draft.account = joinedValue(field);
      return;
    case '28':
    case '28C':
      expectAccount(draft, field);
      once(draft.sequence, field);
      draft.sequence = joinedValue(field);
      return;
    case '13':
    case '13D':
      expectAccount(draft, field);
      draft.createdAt = parseDateTime(singleLine(field), site(field));
      return;
    case '34F': {
      expectAccount(draft, field);
      const currency = parseFloorLimit(singleLine(field), site(field));
      if (draft.floorCurrency !== null && draft.floorCurrency !== currency) {
        throw fieldError(
          site(field),
          `floor limit currency ${currency} differs from ${draft.floorCurrency}`,
        );
      }
      draft.floorCurrency = currency;
      return;
    }
    case '60F':
    case '60M':
      expectAccount(draft, field);
      once(draft.opening, field);
      if (draft.lines.length > 0) throw fieldError(site(field), `:${tag}: after statement lines`);
      draft.opening = parseBalance(singleLine(field), site(field));
      return;
    case '61':
      addLine(draft, field);
      return;
    case '86':
      // after a :61: it describes that line; elsewhere it is statement-level information
      if (draft.details !== null) draft.details.push(field.first, ...field.more);
      return;
    case 'NS':
      return; // non-SWIFT bank extension (Sparkassen, Sberbank): not interpreted
    case '62F':
    case '62M':
      expectAccount(draft, field);
      once(draft.closing, field);
      draft.closing = parseBalance(singleLine(field), site(field));
      sameCurrency(draft, draft.closing.currency, field);
      return;
    case '64':
    case '65':
      sameCurrency(draft, parseBalance(singleLine(field), site(field)).currency, field);
      return;
    case '90D':
    case '90C': {
      const total = parseEntryTotal(singleLine(field), site(field));
      sameCurrency(draft, total.currency, field);
      if (tag === '90D') draft.debitTotal = total;
      else draft.creditTotal = total;
      return;
    }
    default:
      throw fieldError(
        site(field),
        KNOWN_TAGS.has(tag) ? `unexpected :${tag}:` : `unknown tag :${tag}:`,
      );
  }
}

function statementCurrency(draft: Draft): string | null {
  return draft.opening?.currency ?? draft.floorCurrency;
}

function sameCurrency(draft: Draft, currency: string, field: Field) {
  const expected = statementCurrency(draft);
  if (expected !== null && currency !== expected) {
    throw fieldError(site(field), `currency ${currency} differs from the statement's ${expected}`);
  }
}

function addLine(draft: Draft, field: Field) {
  expectAccount(draft, field);
  if (draft.closing !== null) throw fieldError(site(field), ':61: after the closing balance');
  const currency = statementCurrency(draft);
  if (currency === null) {
    throw fieldError(
      site(field),
      ':61: before the opening balance :60F: (MT940) or floor limit :34F: (MT942)',
    );
  }
  const more = field.more.filter((line) => line.trim() !== '');
  let first = field.first;
  if (statementLineIsCut(first) && more.length > 0) first += (more.shift() ?? '').trim();
  const exponent = exponentOf(currency, site(field));
  const parsed = parseStatementLine(first.trimEnd(), currency, exponent, site(field));
  draft.lines.push({
    lineNo: draft.lines.length + 1,
    bookingDate: parsed.bookingDate,
    valueDate: parsed.valueDate,
    amountMinor: parsed.amountMinor,
    currency,
    typeCode: parsed.typeCode,
    counterpartyName: null,
    counterpartyAccount: null,
    counterpartyBank: null,
    remittanceInfo: null,
    endToEndId: null,
    bankReference: parsed.bankReference,
    additionalInfo: null,
    sourceLine: field.line,
  });
  draft.debitMarks.push(parsed.debit);
  draft.details = [];
  const supplementary = [parsed.supplementary, ...more].filter((part) => part !== null);
  draft.pending = {
    customerReference: parsed.customerReference,
    supplementary: supplementary.length > 0 ? supplementary.join('\n').trim() : null,
  };
}

/**
 * Completes the latest statement line with its :86: text and resolves its reference: the :61:
 * customer reference, unless the bank wrote NONREF (then the SEPA end-to-end id of :86:, if any)
 * or only named where the reference is (ING and Rabobank write `EREF` / `PREF`, German banks
 * `KREF+`, and put the value in :86:).
 */
function flushDetails(draft: Draft) {
  const { details, pending } = draft;
  const line = draft.lines.at(-1);
  draft.details = null;
  draft.pending = null;
  if (details === null || pending === null || line === undefined) return;
  const raw = details.join('\n').trimEnd();
  const parsed = raw.trim() === '' ? null : parseDetails(trimTrailingBlankLines(details));
  if (parsed !== null) {
    line.additionalInfo = raw;
    line.counterpartyName = parsed.counterpartyName;
    line.counterpartyAccount = parsed.counterpartyAccount;
    line.counterpartyBank = parsed.counterpartyBank;
    line.remittanceInfo = parsed.remittanceInfo;
  }
  // Rabobank writes the counterparty IBAN as the :61: supplementary details
  const supplementary = pending.supplementary?.replace(/\s+/g, '') ?? '';
  if (line.counterpartyAccount === null && IBAN_SHAPE.test(supplementary)) {
    line.counterpartyAccount = supplementary;
  }
  const reference = pending.customerReference;
  const pointer = reference?.toUpperCase();
  if (pointer === undefined || pointer === 'NONREF' || pointer === 'EREF') {
    line.endToEndId = parsed?.endToEndId ?? null;
  } else if (pointer === 'PREF') {
    line.endToEndId = parsed?.batchReference ?? null;
  } else if (pointer === 'KREF+' || pointer === 'KREF') {
    line.endToEndId = parsed?.customerReference ?? null;
  } else {
    line.endToEndId = reference ?? null;
  }
}

function trimTrailingBlankLines(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(0, end);
}

function finish(draft: Draft, message: Message): ParsedStatement {
  const at = { line: message.line, tag: ':20:' };
  if (draft.account === null) throw fieldError(at, 'statement has no :25: account identification');
  const mt942 = draft.floorCurrency !== null || draft.opening === null;
  const currency = statementCurrency(draft);
  if (currency === null) {
    throw fieldError(at, 'statement has neither an opening balance :60F: nor a floor limit :34F:');
  }
  const dates = draft.lines
    .map((line) => line.bookingDate ?? line.valueDate)
    .filter(isDate)
    .sort();
  return {
    format: mt942 ? 'mt942' : 'mt940',
    statementId: draft.reference === '' ? null : draft.reference,
    sequenceNumber: draft.sequence === '' ? null : draft.sequence,
    accountIdentifier: draft.account,
    bankIdentifier: bankOf(draft.account),
    currency,
    createdAt: draft.createdAt,
    fromDate: draft.opening?.date ?? dates[0] ?? null,
    toDate: draft.closing?.date ?? dates.at(-1) ?? null,
    openingBalance: statementBalance(draft.opening),
    closingBalance: statementBalance(draft.closing),
    controlProblems: [
      ...controlProblems(draft, currency),
      // an MT940 always ends with its closing balance; without one the file was cut off
      ...(!mt942 && draft.closing === null
        ? [
            'the statement has no closing balance (:62F: or :62M:): the file may be cut off, and its entries could not be checked against the balances',
          ]
        : []),
    ],
    lines: draft.lines,
  };
}

function isDate(date: IsoDate | null): date is IsoDate {
  return date !== null;
}

function statementBalance(balance: Balance | null): StatementBalance | null {
  return (
    balance && { amountMinor: balance.amountMinor, currency: balance.currency, date: balance.date }
  );
}

/** `BIC/account` (Danske, Polish banks) or German `BLZ/account` → the bank part. */
function bankOf(account: string): string | null {
  const match = /^([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?|\d{8})\/./.exec(account);
  return match?.[1] ?? null;
}

/** :90D: / :90C: declare the number and sum of debit / credit entries (MT942). */
function controlProblems(draft: Draft, currency: string): string[] {
  const problems: string[] = [];
  const check = (label: string, total: EntryTotal | null, debit: boolean) => {
    if (total === null) return;
    const entries = draft.lines.filter((_, index) => draft.debitMarks[index] === debit);
    const sum = entries.reduce(
      (acc, line) => acc + (debit ? -line.amountMinor : line.amountMinor),
      0n,
    );
    if (entries.length !== total.count || sum !== total.amountMinor) {
      problems.push(
        `${label} declares ${total.count} entries totalling ${total.amountMinor} minor units of ` +
          `${currency}; the statement has ${entries.length} totalling ${sum}`,
      );
    }
  };
  check(':90D:', draft.debitTotal, true);
  check(':90C:', draft.creditTotal, false);
  return problems;
}
