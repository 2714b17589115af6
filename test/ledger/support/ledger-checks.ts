/**
 * Ledger invariants checked straight against the database, shared by the ledger suites. Each
 * check reads everything of one organization and fails with a message that names what broke.
 */
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { DB } from '../../../src/db/schema.ts';
import { glReconciliation, trialBalance } from '../../../src/modules/ledger/reports.ts';
import type { Actor } from '../../../src/shared/actor.ts';
import type { IsoDate } from '../../../src/shared/dates.ts';
import { formatAmount, parseAmount } from '../../../src/shared/money.ts';

/** Every journal entry has ≥ 2 lines, Σ debit = Σ credit, and its lines carry its date and currency. */
export async function expectJournalBalanced(db: Kysely<DB>, orgId: string): Promise<void> {
  const { rows: unbalanced } = await sql<{
    id: string;
    lines: string;
    debits: string;
    credits: string;
    mismatched: string;
  }>`
    select e.id, count(l.line_no) as lines,
      coalesce(sum(l.debit_minor), 0) as debits, coalesce(sum(l.credit_minor), 0) as credits,
      count(*) filter (where l.effective_date <> e.effective_date or l.currency <> e.currency)
        as mismatched
    from journal_entries e
    left join journal_lines l on l.org_id = e.org_id and l.entry_id = e.id
    where e.org_id = ${orgId}
    group by e.id
    having count(l.line_no) < 2
      or coalesce(sum(l.debit_minor), 0) <> coalesce(sum(l.credit_minor), 0)
      or count(*) filter (where l.effective_date <> e.effective_date or l.currency <> e.currency) > 0
  `.execute(db);
  expect(unbalanced, 'journal entries that do not balance').toEqual([]);
  const { rows: byCurrency } = await sql<{ currency: string; debits: string; credits: string }>`
    select currency, sum(debit_minor) as debits, sum(credit_minor) as credits
    from journal_lines where org_id = ${orgId} group by currency`.execute(db);
  for (const row of byCurrency) {
    expect(BigInt(row.debits), `Σ debits = Σ credits in ${row.currency}`).toBe(BigInt(row.credits));
  }
}

/** The trial balance's debit and credit columns add up to the same total in every currency. */
export async function expectTrialBalanceEven(
  db: Kysely<DB>,
  actor: Actor,
  asOf: IsoDate,
): Promise<void> {
  const tb = await trialBalance(db, actor, asOf);
  for (const total of tb.totals) {
    expect(total.debit, `trial balance ${total.currency} on ${asOf}`).toBe(total.credit);
  }
}

export type DocumentRow = {
  id: string;
  kind: string;
  state: string;
  customer_id: string;
  currency: string;
  amount_minor: bigint;
  open_minor: bigint;
  issue_date: string;
  voided_date: string | null;
  written_off: boolean;
  applied_as_debit: bigint;
  applied_as_credit: bigint;
};

/** Every document with the net of the applications on either side of it. */
export async function documentsWithApplications(
  db: Kysely<DB>,
  orgId: string,
): Promise<DocumentRow[]> {
  const { rows } = await sql<
    Omit<DocumentRow, 'applied_as_debit' | 'applied_as_credit' | 'amount_minor' | 'open_minor'> & {
      amount_minor: string;
      open_minor: string;
      applied_as_debit: string;
      applied_as_credit: string;
    }
  >`
    select d.id, d.kind, d.state, d.customer_id, d.currency, d.amount_minor::text,
      d.open_minor::text, d.issue_date::text, d.voided_date::text, d.written_off,
      coalesce((select sum(a.amount_minor) from ar_applications a
        where a.org_id = d.org_id and a.debit_document_id = d.id), 0)::text as applied_as_debit,
      coalesce((select sum(a.amount_minor) from ar_applications a
        where a.org_id = d.org_id and a.credit_document_id = d.id), 0)::text as applied_as_credit
    from ar_documents d where d.org_id = ${orgId} order by d.created_at, d.id`.execute(db);
  return rows.map((r) => ({
    ...r,
    amount_minor: BigInt(r.amount_minor),
    open_minor: BigInt(r.open_minor),
    applied_as_debit: BigInt(r.applied_as_debit),
    applied_as_credit: BigInt(r.applied_as_credit),
  }));
}

/**
 * A posted document's open balance is its amount less what was applied to it (as the debit
 * side) plus what was applied from it (as the credit side), with the sign of the amount and
 * never past it; a voided document has nothing open and nothing still applied.
 */
