/**
 * Bank statement import: a file is parsed (format detected, or a saved CSV / lockbox mapping),
 * each statement is checked (opening + entries = closing, the file's own control totals),
 * de-duplicated by its content, and stored with its lines, all in the caller's transaction.
 * A statement already imported — from the same file or another one — creates nothing, and an
 * entry that came earlier in another statement (intraday, then end of day) is kept as a
 * duplicate so it is never applied twice.
 */
import crypto from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import { pipelineWrites, PreparedWrites } from '../../db/bulk.ts';
import type { BankStatementLinesTable, StatementLineStatus } from '../../db/schema.ts';
import { ACCESS, hasRole } from '../../shared/actor.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
  DomainError,
} from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { Ctx } from '../billing/documents.service.ts';
import { insertBankAccount } from '../payments/deposits.service.ts';
import { accountIdentifierOf, normalizeAccount } from '../payments/payments.service.ts';
import { normalizeText } from './matching/normalize.ts';
import {
  balanceProblem,
  BankFileError,
  csvStatementMappingSchema,
  lockboxMappingSchema,
  parseBankFile,
  type ParsedBankFile,
  type ParsedStatement,
  type ParseBankFileOptions,
} from './parsers/index.ts';

export type ImportOptions = {
  fileName?: string | undefined;
  /** the account the file is for; required for CSV and lockbox files (via their mapping) */
  bankAccountId?: string | undefined;
  /** a saved CSV or lockbox mapping */
  mappingId?: string | undefined;
  /**
   * Decides what becomes of a new statement's incoming lines before they are stored (cash
   * application ties and matches them), so each line is written once, with its outcome. Given
   * all the lines, it returns the decision for a chunk of them; it may change `status`,
   * `suggestions`, `payment_id`, `deposit_batch_id`, `status_note`, `matched_at` and
   * `updated_by_name` of lines whose status is `unmatched`. Without it they stay unmatched.
   */
  classify?: LineClassifier | undefined;
};

/** A new statement line as it will be stored. */
export type NewStatementLine = Omit<Insertable<BankStatementLinesTable>, 'suggestions'> & {
  /** an object or array, stored as JSON by the bulk insert (not JSON text) */
  suggestions: unknown;
  id: string;
  status: StatementLineStatus;
  amount_minor: bigint;
  currency: string;
};

export type LineClassifier = (
  statement: { bankAccountId: string; currency: string },
  lines: readonly NewStatementLine[],
) => Promise<(chunk: readonly NewStatementLine[]) => void>;

/** Lines per statement when storing: small enough that matching the next overlaps the insert. */
const STORE_CHUNK = 1000;

/**
 * A statement of this many lines or more is followed by ANALYZE of the lines table. Until
 * autovacuum gets to it, the planner would keep the statistics of a table that was small
 * (measured: with the statistics taken before a 95k-line import, "match again" read every line
 * of the organization through the status index once per 1,000 lines it updated, 60 s instead
 * of 8). PostgreSQL's advice after a bulk load; it counts this transaction's own new rows.
 */
const ANALYZE_AFTER_LINES = 5000;

export type ImportedStatement = { id: string; created: boolean };

/** Parses a bank file; a malformed one is a 400 naming the line or element. */
export function parseOrExplain(bytes: Buffer, options: ParseBankFileOptions): ParsedBankFile {
  try {
    return parseBankFile(bytes, options);
  } catch (e) {
    if (e instanceof BankFileError) {
      // the parsers' messages usually name the line already ("line 7, :61: …")
      const named = e.line !== null && e.message.includes(`line ${e.line}`);
      const where = [named ? null : e.line ? `line ${e.line}` : null, e.element]
        .filter(Boolean)
        .join(', ');
      throw new ValidationError(
        `The bank file cannot be read${where ? ` (${where})` : ''}: ${e.message}`,
        [
          {
            ...(e.line ? { line: e.line } : {}),
            ...(e.element ? { path: e.element } : {}),
            message: e.message,
          },
        ],
        'invalid_bank_file',
      );
    }
    throw e;
  }
}

