/**
 * Model-based property test of the ledger: random sequences of invoices, memos, applications,
 * unapplications, voids, write-offs, adjustments and refunds, with random dates and a period
 * lock set midway, go through the billing service exactly as the routes call it (one
 * transaction per operation). A model decides what must be accepted; refused operations must
 * be 4xx AppErrors that leave nothing written. After every run the journal must balance, the
 * GL reconciliation must tie at every date, and the database must match the model.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed>. Other knobs: FC_RUNS
 * (runs per database), FC_TIME_LIMIT_MS (runs and shrinking stop after it), FC_NO_SHRINK=1, and
 * LEDGER_PROPERTY_STATS=1 (timings and how often each operation was accepted or refused).
 */
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { customerAccount } from '../../src/modules/billing/customer-account.ts';
import { verifyLedger } from '../../src/modules/ledger/verify.ts';
import type { Actor } from '../../src/shared/actor.ts';
import { addDays, compareDates, type IsoDate } from '../../src/shared/dates.ts';
import { AppError } from '../../src/shared/errors.ts';
import { formatAmount } from '../../src/shared/money.ts';
import { createTestDatabase, databaseKinds } from '../support/db.ts';
import {
  dailyBalances,
  documentsWithApplications,
  expectApplicationsWellFormed,
  expectDocumentsConsistent,
  expectJournalBalanced,
  expectNumbersContiguous,
  expectReconciled,
  expectTrialBalanceEven,
  ledgerFingerprint,
} from './support/ledger-checks.ts';
import { LedgerModel, Refusal, type ExpectedApp, type Operation } from './support/ledger-model.ts';
import {
  concretize,
  describeOp,
  perform,
  scenario,
  WINDOW_END,
  WINDOW_START,
  type AbstractOp,
  type Scenario,
} from './support/ledger-operations.ts';
import { createLedgerOrg, LEDGER_NOW } from './support/ledger-org.ts';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 15);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
/** Runs (and shrinking after a failure) stop after this long; a shrunk failure is still reported. */
const TIME_LIMIT_MS = Number(process.env.FC_TIME_LIMIT_MS ?? 40_000);

const keyOf = (a: ExpectedApp) =>
  `${a.debitId}|${a.creditId}|${a.amount}|${a.date}|${a.reversesId ?? ''}`;

async function newApplications(db: Kysely<DB>, orgId: string, model: LedgerModel) {
  const rows = await db
    .selectFrom('ar_applications')
    .select([
      'id',
      'debit_document_id',
      'credit_document_id',
      'amount_minor',
      'effective_date',
      'reverses_application_id',
    ])
    .where('org_id', '=', orgId)
    .execute();
  return rows
    .filter((r) => !model.apps.has(r.id))
    .map((r) => ({
      id: r.id,
      debitId: r.debit_document_id,
      creditId: r.credit_document_id,
      amount: r.amount_minor,
      date: r.effective_date as IsoDate,
      reversesId: r.reverses_application_id,
    }));
}

/** The database's documents, in the model's terms. */
async function databaseDocuments(db: Kysely<DB>, orgId: string) {
  const rows = await documentsWithApplications(db, orgId);
  return Object.fromEntries(
    rows.map((r) => [
      r.id,
      {
        kind: r.kind,
        customerId: r.customer_id,
        amount: r.amount_minor,
        open: r.open_minor,
        date: r.issue_date,
        state: r.state,
        voidedDate: r.voided_date,
        writtenOff: r.written_off,
      },
    ]),
  );
}

function modelDocuments(model: LedgerModel) {
  return Object.fromEntries(
    model.documents().map((d) => [
      d.id,
      {
        kind: d.kind,
        customerId: d.customerId,
        amount: d.amount,
        open: d.open,
        date: d.date,
        state: d.state,
        voidedDate: d.voidedDate,
        writtenOff: d.writtenOff,
      },
    ]),
  );
}

// ------------------------------------------------------------------------------------------
// One run
// ------------------------------------------------------------------------------------------

const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

