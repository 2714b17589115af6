/**
 * Edge cases of the billing service found by the ledger property test (properties.test.ts),
 * pinned as plain examples: each goes through the service in one transaction, as a route does,
 * and must either post balanced entries or be refused with a 4xx that leaves nothing written.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { customerAccount } from '../../src/modules/billing/customer-account.ts';
import * as svc from '../../src/modules/billing/documents.service.ts';
import { addDays, parseIsoDate } from '../../src/shared/dates.ts';
import { AppError } from '../../src/shared/errors.ts';
import { createTestDatabase, databaseKinds } from '../support/db.ts';
import {
  expectDocumentsConsistent,
  expectJournalBalanced,
  expectReconciled,
  ledgerFingerprint,
} from './support/ledger-checks.ts';
import { createLedgerOrg, type LedgerOrg } from './support/ledger-org.ts';

const START = parseIsoDate('2026-01-01');
const END = parseIsoDate('2026-03-31');

describe.each(databaseKinds())('ledger service edge cases on %s', (kind) => {
  let database: Database;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
  });
  afterAll(() => database?.close());

  /** Runs one service call in its own transaction, as a route does; keeps what it threw. */
  async function attempt<T>(org: LedgerOrg, fn: (ctx: svc.Ctx) => Promise<T>) {
    try {
      return { value: await org.run(fn) };
    } catch (error) {
      return { error: error as Error };
    }
  }

  async function expectLedgerTies(org: LedgerOrg) {
    await expectJournalBalanced(db, org.orgId);
    await expectDocumentsConsistent(db, org.orgId);
    await expectReconciled(db, org.actor, [START, END]);
  }

  it('posts a credit memo priced from taxed lines as a balanced entry', async () => {
    const org = await createLedgerOrg(db, ['USD']);
    const { actor, customers } = org;
    const result = await attempt(org, (ctx) =>
      svc.createMemo(ctx, 'credit_memo', {
        customerId: customers[0]!,
        reason: 'Returned goods',
        issueDate: START,
        lines: [{ description: 'Widgets', quantity: '1', unitPrice: '1.00', taxRate: '19' }],
      }),
    );
    // today: InvariantError "journal entry "Credit memo CM-000001" does not balance: 100 ≠ 138"
    expect(result.error?.message).toBeUndefined();
    const memo = await db
      .selectFrom('ar_documents')
      .select(['amount_minor', 'tax_minor', 'open_minor'])
      .where('id', '=', result.value!)
      .executeTakeFirstOrThrow();
    expect(memo).toEqual({ amount_minor: -119n, tax_minor: -19n, open_minor: -119n });
    const lines = await db
      .selectFrom('journal_lines as l')
      .innerJoin('accounts as a', 'a.id', 'l.account_id')
      .select(['a.role', 'l.debit_minor', 'l.credit_minor'])
      .where('l.org_id', '=', actor.orgId)
      .orderBy('a.role')
      .execute();
    // a credit memo reverses revenue and sales tax: both are debited, AR is credited
    expect(lines).toEqual([
      { role: 'ar_control', debit_minor: 0n, credit_minor: 119n },
      { role: 'revenue', debit_minor: 100n, credit_minor: 0n },
      { role: 'sales_tax_payable', debit_minor: 19n, credit_minor: 0n },
    ]);
    await expectLedgerTies(org);
  });

  it('posts or refuses (4xx) an invoice that totals zero, never a 500', async () => {
    const org = await createLedgerOrg(db, ['USD']);
    const { actor, customers } = org;
    const before = await ledgerFingerprint(db, actor.orgId);
    const result = await attempt(org, (ctx) =>
      svc.createInvoice(ctx, {
        customerId: customers[0]!,
        issueDate: START,
        currency: 'USD',
        lines: [{ description: 'Free sample', quantity: '1', unitPrice: '0' }],
      }),
    );
    if (result.error) {
      // today: InvariantError "journal entry "Invoice INV-000001" needs at least two lines"
      expect(result.error, result.error.message).toBeInstanceOf(AppError);
      expect((result.error as AppError).status).toBeLessThan(500);
      expect(await ledgerFingerprint(db, actor.orgId)).toEqual(before);
    }
    await expectLedgerTies(org);
  });

  it('refuses (4xx, naming the line) an invoice too large for the database', async () => {
    const org = await createLedgerOrg(db, ['USD']);
    const { customers } = org;
    const result = await attempt(org, (ctx) =>
      svc.createInvoice(ctx, {
        customerId: customers[0]!,
        issueDate: START,
        currency: 'USD',
        lines: [{ description: 'Everything', quantity: '999999999999', unitPrice: '999999999999' }],
      }),
    );
    // today: the database's "bigint out of range" (22003), which the HTTP layer turns into a
    // 400 value_out_of_range that names no field
    expect(result.error, 'accepted a total beyond a bigint').toBeDefined();
    expect(result.error, result.error?.message).toBeInstanceOf(AppError);
    expect((result.error as AppError).status).toBe(400);
    expect((result.error as AppError).errors[0]?.path).toMatch(/^lines\.0\./);
  });

  it('voiding a written-off invoice does not leave the customer a credit it never paid', async () => {
    const org = await createLedgerOrg(db, ['USD']);
    const { actor, customers } = org;
    const customerId = customers[0]!;
    const invoice = await attempt(org, (ctx) =>
      svc.createInvoice(ctx, {
        customerId,
        issueDate: START,
        currency: 'USD',
        lines: [{ description: 'Service', quantity: '1', unitPrice: '100' }],
      }),
    );
    const invoiceId = invoice.value!;
    const writeOff = await attempt(org, (ctx) =>
      svc.writeOff(ctx, invoiceId, { reason: 'Bankrupt', date: addDays(START, 30) }),
    );
    expect(writeOff.error).toBeUndefined();
    const voided = await attempt(org, (ctx) =>
      svc.voidDocument(ctx, invoiceId, {
        reason: 'Billed in error',
        date: addDays(START, 40),
      }),
    );
    if (voided.error) {
      // refusing is a fine answer too (void the write-off first), as long as it is a 4xx
      expect(voided.error).toBeInstanceOf(AppError);
      return;
    }
    // today: the write-off comes back as an unapplied credit of 100.00 for the customer, and
    // bad-debt expense keeps the 100.00 it was charged
    const account = await customerAccount(db, actor, customerId, START, END);
    expect(account.closingBalance, 'the customer neither owes nor is owed anything').toBe('0.00');
    await expectLedgerTies(org);
  });
  it('a void is dated no earlier than the latest application on the other side of what it unapplies', async () => {
    // found by the property test: a write-off dated before a later credit on its invoice
    const org = await createLedgerOrg(db, ['USD']);
    const customerId = org.customers[0]!;
    const invoiceId = (
      await attempt(org, (ctx) =>
        svc.createInvoice(ctx, {
          customerId,
          issueDate: START,
          currency: 'USD',
          lines: [{ description: 'Widgets', quantity: '1', unitPrice: '1' }],
        }),
      )
    ).value!;
    const memoId = (
      await attempt(org, (ctx) =>
        svc.createMemo(ctx, 'credit_memo', {
          customerId,
          reason: 'Goodwill',
          issueDate: START,
          amount: '0.01',
        }),
      )
    ).value!;
    const applied = await attempt(org, (ctx) =>
      svc.applyCredit(ctx, {
        creditDocumentId: memoId,
        debitDocumentId: invoiceId,
        amount: '0.01',
        date: addDays(START, 1),
      }),
    );
    expect(applied.error).toBeUndefined();
    // a write-off is an application too: not dated before the invoice's latest one
    const before = await attempt(org, (ctx) =>
      svc.writeOff(ctx, invoiceId, { reason: 'Small balance', date: START }),
    );
    expect(before.error?.message).toMatch(/before the document it adjusts or its latest/);
    const writeOffId = (
      await attempt(org, (ctx) =>
        svc.writeOff(ctx, invoiceId, { reason: 'Small balance', date: addDays(START, 1) }),
      )
    ).value!;
    const early = await attempt(org, (ctx) =>
      svc.voidDocument(ctx, writeOffId, { reason: 'Wrong customer', date: START }),
    );
    expect(early.error).toBeInstanceOf(AppError);
    expect(early.error?.message).toMatch(/void cannot be dated before/);
    const onTime = await attempt(org, (ctx) =>
      svc.voidDocument(ctx, writeOffId, { reason: 'Wrong customer', date: addDays(START, 1) }),
    );
    expect(onTime.error).toBeUndefined();
    await expectLedgerTies(org);
  });
});