/**
 * The identity of a statement's content, whatever format carried it. The same statement in a
 * camt.053 and in an MT940 gets the same fingerprint; two different days never do.
 *
 * A statement with both an opening and a closing balance (camt.052/053, MT940, BAI2) is
 * identified by the account, the period, both balances and the day's credits and debits. Not
 * by its entries: formats itemize them differently (a camt entry with two transaction details
 * is two lines, the MT940 of the same day one line of their sum) and spell them differently
 * (MT940's SWIFT character set turns "Müller & Söhne" into "Mueller + Soehne").
 *
 * A statement without balances (camt.054 notifications, CSV exports) is identified by its
 * entries: date, amount and what identifies each (bank reference, end-to-end id, counterparty
 * and remittance text folded to plain letters and digits), so two notifications of one day
 * with equal amounts from different payers are two statements, not one.
 */
export function statementFingerprint(accountIdentifier: string, s: ParsedStatement): string {
  let body: string;
  if (s.openingBalance && s.closingBalance) {
    // per booking day: what came in and what went out
    const days = new Map<string, { credits: bigint; debits: bigint }>();
    for (const l of s.lines) {
      const day = l.bookingDate ?? l.valueDate ?? '';
      const d = days.get(day) ?? { credits: 0n, debits: 0n };
      if (l.amountMinor > 0n) d.credits += l.amountMinor;
      else d.debits += l.amountMinor;
      days.set(day, d);
    }
    body = [...days]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, d]) => `${day}:+${d.credits}:${d.debits}`)
      .join('\n');
  } else {
    body = entriesText(s, foldedText);
  }
  return sha256(['v2', ...statementHead(accountIdentifier, s), body].join('|'));
}

/**
 * The fingerprint statements imported before 2026-11-23 were stored under: every entry's text
 * as the file spelled it. Looked up too, so an old file imported again is still recognised.
 */
export function legacyStatementFingerprint(accountIdentifier: string, s: ParsedStatement): string {
  const asGiven = (text: string | null | undefined) => text ?? '';
  return sha256([...statementHead(accountIdentifier, s), entriesText(s, asGiven)].join('|'));
}

/** The account, currency, period and balances of a statement, as fingerprints read them. */
function statementHead(accountIdentifier: string, s: ParsedStatement): string[] {
  return [
    accountIdentifier,
    s.currency,
    s.fromDate ?? '',
    s.toDate ?? '',
    s.openingBalance ? `${s.openingBalance.amountMinor}@${s.openingBalance.date ?? ''}` : '',
    s.closingBalance ? `${s.closingBalance.amountMinor}@${s.closingBalance.date ?? ''}` : '',
  ];
}

/** Every entry's date, amount, references and texts (through `text`), sorted. */
function entriesText(s: ParsedStatement, text: (t: string | null | undefined) => string): string {
  return s.lines
    .map(
      (l) =>
        `${l.bookingDate ?? l.valueDate ?? ''}:${l.amountMinor}:${l.bankReference ?? ''}:${l.endToEndId ?? ''}:${text(l.counterpartyName)}:${text(l.remittanceInfo)}`,
    )
    .sort()
    .join('\n');
}

function sha256(material: string): string {
  return crypto.createHash('sha256').update(material).digest('hex');
}

/**
 * Text as any bank format can carry it: plain letters and digits only, umlauts and their SWIFT
 * spellings alike ("Müller & Söhne" and "Mueller + Soehne" both "MULLERSOHNE").
 */
function foldedText(text: string | null | undefined): string {
  if (!text) return '';
  return normalizeText(text)
    .replace(/([AOU])E/g, '$1')
    .replace(/ /g, '');
}

/**
 * The key that recognises one bank entry in two statements: bank reference, amount, date. A
 * reference of the payer's only (a lockbox check number, an end-to-end id) is theirs alone:
 * two payers' check 1001 for 500.00 on one day are two entries, so their account or name is
 * part of the key.
 */
