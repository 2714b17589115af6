/**
 * The ledger's invariants, checked against the database as it is: what an operator runs after
 * an upgrade or a restore, and what the tests run after every random sequence of postings.
 *  1. every journal entry balances (debits = credits) and has at least two lines;
 *  2. every document's cached open balance equals its amount less its applications;
 *  3. the AR sub-ledger equals the AR control account, per currency, at each date asked.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { IsoDate } from '../../shared/dates.ts';
import { glReconciliation } from './reports.ts';

export type LedgerProblem = { check: string; detail: string };

const LIMIT = 50;

export async function verifyLedger(
  db: Kysely<DB>,
  actor: Actor,
  dates: readonly IsoDate[],
): Promise<LedgerProblem[]> {
  const orgId = actor.orgId;
  const problems: LedgerProblem[] = [];
  const unbalanced = await sql<{ id: string; debits: string; credits: string; lines: string }>`
    select e.id, coalesce(sum(l.debit_minor), 0)::text as debits,
      coalesce(sum(l.credit_minor), 0)::text as credits, count(l.line_no)::text as lines
    from journal_entries e
    left join journal_lines l on l.org_id = e.org_id and l.entry_id = e.id
    where e.org_id = ${orgId}
    group by e.id
    having coalesce(sum(l.debit_minor), 0) <> coalesce(sum(l.credit_minor), 0) or count(l.line_no) < 2
    limit ${LIMIT}`.execute(db);
  for (const r of unbalanced.rows) {
    problems.push({
      check: 'entry_balances',
      detail: `journal entry ${r.id}: ${r.lines} lines, debits ${r.debits} ≠ credits ${r.credits}`,
    });
  }
  const drifted = await sql<{
    id: string;
    number: string | null;
    open_minor: string;
    expected: string;
  }>`
    select d.id, d.number, d.open_minor::text,
      (case when d.state = 'posted' then d.amount_minor else 0 end
        - coalesce((select sum(amount_minor) from ar_applications a
                    where a.org_id = d.org_id and a.debit_document_id = d.id), 0)
        + coalesce((select sum(amount_minor) from ar_applications a
                    where a.org_id = d.org_id and a.credit_document_id = d.id), 0))::text as expected
    from ar_documents d
    where d.org_id = ${orgId}
      and d.open_minor <> case when d.state = 'posted' then d.amount_minor else 0 end
        - coalesce((select sum(amount_minor) from ar_applications a
                    where a.org_id = d.org_id and a.debit_document_id = d.id), 0)
        + coalesce((select sum(amount_minor) from ar_applications a
                    where a.org_id = d.org_id and a.credit_document_id = d.id), 0)
    limit ${LIMIT}`.execute(db);
  for (const r of drifted.rows) {
    problems.push({
      check: 'open_balance',
      detail: `document ${r.number ?? r.id}: open ${r.open_minor} but amount less applications is ${r.expected} (minor units)`,
    });
  }
  for (const date of dates) {
    const rec = await glReconciliation(db, actor, date);
    for (const c of rec.byCurrency) {
      if (c.difference !== '0' && !/^-?0(\.0+)?$/.test(c.difference)) {
        problems.push({
          check: 'gl_reconciliation',
          detail: `${date} ${c.currency}: sub-ledger ${c.subledgerBalance} ≠ AR control ${c.controlBalance}`,
        });
      }
    }
  }
  return problems;
}
