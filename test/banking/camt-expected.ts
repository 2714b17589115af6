/**
 * Adapters from the camt samples' own expected outputs to what {@link parseCamt} carries:
 * genkgo/camt `*.json` (a PHP DTO dump, amounts signed in minor units) and OCA
 * bank-statement-import `golden-*.pydata` (a Python literal, amounts as floats). Each returns
 * the statements the source describes, with only the fields both sides have.
 */
import type { BankFileFormat } from '../../src/modules/banking/parsers/statement.ts';

export type ExpectedBalance = { amountMinor: bigint; currency: string; date: string | null };

/** A field left undefined is not compared (the source does not say). */
export type ExpectedLine = {
  amountMinor: bigint;
  currency?: string;
  bookingDate?: string | null;
  valueDate?: string | null;
  typeCode?: string | null;
  /** our typeCode starts with this (OCA writes only the domain code) */
  typeCodePrefix?: string;
  counterpartyName?: string | null;
  counterpartyAccount?: string | null;
  endToEndId?: string | null;
  bankReference?: string | null;
  /** each must occur in our remittanceInfo */
  remittanceContains?: string[];
  /** must occur in our additionalInfo */
  additionalInfoContains?: string[];
  /** one of our endToEndId / bankReference / remittanceInfo must contain it (OCA `ref`) */
  anyReference?: string;
};

export type ExpectedStatement = {
  statementId?: string;
  accountIdentifier?: string;
  currency?: string;
  sequenceNumber?: string | null;
  createdAt?: string;
  fromDate?: string | null;
  toDate?: string | null;
  /** null: the statement has none; a balance whose amount is 0 may also be absent (OCA) */
  openingBalance?: ExpectedBalance | null;
  closingBalance?: ExpectedBalance | null;
  zeroMeansAbsent?: boolean;
  lines: ExpectedLine[];
};

export type ExpectedFile = {
  /** how many statements the file has, when the source says */
  statementCount?: number;
  statements: ExpectedStatement[];
};

// ---------------------------------------------------------------------------
// genkgo/camt JSON
// ---------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** genkgo's dumper writes an object it has already written as this marker. */
const SEEN = '__RECURSIVITY__';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: Json | undefined): JsonObject | null {
  return isObject(value) ? value : null;
}