function entryKey(line: ParsedStatement['lines'][number]): string | null {
  const date = line.bookingDate ?? line.valueDate ?? '';
  if (line.bankReference) return `${line.bankReference}|${line.amountMinor}|${date}`;
  if (line.endToEndId) {
    const payer = normalizeAccount(line.counterpartyAccount) ?? foldedText(line.counterpartyName);
    return `${line.endToEndId}|${line.amountMinor}|${date}|${payer}`;
  }
  // no reference (CSV exports often have none): the entry as it reads
  if (!line.counterpartyName && !line.remittanceInfo) return null;
  return `~${date}|${line.amountMinor}|${line.counterpartyName ?? ''}|${line.remittanceInfo ?? ''}`;
}

type Earlier = { duplicateOf: string; note: string } | null;

/**
 * Which of a new statement's lines the bank account already has from another statement.
 * - Line by line, by {@link entryKey}, each earlier line taken once: a day export with two
 *   equal receipts of which the morning export had one brings one new receipt.
 * - A batch: lines that share a bank reference and a day carry the key of their total
 *   (`groupKeys`), so a statement booking the batch as one entry and one itemizing it (a
 *   camt.054 after or before the camt.053) are the same money, whichever came first.
 */
async function earlierEntries(
  ctx: Ctx,
  bankAccountId: string,
  lines: ParsedStatement['lines'],
  keys: readonly (string | null)[],
  groupKeys: readonly (string | null)[],
): Promise<Earlier[]> {
  const wanted = [...new Set([...keys, ...groupKeys].filter((k): k is string => k !== null))];
  const byEntry = new Map<string, string[]>();
  const byGroup = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 5000) {
    const slice = wanted.slice(i, i + 5000);
    const rows = await ctx.db
      .selectFrom('bank_statement_lines')
      .select(['id', 'entry_key', 'group_key'])
      .where('org_id', '=', ctx.actor.orgId)
      .where('bank_account_id', '=', bankAccountId)
      .where((eb) => eb.or([eb('entry_key', 'in', slice), eb('group_key', 'in', slice)]))
      .where('status', '<>', 'duplicate')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      if (r.entry_key) {
        const ids = byEntry.get(r.entry_key);
        if (ids) ids.push(r.id);
        else byEntry.set(r.entry_key, [r.id]);
      }
      if (r.group_key && !byGroup.has(r.group_key)) byGroup.set(r.group_key, r.id);
    }
  }
  const same = 'The same entry came in an earlier statement';
  const out: Earlier[] = keys.map((key) => {
    const id = key ? byEntry.get(key)?.shift() : undefined;
    return id ? { duplicateOf: id, note: same } : null;
  });
  // the lines of each batch (bank reference and day shared by several lines)
  const batches = new Map<string, number[]>();
  groupKeys.forEach((g, i) => {
    if (!g) return;
    const members = batches.get(g);
    if (members) members.push(i);
    else batches.set(g, [i]);
  });
  const usedGroups = new Set<string>();
  for (const [group, members] of batches) {
    if (members.some((i) => out[i] !== null)) continue;
    // booked as one entry earlier, or itemized another way earlier
    const reference = lines[members[0]!]!.bankReference;
    const entry = byEntry.get(group)?.shift();
    const id = entry ?? byGroup.get(group);
    if (!id) continue;
    usedGroups.add(group);
    const note = entry
      ? `An earlier statement booked these payments as one entry (${reference})`
      : `An earlier statement itemized this batch (${reference}) another way`;
    for (const i of members) out[i] = { duplicateOf: id, note };
  }
  // a single entry whose amount an earlier statement itemized under its reference
  keys.forEach((key, i) => {
    if (out[i] !== null || groupKeys[i] !== null || !key || usedGroups.has(key)) return;
    const id = byGroup.get(key);
    if (!id) return;
    usedGroups.add(key);
    out[i] = {
      duplicateOf: id,
      note: `An earlier statement itemized this entry (${lines[i]!.bankReference})`,
    };
  });
  return out;
}

