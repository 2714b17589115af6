/**
 * camt entries (`Ntry`) → statement lines.
 *
 * Batch bookings. An entry may carry several transaction details (`NtryDtls/TxDtls`): one
 * booking of 6 329.00 made of 31 incoming payments, say. We make **one line per TxDtls** when
 * every TxDtls has its own amount in the entry's currency (`TxDtls/Amt`, or `AmtDtls/TxAmt/Amt`
 * before version 3) **and** those amounts, signed by their own CdtDbtInd, add up exactly to the
 * entry's amount; each line then has its own payer, remittance and references, which is what
 * cash application needs. Otherwise (no amounts, amounts in another currency, or a sum that
 * differs, e.g. because charges were netted) the entry stays **one line** with the entry's
 * amount, and only the details every TxDtls agrees on (counterparty, end-to-end id) are kept,
 * with all remittance texts joined. Either way Σ lines = Σ entry amounts, so opening + Σ lines =
 * closing holds exactly when it holds for the entries.
 *
 * Sign. `CdtDbtInd` alone gives the direction of the booking. `RvslInd=true` does not flip it:
 * ISO 20022 defines it as "this entry reverses an earlier one", with CdtDbtInd already the
 * direction of the reversal (a returned payment is `CRDT` + `RvslInd`: money comes back). Flipping
 * would break opening + Σ = closing; the reversal is noted in `additionalInfo`.
 *
 * Status. Only booked entries (`Sts` BOOK) are lines of a camt.052/053, because the booked
 * balances move with them and nothing else; pending (PDNG) and information (INFO) entries are
 * left out. A camt.054 has no balances and banks send its advices as INFO as often as BOOK, so
 * every camt.054 entry is a line and a status other than BOOK is noted in `additionalInfo`.
 */
import type { CamtReader } from './camt-values.ts';
import {
  child,
  children,
  isElement,
  lineOf,
  path,
  text,
  texts,
  type XmlElement,
  type XmlValue,
} from './camt-xml.ts';
import type { BankFileFormat, ParsedStatementLine } from './statement.ts';

/** What the statement needs of every entry (lines or not): its signed amount, for TxsSummry. */
export type CamtEntry = {
  path: string;
  node: XmlElement;
  /** signed minor units of `currency` (the account's currency, ISO 20022 says) */
  amountMinor: bigint;
  currency: string;
  sign: 1n | -1n;
  status: string;
};

type TxDetail = {
  path: string;
  node: XmlElement;
  /** signed minor units in the entry's currency, or null when it has none in that currency */
  amountMinor: bigint | null;
  sign: 1n | -1n;
};

type Counterparty = {
  name: string | null;
  account: string | null;
  bank: string | null;
  ultimateName: string | null;
};

const NOT_PROVIDED = 'NOTPROVIDED';
/** References of a transaction noted in `additionalInfo` when present. */
const NOTED_REFERENCES = ['InstrId', 'TxId', 'MndtId', 'ChqNb', 'UETR'];

/**
 * The entries of one statement, read one at a time as the file is parsed (or from the tree), and
 * what the statement keeps of them: their lines, signed amounts and signs. Failures are kept, not
 * thrown, and the statement reports them in the order a reader of the whole statement meets them:
 * the first empty or unreadable entry ({@link checkEntries}), else, once the statement's currency
 * is known, the first entry whose lines could not be made ({@link checkLines}).
 */
export class StatementEntries {
  /** The lines of the entries read, numbered. */
  readonly lines: ParsedStatementLine[] = [];
  /** Signed amount (minor units) and sign of each entry read, booked or not. */
  readonly amounts: bigint[] = [];
  readonly signs: (1n | -1n)[] = [];
  /** Currency of the first entry. */
  firstCurrency: string | null = null;
  #count = 0;
  /** The first empty (`index`) or unreadable (`error`) entry: nothing after it counts. */
  #entryFailure: { index: number } | { error: unknown } | null = null;
  /** The first failure making lines; entries after it are still read (their failures come first). */
  #linesFailure: { error: unknown } | null = null;

  /** `statementPath`: where failures say the statement is (`…/Stmt[1]`). */
  constructor(
    readonly statementPath: string,
    readonly format: BankFileFormat,
  ) {}

