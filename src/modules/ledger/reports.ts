/** Ledger reports: trial balance, GL reconciliation, the journal for export. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { IsoDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';

export type TrialBalanceRow = {
  code: string;
  name: string;
  glCode: string | null;
  type: string;
  currency: string;
  debit: string;
  credit: string;
};

export type TrialBalance = {
  asOf: string;
  accounts: TrialBalanceRow[];
  totals: Array<{ currency: string; debit: string; credit: string }>;
};

/**
 * Every account's balance at the end of `asOf`, per currency, in the debit or the credit
 * column. The columns' totals are equal in every currency; the report says so by showing them.
 */
export async function trialBalance(
  db: Kysely<DB>,
  actor: Actor,
  asOf: IsoDate,
): Promise<TrialBalance> {
  const rows = await db
    .selectFrom('journal_lines as l')
    .innerJoin('accounts as a', (j) =>
      j.onRef('a.org_id', '=', 'l.org_id').onRef('a.id', '=', 'l.account_id'),
    )
    .select(['a.code', 'a.name', 'a.gl_code', 'a.type', 'l.currency'])
    .select(sql<string>`sum(l.debit_minor) - sum(l.credit_minor)`.as('net'))
    .where('l.org_id', '=', actor.orgId)
    .where('l.effective_date', '<=', asOf)
    .groupBy(['a.code', 'a.name', 'a.gl_code', 'a.type', 'l.currency'])
    .orderBy('a.code')
    .orderBy('l.currency')
    .execute();
  const totals = new Map<string, { debit: bigint; credit: bigint }>();
  const accounts = rows.map((r) => {
    const net = BigInt(r.net);
    const t = totals.get(r.currency) ?? { debit: 0n, credit: 0n };
    if (net >= 0n) t.debit += net;
    else t.credit -= net;
    totals.set(r.currency, t);
    return {
      code: r.code,
      name: r.name,
      glCode: r.gl_code,
      type: r.type,
      currency: r.currency,
      debit: formatAmount(net > 0n ? net : 0n, r.currency),
      credit: formatAmount(net < 0n ? -net : 0n, r.currency),
    };
  });
  return {
    asOf,
    accounts,
    totals: [...totals].map(([currency, t]) => ({
      currency,
      debit: formatAmount(t.debit, currency),
      credit: formatAmount(t.credit, currency),
    })),
  };
}

export type ReconciliationDifference = {
  documentId: string | null;
  kind: string | null;
  number: string | null;
  customerId: string | null;
  currency: string;
  /** what the document says is open at the date (sub-ledger) */
  documentBalance: string;
  /** what its AR control lines add up to at the date (ledger) */
  ledgerBalance: string;
  difference: string;
};

export type CurrencyReconciliation = {
  currency: string;
  subledgerBalance: string;
  controlBalance: string;
  difference: string;
  /** documents in the sub-ledger at the date: issued by then and not voided by then */
  documents: number;
};

export type GlReconciliation = {
  asOf: string;
  currency: string;
  subledgerBalance: string;
  controlBalance: string;
  difference: string;
  byCurrency: CurrencyReconciliation[];
  /** documents (or unlinked AR lines) whose two sides disagree; filled when a difference exists */
  explanations: ReconciliationDifference[];
};

/**
 * Proves the AR sub-ledger equals the AR control account at the end of `asOf`. The two sides
 * are computed independently: the sub-ledger from the documents (each posted document's
 * amount, minus documents voided by then), the control account from the journal lines posted
 * to it. Applications move balances between documents and change neither total.
 *
 * When the totals differ (or `explain` is set) the report lists the documents whose own
 * balance at the date (amount less applications) differs from their AR lines, and AR lines
 * that belong to no document.
 */