/** The key of the total of the lines that share a bank reference and a day, for each line. */
function batchKeys(lines: ParsedStatement['lines']): (string | null)[] {
  const groups = new Map<string, { members: number[]; total: bigint }>();
  lines.forEach((l, i) => {
    if (!l.bankReference) return;
    const at = `${l.bankReference}|${l.bookingDate ?? l.valueDate ?? ''}`;
    const g = groups.get(at) ?? { members: [], total: 0n };
    g.members.push(i);
    g.total += l.amountMinor;
    groups.set(at, g);
  });
  const out: (string | null)[] = lines.map(() => null);
  for (const g of groups.values()) {
    if (g.members.length < 2) continue;
    const l = lines[g.members[0]!]!;
    const key = `${l.bankReference}|${g.total}|${l.bookingDate ?? l.valueDate ?? ''}`;
    for (const i of g.members) out[i] = key;
  }
  return out;
}

/**
 * Takes the bank account's lock: whatever ties its lines to receipts and deposits (an import,
 * matching a statement again, linking a line) runs one at a time per account, so two of them
 * cannot tie one receipt or deposit to two lines. Taken first, before any line. FOR NO KEY
 * UPDATE: a receipt recorded for the account meanwhile (its foreign key takes a key-share lock
 * on the row) does not wait for it, which would close a circle with the lines it holds.
 */
export async function lockBankAccount(ctx: Ctx, bankAccountId: string): Promise<void> {
  await ctx.db
    .selectFrom('bank_accounts')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', bankAccountId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
}

async function loadMapping(ctx: Ctx, id: string) {
  const mapping = await ctx.db
    .selectFrom('bank_file_mappings as m')
    .innerJoin('bank_accounts as a', (j) =>
      j.onRef('a.org_id', '=', 'm.org_id').onRef('a.id', '=', 'm.bank_account_id'),
    )
    .select([
      'm.id',
      'm.kind',
      'm.mapping',
      'm.name',
      'a.id as bank_account_id',
      'a.identifier',
      'a.currency',
    ])
    .where('m.org_id', '=', ctx.actor.orgId)
    .where('m.id', '=', id)
    .executeTakeFirst();
  if (!mapping) {
    throw new DomainError('unknown_mapping', 'No such saved mapping', [
      { path: 'mappingId', message: 'no such saved mapping' },
    ]);
  }
  return mapping;
}

