/**
 * Concurrent writes over HTTP against PostgreSQL. PGlite runs one query at a time, so these
 * races can only happen on a server: the suite runs on PostgreSQL only, and under CI=true a
 * missing TEST_DATABASE_URL fails the run (databaseKinds() throws) instead of skipping.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glReconciliation } from '../../src/modules/ledger/reports.ts';
import type { Actor } from '../../src/shared/actor.ts';
import { parseIsoDate } from '../../src/shared/dates.ts';
import { newId } from '../../src/shared/ids.ts';
import { formatAmount, parseAmount } from '../../src/shared/money.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import {
  expectDocumentsConsistent,
  expectJournalBalanced,
  expectNumbersContiguous,
  expectReconciled,
} from './support/ledger-checks.ts';

type Doc = { id: string; number: string; total: string; openBalance: string; status: string };
type Problem = { status: number; code: string; detail: string };

const CONCURRENCY = 32;
const onPostgres = databaseKinds().includes('postgres');

describe.skipIf(!onPostgres)('concurrent ledger writes on postgres', () => {
  let server: TestServer;
  let manager: ApiClient;
  let actor: Actor;
  let customerId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind: 'postgres', demoCustomers: 3 });
    manager = await ApiClient.login(server, 'manager@demo.dunwell.test', TEST_PASSWORD);
    const res = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'RACE-1',
      name: 'Race Conditions Ltd',
      currency: 'USD',
      paymentTerms: 'NET30',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    customerId = res.body.id;
    const org = await server.runtime.database.db
      .selectFrom('customers')
      .select('org_id')
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow();
    actor = {
      orgId: org.org_id,
      type: 'system',
      id: null,
      name: 'test',
      role: 'admin',
      requestId: null,
    };
  });
  afterAll(() => server?.close());

  const db = () => server.runtime.database.db;

  const invoice = (amount: string, issueDate = '2026-03-02') =>
    manager.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate,
      currency: 'USD',
      lines: [{ description: 'Service', quantity: '1', unitPrice: amount }],
    });

  const creditMemo = async (amount: string) => {
    const res = await manager.post<Doc>('/api/v1/credit-memos', {
      customerId,
      amount,
      reason: 'Race test',
      issueDate: '2026-03-02',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  const getInvoice = async (id: string) => (await manager.get<Doc>(`/api/v1/invoices/${id}`)).body;

  /** A refusal is a 409 or 422 problem+json, never a 500. */
  function expectRefusal(res: ApiResponse<unknown>, codes: string[]) {
    expect([409, 422], JSON.stringify(res.body)).toContain(res.status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(codes, JSON.stringify(res.body)).toContain((res.body as Problem).code);
  }

  async function expectLedgerTies() {
    await expectJournalBalanced(db(), actor.orgId);
    await expectDocumentsConsistent(db(), actor.orgId);
    await expectNumbersContiguous(db(), actor.orgId);
    await expectReconciled(
      db(),
      actor,
      ['2026-03-01', '2026-03-02', '2026-03-31'].map(parseIsoDate),
    );
    const api = await manager.get<{ difference: string }>(
      '/api/v1/reports/gl-reconciliation?asOf=2026-12-31',
    );
    expect(api.body.difference).toBe('0.00');
  }

  it(`numbers ${CONCURRENCY} invoices posted at once uniquely and without gaps`, async () => {
    const responses = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) => invoice(`${i + 1}.00`)),
    );
    for (const res of responses) expect(res.status, JSON.stringify(res.body)).toBe(201);
    const numbers = responses.map((r) => Number(/(\d+)$/.exec(r.body.number)![1]));
    expect(new Set(numbers).size).toBe(CONCURRENCY);
    const sorted = [...numbers].sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]! + 1, `numbers ${sorted.join(',')}`).toBe(CONCURRENCY);
    // and nothing else in the series: every invoice of the organization is 1..n
    await expectLedgerTies();
  });

  it(`lets ${CONCURRENCY} credits race for one invoice without over-applying it`, async () => {
    const target = await invoice('100.00');
    expect(target.status).toBe(201);
    // 32 credit memos of 3.00 … 9.20: together far more than the 100.00 open
    const amounts = Array.from({ length: CONCURRENCY }, (_, i) =>
      formatAmount(300n + BigInt((i * 37) % 63) * 10n, 'USD'),
    );
    const memos: Doc[] = [];
    for (const amount of amounts) memos.push(await creditMemo(amount));
    const responses = await Promise.all(
      memos.map((memo, i) =>
        manager.post<Doc | Problem>(`/api/v1/credit-memos/${memo.id}/applications`, {
          invoiceId: target.body.id,
          amount: amounts[i],
          date: '2026-03-10',
        }),
      ),
    );
    let applied = 0n;
    const refused: bigint[] = [];
    for (const [i, res] of responses.entries()) {
      const amount = parseAmount(amounts[i]!, 'USD');
      if (res.status === 201) applied += amount;
      else {
        expectRefusal(res, ['exceeds_open_balance', 'concurrent_update']);
        refused.push(amount);
      }
    }
    expect(applied > 0n && applied <= 10_000n, `applied ${applied}`).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    const after = await getInvoice(target.body.id);
    const open = parseAmount(after.openBalance, 'USD');
    expect(open).toBe(10_000n - applied);
    expect(open >= 0n).toBe(true);
    // the open balance only went down, so a refused credit must not fit even now
    for (const amount of refused)
      expect(amount > open, `refused ${amount}, open ${open}`).toBe(true);
    // every memo is either fully applied or untouched
    for (const [i, memo] of memos.entries()) {
      const state = (await manager.get<Doc>(`/api/v1/credit-memos/${memo.id}`)).body;
      expect(state.openBalance).toBe(responses[i]!.status === 201 ? '0.00' : amounts[i]);
    }
    await expectLedgerTies();
    const rec = await glReconciliation(db(), actor, parseIsoDate('2026-03-10'), { explain: true });
    expect(rec.explanations).toEqual([]);
  });

  it('voids an invoice exactly once when many voids race', async () => {
    const target = await invoice('80.00');
    const memo = await creditMemo('30.00');
    const applied = await manager.post(`/api/v1/credit-memos/${memo.id}/applications`, {
      invoiceId: target.body.id,
      amount: '30.00',
      date: '2026-03-05',
    });
    expect(applied.status).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        manager.post(`/api/v1/invoices/${target.body.id}/void`, {
          reason: `Race ${i}`,
          date: '2026-03-12',
        }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 200))
      expectRefusal(res, ['cannot_void', 'concurrent_update']);
    expect((await getInvoice(target.body.id)).status).toBe('voided');
    // the credit came back once, and one reversing entry was posted
    expect((await manager.get<Doc>(`/api/v1/credit-memos/${memo.id}`)).body.openBalance).toBe(
      '30.00',
    );
    const voids = await db()
      .selectFrom('journal_entries')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('document_id', '=', target.body.id)
      .where('kind', '=', 'void')
      .execute();
    expect(voids).toHaveLength(1);
    await expectLedgerTies();
  });

  it('takes an application back exactly once when many unapplies race', async () => {
    const target = await invoice('60.00');
    const memo = await creditMemo('25.00');
    const applied = await manager.post<Doc>(`/api/v1/credit-memos/${memo.id}/applications`, {
      invoiceId: target.body.id,
      amount: '25.00',
      date: '2026-03-05',
    });
    expect(applied.status).toBe(201);
    const application = await db()
      .selectFrom('ar_applications')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('credit_document_id', '=', memo.id)
      .executeTakeFirstOrThrow();
    const responses = await Promise.all(
      Array.from({ length: 16 }, () =>
        manager.post(`/api/v1/applications/${application.id}/unapply`, {
          reason: 'Race',
          date: '2026-03-06',
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 201))
      expectRefusal(res, ['already_unapplied', 'duplicate', 'concurrent_update']);
    expect((await getInvoice(target.body.id)).openBalance).toBe('60.00');
    expect((await manager.get<Doc>(`/api/v1/credit-memos/${memo.id}`)).body.openBalance).toBe(
      '25.00',
    );
    await expectLedgerTies();
  });

  it('writes off, applies and voids the same invoice at once without breaking a balance', async () => {
    const target = await invoice('90.00');
    const memos = [await creditMemo('20.00'), await creditMemo('35.00')];
    const responses = await Promise.all([
      manager.post(`/api/v1/credit-memos/${memos[0]!.id}/applications`, {
        invoiceId: target.body.id,
        amount: '20.00',
        date: '2026-03-08',
      }),
      manager.post(`/api/v1/invoices/${target.body.id}/write-off`, {
        reason: 'Race',
        date: '2026-03-08',
      }),
      manager.post(`/api/v1/credit-memos/${memos[1]!.id}/applications`, {
        invoiceId: target.body.id,
        amount: '35.00',
        date: '2026-03-08',
      }),
      manager.post(`/api/v1/invoices/${target.body.id}/void`, {
        reason: 'Race',
        date: '2026-03-09',
      }),
    ]);
    for (const res of responses) {
      if (res.status >= 300)
        expectRefusal(res, [
          'exceeds_open_balance',
          'nothing_to_write_off',
          'cannot_void',
          'cannot_apply',
          'concurrent_update',
          'validation_failed',
        ]);
    }
    await expectLedgerTies();
  });
  it('a customer deleted while a document for it is inserted waits for it, then is refused', async () => {
    // the document's reference is checked per statement (0006) and locks the customer as a
    // foreign key did: the DELETE cannot slip between the check and the commit
    const created = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'RACE-DELETE',
      name: 'Deleted While Billed Ltd',
      currency: 'USD',
      paymentTerms: 'NET30',
    });
    expect(created.status).toBe(201);
    const victim = created.body.id;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const draftId = newId();
    const insert = db()
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('ar_documents')
          .values({
            id: draftId,
            org_id: actor.orgId,
            customer_id: victim,
            kind: 'invoice',
            state: 'draft',
            number: null,
            currency: 'USD',
            issue_date: '2026-03-01',
            amount_minor: 0n,
            open_minor: 0n,
            created_by_name: 'race test',
            created_at: new Date(),
            updated_at: new Date(),
          })
          .execute();
        inserted();
        await gate;
      });
    await insertedYet;
    let settled = false;
    const deletion = sql`delete from customers where id = ${victim}`
      .execute(db())
      .finally(() => (settled = true));
    deletion.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled, 'the DELETE waits for the inserting transaction').toBe(false);
    release();
    await insert;
    await expect(deletion).rejects.toThrow(/has documents, receipts or journal lines/);
    await db().deleteFrom('ar_documents').where('id', '=', draftId).execute();
  });
});
