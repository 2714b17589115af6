import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';
import { systemActor } from '../../src/shared/actor.ts';
import {
  buildOpeningItems,
  createInvoices,
  findBatchConflicts,
  postBuiltDocuments,
} from '../../src/modules/billing/documents.batch.ts';
import { glReconciliation, trialBalance } from '../../src/modules/ledger/reports.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe.each(databaseKinds())('batch posting on %s', (kind) => {
  let server: TestServer;
  let orgId: string;
  let customers: Array<{ id: string; currency: string }>;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'batch');
    orgId = org.orgId;
    customers = [];
    for (let i = 0; i < 12; i++) {
      const res = await org.clients.manager.post<{ id: string; currency: string }>(
        '/api/v1/customers',
        {
          accountNumber: `B-${i}`,
          name: `Batch customer ${i}`,
          currency: 'EUR',
          paymentTerms: 'NET30',
        },
      );
      expect(res.status).toBe(201);
      customers.push(res.body);
    }
  });
  afterAll(() => server?.close());

  const run = <T>(
    fn: (ctx: {
      db: typeof server.runtime.database.db;
      actor: ReturnType<typeof systemActor>;
      now: Date;
    }) => Promise<T>,
  ) =>
    server.runtime.database.db
      .transaction()
      .execute((db) => fn({ db, actor: systemActor(orgId, 'batch test'), now: new Date() }));

  it('posts a batch with contiguous numbers and a ledger that ties', async () => {
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      customerId: customers[i % customers.length]!.id,
      issueDate: `2026-0${1 + (i % 9)}-15`,
      currency: 'EUR',
      externalId: `BATCH-${i}`,
      lines: [
        {
          description: 'Bearings',
          quantity: String(1 + (i % 7)),
          unitPrice: '12.3456',
          taxRate: '6.25',
        },
        { description: 'Freight', quantity: '1', unitPrice: '40' },
      ],
    }));
    const posted = await run((ctx) => createInvoices(ctx, inputs));
    expect(posted).toHaveLength(150);
    const numbers = posted.map((p) => Number(p.number.slice(4)));
    expect(numbers[149]! - numbers[0]!).toBe(149);
    const actor = systemActor(orgId);
    const rec = await glReconciliation(server.runtime.database.db, actor, '2026-12-31' as never, {
      explain: true,
    });
    expect(rec.difference).toBe('0.00');
    expect(rec.explanations).toEqual([]);
    const tb = await trialBalance(server.runtime.database.db, actor, '2026-12-31' as never);
    for (const t of tb.totals) expect(t.debit).toBe(t.credit);
  });

  it('refuses the whole batch and names every bad line', async () => {
    const count = async () =>
      (
        await server.runtime.database.db
          .selectFrom('ar_documents')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const good = {
      customerId: customers[0]!.id,
      issueDate: '2026-03-01',
      currency: 'EUR',
      lines: [{ description: 'x', quantity: '1', unitPrice: '1' }],
    };
    const error = await run((ctx) =>
      createInvoices(ctx, [
        good,
        { ...good, customerId: '0190a0a0-0000-7000-8000-000000000000' },
        { ...good, lines: [{ description: 'x', quantity: '-2', unitPrice: '1' }] },
        { ...good, externalId: 'BATCH-3' },
        { ...good, externalId: 'DUP' },
        { ...good, externalId: 'DUP' },
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const errors = (error as AppError).errors;
    expect(errors.map((e) => [e.line, e.path])).toEqual([
      [2, 'customerId'],
      [3, 'lines.0.quantity'],
      [4, 'externalId'],
      [6, 'externalId'],
    ]);
    expect(await count()).toBe(before);
  });

  it('moves the invoice series past imported numbers that look like its own', async () => {
    const [next] = await run(async (ctx) => {
      const built = await buildOpeningItems(ctx, [
        {
          kind: 'invoice',
          customerId: customers[2]!.id,
          number: 'INV-000900',
          issueDate: '2026-01-10',
          currency: 'EUR',
          openAmountMinor: 1_000n,
        },
      ]);
      const documents = built.map((b) => {
        if ('error' in b) throw b.error;
        return b.document;
      });
      await postBuiltDocuments(ctx, documents);
      return createInvoices(ctx, [
        {
          customerId: customers[2]!.id,
          issueDate: '2026-01-11',
          currency: 'EUR',
          lines: [{ description: 'After go-live', quantity: '1', unitPrice: '5' }],
        },
      ]);
    });
    expect(next!.number).toBe('INV-000901');
  });

  it('brings over open items with their old numbers against the opening-balance account', async () => {
    const items = await run(async (ctx) => {
      const built = await buildOpeningItems(ctx, [
        {
          kind: 'invoice',
          customerId: customers[1]!.id,
          number: 'ERP-1001',
          issueDate: '2025-12-01',
          dueDate: '2025-12-31',
          currency: 'EUR',
          openAmountMinor: 120_050n,
        },
        {
          kind: 'credit_memo',
          customerId: customers[1]!.id,
          number: 'ERP-CN-7',
          issueDate: '2025-12-05',
          currency: 'EUR',
          openAmountMinor: 5_000n,
        },
      ]);
      const documents = built.map((b) => {
        if ('error' in b) throw b.error;
        return b.document;
      });
      expect((await findBatchConflicts(ctx.db, orgId, documents)).size).toBe(0);
      return postBuiltDocuments(ctx, documents);
    });
    expect(items.map((i) => i.number)).toEqual(['ERP-1001', 'ERP-CN-7']);
    const tb = await trialBalance(
      server.runtime.database.db,
      systemActor(orgId),
      '2025-12-31' as never,
    );
    expect(tb.accounts.find((a) => a.code === '3900')).toMatchObject({ credit: '1150.50' });
    const rec = await glReconciliation(
      server.runtime.database.db,
      systemActor(orgId),
      '2025-12-31' as never,
    );
    expect(rec.difference).toBe('0.00');
  });
});