function string(value: Json | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function list(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** `{ getAmount: "-2700", getCurrency: { getCode: "SEK" } }` */
function money(value: Json | undefined): { amountMinor: bigint; currency: string } | null {
  const amount = object(value);
  const minor = string(amount?.['getAmount']);
  const currency = string(object(amount?.['getCurrency'])?.['getCode']);
  return minor !== null && currency !== null ? { amountMinor: BigInt(minor), currency } : null;
}

/** The calendar date of a DateTimeImmutable dump (genkgo writes it in UTC). */
function dumpedDate(value: Json | undefined): string | null {
  return string(object(value)?.['0'])?.slice(0, 10) ?? null;
}

function genkgoTypeCode(code: JsonObject | null): string | null {
  if (!code) return null;
  const domain = object(code['getDomain']);
  const family = object(domain?.['getFamily']);
  const domainCode = [domain?.['getCode'], family?.['getCode'], family?.['getSubFamilyCode']]
    .map((part) => string(part))
    .filter((part): part is string => part !== null && part !== '')
    .join('-');
  const proprietary = string(object(code['getProprietary'])?.['getCode']) ?? '';
  const parts = [domainCode, proprietary].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

/** The payer of a credit / payee of a debit among a detail's related parties. */
function genkgoCounterparty(
  detail: JsonObject,
  credit: boolean,
): { name: string | null; account: string | null } | undefined {
  const parties = list(detail['getRelatedParties']);
  if (parties.some((party) => party === SEEN)) return undefined;
  const ofType = (type: string) =>
    parties
      .map((party) => object(party))
      .find((party) =>
        string(object(party?.['getRelatedPartyType'])?.['__CLASS__'])?.endsWith(type),
      );
  const party = ofType(credit ? '\\Debtor' : '\\Creditor');
  const ultimate = ofType(credit ? '\\UltimateDebtor' : '\\UltimateCreditor');
  const name = (found: JsonObject | null | undefined) =>
    string(object(found?.['getRelatedPartyType'])?.['getName']);
  const account = object(party?.['getAccount']);
  return {
    name: name(party) ?? name(ultimate),
    account: string(account?.['getIdentification']),
  };
}

function genkgoDetails(entry: JsonObject): JsonObject[] {
  const first = object(entry['getTransactionDetail']);
  return list(entry['getTransactionDetails'])
    .map((detail) => (detail === SEEN ? first : object(detail)))
    .filter((detail): detail is JsonObject => detail !== null);
}

/** Same rule as the parser: one line per TxDtls when their own amounts add up to the entry. */
function splits(entryAmount: { amountMinor: bigint; currency: string }, details: JsonObject[]) {
  if (details.length < 2) return false;
  let total = 0n;
  for (const detail of details) {
    const amount = money(detail['getAmount']);
    if (!amount || amount.currency !== entryAmount.currency) return false;
    total += amount.amountMinor;
  }
  return total === entryAmount.amountMinor;
}

function genkgoLines(entry: JsonObject, format: BankFileFormat): ExpectedLine[] {
  if (format !== 'camt.054' && string(entry['getStatus']) !== 'BOOK') return [];
  const amount = money(entry['getAmount']);
  if (!amount) throw new Error('genkgo entry without an amount');
  const details = genkgoDetails(entry);
  const common = {
    currency: amount.currency,
    bookingDate: dumpedDate(entry['getBookingDate']),
    valueDate: dumpedDate(entry['getValueDate']),
    typeCode:
      genkgoTypeCode(object(entry['getBankTransactionCode'])) ??
      (details.length === 1
        ? genkgoTypeCode(object(details[0]?.['getBankTransactionCode']))
        : null),
    additionalInfoContains: [string(entry['getAdditionalInfo'])].filter(
      (text): text is string => text !== null && text !== '',
    ),
  };
  const detailFields = (detail: JsonObject, credit: boolean): Partial<ExpectedLine> => {
    const party = genkgoCounterparty(detail, credit);
    const endToEnd = string(object(detail['getReference'])?.['getEndToEndId']);
    const message = string(object(detail['getRemittanceInformation'])?.['getMessage']);
    return {
      ...(party ? { counterpartyName: party.name, counterpartyAccount: party.account } : {}),
      endToEndId: endToEnd === 'NOTPROVIDED' ? null : endToEnd,
      remittanceContains: message ? [message] : [],
    };
  };
  if (splits(amount, details)) {
    return details.map((detail) => {
      const own = money(detail['getAmount']);
      const amountMinor = own?.amountMinor ?? 0n;
      return { ...common, amountMinor, ...detailFields(detail, amountMinor > 0n) };
    });
  }
  const line: ExpectedLine = {
    ...common,
    amountMinor: amount.amountMinor,
    bankReference: string(entry['getAccountServicerReference']) ?? undefined,
  };
  const only = details.length === 1 ? details[0] : undefined;
  if (only) return [{ ...line, ...detailFields(only, amount.amountMinor > 0n) }];
  const messages = details
    .map((detail) => string(object(detail['getRemittanceInformation'])?.['getMessage']))
    .filter((text): text is string => text !== null && text !== '');
  return [{ ...line, remittanceContains: messages }];
}

function genkgoBalance(record: JsonObject, type: string, last: boolean): ExpectedBalance | null {
  const matching = list(record['getBalances'])
    .map((balance) => object(balance))
    .filter((balance) => string(balance?.['getType']) === type);
  const balance = last ? matching.at(-1) : matching[0];
  const amount = money(balance?.['getAmount']);
  return amount ? { ...amount, date: dumpedDate(balance?.['getDate']) } : null;
}

/**
 * The statements of a genkgo expected-output dump. The dumper writes a record once (later
 * occurrences are a marker) and is lossy for multi-statement files, so only records written in
 * full are returned; `statementCount` still says how many the file has.
 */
export function genkgoExpected(dump: unknown, format: BankFileFormat): ExpectedFile {
  const message = dump as JsonObject;
  const records: JsonObject[] = [];
  const entriesOf = new Map<JsonObject, JsonObject[]>();
  let current: JsonObject | null = null;
  for (const entryValue of list(message['getEntries'])) {
    const entry = object(entryValue);
    if (!entry) continue;
    const record = object(entry['getRecord']);
    if (record) {
      current = record;
      records.push(record);
    }
    if (current) entriesOf.set(current, [...(entriesOf.get(current) ?? []), entry]);
  }
  for (const recordValue of list(message['getRecords'])) {
    const record = object(recordValue);
    if (record) records.push(record);
  }
  const statements = records.map((record): ExpectedStatement => {
    const createdOn = string(object(record['getCreatedOn'])?.['0']);
    return {
      statementId: string(record['getId']) ?? undefined,
      accountIdentifier: string(object(record['getAccount'])?.['getIdentification']) ?? undefined,
      sequenceNumber:
        string(record['getElectronicSequenceNumber']) ?? string(record['getLegalSequenceNumber']),
      ...(createdOn ? { createdAt: createdOn } : {}),
      fromDate: dumpedDate(record['getFromDate']),
      toDate: dumpedDate(record['getToDate']),
      openingBalance: genkgoBalance(record, 'opening', false),
      closingBalance: genkgoBalance(record, 'closing', true),
      lines: (entriesOf.get(record) ?? []).flatMap((entry) => genkgoLines(entry, format)),
    };
  });
  return { statementCount: list(message['getRecords']).length, statements };
}

// ---------------------------------------------------------------------------
// OCA golden-*.pydata (Python literal)
// ---------------------------------------------------------------------------

/** A Python float's repr kept as text, so that it can be turned into minor units exactly. */
export class PyNumber {
  constructor(readonly text: string) {}
}

type Py = null | boolean | string | PyNumber | Py[] | { [key: string]: Py };

/** Parses the subset of Python literal syntax the OCA golden files use. */
export function parsePythonLiteral(source: string): Py {
  let index = 0;
  const skip = () => {
    while (index < source.length && /\s/.test(source[index] ?? '')) index += 1;
  };
  const expect = (char: string) => {
    skip();
    if (source[index] !== char) throw new Error(`expected ${char} at ${index}`);
    index += 1;
  };
  const stringLiteral = (): string => {
    const quote = source[index];
    index += 1;
    let result = '';
    while (source[index] !== quote) {
      const char = source[index];
      if (char === undefined) throw new Error('unterminated string');
      if (char === '\\') {
        const next = source[index + 1] ?? '';
        const escapes: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          "'": "'",
          '"': '"',
        };
        const escaped = escapes[next];
        if (escaped === undefined) throw new Error(`unsupported escape \\${next}`);
        result += escaped;
        index += 2;
      } else {
        result += char;
        index += 1;
      }
    }
    index += 1;
    return result;
  };
  const sequence = (close: string): Py[] => {
    const items: Py[] = [];
    skip();
    while (source[index] !== close) {
      items.push(value());
      skip();
      if (source[index] === ',') index += 1;
      skip();
    }
    index += 1;
    return items;
  };
  const value = (): Py => {
    skip();
    const char = source[index];
    if (char === '(' || char === '[') {
      index += 1;
      return sequence(char === '(' ? ')' : ']');
    }
    if (char === '{') {
      index += 1;
      const result: { [key: string]: Py } = {};
      skip();
      while (source[index] !== '}') {
        const key = value();
        if (typeof key !== 'string') throw new Error('non-string dict key');
        expect(':');
        result[key] = value();
        skip();
        if (source[index] === ',') index += 1;
        skip();
      }
      index += 1;
      return result;
    }
    if (char === "'" || char === '"') {
      let result = stringLiteral();
      // adjacent literals concatenate
      for (skip(); source[index] === "'" || source[index] === '"'; skip())
        result += stringLiteral();
      return result;
    }
    const word = /^(None|True|False|-?[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?)/.exec(source.slice(index));
    if (!word?.[1])
      throw new Error(`unexpected ${JSON.stringify(source.slice(index, index + 20))}`);
    index += word[1].length;
    if (word[1] === 'None') return null;
    if (word[1] === 'True' || word[1] === 'False') return word[1] === 'True';
    return new PyNumber(word[1]);
  };
  const result = value();
  skip();
  if (index !== source.length) throw new Error(`trailing text at ${index}`);
  return result;
}

/** "-754.25" → -75425n at exponent 2 (exact; "100.0" → 10000n). */
export function pyMinor(number: PyNumber, exponent: number): bigint {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(number.text);
  if (!match) throw new Error(`cannot read ${number.text} exactly`);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) throw new Error(`${number.text} has too many decimals`);
  const magnitude = BigInt((match[2] ?? '0') + fraction.padEnd(exponent, '0'));
  return match[1] === '-' ? -magnitude : magnitude;
}

function pyString(value: Py | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function pyDict(value: Py | undefined): { [key: string]: Py } {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof PyNumber
  ) {
    throw new Error('expected a dict');
  }
  return value;
}

/**
 * The statements of an OCA golden file `(currency, account, [statement, ...])`. OCA leaves out
 * statements without transactions (`(None, None, [])`) and writes a missing balance as 0.0.
 */
export function ocaExpected(golden: Py, exponentOf: (currency: string) => number): ExpectedFile {
  if (!Array.isArray(golden) || golden.length !== 3) throw new Error('expected a 3-tuple');
  const [currencyValue, accountValue, statementsValue] = golden;
  const currency = pyString(currencyValue);
  const account = pyString(accountValue);
  if (!Array.isArray(statementsValue)) throw new Error('expected a statement list');
  if (currency === null || account === null) return { statements: [] };
  const exponent = exponentOf(currency);
  const minor = (value: Py | undefined) => {
    if (!(value instanceof PyNumber)) throw new Error('expected a number');
    return pyMinor(value, exponent);
  };
  const statements = statementsValue.map((statementValue): ExpectedStatement => {
    const statement = pyDict(statementValue);
    const transactions = statement['transactions'];
    if (!Array.isArray(transactions)) throw new Error('expected transactions');
    return {
      statementId: pyString(statement['name']) ?? undefined,
      accountIdentifier: account,
      currency,
      openingBalance: { amountMinor: minor(statement['balance_start']), currency, date: null },
      closingBalance: { amountMinor: minor(statement['balance_end_real']), currency, date: null },
      zeroMeansAbsent: true,
      lines: transactions.map((transactionValue): ExpectedLine => {
        const transaction = pyDict(transactionValue);
        const reference = pyString(transaction['ref']);
        return {
          amountMinor: minor(transaction['amount']),
          bookingDate: pyString(transaction['date']),
          counterpartyName: pyString(transaction['partner_name']),
          counterpartyAccount: pyString(transaction['account_number']),
          typeCodePrefix: pyString(transaction['transaction_type']) ?? undefined,
          ...(reference ? { anyReference: reference } : {}),
        };
      }),
    };
  });
  return { statements };
}