/** Finds the organization's account for a statement, or adds it (named by its number). */
async function accountFor(ctx: Ctx, statement: ParsedStatement, given: string | undefined) {
  const identifier = accountIdentifierOf(statement.accountIdentifier) ?? 'UNKNOWN';
  // an account stored under the form the file gave before IBANs were derived is still found
  const spellings = [
    ...new Set([identifier, normalizeAccount(statement.accountIdentifier) ?? identifier]),
  ];
  if (given) {
    const account = await ctx.db
      .selectFrom('bank_accounts')
      .selectAll()
      .where('org_id', '=', ctx.actor.orgId)
      .where('id', '=', given)
      .executeTakeFirst();
    if (!account) {
      throw new DomainError('unknown_bank_account', 'No such bank account', [
        { path: 'bankAccountId', message: 'no such bank account' },
      ]);
    }
    if (!spellings.includes(account.identifier) || account.currency !== statement.currency) {
      throw new DomainError(
        'wrong_bank_account',
        `The statement is for account ${identifier} in ${statement.currency}, not ${account.name} (${account.identifier}, ${account.currency})`,
        [{ path: 'bankAccountId', message: 'is not the account of the statement' }],
      );
    }
    return account;
  }
  const known = await ctx.db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('identifier', 'in', spellings)
    .where('currency', '=', statement.currency)
    .orderBy(sql`identifier = ${identifier}`, 'desc')
    .executeTakeFirst();
  if (known) return known;
  if (!hasRole(ctx.actor, ACCESS.manage)) {
    throw new DomainError(
      'unknown_bank_account',
      `The statement is for account ${identifier} (${statement.currency}), which is not one of the organization's bank accounts: a manager adds it, or imports the file once`,
      [{ path: 'file', message: `account ${identifier} is not known` }],
    );
  }
  const id = await insertBankAccount(ctx, {
    name: `${statement.currency} ${identifier}`,
    identifier,
    bankIdentifier: statement.bankIdentifier,
    currency: statement.currency,
  });
  return ctx.db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/**
 * Imports every statement of a bank file. Returns each statement's id and whether it is new;
 * a statement seen before returns the id it was stored under.
 */
export async function importBankFile(
  ctx: Ctx,
  bytes: Buffer,
  options: ImportOptions,
): Promise<{ format: string; statements: ImportedStatement[] }> {
  if (!hasRole(ctx.actor, ACCESS.write))
    throw new ForbiddenError('Only AR staff can import bank files');
  if (bytes.length === 0) {
    throw new ValidationError(
      'The file is empty',
      [{ path: 'file', message: 'is empty' }],
      'invalid_bank_file',
    );
  }
  const parseOptions: ParseBankFileOptions = { fileName: options.fileName };
  let forcedAccount = options.bankAccountId;
  if (options.mappingId) {
    const m = await loadMapping(ctx, options.mappingId);
    forcedAccount = m.bank_account_id;
    const target = { accountIdentifier: m.identifier, currency: m.currency };
    if (m.kind === 'csv') {
      parseOptions.csv = { ...target, mapping: csvStatementMappingSchema.parse(m.mapping) };
    } else {
      parseOptions.lockbox = { ...target, ...lockboxMappingSchema.parse(m.mapping) };
    }
  }
  const parsed = parseOrExplain(bytes, parseOptions);
  if (parsed.statements.length === 0) {
    throw new ValidationError(
      'The file holds no statement',
      [{ path: 'file', message: 'no statement found' }],
      'invalid_bank_file',
    );
  }
  const fileSha = crypto.createHash('sha256').update(bytes).digest('hex');
  const results: ImportedStatement[] = [];
  for (const statement of parsed.statements) {
    const account = await accountFor(ctx, statement, forcedAccount);
    // one import of an account's statements at a time: two uploads of the same day at once
    // (a double click, or the intraday and end-of-day reports) see each other's statement and
    // lines instead of both storing theirs
    await lockBankAccount(ctx, account.id);
    const fingerprint = statementFingerprint(account.identifier, statement);
    const existing = await storedAs(ctx, account, statement, fingerprint);
    if (existing) {
      results.push({ id: existing.id, created: false });
      continue;
    }
    results.push({
      id: await storeStatement(ctx, statement, account.id, fingerprint, fileSha, options),
      created: true,
    });
  }
  return { format: parsed.format, statements: results };
}

/**
 * The statement stored for the same content, if any: under its fingerprint, or under the one
 * of before 2026-11-23 among the account's statements of the same period. That one reads
 * every entry's text, so it is worked out only when such statements exist (a 100k-line
 * statement spent 0.3 s on it).
 */
async function storedAs(
  ctx: Ctx,
  account: { id: string; identifier: string },
  statement: ParsedStatement,
  fingerprint: string,
): Promise<{ id: string } | undefined> {
  const found = await ctx.db
    .selectFrom('bank_statements')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
  if (found) return found;
  const samePeriod = await ctx.db
    .selectFrom('bank_statements')
    .select(['id', 'fingerprint'])
    .where('org_id', '=', ctx.actor.orgId)
    .where('bank_account_id', '=', account.id)
    .where(sql<boolean>`from_date is not distinct from ${statement.fromDate}::date`)
    .where(sql<boolean>`to_date is not distinct from ${statement.toDate}::date`)
    .execute();
  if (samePeriod.length === 0) return undefined;
  const legacy = legacyStatementFingerprint(account.identifier, statement);
  return samePeriod.find((s) => s.fingerprint === legacy);
}

async function storeStatement(
  ctx: Ctx,
  statement: ParsedStatement,
  bankAccountId: string,
  fingerprint: string,
  fileSha: string,
  options: ImportOptions,
): Promise<string> {
  // a statement from a ZIP archive keeps the name of its file inside the archive
  const fileName = statement.sourceFile ?? options.fileName;
  const id = newId();
  let credits = 0n;
  let debits = 0n;
  for (const l of statement.lines) {
    if (l.amountMinor >= 0n) credits += l.amountMinor;
    else debits -= l.amountMinor;
  }
  const problem = balanceProblem(statement);
  await ctx.db
    .insertInto('bank_statements')
    .values({
      id,
      org_id: ctx.actor.orgId,
      bank_account_id: bankAccountId,
      format: statement.format,
      fingerprint,
      statement_ref: statement.statementId,
      sequence_number: statement.sequenceNumber,
      currency: statement.currency,
      from_date: statement.fromDate,
      to_date: statement.toDate,
      opening_minor: statement.openingBalance?.amountMinor ?? null,
      opening_date: statement.openingBalance?.date ?? null,
      closing_minor: statement.closingBalance?.amountMinor ?? null,
      closing_date: statement.closingBalance?.date ?? null,
      line_count: statement.lines.length,
      credit_total_minor: credits,
      debit_total_minor: debits,
      balance_problem: problem,
      control_problems: statement.controlProblems,
      file_name: fileName ?? null,
      file_sha256: fileSha,
      created_by_name: ctx.actor.name,
      created_at: ctx.now,
    })
    .execute();
  // entries this bank account already has from another statement
  const keys = statement.lines.map(entryKey);
  const groupKeys = batchKeys(statement.lines);
  const earlier = await earlierEntries(ctx, bankAccountId, statement.lines, keys, groupKeys);
  const rows = statement.lines.map((l, i): NewStatementLine => {
    const key = keys[i] ?? null;
    const duplicateOf = earlier[i]?.duplicateOf ?? null;
    // a zero amount (a BAI2 16 or an MT940 :61: of 0) moved no money: nothing to apply
    const status: StatementLineStatus = duplicateOf
      ? 'duplicate'
      : l.amountMinor < 0n
        ? 'debit'
        : l.amountMinor === 0n
          ? 'ignored'
          : 'unmatched';
    return {
      id: newId(),
      org_id: ctx.actor.orgId,
      statement_id: id,
      bank_account_id: bankAccountId,
      line_no: l.lineNo,
      booking_date: l.bookingDate,
      value_date: l.valueDate,
      amount_minor: l.amountMinor,
      currency: l.currency,
      type_code: l.typeCode,
      counterparty_name: l.counterpartyName,
      counterparty_account: normalizeAccount(l.counterpartyAccount),
      counterparty_bank: l.counterpartyBank,
      remittance_info: l.remittanceInfo,
      end_to_end_id: l.endToEndId,
      bank_reference: l.bankReference,
      additional_info: l.additionalInfo,
      source_line: l.sourceLine,
      status,
      entry_key: key,
      group_key: groupKeys[i] ?? null,
      duplicate_of: duplicateOf,
      status_note:
        earlier[i]?.note ?? (status === 'ignored' ? 'No money moved: the amount is zero' : null),
      // what cash application decides (options.classify)
      suggestions: null,
      payment_id: null,
      deposit_batch_id: null,
      matched_at: null,
      updated_by_name: null,
    };
  });
  const decide = options.classify
    ? await options.classify({ bankAccountId, currency: statement.currency }, rows)
    : undefined;
  await pipelineWrites(
    rows,
    STORE_CHUNK,
    // the next chunk is matched and serialized while the database stores this one
    (chunk) => {
      decide?.(chunk);
      return new PreparedWrites().insert(
        'bank_statement_lines',
        chunk as Insertable<BankStatementLinesTable>[],
      );
    },
    (writes) => writes.execute(ctx.db),
  );
  if (rows.length >= ANALYZE_AFTER_LINES) await sql`analyze bank_statement_lines`.execute(ctx.db);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    {
      entityType: 'bank_statement',
      entityId: id,
      action: 'import',
      after: {
        format: statement.format,
        bankAccountId,
        fromDate: statement.fromDate,
        toDate: statement.toDate,
        lines: statement.lines.length,
        credits: formatAmount(credits, statement.currency),
        debits: formatAmount(debits, statement.currency),
        balanceProblem: problem,
        controlProblems: statement.controlProblems,
        fileName: fileName ?? null,
      },
    },
  ]);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export type StatementDto = {
  id: string;
  format: string;
  bankAccountId: string;
  bankAccountName: string;
  accountIdentifier: string;
  currency: string;
  statementRef: string | null;
  fromDate: string | null;
  toDate: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  lineCount: number;
  creditTotal: string;
  debitTotal: string;
  balanceProblem: string | null;
  controlProblems: string[];
  fileName: string | null;
  createdAt: string;
  counts: Record<StatementLineStatus, number>;
};

