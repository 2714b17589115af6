/**
 * The database itself guards the ledger: these statements bypass the service with raw SQL and
 * must be refused by triggers and constraints, leaving every row as it was.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { DB, JournalEntriesTable, JournalLinesTable } from '../../src/db/schema.ts';
import * as svc from '../../src/modules/billing/documents.service.ts';
import { accountsByRole } from '../../src/modules/ledger/accounts.ts';
import { newId } from '../../src/shared/ids.ts';
import { createTestDatabase, databaseKinds } from '../support/db.ts';
import {
  expectDocumentsConsistent,
  expectJournalBalanced,
  expectReconciled,
  ledgerFingerprint,
} from './support/ledger-checks.ts';
import { createLedgerOrg, LEDGER_NOW, type LedgerOrg } from './support/ledger-org.ts';
import { parseIsoDate } from '../../src/shared/dates.ts';

/** Runs `statement`, which must fail; returns the database's message. */
async function refusal(statement: () => Promise<unknown>): Promise<string> {
  try {
    await statement();
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail('the database accepted the statement');
}

/** Inserts a journal entry with its lines in one statement, as prepareEntries does. */
function insertJournal(
  db: Kysely<DB>,
  entry: Insertable<JournalEntriesTable>,
  lines: Insertable<JournalLinesTable>[],
): Promise<unknown> {
  if (lines.length === 0) return db.insertInto('journal_entries').values(entry).execute();
  return db
    .with('entry', (q) => q.insertInto('journal_entries').values(entry))
    .insertInto('journal_lines')
    .values(lines)
    .execute();
}

const APPEND_ONLY = /is not allowed: the table is append-only/;

describe.each(databaseKinds())('ledger integrity in the database on %s', (kind) => {
  let database: Database;
  let db: Kysely<DB>;
  let org: LedgerOrg;
  /** invoice 100.00 of which a 30.00 credit memo pays 30.00 (open 70.00) */
  let invoiceId: string;
  let memoId: string;
  /** invoice 50.00, nothing applied */
  let untouchedId: string;
  /** a standalone credit memo of 200.00, nothing applied */
  let creditId: string;
  let applicationId: string;
  let accounts: Awaited<ReturnType<typeof accountsByRole>>;
  let before: unknown;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    org = await createLedgerOrg(db, ['USD', 'USD', 'EUR']);
    const [customerId] = org.customers as [string];
    invoiceId = await org.run((ctx) =>
      svc.createInvoice(ctx, {
        customerId,
        issueDate: '2026-02-02',
        currency: 'USD',
        lines: [{ description: 'Service', quantity: '1', unitPrice: '100' }],
      }),
    );
    memoId = await org.run((ctx) =>
      svc.createMemo(ctx, 'credit_memo', {
        customerId,
        invoiceId,
        amount: '30.00',
        reason: 'Discount',
        issueDate: '2026-02-03',
      }),
    );
    untouchedId = await org.run((ctx) =>
      svc.createInvoice(ctx, {
        customerId,
        issueDate: '2026-02-04',
        currency: 'USD',
        lines: [{ description: 'Parts', quantity: '2', unitPrice: '25' }],
      }),
    );
    creditId = await org.run((ctx) =>
      svc.createMemo(ctx, 'credit_memo', {
        customerId,
        amount: '200.00',
        reason: 'Goodwill',
        issueDate: '2026-02-05',
      }),
    );
    applicationId = (
      await db
        .selectFrom('ar_applications')
        .select('id')
        .where('org_id', '=', org.orgId)
        .executeTakeFirstOrThrow()
    ).id;
    accounts = await accountsByRole(db, org.orgId);
  });
  afterAll(() => database?.close());

  beforeEach(async () => {
    before = await ledgerFingerprint(db, org.orgId);
    return async () => {
      // whatever a test tried, nothing changed and the ledger still ties
      expect(await ledgerFingerprint(db, org.orgId), 'rows changed').toEqual(before);
      await expectJournalBalanced(db, org.orgId);
      await expectDocumentsConsistent(db, org.orgId);
      await expectReconciled(db, org.actor, [
        parseIsoDate('2026-02-01'),
        parseIsoDate('2026-02-03'),
        parseIsoDate('2026-12-31'),
      ]);
    };
  });

  const orgId = () => org.orgId;
  /** A manual USD journal entry of the test organization, as the integrity tests insert it. */
  const manualEntry = (
    id: string,
    date: string,
    parts: Partial<Insertable<JournalEntriesTable>> = {},
  ): Insertable<JournalEntriesTable> => ({
    id,
    org_id: orgId(),
    effective_date: date,
    recorded_at: LEDGER_NOW,
    currency: 'USD',
    kind: 'manual',
    description: 'Inserted by the integrity test',
    document_id: null,
    application_id: null,
    reverses_entry_id: null,
    actor_name: 'integrity test',
    ...parts,
  });

  describe('append-only tables', () => {
    it.each(['journal_entries', 'journal_lines', 'ar_applications'] as const)(
      'refuses UPDATE, DELETE and TRUNCATE on %s',
      async (table) => {
        const column = table === 'journal_lines' ? 'memo' : 'actor_name';
        expect(
          await refusal(() =>
            sql`update ${sql.table(table)} set ${sql.ref(column)} = 'tampered' where org_id = ${orgId()}`.execute(
              db,
            ),
          ),
        ).toMatch(APPEND_ONLY);
        expect(
          await refusal(() =>
            sql`delete from ${sql.table(table)} where org_id = ${orgId()}`.execute(db),
          ),
        ).toMatch(APPEND_ONLY);
        expect(await refusal(() => sql`truncate ${sql.table(table)} cascade`.execute(db))).toMatch(
          APPEND_ONLY,
        );
      },
    );

    it('refuses changing an amount on a journal line, even to another balanced pair', async () => {
      const message = await refusal(() =>
        db.transaction().execute(async (trx) => {
          await sql`update journal_lines set debit_minor = debit_minor * 2
            where org_id = ${orgId()} and debit_minor > 0`.execute(trx);
          await sql`update journal_lines set credit_minor = credit_minor * 2
            where org_id = ${orgId()} and credit_minor > 0`.execute(trx);
        }),
      );
      expect(message).toMatch(APPEND_ONLY);
    });
  });

  describe('posted documents', () => {
    it.each([
      ['amount_minor', sql`amount_minor = amount_minor + 1`],
      ['subtotal_minor', sql`subtotal_minor = subtotal_minor + 1`],
      ['tax_minor', sql`tax_minor = tax_minor + 1`],
      ['currency', sql`currency = 'EUR'`],
      ['issue_date', sql`issue_date = issue_date + 1`],
      ['number', sql`number = 'INV-999999'`],
      ['kind', sql`kind = 'debit_memo'`],
    ])('refuses editing %s of a posted document', async (_column, change) => {
      expect(
        await refusal(() =>
          sql`update ar_documents set ${change} where org_id = ${orgId()} and id = ${untouchedId}`.execute(
            db,
          ),
        ),
      ).toMatch(/cannot be edited/);
    });

    it('refuses moving an open balance directly, whichever way', async () => {
      for (const [id, change] of [
        [invoiceId, sql`open_minor = 0`],
        [invoiceId, sql`open_minor = open_minor + 1`],
        [untouchedId, sql`open_minor = open_minor - 1`],
        [creditId, sql`open_minor = open_minor + 5000`],
      ] as const) {
        expect(
          await refusal(() =>
            sql`update ar_documents set ${change} where org_id = ${orgId()} and id = ${id}`.execute(
              db,
            ),
          ),
        ).toMatch(/moves only through applications/);
      }
      // both documents of an application at once, keeping the total: still refused
      expect(
        await refusal(() =>
          db.transaction().execute(async (trx) => {
            await sql`update ar_documents set open_minor = open_minor - 100
              where org_id = ${orgId()} and id = ${invoiceId}`.execute(trx);
            await sql`update ar_documents set open_minor = open_minor + 100
              where org_id = ${orgId()} and id = ${memoId}`.execute(trx);
          }),
        ),
      ).toMatch(/moves only through applications/);
    });

    it('refuses taking a posted document back to draft, or voiding one that is applied', async () => {
      expect(
        await refusal(() =>
          sql`update ar_documents set state = 'draft', number = null, open_minor = 0
            where org_id = ${orgId()} and id = ${untouchedId}`.execute(db),
        ),
      ).toMatch(/cannot be edited|cannot go from/);
      expect(
        await refusal(() =>
          sql`update ar_documents set state = 'voided', open_minor = 0, voided_date = '2026-03-01'
            where org_id = ${orgId()} and id = ${invoiceId}`.execute(db),
        ),
      ).toMatch(/cannot go from posted to voided/);
    });

    it('refuses deleting a posted or voided document', async () => {
      for (const id of [invoiceId, untouchedId, creditId, memoId]) {
        expect(
          await refusal(() =>
            sql`delete from ar_documents where org_id = ${orgId()} and id = ${id}`.execute(db),
          ),
        ).toMatch(APPEND_ONLY);
      }
    });
  });

  describe('journal entries', () => {
    /** Inserts an entry with `lines` (account role, debit, credit) in one transaction. */
    const insertEntry = (
      date: string,
      lines: ReadonlyArray<readonly [keyof typeof accounts, bigint, bigint]>,
    ) =>
      db.transaction().execute(async (trx) => {
        const id = newId();
        await insertJournal(
          trx,
          manualEntry(id, date),
          lines.map(([role, debit, credit], i) => ({
            org_id: orgId(),
            entry_id: id,
            line_no: i + 1,
            effective_date: date,
            currency: 'USD',
            account_id: accounts[role].id,
            debit_minor: debit,
            credit_minor: credit,
          })),
        );
        return id;
      });

    it('accepts a balanced entry inserted the same way (the control case)', async () => {
      await insertEntry('2026-02-10', [
        ['cash', 100n, 0n],
        ['revenue', 0n, 100n],
      ]);
      // the one change this test makes on purpose
      before = await ledgerFingerprint(db, orgId());
    });

    it('refuses an unbalanced entry, or an entry without lines, when its statement ends', async () => {
      expect(await refusal(() => insertEntry('2026-02-10', [['cash', 100n, 0n]]))).toMatch(
        /does not balance: 1 lines/,
      );
      expect(await refusal(() => insertEntry('2026-02-10', []))).toMatch(
        /does not balance: it has no lines/,
      );
      expect(
        await refusal(() =>
          insertEntry('2026-02-10', [
            ['cash', 10_000n, 0n],
            ['revenue', 0n, 9_999n],
          ]),
        ),
      ).toMatch(/does not balance/);
    });

    it('refuses a line added later that unbalances an entry', async () => {
      const id = await insertEntry('2026-02-11', [
        ['cash', 40n, 0n],
        ['revenue', 0n, 40n],
      ]);
      const fingerprint = await ledgerFingerprint(db, orgId());
      expect(
        await refusal(() =>
          db
            .insertInto('journal_lines')
            .values({
              org_id: orgId(),
              entry_id: id,
              line_no: 3,
              effective_date: '2026-02-11',
              currency: 'USD',
              account_id: accounts.cash.id,
              debit_minor: 1n,
              credit_minor: 0n,
            })
            .execute(),
        ),
      ).toMatch(/journal entry .* does not balance: 3 lines, debits 41, credits 40/);
      expect(await ledgerFingerprint(db, orgId())).toEqual(fingerprint);
      before = fingerprint;
    });

    it('refuses a journal line that is both a debit and a credit, or neither', async () => {
      expect(
        await refusal(() =>
          insertEntry('2026-02-10', [
            ['cash', 100n, 100n],
            ['revenue', 100n, 100n],
          ]),
        ),
      ).toMatch(/check constraint/);
      expect(
        await refusal(() =>
          insertEntry('2026-02-10', [
            ['cash', 0n, 0n],
            ['revenue', 0n, 0n],
          ]),
        ),
      ).toMatch(/check constraint/);
    });

    it('refuses an entry dated in the closed period, even inserted directly', async () => {
      await sql`update organizations set closed_through = '2026-02-28' where id = ${orgId()}`.execute(
        db,
      );
      try {
        for (const date of ['2026-02-28', '2026-01-15', '2025-12-31']) {
          expect(
            await refusal(() =>
              insertEntry(date, [
                ['cash', 100n, 0n],
                ['revenue', 0n, 100n],
              ]),
            ),
            date,
          ).toMatch(/period is closed through 2026-02-28/);
        }
      } finally {
        await sql`update organizations set closed_through = null where id = ${orgId()}`.execute(db);
      }
    });
  });

  describe('references, checked once per statement (0006)', () => {
    type LineOverrides = Partial<{
      account_id: string;
      customer_id: string | null;
      document_id: string | null;
      effective_date: string;
      currency: string;
    }>;
    /** A balanced cash/AR entry on the untouched invoice's customer, with parts replaced. */
    const insertEntry = (
      entry: Partial<{ document_id: string | null; payment_id: string | null }> = {},
      line: LineOverrides = {},
    ) =>
      db.transaction().execute(async (trx) => {
        const id = newId();
        await insertJournal(trx, manualEntry(id, '2026-02-10', { payment_id: null, ...entry }), [
          {
            org_id: orgId(),
            entry_id: id,
            line_no: 1,
            effective_date: '2026-02-10',
            currency: 'USD',
            account_id: accounts.cash.id,
            debit_minor: 100n,
            credit_minor: 0n,
          },
          {
            org_id: orgId(),
            entry_id: id,
            line_no: 2,
            effective_date: '2026-02-10',
            currency: 'USD',
            account_id: accounts.revenue.id,
            debit_minor: 0n,
            credit_minor: 100n,
            ...line,
          },
        ]);
      });

    it('accepts a line on a posted document of its customer (the control case)', async () => {
      await insertEntry({}, { customer_id: org.customers[0]!, document_id: untouchedId });
      before = await ledgerFingerprint(db, orgId());
    });

    it('refuses a journal line whose account, customer, document or entry is not there', async () => {
      expect(await refusal(() => insertEntry({}, { account_id: newId() }))).toMatch(
        /journal line 2 of entry .* refers to its account/,
      );
      expect(await refusal(() => insertEntry({}, { customer_id: newId() }))).toMatch(
        /refers to its customer/,
      );
      expect(await refusal(() => insertEntry({}, { document_id: newId() }))).toMatch(
        /refers to its document/,
      );
      // the line's date or currency is not its entry's
      expect(await refusal(() => insertEntry({}, { effective_date: '2026-02-11' }))).toMatch(
        /refers to its entry/,
      );
      expect(await refusal(() => insertEntry({}, { currency: 'EUR' }))).toMatch(
        /refers to its entry/,
      );
    });

    it("refuses a journal line on another customer's document, or on a draft", async () => {
      expect(
        await refusal(() =>
          insertEntry({}, { customer_id: org.customers[1]!, document_id: untouchedId }),
        ),
      ).toMatch(/refers to its document/);
      const draftId = await org.run((ctx) =>
        svc.createInvoice(ctx, {
          customerId: org.customers[0]!,
          issueDate: '2026-02-06',
          currency: 'USD',
          draft: true,
          lines: [{ description: 'Draft', quantity: '1', unitPrice: '10' }],
        }),
      );
      before = await ledgerFingerprint(db, orgId());
      expect(
        await refusal(() =>
          insertEntry({}, { customer_id: org.customers[0]!, document_id: draftId }),
        ),
      ).toMatch(/refers to its document/);
      expect(await refusal(() => insertEntry({ document_id: draftId }))).toMatch(
        /refers to a document/,
      );
    });

    it('refuses a journal entry whose document or receipt is not there', async () => {
      expect(await refusal(() => insertEntry({ document_id: newId() }))).toMatch(
        /journal entry .* refers to a document/,
      );
      expect(await refusal(() => insertEntry({ payment_id: newId() }))).toMatch(
        /refers to a payment/,
      );
    });

    it('refuses an application to a document that does not exist', async () => {
      const message = await refusal(() =>
        db
          .insertInto('ar_applications')
          .values({
            id: newId(),
            org_id: orgId(),
            debit_document_id: newId(),
            credit_document_id: creditId,
            amount_minor: 100n,
            effective_date: '2026-02-20',
            reverses_application_id: null,
            reason: 'integrity test',
            actor_name: 'integrity test',
            created_at: LEDGER_NOW,
          })
          .execute(),
      );
      expect(message).toMatch(/refers to document .*, which does not exist/);
    });

    it('refuses deleting an account, or a customer the journal refers to', async () => {
      expect(
        await refusal(() =>
          sql`delete from accounts where org_id = ${orgId()} and id = ${accounts.revenue.id}`.execute(
            db,
          ),
        ),
      ).toMatch(APPEND_ONLY);
      expect(
        await refusal(() =>
          sql`delete from customers where org_id = ${orgId()} and id = ${org.customers[0]!}`.execute(
            db,
          ),
        ),
      ).toMatch(/has documents, receipts or journal lines and cannot be deleted/);
    });

    it('refuses a document or a receipt whose customer or account is not there, inserted or changed', async () => {
      const document = {
        org_id: orgId(),
        customer_id: org.customers[0]!,
        kind: 'invoice',
        state: 'draft',
        number: null,
        currency: 'USD',
        issue_date: '2026-02-06',
        amount_minor: 0n,
        open_minor: 0n,
        created_by_name: 'integrity test',
        created_at: LEDGER_NOW,
        updated_at: LEDGER_NOW,
      } as const;
      expect(
        await refusal(() =>
          db
            .insertInto('ar_documents')
            .values({ ...document, id: newId(), customer_id: newId() })
            .execute(),
        ),
      ).toMatch(/ar_documents refers in customer_id to .*, which does not exist/);
      expect(
        await refusal(() =>
          db
            .insertInto('ar_documents')
            .values({ ...document, id: newId(), offset_account_id: newId() })
            .execute(),
        ),
      ).toMatch(/refers in offset_account_id/);
      // a draft may change customer, but only to one of its organization
      const draftId = newId();
      await db
        .insertInto('ar_documents')
        .values({ ...document, id: draftId })
        .execute();
      expect(
        await refusal(() =>
          db
            .updateTable('ar_documents')
            .set({ customer_id: newId() })
            .where('id', '=', draftId)
            .execute(),
        ),
      ).toMatch(/ar_documents refers in customer_id/);
      await db.deleteFrom('ar_documents').where('id', '=', draftId).execute();
      expect(
        await refusal(() =>
          db
            .insertInto('payments')
            .values({
              id: newId(),
              org_id: orgId(),
              number: 'INTEGRITY-1',
              kind: 'receipt',
              method: 'check',
              customer_id: org.customers[0]!,
              currency: 'USD',
              amount_minor: 100n,
              held_minor: 0n,
              received_date: '2026-02-06',
              bank_account_id: newId(),
              cash_account_id: accounts.cash.id,
              status: 'posted',
              created_by_name: 'integrity test',
              created_at: LEDGER_NOW,
              updated_at: LEDGER_NOW,
            })
            .execute(),
        ),
      ).toMatch(/payments refers in bank_account_id/);
    });
  });

  describe('applications', () => {
    const insertApplication = (
      debitId: string,
      creditId: string,
      amount: bigint,
      reverses: string | null = null,
    ) =>
      db
        .insertInto('ar_applications')
        .values({
          id: newId(),
          org_id: orgId(),
          debit_document_id: debitId,
          credit_document_id: creditId,
          amount_minor: amount,
          effective_date: '2026-02-20',
          reverses_application_id: reverses,
          reason: 'integrity test',
          actor_name: 'integrity test',
          created_at: LEDGER_NOW,
        })
        .execute();

    it('refuses over-applying an invoice or a credit with a direct insert', async () => {
      // the invoice has 70.00 open, the standalone credit 200.00: 70.01 is too much for it
      expect(await refusal(() => insertApplication(invoiceId, creditId, 7001n))).toMatch(
        /check constraint/,
      );
      // the untouched invoice has 50.00 open, the first memo nothing left: 0.01 is too much
      expect(await refusal(() => insertApplication(untouchedId, memoId, 1n))).toMatch(
        /check constraint/,
      );
      // a credit used as the debit side (and the other way round) breaks the signs
      expect(await refusal(() => insertApplication(creditId, untouchedId, 100n))).toMatch(
        /check constraint/,
      );
      // an unapplication of more than was applied
      expect(
        await refusal(() => insertApplication(invoiceId, memoId, -3001n, applicationId)),
      ).toMatch(/check constraint/);
    });

    it('refuses an application to a voided document', async () => {
      const voidedId = await org.run(async (ctx) => {
        const id = await svc.createInvoice(ctx, {
          customerId: org.customers[0]!,
          issueDate: '2026-02-06',
          currency: 'USD',
          lines: [{ description: 'Mistake', quantity: '1', unitPrice: '10' }],
        });
        await svc.voidDocument(ctx, id, { reason: 'Mistake', date: '2026-02-07' });
        return id;
      });
      // this test changed the ledger on purpose (a voided invoice): compare from here
      before = await ledgerFingerprint(db, orgId());
      expect(await refusal(() => insertApplication(voidedId, creditId, 100n))).toMatch(
        /is not posted/,
      );
    });
  });
});