export async function expectDocumentsConsistent(db: Kysely<DB>, orgId: string): Promise<void> {
  for (const d of await documentsWithApplications(db, orgId)) {
    const label = `${d.kind} ${d.id} (${d.state}, amount ${d.amount_minor}, open ${d.open_minor})`;
    if (d.state === 'voided') {
      expect(d.open_minor, label).toBe(0n);
      expect(d.applied_as_debit + d.applied_as_credit, `${label}: still applied`).toBe(0n);
      continue;
    }
    if (d.state === 'draft') {
      expect(d.open_minor, label).toBe(0n);
      continue;
    }
    expect(d.open_minor, label).toBe(d.amount_minor - d.applied_as_debit + d.applied_as_credit);
    if (d.amount_minor >= 0n) {
      expect(d.open_minor >= 0n && d.open_minor <= d.amount_minor, label).toBe(true);
      expect(d.applied_as_credit, `${label}: a debit document used as a credit`).toBe(0n);
    } else {
      expect(d.open_minor <= 0n && d.open_minor >= d.amount_minor, label).toBe(true);
      expect(d.applied_as_debit, `${label}: a credit document used as a debit`).toBe(0n);
    }
  }
}

/** Applications never take more than a document had open, at any point of their history. */
export async function expectApplicationsWellFormed(db: Kysely<DB>, orgId: string): Promise<void> {
  const { rows } = await sql<{ id: string; problem: string }>`
    select a.id, 'unapplication without its original, or of another pair or amount' as problem
    from ar_applications a
    left join ar_applications o on o.org_id = a.org_id and o.id = a.reverses_application_id
    where a.org_id = ${orgId} and a.amount_minor < 0 and (
      o.id is null or o.amount_minor <> -a.amount_minor
      or o.debit_document_id <> a.debit_document_id
      or o.credit_document_id <> a.credit_document_id
      or a.effective_date < o.effective_date)
    union all
    select a.id, 'application dated before one of its documents'
    from ar_applications a
    join ar_documents d on d.org_id = a.org_id and d.id = a.debit_document_id
    join ar_documents c on c.org_id = a.org_id and c.id = a.credit_document_id
    where a.org_id = ${orgId} and a.amount_minor > 0
      and (a.effective_date < d.issue_date or a.effective_date < c.issue_date)
    union all
    select a.id, 'application between two customers or currencies'
    from ar_applications a
    join ar_documents d on d.org_id = a.org_id and d.id = a.debit_document_id
    join ar_documents c on c.org_id = a.org_id and c.id = a.credit_document_id
    where a.org_id = ${orgId}
      and (d.customer_id <> c.customer_id or d.currency <> c.currency)
    union all
    select a.id, 'application without its journal entry'
    from ar_applications a
    where a.org_id = ${orgId} and not exists (
      select 1 from journal_entries e where e.org_id = a.org_id and e.application_id = a.id)
  `.execute(db);
  expect(rows, 'malformed applications').toEqual([]);
}

const isZero = (text: string, currency: string) => parseAmount(text, currency) === 0n;

/**
 * The GL reconciliation ties (difference 0 in every currency, nothing to explain) at each date.
 * When `expected` is given, the sub-ledger balance per currency must also equal it: the two
 * sides agreeing is not enough if both are wrong the same way.
 */
export async function expectReconciled(
  db: Kysely<DB>,
  actor: Actor,
  dates: readonly IsoDate[],
  expected?: (date: IsoDate) => Map<string, bigint>,
): Promise<void> {
  for (const date of dates) {
    const rec = await glReconciliation(db, actor, date, { explain: true });
    for (const row of rec.byCurrency) {
      expect(
        isZero(row.difference, row.currency),
        `GL reconciliation ${row.currency} on ${date}: sub-ledger ${row.subledgerBalance}, control ${row.controlBalance}`,
      ).toBe(true);
    }
    expect(rec.explanations, `reconciliation explanations on ${date}`).toEqual([]);
    if (expected) {
      const want = expected(date);
      const got = new Map(
        rec.byCurrency.map((r) => [r.currency, parseAmount(r.subledgerBalance, r.currency)]),
      );
      for (const [currency, amount] of want) {
        expect(
          formatAmount(got.get(currency) ?? 0n, currency),
          `sub-ledger ${currency} on ${date}`,
        ).toBe(formatAmount(amount, currency));
      }
      for (const [currency, amount] of got) {
        if (!want.has(currency)) expect(amount, `sub-ledger ${currency} on ${date}`).toBe(0n);
      }
    }
  }
}