export async function glReconciliation(
  db: Kysely<DB>,
  actor: Actor,
  asOf: IsoDate,
  options: { explain?: boolean } = {},
): Promise<GlReconciliation> {
  const orgId = actor.orgId;
  const [org, sub, control] = await Promise.all([
    db
      .selectFrom('organizations')
      .select('base_currency')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ar_documents')
      .select(['currency'])
      .select(sql<string>`coalesce(sum(amount_minor), 0)`.as('total'))
      .select(sql<string>`count(*)`.as('document_count'))
      .where('org_id', '=', orgId)
      .where('state', '<>', 'draft')
      .where('issue_date', '<=', asOf)
      .where((eb) => eb.or([eb('voided_date', 'is', null), eb('voided_date', '>', asOf)]))
      .groupBy('currency')
      .execute(),
    db
      .selectFrom('journal_lines as l')
      .select(['l.currency'])
      .select(sql<string>`coalesce(sum(l.debit_minor) - sum(l.credit_minor), 0)`.as('total'))
      .where('l.org_id', '=', orgId)
      .where(
        'l.account_id',
        '=',
        db
          .selectFrom('accounts')
          .select('id')
          .where('org_id', '=', orgId)
          .where('role', '=', 'ar_control'),
      )
      .where('l.effective_date', '<=', asOf)
      .groupBy('l.currency')
      .execute(),
  ]);
  const currencies = new Set([
    org.base_currency,
    ...sub.map((r) => r.currency),
    ...control.map((r) => r.currency),
  ]);
  const byCurrency = [...currencies].sort().map((currency) => {
    const s = BigInt(sub.find((r) => r.currency === currency)?.total ?? '0');
    const c = BigInt(control.find((r) => r.currency === currency)?.total ?? '0');
    return {
      currency,
      subledger: s,
      control: c,
      documents: Number(sub.find((r) => r.currency === currency)?.document_count ?? 0),
    };
  });
  const anyDifference = byCurrency.some((r) => r.subledger !== r.control);
  const explanations = anyDifference || options.explain ? await explain(db, orgId, asOf) : [];
  const base = byCurrency.find((r) => r.currency === org.base_currency)!;
  return {
    asOf,
    currency: org.base_currency,
    subledgerBalance: formatAmount(base.subledger, base.currency),
    controlBalance: formatAmount(base.control, base.currency),
    difference: formatAmount(base.subledger - base.control, base.currency),
    byCurrency: byCurrency.map((r) => ({
      currency: r.currency,
      subledgerBalance: formatAmount(r.subledger, r.currency),
      controlBalance: formatAmount(r.control, r.currency),
      difference: formatAmount(r.subledger - r.control, r.currency),
      documents: r.documents,
    })),
    explanations,
  };
}

const EXPLANATION_LIMIT = 500;

async function explain(
  db: Kysely<DB>,
  orgId: string,
  asOf: IsoDate,
): Promise<ReconciliationDifference[]> {
  const { rows } = await sql<{
    document_id: string | null;
    kind: string | null;
    number: string | null;
    customer_id: string | null;
    currency: string;
    document_balance: string;
    ledger_balance: string;
  }>`
    with ar as (
      select id from accounts where org_id = ${orgId} and role = 'ar_control'
    ),
    ledger as (
      select l.document_id, l.currency, sum(l.debit_minor) - sum(l.credit_minor) as balance
      from journal_lines l
      where l.org_id = ${orgId} and l.account_id = (select id from ar) and l.effective_date <= ${asOf}
      group by l.document_id, l.currency
    ),
    applied as (
      select document_id, sum(amount) as amount from (
        select debit_document_id as document_id, -amount_minor as amount
        from ar_applications where org_id = ${orgId} and effective_date <= ${asOf}
        union all
        select credit_document_id, amount_minor
        from ar_applications where org_id = ${orgId} and effective_date <= ${asOf}
      ) moves group by document_id
    ),
    documents as (
      select d.id, d.kind, d.number, d.customer_id, d.currency,
        case when d.state = 'draft' or d.issue_date > ${asOf}
               or (d.voided_date is not null and d.voided_date <= ${asOf}) then 0
             else d.amount_minor end + coalesce(a.amount, 0) as balance
      from ar_documents d left join applied a on a.document_id = d.id
      where d.org_id = ${orgId} and d.state <> 'draft'
    )
    select d.id as document_id, d.kind, d.number, d.customer_id,
      coalesce(d.currency, l.currency) as currency,
      coalesce(d.balance, 0)::text as document_balance,
      coalesce(l.balance, 0)::text as ledger_balance
    from documents d
    full outer join ledger l on l.document_id = d.id
    where coalesce(d.balance, 0) <> coalesce(l.balance, 0)
    order by d.number nulls first
    limit ${EXPLANATION_LIMIT}`.execute(db);
  return rows.map((r) => {
    const documentBalance = BigInt(r.document_balance);
    const ledgerBalance = BigInt(r.ledger_balance);
    return {
      documentId: r.document_id,
      kind: r.kind,
      number: r.number,
      customerId: r.customer_id,
      currency: r.currency,
      documentBalance: formatAmount(documentBalance, r.currency),
      ledgerBalance: formatAmount(ledgerBalance, r.currency),
      difference: formatAmount(documentBalance - ledgerBalance, r.currency),
    };
  });
}