  add(reader: CamtReader, value: XmlValue): void {
    const index = this.#count++;
    if (this.#entryFailure) return;
    if (!isElement(value)) {
      this.#entryFailure = { index };
      return;
    }
    let entry: CamtEntry;
    try {
      entry = readEntry(reader, value, `${this.statementPath}/Ntry[${index + 1}]`);
    } catch (error) {
      this.#entryFailure = { error };
      return;
    }
    this.amounts.push(entry.amountMinor);
    this.signs.push(entry.sign);
    this.firstCurrency ??= entry.currency;
    if (this.#linesFailure) return;
    try {
      for (const line of entryLines(reader, entry, this.format)) {
        line.lineNo = this.lines.length + 1;
        this.lines.push(line);
      }
    } catch (error) {
      this.#linesFailure = { error };
    }
  }

  /** Throws for the first empty or unreadable entry. */
  checkEntries(reader: CamtReader, statement: XmlElement): void {
    const failure = this.#entryFailure;
    if (!failure) return;
    if ('error' in failure) throw failure.error;
    reader.fail(`${this.statementPath}/Ntry[${failure.index + 1}]`, 'empty entry', statement);
  }

  /** Throws for the first entry whose lines could not be made. */
  checkLines(): void {
    if (this.#linesFailure) throw this.#linesFailure.error;
  }
}

export function readEntry(reader: CamtReader, node: XmlElement, entryPath: string): CamtEntry {
  const { amountMinor, currency } = reader.amount(node, entryPath);
  const sign = reader.sign(node, entryPath);
  const status = text(node, 'Sts') ?? text(node, 'Sts', 'Cd') ?? text(node, 'Sts', 'Prtry');
  return {
    path: entryPath,
    node,
    amountMinor: sign * amountMinor,
    currency,
    sign,
    status: status ?? 'BOOK',
  };
}

/**
 * The lines of one entry (none for an unbooked entry of a camt.052/053), numbered 0: the statement
 * numbers them.
 */
export function entryLines(
  reader: CamtReader,
  entry: CamtEntry,
  format: BankFileFormat,
): ParsedStatementLine[] {
  if (entry.status !== 'BOOK' && format !== 'camt.054') return [];
  const details = readDetails(reader, entry);
  if (details.length > 1 && detailsAddUp(entry, details)) {
    return details.map((detail) => buildLine(reader, entry, [detail], detail));
  }
  return [buildLine(reader, entry, details, null)];
}

function readDetails(reader: CamtReader, entry: CamtEntry): TxDetail[] {
  const details: TxDetail[] = [];
  children(entry.node, 'NtryDtls').forEach((group, groupIndex) => {
    if (!isElement(group)) return;
    children(group, 'TxDtls').forEach((node, index) => {
      if (!isElement(node)) return;
      const detailPath = `${entry.path}/NtryDtls[${groupIndex + 1}]/TxDtls[${index + 1}]`;
      details.push(readDetail(reader, entry, node, detailPath));
    });
  });
  return details;
}

function readDetail(
  reader: CamtReader,
  entry: CamtEntry,
  node: XmlElement,
  detailPath: string,
): TxDetail {
  const sign = text(node, 'CdtDbtInd') === null ? entry.sign : reader.sign(node, detailPath);
  let amount: { amountMinor: bigint; currency: string } | null = null;
  if (node['Amt'] !== undefined) {
    amount = reader.amount(node, detailPath);
  } else {
    const txAmount = path(node, 'AmtDtls', 'TxAmt');
    if (txAmount) amount = reader.amount(txAmount, `${detailPath}/AmtDtls/TxAmt`);
  }
  const usable = amount !== null && amount.currency === entry.currency;
  return {
    path: detailPath,
    node,
    amountMinor: usable && amount ? sign * amount.amountMinor : null,
    sign,
  };
}

function detailsAddUp(entry: CamtEntry, details: readonly TxDetail[]): boolean {
  let total = 0n;
  for (const detail of details) {
    if (detail.amountMinor === null) return false;
    total += detail.amountMinor;
  }
  return total === entry.amountMinor;
}

/** One line: of one TxDtls of a split batch (`split`), or of the whole entry. */
function buildLine(
  reader: CamtReader,
  entry: CamtEntry,
  details: readonly TxDetail[],
  split: TxDetail | null,
): ParsedStatementLine {
  const node = entry.node;
  const sign = split ? split.sign : entry.sign;
  const parties = details.map((detail) => counterparty(detail.node, sign > 0n));
  const detailReferences = details.map((detail) => text(detail.node, 'Refs', 'AcctSvcrRef'));
  const entryReference = text(node, 'AcctSvcrRef');
  const bankReference =
    (split ? detailReferences[0] : null) ??
    entryReference ??
    common(detailReferences) ??
    text(node, 'NtryRef');
  const remittanceTexts: string[] = [];
  for (const detail of details) remittanceTexts.push(...remittanceParts(detail.node));
  const remittance = unique(remittanceTexts);
  return {
    lineNo: 0,
    bookingDate: reader.dateChoice(node, entry.path, 'BookgDt'),
    valueDate: reader.dateChoice(node, entry.path, 'ValDt'),
    amountMinor: split ? (split.amountMinor ?? 0n) : entry.amountMinor,
    currency: entry.currency,
    typeCode: reader.shared(
      transactionCode(child(node, 'BkTxCd')) ??
        common(details.map((detail) => transactionCode(child(detail.node, 'BkTxCd')))),
    ),
    counterpartyName: common(parties.map((party) => party.name ?? party.ultimateName)),
    counterpartyAccount: common(parties.map((party) => party.account)),
    counterpartyBank: common(parties.map((party) => party.bank)),
    remittanceInfo: remittance.length > 0 ? remittance.join(' ') : null,
    endToEndId: common(details.map((detail) => endToEndId(detail.node))),
    bankReference,
    additionalInfo: additionalInfo(entry, details, parties, sign > 0n),
    sourceLine: lineOf(split ? split.node : node),
  };
}

/** The value all of `values` share, or null when they differ, are missing or there are none. */
function common(values: readonly (string | null)[]): string | null {
  const first = values[0];
  if (first === undefined || first === null) return null;
  return values.every((value) => value === first) ? first : null;
}

function unique(values: string[]): string[] {
  return values.length < 2 ? values : [...new Set(values)];
}

function endToEndId(detail: XmlElement): string | null {
  const id = text(detail, 'Refs', 'EndToEndId');
  return id === null || isNotProvided(id) ? null : id;
}

/** `NOTPROVIDED` in any case (compared only when the length says it may be). */
function isNotProvided(value: string): boolean {
  return value.length === NOT_PROVIDED.length && value.toUpperCase() === NOT_PROVIDED;
}

/** For a credit the payer (Dbtr, else UltmtDbtr), for a debit the payee (Cdtr, else UltmtCdtr). */
function counterparty(detail: XmlElement, credit: boolean): Counterparty {
  const parties = child(detail, 'RltdPties');
  const role = credit ? 'Dbtr' : 'Cdtr';
  return {
    name: partyName(child(parties, role)),
    ultimateName: partyName(child(parties, `Ultmt${role}`)),
    account: accountId(path(parties, `${role}Acct`, 'Id')),
    bank: agentId(path(detail, 'RltdAgts', `${role}Agt`, 'FinInstnId')),
  };
}

/** `Nm` of a party; from version 8 on the party sits in `Pty` (or is an agent, `Agt`). */
function partyName(party: XmlElement | undefined): string | null {
  if (!party) return null;
  return (
    text(party, 'Nm') ??
    text(party, 'Pty', 'Nm') ??
    text(party, 'Agt', 'FinInstnId', 'Nm') ??
    text(party, 'Agt', 'FinInstnId', 'BICFI')
  );
}

/** IBAN, else the other / proprietary / BBAN identification as written. */
export function accountId(id: XmlElement | undefined): string | null {
  if (!id) return null;
  return (
    text(id, 'IBAN') ??
    text(id, 'Othr', 'Id') ??
    text(id, 'PrtryAcct', 'Id') ??
    text(id, 'BBAN') ??
    text(id, 'UPIC')
  );
}

/** BIC (BICFI from version 4 on), else the clearing member id (routing number, sort code). */
export function agentId(institution: XmlElement | undefined): string | null {
  if (!institution) return null;
  return (
    text(institution, 'BICFI') ??
    text(institution, 'BIC') ??
    text(institution, 'ClrSysMmbId', 'MmbId') ??
    text(institution, 'Othr', 'Id')
  );
}

/** Domain code as `PMNT-RCDT-ESCT`, then the proprietary code, space-separated. */
function transactionCode(code: XmlElement | undefined): string | null {
  if (!code) return null;
  const domain = child(code, 'Domn');
  const family = child(domain, 'Fmly');
  let domainCode = text(domain, 'Cd') ?? '';
  for (const part of [text(family, 'Cd'), text(family, 'SubFmlyCd')]) {
    if (part !== null) domainCode = domainCode === '' ? part : `${domainCode}-${part}`;
  }
  const proprietary = text(code, 'Prtry', 'Cd') ?? '';
  if (domainCode === '') return proprietary === '' ? null : proprietary;
  return proprietary === '' ? domainCode : `${domainCode} ${proprietary}`;
}

/** Unstructured texts, then each structured block's document numbers and creditor reference. */
function remittanceParts(detail: XmlElement): string[] {
  const parts: string[] = [];
  for (const information of children(detail, 'RmtInf')) {
    if (!isElement(information)) continue;
    parts.push(...texts(information, 'Ustrd'));
    for (const structured of children(information, 'Strd')) {
      if (!isElement(structured)) continue;
      for (const document of children(structured, 'RfrdDocInf')) {
        if (isElement(document)) {
          const number = text(document, 'Nb');
          if (number !== null) parts.push(number);
        }
      }
      const reference = text(structured, 'CdtrRefInf', 'Ref');
      if (reference !== null) parts.push(reference);
    }
  }
  return parts;
}

function additionalInfo(
  entry: CamtEntry,
  details: readonly TxDetail[],
  parties: readonly Counterparty[],
  credit: boolean,
): string | null {
  const notes: string[] = [];
  const only = details.length === 1 ? details[0] : undefined;
  if (only) notes.push(...texts(only.node, 'AddtlTxInf'));
  notes.push(...texts(entry.node, 'AddtlNtryInf'));
  if (text(entry.node, 'RvslInd') === 'true' || text(entry.node, 'RvslInd') === '1') {
    notes.push('reversal (RvslInd)');
  }
  if (entry.status !== 'BOOK') notes.push(`status ${entry.status}`);
  const party = parties.length === 1 ? parties[0] : undefined;
  if (party?.name && party.ultimateName && party.ultimateName !== party.name) {
    notes.push(`ultimate ${credit ? 'debtor' : 'creditor'}: ${party.ultimateName}`);
  }
  if (only) notes.push(...detailNotes(only.node, entry.currency));
  if (details.length > 1) {
    notes.push(`batch of ${details.length} transactions`);
  } else if (details.length === 0) {
    const count =
      text(entry.node, 'NtryDtls', 'Btch', 'NbOfTxs') ?? text(entry.node, 'Btch', 'NbOfTxs');
    if (count !== null) notes.push(`batch of ${count} transactions`);
  }
  const unique_ = unique(notes);
  return unique_.length > 0 ? unique_.join('\n') : null;
}

/** Return reason, an instructed amount in another currency, and the other references. */
function detailNotes(detail: XmlElement, entryCurrency: string): string[] {
  const notes: string[] = [];
  const returned = child(detail, 'RtrInf');
  if (returned) {
    const reason = text(returned, 'Rsn', 'Cd') ?? text(returned, 'Rsn', 'Prtry');
    const why = texts(returned, 'AddtlInf').join(' ');
    if (reason !== null || why !== '') {
      notes.push(`return reason ${[reason, why].filter((part) => part).join(' ')}`);
    }
  }
  const instructed = path(detail, 'AmtDtls', 'InstdAmt');
  const instructedAmount = instructed?.['Amt'];
  if (instructed && isElement(instructedAmount)) {
    const currency = instructedAmount['@Ccy'];
    const value = instructedAmount['#text'];
    if (typeof currency === 'string' && currency !== entryCurrency && typeof value === 'string') {
      notes.push(`instructed amount ${value} ${currency}`);
    }
  }
  const references = child(detail, 'Refs');
  for (const name of NOTED_REFERENCES) {
    const value = text(references, name);
    if (value !== null && !isNotProvided(value)) notes.push(`${name} ${value}`);
  }
  return notes;
}