/**
 * The sub-ledger and the AR control account per currency at the end of every day from `from`
 * to `to`, computed in one statement independently of the report code.
 */
export async function dailyBalances(
  db: Kysely<DB>,
  orgId: string,
  from: IsoDate,
  to: IsoDate,
): Promise<Array<{ date: string; currency: string; subledger: bigint; control: bigint }>> {
  const { rows } = await sql<{
    date: string;
    currency: string;
    subledger: string;
    control: string;
  }>`
    with days as (
      select d::date as day from generate_series(${from}::date, ${to}::date, interval '1 day') d
    ),
    currencies as (
      select distinct currency from ar_documents where org_id = ${orgId}
      union select distinct currency from journal_lines where org_id = ${orgId}
    )
    select days.day::text as date, c.currency,
      coalesce((select sum(d.amount_minor) from ar_documents d
        where d.org_id = ${orgId} and d.currency = c.currency and d.state <> 'draft'
          and d.issue_date <= days.day
          and (d.voided_date is null or d.voided_date > days.day)), 0)::text as subledger,
      coalesce((select sum(l.debit_minor - l.credit_minor) from journal_lines l
        join accounts a on a.org_id = l.org_id and a.id = l.account_id and a.role = 'ar_control'
        where l.org_id = ${orgId} and l.currency = c.currency
          and l.effective_date <= days.day), 0)::text as control
    from days cross join currencies c
    order by days.day, c.currency`.execute(db);
  return rows.map((r) => ({
    date: r.date,
    currency: r.currency,
    subledger: BigInt(r.subledger),
    control: BigInt(r.control),
  }));
}

/** Counts and sums that any write to the organization's ledger would change. */
export async function ledgerFingerprint(db: Kysely<DB>, orgId: string): Promise<unknown> {
  const { rows } = await sql<Record<string, string>>`
    select
      (select count(*) from ar_documents where org_id = ${orgId})::text as documents,
      (select count(*) from ar_documents where org_id = ${orgId} and state = 'voided')::text as voided,
      (select count(*) from ar_documents where org_id = ${orgId} and written_off)::text as written_off,
      (select coalesce(sum(open_minor), 0) from ar_documents where org_id = ${orgId})::text as open_sum,
      (select coalesce(sum(abs(open_minor)), 0) from ar_documents where org_id = ${orgId})::text as open_abs,
      (select count(*) from ar_document_lines where org_id = ${orgId})::text as document_lines,
      (select count(*) from journal_entries where org_id = ${orgId})::text as entries,
      (select count(*) from journal_lines where org_id = ${orgId})::text as lines,
      (select count(*) from ar_applications where org_id = ${orgId})::text as applications,
      (select count(*) from audit_log where org_id = ${orgId})::text as audit,
      (select coalesce(string_agg(series || '=' || next_value, ',' order by series), '')
        from number_sequences where org_id = ${orgId}) as sequences,
      (select count(*) from customers where org_id = ${orgId})::text as customers
  `.execute(db);
  return rows[0];
}

/**
 * Numbers Dunwell gave each series are PREFIX000001 … PREFIXn: unique and without gaps.
 * Opening items imported with their previous system's numbers are not Dunwell's and are left
 * out.
 */
export async function expectNumbersContiguous(db: Kysely<DB>, orgId: string): Promise<void> {
  const rows = await db
    .selectFrom('ar_documents')
    .select(['kind', 'number'])
    .where('org_id', '=', orgId)
    .where('number', 'is not', null)
    .where('opening_balance', '=', false)
    .execute();
  const byKind = new Map<string, number[]>();
  for (const r of rows) {
    const n = Number(/(\d+)$/.exec(r.number!)?.[1]);
    byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), n]);
  }
  for (const [kind, numbers] of byKind) {
    numbers.sort((a, b) => a - b);
    expect(numbers, `${kind} numbers`).toEqual(
      Array.from({ length: numbers.length }, (_, i) => i + 1),
    );
  }
}

export function formatZero(currency: string): string {
  return formatAmount(0n, currency);
}

/**
 * The whole ledger of one organization ties: entries balance, documents agree with their
 * applications and journal lines, applications are well formed, and the sub-ledger equals the
 * AR control account on each of `dates`.
 */
export async function expectLedgerTies(
  db: Kysely<DB>,
  actor: Actor,
  dates: readonly IsoDate[],
): Promise<void> {
  await expectJournalBalanced(db, actor.orgId);
  await expectDocumentsConsistent(db, actor.orgId);
  await expectApplicationsWellFormed(db, actor.orgId);
  await expectReconciled(db, actor, dates);
}