/**
 * Ways around the journal that the database does not close yet (reported as defects): each
 * runs in an organization of its own, so that what gets through does not spoil the suite above.
 */
describe.each(databaseKinds())('ledger integrity gaps on %s', (kind) => {
  let database: Database;
  let db: Kysely<DB>;
  let org: LedgerOrg;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
  });
  afterAll(() => database?.close());

  beforeEach(async () => {
    org = await createLedgerOrg(db, ['USD', 'USD', 'EUR']);
  });

  const invoice = (customer: number, draft = false) =>
    org.run((ctx) =>
      svc.createInvoice(ctx, {
        customerId: org.customers[customer]!,
        issueDate: '2026-02-02',
        currency: customer === 2 ? 'EUR' : 'USD',
        lines: [{ description: 'Service', quantity: '1', unitPrice: '100' }],
        draft,
      }),
    );
  const credit = (customer: number) =>
    org.run((ctx) =>
      svc.createMemo(ctx, 'credit_memo', {
        customerId: org.customers[customer]!,
        amount: '40.00',
        reason: 'Goodwill',
        issueDate: '2026-02-03',
      }),
    );

  it('refuses posting a draft directly, without its journal entry', async () => {
    const id = await invoice(0, true);
    const message = await refusal(() =>
      db.transaction().execute(async (trx) => {
        await sql`update ar_documents set state = 'posted', number = 'INV-000777',
          open_minor = amount_minor where org_id = ${org.orgId} and id = ${id}`.execute(trx);
      }),
    );
    expect(message).toMatch(/journal|entry|posted/i);
  });

  it('refuses voiding a posted document directly, without its reversing entry', async () => {
    const id = await invoice(0);
    // today this commits: the sub-ledger drops the invoice, the AR control account keeps it
    const message = await refusal(() =>
      db.transaction().execute(async (trx) => {
        await sql`update ar_documents set state = 'voided', open_minor = 0,
          voided_date = '2026-02-10', void_reason = 'by hand'
          where org_id = ${org.orgId} and id = ${id}`.execute(trx);
      }),
    );
    expect(message).toMatch(/journal|entry|revers/i);
  });

  it('refuses editing or deleting the lines of a posted document', async () => {
    const id = await invoice(0);
    // today both succeed: the invoice's printed lines no longer add up to its posted total
    expect(
      await refusal(() =>
        sql`update ar_document_lines set unit_price = 1, amount_minor = 100
          where org_id = ${org.orgId} and document_id = ${id}`.execute(db),
      ),
      'update',
    ).toBeTruthy();
    expect(
      await refusal(() =>
        sql`delete from ar_document_lines where org_id = ${org.orgId} and document_id = ${id}`.execute(
          db,
        ),
      ),
      'delete',
    ).toBeTruthy();
  });

  it('refuses an application between two customers or two currencies', async () => {
    const invoiceId = await invoice(0);
    for (const creditId of [await credit(1), await credit(2)]) {
      // today both commit: one customer's credit pays another's invoice, euros pay dollars
      expect(
        await refusal(() =>
          db
            .insertInto('ar_applications')
            .values({
              id: newId(),
              org_id: org.orgId,
              debit_document_id: invoiceId,
              credit_document_id: creditId,
              amount_minor: 1000n,
              effective_date: '2026-02-20',
              reverses_application_id: null,
              reason: 'integrity test',
              actor_name: 'integrity test',
              created_at: LEDGER_NOW,
            })
            .execute(),
        ),
      ).toBeTruthy();
    }
  });
});