const EMPTY_COUNTS: Record<StatementLineStatus, number> = {
  unmatched: 0,
  suggested: 0,
  applied: 0,
  reconciled: 0,
  ignored: 0,
  duplicate: 0,
  debit: 0,
};

export async function listStatements(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  filter: {
    bankAccountId?: string | undefined;
    id?: string | undefined;
    limit?: number | undefined;
  },
): Promise<StatementDto[]> {
  let q = ctx.db
    .selectFrom('bank_statements as s')
    .innerJoin('bank_accounts as a', (j) =>
      j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.bank_account_id'),
    )
    .select([
      's.id',
      's.format',
      's.bank_account_id',
      'a.name as bank_account_name',
      'a.identifier',
      's.currency',
      's.statement_ref',
      's.from_date',
      's.to_date',
      's.opening_minor',
      's.closing_minor',
      's.line_count',
      's.credit_total_minor',
      's.debit_total_minor',
      's.balance_problem',
      's.control_problems',
      's.file_name',
      's.created_at',
    ])
    .where('s.org_id', '=', ctx.actor.orgId);
  if (filter.bankAccountId) q = q.where('s.bank_account_id', '=', filter.bankAccountId);
  if (filter.id) q = q.where('s.id', '=', filter.id);
  const rows = await q
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  const counts = rows.length
    ? await ctx.db
        .selectFrom('bank_statement_lines')
        .select(['statement_id', 'status', sql<string>`count(*)`.as('n')])
        .where('org_id', '=', ctx.actor.orgId)
        .where(
          'statement_id',
          'in',
          rows.map((r) => r.id),
        )
        .groupBy(['statement_id', 'status'])
        .execute()
    : [];
  return rows.map((r) => {
    const c = { ...EMPTY_COUNTS };
    for (const x of counts) if (x.statement_id === r.id) c[x.status] = Number(x.n);
    return {
      id: r.id,
      format: r.format,
      bankAccountId: r.bank_account_id,
      bankAccountName: r.bank_account_name,
      accountIdentifier: r.identifier,
      currency: r.currency,
      statementRef: r.statement_ref,
      fromDate: r.from_date,
      toDate: r.to_date,
      openingBalance:
        r.opening_minor === null ? null : formatAmount(BigInt(r.opening_minor), r.currency),
      closingBalance:
        r.closing_minor === null ? null : formatAmount(BigInt(r.closing_minor), r.currency),
      lineCount: r.line_count,
      creditTotal: formatAmount(r.credit_total_minor, r.currency),
      debitTotal: formatAmount(r.debit_total_minor, r.currency),
      balanceProblem: r.balance_problem,
      controlProblems: r.control_problems,
      fileName: r.file_name,
      createdAt: r.created_at.toISOString(),
      counts: c,
    };
  });
}

export async function getStatement(
  ctx: Pick<Ctx, 'db' | 'actor'>,
  id: string,
): Promise<StatementDto> {
  const [found] = await listStatements(ctx, { id });
  if (!found) throw new NotFoundError(`Bank statement ${id} not found`);
  return found;
}
