/**
 * Adapters from the MT940 samples' own expected outputs to {@link ParsedBankFile}: one per style
 * (mt940-rs JSON, mt940-js JSON, wolph/mt940 Python-tagged YAML, betterplace Ruby-tagged YAML).
 * Each compares the fields Dunwell carries and records differences in a {@link Comparison}.
 *
 * Source quirks handled here, never in the parser:
 * - mt940-rs rewrites text to the SWIFT character set (`ä` → `a`, `;` → `.`) and trims :86:;
 * - mt940-js joins :86: lines without a separator and writes amounts as JS numbers;
 * - wolph and betterplace keep `NONREF` / `''` where Dunwell has null.
 * A :61: customer reference that only says "none" or "see :86:" (NONREF, EREF, PREF, KREF+) is
 * replaced by the :86: end-to-end id in Dunwell, so there it must be null or come from :86:.
 */
import { currencyExponent, isCurrency } from '../../../src/shared/currencies.ts';
import type {
  ParsedBankFile,
  ParsedStatement,
  ParsedStatementLine,
  StatementBalance,
} from '../../../src/modules/banking/parsers/statement.ts';
import { readYaml, type YamlValue } from './mini-yaml.ts';

/** Collects differences instead of stopping at the first, and counts what was compared. */
export class Comparison {
  readonly differences: string[] = [];
  compared = 0;

  equal(label: string, actual: unknown, expected: unknown): void {
    this.compared++;
    if (actual !== expected) {
      const show = (value: unknown) =>
        typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
      this.differences.push(`${label}: got ${show(actual)}, expected ${show(expected)}`);
    }
  }