export type JournalExportRow = {
  entryId: string;
  seq: string;
  date: string;
  recordedAt: string;
  kind: string;
  description: string;
  lineNo: number;
  accountCode: string;
  glCode: string;
  accountName: string;
  currency: string;
  debit: string;
  credit: string;
  customerAccount: string | null;
  customerName: string | null;
  documentNumber: string | null;
  reversesEntryId: string | null;
};

/**
 * The journal lines of entries dated `from`..`to`, in posting order, in pages of `batch` rows
 * (an export of a year streams instead of loading every line at once).
 */
export async function* journalLines(
  db: Kysely<DB>,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  batch = 5000,
): AsyncGenerator<JournalExportRow[]> {
  let after: { date: string; seq: bigint; line: number } | null = null;
  for (;;) {
    let q = db
      .selectFrom('journal_lines as l')
      .innerJoin('journal_entries as e', (j) =>
        j.onRef('e.org_id', '=', 'l.org_id').onRef('e.id', '=', 'l.entry_id'),
      )
      .innerJoin('accounts as a', (j) =>
        j.onRef('a.org_id', '=', 'l.org_id').onRef('a.id', '=', 'l.account_id'),
      )
      .leftJoin('customers as c', (j) =>
        j.onRef('c.org_id', '=', 'l.org_id').onRef('c.id', '=', 'l.customer_id'),
      )
      .leftJoin('ar_documents as d', (j) =>
        j.onRef('d.org_id', '=', 'l.org_id').onRef('d.id', '=', 'l.document_id'),
      )
      .select([
        'e.id as entry_id',
        'e.seq',
        'e.effective_date',
        'e.recorded_at',
        'e.kind',
        'e.description',
        'e.reverses_entry_id',
        'l.line_no',
        'a.code',
        'a.gl_code',
        'a.name as account_name',
        'l.currency',
        'l.debit_minor',
        'l.credit_minor',
        'c.account_number',
        'c.name as customer_name',
        'd.number',
      ])
      .where('l.org_id', '=', actor.orgId)
      .where('e.effective_date', '>=', from)
      .where('e.effective_date', '<=', to);
    if (after) {
      const a: { date: string; seq: bigint; line: number } = after;
      q = q.where((eb) =>
        eb.or([
          eb('e.effective_date', '>', a.date),
          eb.and([eb('e.effective_date', '=', a.date), eb('e.seq', '>', a.seq)]),
          eb.and([
            eb('e.effective_date', '=', a.date),
            eb('e.seq', '=', a.seq),
            eb('l.line_no', '>', a.line),
          ]),
        ]),
      );
    }
    const rows = await q
      .orderBy('e.effective_date')
      .orderBy('e.seq')
      .orderBy('l.line_no')
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      entryId: r.entry_id,
      seq: r.seq.toString(),
      date: r.effective_date,
      recordedAt: r.recorded_at.toISOString(),
      kind: r.kind,
      description: r.description,
      lineNo: r.line_no,
      accountCode: r.code,
      glCode: r.gl_code ?? r.code,
      accountName: r.account_name,
      currency: r.currency,
      debit: formatAmount(r.debit_minor, r.currency),
      credit: formatAmount(r.credit_minor, r.currency),
      customerAccount: r.account_number,
      customerName: r.customer_name,
      documentNumber: r.number,
      reversesEntryId: r.reverses_entry_id,
    }));
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { date: last.effective_date, seq: last.seq, line: last.line_no };
  }
}
