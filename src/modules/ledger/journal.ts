import type { Kysely } from 'kysely';
import type { Insertable } from 'kysely';
import { PreparedWrites } from '../../db/bulk.ts';
import type { DB, JournalEntriesTable, JournalLinesTable } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { assert } from '../../shared/assert.ts';
import { compareDates, type IsoDate } from '../../shared/dates.ts';
import { DomainError, NotFoundError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';

export type PostingLine = {
  accountId: string;
  /** exactly one of debit and credit is positive */
  debitMinor?: bigint;
  creditMinor?: bigint;
  customerId?: string | null;
  /** the AR document an AR control line belongs to */
  documentId?: string | null;
  memo?: string | null;
};

export type Posting = {
  effectiveDate: IsoDate;
  currency: string;
  kind: string;
  description: string;
  documentId?: string | null;
  applicationId?: string | null;
  reversesEntryId?: string | null;
  /** the receipt an entry without an AR document belongs to (held cash, returned items) */
  paymentId?: string | null;
  depositBatchId?: string | null;
  lines: PostingLine[];
};

/**
 * Refuses a posting dated on or before the organization's closed-through date. The database
 * refuses it too (trigger journal_entries_period_lock); this check gives the clear error first.
 */
export async function assertPeriodOpen(
  db: Kysely<DB>,
  orgId: string,
  effectiveDate: IsoDate,
): Promise<void> {
  // FOR SHARE: closing the period (an UPDATE of this row) waits for postings in flight, and
  // postings wait for a close in flight, so nothing lands in a period as it is being closed
  const org = await db
    .selectFrom('organizations')
    .select('closed_through')
    .where('id', '=', orgId)
    .forShare()
    .executeTakeFirstOrThrow();
  if (
    org.closed_through &&
    compareDates(effectiveDate as IsoDate, org.closed_through as IsoDate) <= 0
  ) {
    throw new DomainError(
      'period_closed',
      `The books are closed through ${org.closed_through}: nothing can be posted on ${effectiveDate}. Date it after ${org.closed_through} or have a manager reopen the period.`,
      [{ path: 'date', message: `is in a closed period (closed through ${org.closed_through})` }],
    );
  }
}

/** Drops zero lines and checks that the rest balance. */
function normalizeLines(posting: Posting): Required<PostingLine>[] {
  const lines = posting.lines
    .map((l) => ({
      accountId: l.accountId,
      debitMinor: l.debitMinor ?? 0n,
      creditMinor: l.creditMinor ?? 0n,
      customerId: l.customerId ?? null,
      documentId: l.documentId ?? null,
      memo: l.memo ?? null,
    }))
    .filter((l) => l.debitMinor !== 0n || l.creditMinor !== 0n);
  let debits = 0n;
  let credits = 0n;
  for (const l of lines) {
    assert(l.debitMinor >= 0n && l.creditMinor >= 0n, 'journal amounts are never negative');
    assert(l.debitMinor === 0n || l.creditMinor === 0n, 'a line is a debit or a credit');
    debits += l.debitMinor;
    credits += l.creditMinor;
  }
  assert(
    debits === credits,
    `journal entry "${posting.description}" does not balance: ${debits} ≠ ${credits}`,
  );
  assert(lines.length >= 2, `journal entry "${posting.description}" needs at least two lines`);
  return lines;
}

/**
 * Posts one balanced journal entry (append-only) inside the caller's transaction and returns
 * its id. The caller has checked the period with {@link assertPeriodOpen}.
 */
export async function postEntry(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  posting: Posting,
): Promise<string> {
  const [id] = await postEntries(db, actor, now, [posting]);
  return id!;
}

/** Posts several entries: one statement for the entries and one for their lines per chunk. */
export async function postEntries(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  postings: readonly Posting[],
): Promise<string[]> {
  const writes = new PreparedWrites();
  const ids = prepareEntries(writes, actor, now, postings);
  await writes.execute(db);
  return ids;
}

/** Journal lines per statement: an entry goes in with all its lines, so a chunk ends after an entry. */
const LINES_PER_STATEMENT = 5000;

/**
 * Adds the inserts of the entries and their lines to `writes` (checked and serialized now,
 * written when `writes` runs) and returns the entries' ids. Each entry is inserted in the same
 * statement as its lines: the database checks that every entry balances when the statement
 * ends (0008).
 */
export function prepareEntries(
  writes: PreparedWrites,
  actor: Actor,
  now: Date,
  postings: readonly Posting[],
): string[] {
  const ids: string[] = [];
  let entryRows: Insertable<JournalEntriesTable>[] = [];
  let lineRows: Insertable<JournalLinesTable>[] = [];
  const flush = () => {
    writes.insertTogether([
      { table: 'journal_entries', rows: entryRows },
      { table: 'journal_lines', rows: lineRows },
    ]);
    entryRows = [];
    lineRows = [];
  };
  for (const posting of postings) {
    const id = newId();
    ids.push(id);
    const lines = normalizeLines(posting);
    entryRows.push({
      id,
      org_id: actor.orgId,
      effective_date: posting.effectiveDate,
      recorded_at: now,
      currency: posting.currency,
      kind: posting.kind,
      description: posting.description,
      document_id: posting.documentId ?? null,
      application_id: posting.applicationId ?? null,
      reverses_entry_id: posting.reversesEntryId ?? null,
      payment_id: posting.paymentId ?? null,
      deposit_batch_id: posting.depositBatchId ?? null,
      actor_name: actor.name,
    });
    lines.forEach((l, i) =>
      lineRows.push({
        org_id: actor.orgId,
        entry_id: id,
        line_no: i + 1,
        effective_date: posting.effectiveDate,
        currency: posting.currency,
        account_id: l.accountId,
        debit_minor: l.debitMinor,
        credit_minor: l.creditMinor,
        customer_id: l.customerId,
        document_id: l.documentId,
        memo: l.memo,
      }),
    );
    if (lineRows.length >= LINES_PER_STATEMENT) flush();
  }
  if (entryRows.length > 0) flush();
  return ids;
}

/**
 * Posts the mirror image of an entry (every debit becomes a credit) dated `effectiveDate`,
 * linked to the original. An entry is reversed at most once (unique index).
 */
export async function reverseEntry(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  entryId: string,
  effectiveDate: IsoDate,
  kind: string,
  description: string,
): Promise<string> {
  const entry = await db
    .selectFrom('journal_entries')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('id', '=', entryId)
    .executeTakeFirst();
  if (!entry) throw new NotFoundError(`Journal entry ${entryId} not found`);
  const lines = await db
    .selectFrom('journal_lines')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('entry_id', '=', entryId)
    .orderBy('line_no')
    .execute();
  return postEntry(db, actor, now, {
    effectiveDate,
    currency: entry.currency,
    kind,
    description,
    documentId: entry.document_id,
    paymentId: entry.payment_id,
    depositBatchId: entry.deposit_batch_id,
    reversesEntryId: entry.id,
    lines: lines.map((l) => ({
      accountId: l.account_id,
      debitMinor: l.credit_minor,
      creditMinor: l.debit_minor,
      customerId: l.customer_id,
      documentId: l.document_id,
      memo: l.memo,
    })),
  });
}