  ok(label: string, condition: boolean, detail: string): void {
    this.compared++;
    if (!condition) this.differences.push(`${label}: ${detail}`);
  }
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/** Exponent for comparisons; withdrawn codes in the samples (DEM) had 2 decimals. */
function exponentOf(currency: string): number {
  return isCurrency(currency) ? currencyExponent(currency) : 2;
}

/** Exact decimal text (`-1234.5`, `100`, `0,12`) → minor units. */
export function decimalToMinor(text: string, currency: string): bigint {
  const match = /^(-?)(\d+)(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const exponent = exponentOf(currency);
  const fraction = match[3] ?? '';
  if (/[1-9]/.test(fraction.slice(exponent))) throw new Error(`too many decimals: ${text}`);
  const minor = BigInt((match[2] ?? '') + fraction.slice(0, exponent).padEnd(exponent, '0'));
  return match[1] === '-' ? -minor : minor;
}

/**
 * A JS number from JSON → minor units without float arithmetic: `String(n)` is the shortest
 * decimal that round-trips, i.e. the literal written in the file for amounts of ≤ 15 digits.
 */
function numberToMinor(value: number, currency: string): bigint {
  return decimalToMinor(String(value), currency);
}

const collapse = (text: string | null | undefined) =>
  text === null || text === undefined ? null : text.replace(/\s+/g, ' ').trim() || null;

/** Customer references that say "none" or "the reference is in :86:". */
const POINTERS = new Set(['', 'NONREF', 'EREF', 'PREF', 'KREF+']);

function compareReference(
  cmp: Comparison,
  label: string,
  line: ParsedStatementLine,
  expected: string | null | undefined,
) {
  const reference = (expected ?? '').trim();
  if (!POINTERS.has(reference.toUpperCase())) {
    cmp.equal(`${label} customer reference`, line.endToEndId, reference);
    return;
  }
  // the :86: text without line breaks, spaces and ?NN subfield markers; a German purpose may
  // continue in ?60–?63 after other subfields, so the start of the reference must be there
  const plain = (value: string) => value.replace(/[?>]\d\d|\s+/g, '');
  const fromDetails =
    line.endToEndId === null ||
    plain(line.additionalInfo ?? '').includes(plain(line.endToEndId).slice(0, 16));
  cmp.ok(
    `${label} customer reference`,
    fromDetails,
    `expected none (${JSON.stringify(reference)}) or a :86: reference, got ${JSON.stringify(line.endToEndId)}`,
  );
}

function compareBalance(
  cmp: Comparison,
  label: string,
  actual: StatementBalance | null,
  expected: { amountMinor: bigint; currency: string; date: string } | null,
) {
  if (expected === null || actual === null) {
    cmp.equal(`${label}`, actual === null, expected === null);
    return;
  }
  cmp.equal(`${label} amount`, actual.amountMinor, expected.amountMinor);
  cmp.equal(`${label} currency`, actual.currency, expected.currency);
  cmp.equal(`${label} date`, actual.date, expected.date);
}

function statementCount(cmp: Comparison, label: string, ours: ParsedBankFile, expected: number) {
  cmp.equal(`${label} statements`, ours.statements.length, expected);
}

// ---------------------------------------------------------------------------
// svenstaro/mt940-rs: *.json
// ---------------------------------------------------------------------------

type RsBalance = {
  debit_credit_indicator: 'Credit' | 'Debit';
  date: string;
  iso_currency_code: string;
  amount: string;
};
type RsDetails = {
  purpose?: string;
  applicant_name?: string;
  applicant_iban?: string;
  applicant_bin?: string;
  unknown38?: string;
};
type RsLine = {
  value_date: string;
  entry_date: string | null;
  ext_debit_credit_indicator: 'Credit' | 'Debit' | 'ReverseCredit' | 'ReverseDebit';
  amount: string;
  transaction_type_ident_code: string | { NonStandard: string };
  customer_ref: string;
  bank_ref: string | null;
  information_to_account_owner: string | RsDetails | null;
};
type RsStatement = {
  transaction_ref_no: string;
  account_id: string;
  statement_no: string;
  sequence_no: string | null;
  opening_balance: RsBalance;
  closing_balance: RsBalance;
  statement_lines: RsLine[];
};

const SWIFT_CHARACTER = /[A-Za-z0-9/\-?:().,+{} \n]/;
const ASCII_FOR: Readonly<Record<string, string>> = {
  ä: 'a', ö: 'o', ü: 'u', Ä: 'A', Ö: 'O', Ü: 'U', ß: 'ss', é: 'e', è: 'e', ë: 'e', ê: 'e',
  á: 'a', à: 'a', å: 'a', í: 'i', ó: 'o', ú: 'u', ə: 'e', ñ: 'n', ç: 'c',
}; // prettier-ignore

/** mt940-rs's sanitising: SWIFT characters kept, accents dropped, anything else → `.`. */
function swiftText(text: string | null): string | null {
  if (text === null) return null;
  return [...text]
    .map((c) => (SWIFT_CHARACTER.test(c) ? c : (ASCII_FOR[c] ?? '.')))
    .join('')
    .trim();
}

function rsBalance(balance: RsBalance | null) {
  if (balance === null) return null;
  const currency = balance.iso_currency_code;
  const magnitude = decimalToMinor(balance.amount, currency);
  const amountMinor = balance.debit_credit_indicator === 'Debit' ? -magnitude : magnitude;
  return { amountMinor, currency, date: balance.date };
}

export function compareRs(cmp: Comparison, file: string, ours: ParsedBankFile, json: string) {
  const expected = JSON.parse(json) as RsStatement[];
  statementCount(cmp, file, ours, expected.length);
  expected.forEach((want, index) => {
    const got = ours.statements[index];
    if (got === undefined) return;
    const at = `${file} #${index + 1}`;
    cmp.equal(`${at} :20:`, swiftText(got.statementId), want.transaction_ref_no);
    cmp.equal(`${at} :25:`, swiftText(got.accountIdentifier), want.account_id);
    const sequence =
      want.sequence_no === null ? want.statement_no : `${want.statement_no}/${want.sequence_no}`;
    cmp.equal(`${at} :28C:`, got.sequenceNumber, sequence);
    compareBalance(cmp, `${at} opening`, got.openingBalance, rsBalance(want.opening_balance));
    compareBalance(cmp, `${at} closing`, got.closingBalance, rsBalance(want.closing_balance));
    cmp.equal(`${at} lines`, got.lines.length, want.statement_lines.length);
    want.statement_lines.forEach((line, l) => {
      const mine = got.lines[l];
      if (mine !== undefined) compareRsLine(cmp, `${at} line ${l + 1}`, mine, line, got.currency);
    });
  });
}

function compareRsLine(
  cmp: Comparison,
  at: string,
  got: ParsedStatementLine,
  want: RsLine,
  currency: string,
) {
  const magnitude = decimalToMinor(want.amount, currency);
  const credit =
    want.ext_debit_credit_indicator === 'Credit' ||
    want.ext_debit_credit_indicator === 'ReverseCredit';
  cmp.equal(`${at} amount`, got.amountMinor, credit ? magnitude : -magnitude);
  cmp.equal(`${at} value date`, got.valueDate, want.value_date);
  cmp.equal(`${at} entry date`, got.bookingDate, want.entry_date);
  const type = want.transaction_type_ident_code;
  cmp.equal(
    `${at} type`,
    got.typeCode?.slice(1),
    typeof type === 'string' ? type : type.NonStandard,
  );
  compareReference(cmp, at, got, want.customer_ref);
  const bankReference = want.bank_ref === 'NONREF' || want.bank_ref === '' ? null : want.bank_ref;
  cmp.equal(`${at} bank reference`, swiftText(got.bankReference), bankReference);
  const details = want.information_to_account_owner;
  if (details === null || typeof details === 'string') {
    const expected = details === null ? null : details.trim();
    // several :86: fields after one :61: (Danske Bank): mt940-rs trims each and joins them
    // without a separator, Dunwell keeps one per line
    const joined = swiftText(
      got.additionalInfo
        ?.split('\n')
        .map((part) => part.trim())
        .join('') ?? null,
    );
    const actual = swiftText(got.additionalInfo);
    cmp.equal(
      `${at} :86:`,
      actual === expected || joined === expected ? expected : actual,
      expected,
    );
    return;
  }
  cmp.equal(
    `${at} name`,
    collapse(swiftText(got.counterpartyName)),
    collapse(details.applicant_name),
  );
  cmp.equal(`${at} bank`, swiftText(got.counterpartyBank), details.applicant_bin ?? null);
  if (details.unknown38 !== undefined) {
    // mt940-rs cuts ?38 at the line end; Dunwell joins the wrapped IBAN
    const account = got.counterpartyAccount ?? '';
    cmp.ok(
      `${at} account`,
      account.startsWith(details.unknown38.trim()),
      `${account} vs ?38 ${details.unknown38}`,
    );
  } else {
    cmp.equal(`${at} account`, got.counterpartyAccount, details.applicant_iban ?? null);
  }
  const purpose = collapse(details.purpose) ?? '';
  const remittance = collapse(swiftText(got.remittanceInfo));
  if (/(EREF|KREF|MREF|SVWZ|CRED)\+/.test(purpose)) {
    // SEPA purpose: Dunwell keeps the SVWZ+ text, continued in ?60–?63 (mt940-rs stops at ?29)
    const svwz = /SVWZ\+(.*)$/.exec(purpose)?.[1]?.trim() ?? null;
    const ok =
      svwz === null
        ? remittance === null || purpose.includes(remittance)
        : !!remittance?.startsWith(svwz);
    cmp.ok(
      `${at} remittance`,
      ok,
      `${JSON.stringify(remittance)} for purpose ${JSON.stringify(purpose)}`,
    );
  } else {
    cmp.equal(`${at} remittance`, remittance, purpose || null);
  }
}

// ---------------------------------------------------------------------------
// webschik/mt940-js: *.json
// ---------------------------------------------------------------------------

type WsBalance = { isCredit: boolean; date: string; currency: string; value: number };
type WsTransaction = {
  code: string;
  isCredit: boolean;
  currency: string;
  description: string;
  amount: number;
  valueDate: string;
  entryDate: string;
  customerReference: string;
  bankReference: string;
};
type WsStatement = {
  referenceNumber: string;
  accountId: string;
  number: string;
  openingBalance: WsBalance;
  closingBalance: WsBalance;
  transactions: WsTransaction[];
};

function wsBalance(balance: WsBalance) {
  const magnitude = numberToMinor(balance.value, balance.currency);
  return {
    amountMinor: balance.isCredit ? magnitude : -magnitude,
    currency: balance.currency,
    date: balance.date,
  };
}

export function compareWebschik(cmp: Comparison, file: string, ours: ParsedBankFile, json: string) {
  const expected = JSON.parse(json) as WsStatement[];
  statementCount(cmp, file, ours, expected.length);
  expected.forEach((want, index) => {
    const got = ours.statements[index];
    if (got === undefined) return;
    const at = `${file} #${index + 1}`;
    cmp.equal(`${at} :20:`, got.statementId, want.referenceNumber);
    cmp.equal(`${at} :25:`, got.accountIdentifier, want.accountId);
    cmp.equal(`${at} statement number`, got.sequenceNumber?.split('/')[0], want.number);
    compareBalance(cmp, `${at} opening`, got.openingBalance, wsBalance(want.openingBalance));
    compareBalance(cmp, `${at} closing`, got.closingBalance, wsBalance(want.closingBalance));
    cmp.equal(`${at} lines`, got.lines.length, want.transactions.length);
    want.transactions.forEach((tx, t) => {
      const line = got.lines[t];
      if (line === undefined) return;
      const lat = `${at} line ${t + 1}`;
      const magnitude = numberToMinor(tx.amount, tx.currency);
      cmp.equal(`${lat} amount`, line.amountMinor, tx.isCredit ? magnitude : -magnitude);
      cmp.equal(`${lat} currency`, line.currency, tx.currency);
      cmp.equal(`${lat} type`, line.typeCode, tx.code);
      cmp.equal(`${lat} value date`, line.valueDate, tx.valueDate);
      cmp.equal(`${lat} entry date`, line.bookingDate, tx.entryDate || null);
      compareReference(cmp, lat, line, tx.customerReference);
      cmp.equal(`${lat} bank reference`, line.bankReference, tx.bankReference || null);
      // mt940-js joins :86: lines without a separator and collapses runs of spaces
      const description = collapse((line.additionalInfo ?? '').replace(/\n/g, '')) ?? '';
      cmp.equal(`${lat} :86:`, description, collapse(tx.description) ?? '');
    });
  });
}

// ---------------------------------------------------------------------------
// wolph/mt940: *.yml (PyYAML dump of mt940.models.Transactions)
// ---------------------------------------------------------------------------

type Mapping = { [key: string]: YamlValue };

/** Python `datetime.date` / `datetime` pickle state: year (2 bytes), month, day, h, m, … */
function pythonDate(value: YamlValue, withTime: boolean): string {
  const state = Array.isArray(value) ? value[0] : value;
  const bytes = Buffer.from(String(state), 'base64');
  const pad = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  const date = `${(bytes[0] ?? 0) * 256 + (bytes[1] ?? 0)}-${pad(bytes[2])}-${pad(bytes[3])}`;
  return withTime ? `${date}T${pad(bytes[4])}:${pad(bytes[5])}` : date;
}

function constructPython(tag: string, value: YamlValue): YamlValue {
  if (tag.endsWith(':decimal.Decimal')) return Array.isArray(value) ? (value[0] ?? null) : value;
  if (tag.endsWith(':mt940.models.Date')) return pythonDate(value, false);
  if (tag.endsWith(':mt940.models.DateTime')) return pythonDate(value, true);
  if (tag.includes('re._compile') || tag.includes('FixedOffset')) return null;
  return value;
}

const text = (value: YamlValue | undefined): string | null =>
  typeof value === 'string' ? value : null;
const mapping = (value: YamlValue | undefined): Mapping =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};

function wolphBalance(value: YamlValue | undefined) {
  const balance = mapping(value);
  if (Object.keys(balance).length === 0) return null;
  const amount = mapping(balance.amount);
  const currency = text(amount.currency) ?? '';
  const magnitude = decimalToMinor(text(amount.amount) ?? '', currency);
  return {
    amountMinor: text(balance.status) === 'D' ? -magnitude : magnitude,
    currency,
    date: text(balance.date) ?? '',
  };
}

const trimLines = (value: string | null) =>
  value
    ?.split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim() ?? null;

export function compareWolph(cmp: Comparison, file: string, ours: ParsedBankFile, yaml: string) {
  const root = mapping(readYaml(yaml, constructPython));
  const data = mapping(root.data);
  // wolph keeps one data record per file, updated by each statement: compare the last one
  const last = ours.statements.at(-1);
  if (last === undefined) return cmp.ok(file, false, 'no statement parsed');
  cmp.equal(`${file} :20:`, last.statementId, text(data.transaction_reference));
  cmp.equal(`${file} :25:`, last.accountIdentifier, text(data.account_identification));
  const number = `${text(data.statement_number) ?? ''}${text(data.sequence_number) ?? ''}`;
  cmp.equal(`${file} :28C:`, last.sequenceNumber?.replace('/', ''), number);
  if ('final_opening_balance' in data) {
    compareBalance(
      cmp,
      `${file} opening`,
      last.openingBalance,
      wolphBalance(data.final_opening_balance),
    );
  }
  compareBalance(
    cmp,
    `${file} closing`,
    last.closingBalance,
    wolphBalance(data.final_closing_balance),
  );
  if ('c_floor_limit' in data) {
    cmp.equal(`${file} :34F: currency`, last.currency, text(mapping(data.c_floor_limit).currency));
  }
  if ('date' in data) cmp.equal(`${file} :13D:`, last.createdAt?.slice(0, 16), text(data.date));
  if ('sum_debit_entries' in data) {
    const sum = mapping(data.sum_debit_entries);
    const minor = -decimalToMinor(text(sum.amount) ?? '', last.currency);
    const declared = `:90D: declares ${text(sum.number)} entries totalling ${minor} minor units`;
    // the sample's :90D: disagrees with its only line, so the parser must report it
    cmp.ok(
      `${file} :90D:`,
      last.controlProblems.some((p) => p.startsWith(declared)),
      declared,
    );
  }
  const transactions = Array.isArray(root.transactions) ? root.transactions : [];
  const lines = ours.statements.flatMap((statement) => statement.lines);
  cmp.equal(`${file} lines`, lines.length, transactions.length);
  transactions.forEach((entry, index) => {
    const line = lines[index];
    if (line !== undefined)
      compareWolphLine(cmp, `${file} line ${index + 1}`, line, mapping(mapping(entry).data));
  });
}

function compareWolphLine(cmp: Comparison, at: string, line: ParsedStatementLine, want: Mapping) {
  const amount = mapping(want.amount);
  cmp.equal(
    `${at} amount`,
    line.amountMinor,
    decimalToMinor(text(amount.amount) ?? '', line.currency),
  );
  cmp.equal(`${at} currency`, line.currency, text(amount.currency));
  cmp.equal(`${at} value date`, line.valueDate, text(want.date));
  cmp.equal(`${at} entry date`, line.bookingDate, text(want.entry_date) ?? null);
  cmp.equal(`${at} type`, line.typeCode, text(want.id)?.trim());
  compareReference(cmp, at, line, text(want.customer_reference));
  cmp.equal(`${at} bank reference`, line.bankReference, text(want.bank_reference));
  if ('transaction_details' in want) {
    cmp.equal(
      `${at} :86:`,
      trimLines(line.additionalInfo),
      trimLines(text(want.transaction_details)),
    );
  }
  // wolph keeps ?60–?63 apart (additional_purpose); Dunwell continues the ?20–?29 purpose
  // there, so with ?60–?63 present Dunwell's value may only be longer
  const continued = text(want.additional_purpose) !== null;
  const same = (label: string, actual: string | null, expected: string | null) =>
    continued && actual !== null && expected !== null
      ? cmp.ok(
          label,
          actual.startsWith(expected),
          `${JSON.stringify(actual)} does not start with ${JSON.stringify(expected)}`,
        )
      : cmp.equal(label, actual, expected);
  if ('applicant_name' in want) {
    cmp.equal(`${at} name`, collapse(line.counterpartyName), collapse(text(want.applicant_name)));
    cmp.equal(`${at} account`, line.counterpartyAccount, text(want.applicant_iban));
    cmp.equal(`${at} bank`, line.counterpartyBank, text(want.applicant_bin));
    same(`${at} remittance`, collapse(line.remittanceInfo), collapse(text(want.purpose)));
  }
  const reference = text(want.customer_reference) ?? '';
  if ('end_to_end_reference' in want && POINTERS.has(reference.toUpperCase())) {
    same(`${at} end-to-end id`, line.endToEndId, collapse(text(want.end_to_end_reference)));
  }
}

// ---------------------------------------------------------------------------
// betterplace/mt940_parser: *.yml of tag-level fragments
// ---------------------------------------------------------------------------

/** Minimal statement around a fragment, so that a whole-file parser can read it. */
export function wrapFragment(fragment: string, before: string, after: string): string {
  const body = fragment.replace(/\r\n?/g, '\n').replace(/\n-\s*$/, '');
  return `${before}${body}\n${after}`;
}

const HEAD = ':20:FRAGMENT\n:25:ACCOUNT\n';
const OPEN = ':60F:C100318EUR0,\n';
const CLOSE = ':62F:C100318EUR0,\n';

type Parse = (text: string) => ParsedBankFile;

/** The first record of each betterplace fixture (a list of statements of fields). */
function betterplaceRecords(yaml: string): Mapping[] {
  const statements = readYaml(yaml);
  const first = Array.isArray(statements) ? statements[0] : null;
  return (Array.isArray(first) ? first : []).map(mapping);
}

function betterplaceBalance(record: Mapping) {
  const currency = text(record.currency) ?? '';
  const magnitude = BigInt(text(record.amount) ?? '0');
  return {
    amountMinor: text(record.sign) === ':debit' ? -magnitude : magnitude,
    currency,
    date: text(record.date) ?? '',
  };
}

const firstStatement = (file: ParsedBankFile): ParsedStatement => {
  const statement = file.statements[0];
  if (statement === undefined) throw new Error('no statement');
  return statement;
};

export const BETTERPLACE: Readonly<
  Record<string, (cmp: Comparison, parse: Parse, input: string, yaml: string) => void>
> = {
  'amount_formats.txt': (cmp, parse, input, yaml) => {
    const records = betterplaceRecords(yaml);
    const balances = input.split(/\r?\n/).filter((line) => line.startsWith(':60F:'));
    cmp.equal('amount_formats balances', balances.length, records.length);
    balances.forEach((balance, index) => {
      const record = records[index];
      if (record === undefined) return;
      const statement = firstStatement(parse(`${HEAD}${balance}\n:62F:C100318EUR0,\n`));
      compareBalance(
        cmp,
        `amount_formats ${balance}`,
        statement.openingBalance,
        betterplaceBalance(record),
      );
    });
  },
  'colon_in_descriptor.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const wrapped = wrapFragment(input, `${HEAD}${OPEN}:61:1003180318C0,NTRFNONREF\n`, CLOSE);
    const line = firstStatement(parse(wrapped)).lines[0];
    cmp.equal(
      'colon_in_descriptor account',
      line?.counterpartyAccount,
      text(record.account_number),
    );
    cmp.equal('colon_in_descriptor bank', line?.counterpartyBank, text(record.bank_code));
    cmp.equal('colon_in_descriptor name', line?.counterpartyName, text(record.account_holder));
    cmp.equal(
      'colon_in_descriptor remittance',
      line?.remittanceInfo,
      collapse(text(record.details)),
    );
  },
  'currency_in_25.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const statement = firstStatement(
      parse(wrapFragment(input, ':20:FRAGMENT\n', `${OPEN}${CLOSE}`)),
    );
    cmp.equal('currency_in_25 :25:', statement.accountIdentifier, text(record.account_identifier));
  },
  'empty_86.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const wrapped = wrapFragment(input, `${HEAD}${OPEN}:61:1003180318C0,NTRFNONREF\n`, CLOSE);
    const line = firstStatement(parse(wrapped)).lines[0];
    cmp.equal('empty_86 remittance', line?.remittanceInfo, collapse(text(record.details)));
    cmp.equal('empty_86 name', line?.counterpartyName, collapse(text(record.account_holder)));
    cmp.equal('empty_86 raw', line?.additionalInfo, text(record.content));
  },
  'empty_entry_date.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const wrapped = wrapFragment(input, `${HEAD}:60F:C110701EUR0,\n`, ':62F:C110701EUR50,\n');
    const line = firstStatement(parse(wrapped)).lines[0];
    const magnitude = BigInt(text(record.amount) ?? '0');
    cmp.equal(
      'empty_entry_date amount',
      line?.amountMinor,
      text(record.funds_code) === ':credit' ? magnitude : -magnitude,
    );
    cmp.equal('empty_entry_date value date', line?.valueDate, text(record.date));
    cmp.equal('empty_entry_date entry date', line?.bookingDate, null);
    cmp.equal('empty_entry_date type', line?.typeCode, text(record.swift_code));
    cmp.equal('empty_entry_date reference (NONREF)', line?.endToEndId, null);
  },
  'empty_line.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const statement = firstStatement(
      parse(wrapFragment(input, '', `:25:ACCOUNT\n${OPEN}${CLOSE}`)),
    );
    cmp.equal('empty_line :20:', statement.statementId, text(record.reference));
  },
  'missing_crlf_at_end.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    const statement = firstStatement(parse(`${HEAD}:60F:C100323EUR0,\n${input}`));
    compareBalance(
      cmp,
      'missing_crlf_at_end closing',
      statement.closingBalance,
      betterplaceBalance(record),
    );
  },
  'with_binary_character.txt': (cmp, parse, input, yaml) => {
    const [record = {}] = betterplaceRecords(yaml);
    cmp.equal(
      'with_binary_character :20:',
      firstStatement(parse(input)).statementId,
      text(record.reference),
    );
  },
};
