import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db/schema.ts';
import type { Database } from '../../src/db/database.ts';
import { DEMO_SLUG, seedDemo } from '../../src/modules/demo/index.ts';
import { glReconciliation, trialBalance } from '../../src/modules/ledger/index.ts';
import { systemActor, type Actor } from '../../src/shared/actor.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { addDays, daysBetween, type IsoDate } from '../../src/shared/dates.ts';
import { createTestDatabase, databaseKinds } from '../support/db.ts';

const TODAY = '2026-11-22' as IsoDate;
// 12:00 in Chicago: the demo's "today" is the organization's calendar date
const CLOCK = new FixedClock('2026-11-22T18:00:00Z');

describe.each(databaseKinds())('demo ledger on %s', (kind) => {
  let database: Database;
  let db: Kysely<DB>;
  let actor: Actor;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    await seedDemo(db, CLOCK, { password: 'correct-horse-battery', customers: 40 });
    const org = await db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', DEMO_SLUG)
      .executeTakeFirstOrThrow();
    actor = systemActor(org.id);
  });
  afterAll(async () => database?.close());

  it('has open invoices in every aging bucket, and documents of every kind', async () => {
    const open = await db
      .selectFrom('ar_documents')
      .select(['due_date', 'kind'])
      .where('org_id', '=', actor.orgId)
      .where('kind', 'in', ['invoice', 'debit_memo'])
      .where('state', '=', 'posted')
      .where('open_minor', '>', 0n)
      .execute();
    const buckets = new Map<string, number>();
    for (const d of open) {
      const late = daysBetween(d.due_date as IsoDate, TODAY);
      const bucket =
        late <= 0
          ? 'current'
          : late <= 30
            ? '1-30'
            : late <= 60
              ? '31-60'
              : late <= 90
                ? '61-90'
                : '90+';
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
    for (const bucket of ['current', '1-30', '31-60', '61-90', '90+'])
      expect(buckets.get(bucket) ?? 0, bucket).toBeGreaterThan(0);
    // most of the book is current or slightly late
    expect((buckets.get('current') ?? 0) + (buckets.get('1-30') ?? 0)).toBeGreaterThan(
      open.length / 2,
    );

    const kinds = await db
      .selectFrom('ar_documents')
      .select(['kind', 'state', 'opening_balance', 'written_off', 'open_minor as open'])
      .where('org_id', '=', actor.orgId)
      .execute();
    const has = (test: (d: (typeof kinds)[number]) => boolean) => kinds.some(test);
    expect(has((d) => d.kind === 'credit_memo')).toBe(true);
    expect(has((d) => d.kind === 'debit_memo')).toBe(true);
    expect(has((d) => d.kind === 'refund')).toBe(true);
    expect(has((d) => d.kind === 'write_off')).toBe(true);
    expect(has((d) => d.written_off)).toBe(true);
    expect(has((d) => d.state === 'voided')).toBe(true);
    expect(has((d) => d.opening_balance)).toBe(true);
    // credited in full: a paid invoice
    expect(
      has((d) => d.kind === 'invoice' && d.state === 'posted' && d.open === 0n && !d.written_off),
    ).toBe(true);
    const applications = await db
      .selectFrom('ar_applications')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .execute();
    expect(applications.length).toBeGreaterThan(0);
    // nothing dated after today, nothing before the opening balances' year
    const range = await db
      .selectFrom('journal_entries')
      .select((eb) => [
        eb.fn.min('effective_date').as('first'),
        eb.fn.max('effective_date').as('last'),
      ])
      .where('org_id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    expect(String(range.last) <= TODAY).toBe(true);
    expect(String(range.first) >= addDays(TODAY, -550)).toBe(true);
  });

  it('ties: the GL reconciliation is zero at four dates and the trial balance balances', async () => {
    for (const asOf of [TODAY, addDays(TODAY, -45), addDays(TODAY, -200), addDays(TODAY, -400)]) {
      const rec = await glReconciliation(db, actor, asOf, { explain: true });
      for (const c of rec.byCurrency)
        expect(c.difference, `${asOf} ${c.currency}`).toMatch(/^0\.00$/);
      expect(rec.explanations, asOf).toEqual([]);
      const tb = await trialBalance(db, actor, asOf);
      for (const t of tb.totals) expect(t.debit, `${asOf} ${t.currency}`).toBe(t.credit);
    }
    const today = await glReconciliation(db, actor, TODAY);
    expect(today.subledgerBalance).not.toBe('0.00');
  });

  it('no open balance crosses zero: debits owe, credits are owed, never more than the document', async () => {
    const wrong = await db
      .selectFrom('ar_documents')
      .select(['number', 'amount_minor', 'open_minor'])
      .where('org_id', '=', actor.orgId)
      .where((eb) =>
        eb.or([
          eb.and([eb('amount_minor', '>=', 0n), eb('open_minor', '<', 0n)]),
          eb.and([eb('amount_minor', '<', 0n), eb('open_minor', '>', 0n)]),
          eb.and([eb('amount_minor', '>=', 0n), eb('open_minor', '>', eb.ref('amount_minor'))]),
          eb.and([eb('amount_minor', '<', 0n), eb('open_minor', '<', eb.ref('amount_minor'))]),
        ]),
      )
      .execute();
    expect(wrong).toEqual([]);
  });
  it('has three bank statements: the oldest applied, the newest waiting with suggestions, and the cash ties', async () => {
    const statements = await db
      .selectFrom('bank_statements')
      .select(['id', 'to_date', 'balance_problem'])
      .where('org_id', '=', actor.orgId)
      .orderBy('to_date')
      .execute();
    expect(statements).toHaveLength(3);
    expect(statements.every((s) => s.balance_problem === null)).toBe(true);
    const counts = async (statementId: string) => {
      const rows = await db
        .selectFrom('bank_statement_lines')
        .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('org_id', '=', actor.orgId)
        .where('statement_id', '=', statementId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    };
    const oldest = await counts(statements[0]!.id);
    // the deposit of checks and the wire keyed in by hand are tied, the easy lines applied
    expect(oldest.reconciled).toBe(2);
    expect(oldest.applied).toBeGreaterThanOrEqual(5);
    expect(oldest.debit).toBe(1);
    const newest = await counts(statements[2]!.id);
    expect(newest.suggested).toBeGreaterThanOrEqual(8);
    expect(newest.unmatched ?? 0).toBeGreaterThanOrEqual(1);
    const rec = await glReconciliation(db, actor, TODAY);
    for (const row of rec.byCurrency) expect(row.difference, row.currency).toMatch(/^0\.00$/);
    const tb = await trialBalance(db, actor, TODAY);
    for (const t of tb.totals) expect(t.debit, t.currency).toBe(t.credit);
  });
});