async function runScenario(db: Kysely<DB>, s: Scenario): Promise<void> {
  const org = await createLedgerOrg(db, [s.currency, s.currency, s.otherCurrency]);
  const { orgId, actor, customers } = org;
  const currencies = org.currencyOf;
  const currencyOf = (id: string) => currencies.get(id)!.currency;
  const model = new LedgerModel(currencies);
  const trace: string[] = [`currency ${s.currency}/${s.otherCurrency}`];
  const lockAt = Math.floor(s.ops.length / 2);
  const steps: Array<AbstractOp | 'lock'> = [
    ...s.ops.slice(0, lockAt),
    'lock',
    ...s.ops.slice(lockAt),
  ];
  const tStart = performance.now();
  try {
    for (const [i, step] of steps.entries()) {
      const op: Operation | undefined =
        step === 'lock'
          ? { op: 'lock', through: addDays(WINDOW_START, s.lockDay) }
          : concretize(step, model, customers, currencyOf);
      if (!op) {
        trace.push(`${i}: skipped (nothing to target)`);
        tally(`${(step as AbstractOp).op} skipped`);
        continue;
      }
      const described = describeOp(op, model);
      let verdict: string | undefined;
      try {
        model.clone().apply(op);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        verdict = e.message;
      }
      const before = await ledgerFingerprint(db, orgId);
      let result: string | undefined;
      let failure: unknown;
      try {
        result = await db
          .transaction()
          .execute((trx) => perform({ db: trx, actor, now: LEDGER_NOW }, op, currencyOf));
      } catch (e) {
        failure = e;
      }
      if (failure !== undefined) {
        const error = failure as Error;
        trace.push(`${i}: ${described} → refused: ${error.message}`);
        tally(`${op.op} refused ${error instanceof AppError ? error.code : error.name}`);
        expect(
          error instanceof AppError && error.status >= 400 && error.status < 500,
          `a refusal must be a 4xx AppError, got ${error.name}: ${error.message}`,
        ).toBe(true);
        expect(await ledgerFingerprint(db, orgId), 'a refused operation wrote something').toEqual(
          before,
        );
        expect(
          verdict,
          `the service refused what the rules allow (${error.message})`,
        ).not.toBeUndefined();
        continue;
      }
      trace.push(`${i}: ${described} → accepted${result ? ` ${result}` : ''}`);
      tally(`${op.op} accepted`);
      expect(verdict, `the service accepted what the rules refuse: ${verdict}`).toBeUndefined();
      const expected = model.apply(op, result);
      const written = await newApplications(db, orgId, model);
      expect(written.map(keyOf).sort(), 'applications written').toEqual(expected.map(keyOf).sort());
      model.recordApplications(written);
      expect(await databaseDocuments(db, orgId), 'documents vs model').toEqual(
        modelDocuments(model),
      );
    }
    const t0 = performance.now();
    await checkInvariants(db, actor, model, customers);
    if (process.env.LEDGER_PROPERTY_STATS)
      console.log(
        `ops ${steps.length}: ${(t0 - tStart).toFixed(0)} ms, checks ${(performance.now() - t0).toFixed(0)} ms`,
      );
  } catch (error) {
    const e = error as Error;
    e.message = `${e.message}\n--- trace (org ${orgId}) ---\n${trace.join('\n')}`;
    throw e;
  }
}

async function checkInvariants(
  db: Kysely<DB>,
  actor: Actor,
  model: LedgerModel,
  customers: string[],
) {
  const orgId = actor.orgId;
  await expectJournalBalanced(db, orgId);
  await expectDocumentsConsistent(db, orgId);
  await expectApplicationsWellFormed(db, orgId);
  await expectNumbersContiguous(db, orgId);
  const monthEnds = ['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-31'] as IsoDate[];
  for (const date of monthEnds) await expectTrialBalanceEven(db, actor, date);
  // the ledger's own verification (GET /api/v1/ledger/verify) agrees, at each month-end
  expect(await verifyLedger(db, actor, monthEnds), 'verifyLedger').toEqual([]);
  // Every day of the window and the day before it, computed independently in one statement,
  // against the model; then the report itself on every day a balance can change and on the
  // day before each (between two such days nothing moves, so that covers every date).
  const dayBefore = addDays(WINDOW_START, -1);
  for (const row of await dailyBalances(db, orgId, dayBefore, WINDOW_END)) {
    const label = `${row.currency} on ${row.date}`;
    expect(row.control, `AR control vs sub-ledger ${label}`).toBe(row.subledger);
    const expected = model.subledgerAt(row.date as IsoDate).get(row.currency) ?? 0n;
    expect(row.subledger, `sub-ledger vs model ${label}`).toBe(expected);
  }
  const reportDates = new Set<IsoDate>([dayBefore, WINDOW_END]);
  for (const date of model.changeDates()) {
    reportDates.add(date);
    reportDates.add(addDays(date, -1));
  }
  await expectReconciled(db, actor, [...reportDates].sort(), (d) => model.subledgerAt(d));
  for (const customerId of customers) {
    const account = await customerAccount(db, actor, customerId, WINDOW_START, WINDOW_END);
    const currency = account.currency;
    expect(account.openingBalance, 'opening balance before the first posting').toBe(
      formatAmount(0n, currency),
    );
    expect(account.closingBalance, `customer ${customerId} closing balance`).toBe(
      formatAmount(model.customerBalance(customerId), currency),
    );
    expect(account.activity.at(-1)?.balance ?? account.openingBalance).toBe(account.closingBalance);
    const { total } = await db
      .selectFrom('ar_documents')
      .select(sql<string>`coalesce(sum(open_minor), 0)::text`.as('total'))
      .where('org_id', '=', orgId)
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    expect(formatAmount(BigInt(total), currency), 'Σ open of the customer').toBe(
      account.closingBalance,
    );
    // the running balance after each day's last posting is the customer's balance that day
    for (const date of model.changeDates()) {
      const last = account.activity
        .filter((a) => compareDates(a.date as IsoDate, date) <= 0)
        .at(-1);
      expect(last?.balance ?? account.openingBalance, `customer ${customerId} on ${date}`).toBe(
        formatAmount(model.customerBalanceAt(customerId, date), currency),
      );
    }
  }
}

// ------------------------------------------------------------------------------------------

describe.each(databaseKinds())('ledger properties on %s', (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    if (process.env.LEDGER_PROPERTY_STATS)
      console.log(
        [...stats]
          .sort()
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      );
    await database?.close();
  });

  it(
    'random operations keep the journal balanced, the GL reconciled and the model true',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, (s) => runScenario(database.db, s)),
        {
          numRuns: NUM_RUNS,
          seed: SEED,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          endOnFailure: process.env.FC_NO_SHRINK === '1',
        },
      );
    },
    TIME_LIMIT_MS + 60_000,
  );
});
