/**
 * What AR staff cannot do however the requests are cut: give an invoice away as discounts
 * beyond the tolerance, date a movement after today, or date one where the money it moves was
 * still in use.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Payment = { id: string; applications: Array<{ id: string; via: string; date: string }> };
type Problem = { code: string; detail: string; errors?: Array<{ path: string; message: string }> };

describe.each(databaseKinds())('payment limits on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let customerId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'limits');
    manager = org.clients.manager;
    collector = org.clients.collector;
    customerId = await createCustomer(manager, { accountNumber: 'LIM-1', name: 'Limits GmbH' });
  });
  afterAll(() => server?.close());

  const receipt = (amount: string, extra: Record<string, unknown> = {}) =>
    collector.created<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount,
      currency: 'EUR',
      receivedDate: '2026-11-20',
      ...extra,
    });

  /** Documents whose balance as of `asOf` (applications dated by then) is past zero or their amount. */
  const outOfBoundsOn = async (asOf: string, ids: string[]) => {
    const { rows } = await sql<{ id: string; amount: string; open: string }>`
      select d.id, d.amount_minor::text as amount, (d.amount_minor
        - coalesce((select sum(a.amount_minor) from ar_applications a
            where a.org_id = d.org_id and a.debit_document_id = d.id and a.effective_date <= ${asOf}::date), 0)
        + coalesce((select sum(a.amount_minor) from ar_applications a
            where a.org_id = d.org_id and a.credit_document_id = d.id and a.effective_date <= ${asOf}::date), 0))::text as open
      from ar_documents d where d.id in (${sql.join(ids)})`.execute(server.runtime.database.db);
    return rows.filter((r) => {
      const amount = BigInt(r.amount);
      const open = BigInt(r.open);
      return amount >= 0n ? open < 0n || open > amount : open > 0n || open < amount;
    });
  };
  /** An invoice paid on 11-18 by a receipt whose application was taken back on 11-22. */
  const paidThenTakenBack = async () => {
    const inv = await createInvoice(manager, { customerId, amount: '100.00' });
    const p = await receipt('100.00', {
      receivedDate: '2026-11-18',
      applications: [{ invoiceId: inv.id, amount: '100.00' }],
    });
    const taken = await manager.post(`/api/v1/applications/${p.applications[0]!.id}/unapply`, {
      reason: 'Wrong invoice',
      date: '2026-11-22',
    });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    const detail = await manager.get<{ documents: Array<{ id: string; kind: string }> }>(
      `/api/v1/payments/${p.id}`,
    );
    return { inv, payDoc: detail.body.documents.find((d) => d.kind === 'payment')! };
  };

  it("a refund of a payment's cash is not dated while that cash was still applied", async () => {
    const { inv, payDoc } = await paidThenTakenBack();
    const refund = await manager.post<Problem>('/api/v1/refunds', {
      creditDocumentId: payDoc.id,
      amount: '100.00',
      reason: 'Overpaid',
      method: 'wire',
      date: '2026-11-19',
    });
    expect([refund.status, refund.body.errors?.[0]?.path]).toEqual([400, 'date']);
    expect(await outOfBoundsOn('2026-11-20', [payDoc.id, inv.id])).toEqual([]);
  });

  it('a credit memo for an invoice paid meanwhile is applied once the invoice is open again', async () => {
    const { inv } = await paidThenTakenBack();
    const memo = await collector.created<{ id: string }>('/api/v1/credit-memos', {
      customerId,
      invoiceId: inv.id,
      amount: '100.00',
      reason: 'Price agreed',
      issueDate: '2026-11-19',
    });
    expect(await outOfBoundsOn('2026-11-20', [inv.id, memo.id])).toEqual([]);
    const open = await manager.get<{ openBalance: string }>(`/api/v1/ar-documents/${inv.id}`);
    expect(open.body.openBalance).toBe('0.00');
  });

  it('a receipt for an invoice dated after it is applied on the invoice date; a bad discount is named', async () => {
    const inv = await createInvoice(manager, {
      customerId,
      amount: '100.00',
      issueDate: '2026-11-21',
    });
    const p = await collector.created<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '50.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [{ invoiceId: inv.id, amount: '50.00' }],
    });
    expect(p.applications.map((a) => a.date)).toEqual(['2026-11-21']);
    const bad = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '50.00',
      currency: 'EUR',
      receivedDate: '2026-11-21',
      applications: [
        { invoiceId: inv.id, amount: '10.00', discount: '1.001', discountReason: 'agreed' },
      ],
    });
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([422, 'applications[0].discount']);
  });

  it('a receipt reversed as recorded for the wrong customer no longer teaches its payer', async () => {
    const wrong = await createCustomer(manager, {
      accountNumber: 'LIM-W',
      name: 'Wrong Customer Ltd',
    });
    const hints = () =>
      server.runtime.database.db
        .selectFrom('payer_hints')
        .select(['account', 'uses'])
        .where('customer_id', '=', wrong)
        .execute();
    const received = () =>
      collector.created<Payment>('/api/v1/payments', {
        method: 'wire',
        amount: '10.00',
        currency: 'EUR',
        receivedDate: '2026-11-20',
        payerName: 'ACME PAYER',
        payerAccount: 'DE44 5001 0517 5407 3249 31',
      });
    const named = async () => {
      const p = await received();
      const res = await collector.post(`/api/v1/payments/${p.id}/assign-customer`, {
        customerId: wrong,
        date: '2026-11-20',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return p;
    };
    const first = await named();
    const second = await named();
    expect(await hints()).toEqual([{ account: 'DE44500105175407324931', uses: 2 }]);
    const reverse = (p: Payment) =>
      collector.post(`/api/v1/payments/${p.id}/reverse`, {
        reason: 'Assigned to the wrong customer',
        kind: 'error',
      });
    expect((await reverse(first)).status).toBe(200);
    expect(await hints()).toEqual([{ account: 'DE44500105175407324931', uses: 1 }]);
    expect((await reverse(second)).status).toBe(200);
    expect(await hints()).toEqual([]);
  });

  it('a collector cannot give an invoice away 5.00 at a time as discounts; a manager can', async () => {
    const inv = await createInvoice(manager, { customerId, amount: '100.00' });
    const p = await receipt('1.00');
    const discount = (client: ApiClient) =>
      client.post<Problem>(`/api/v1/payments/${p.id}/applications`, {
        date: '2026-11-20',
        applications: [
          { invoiceId: inv.id, amount: '0', discount: '5.00', discountReason: 'goodwill' },
        ],
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await discount(collector)).status);
    // the first 5.00 is within the 5.00 tolerance; the next would make 10.00
    expect(statuses).toEqual([201, 403, 403, 403]);
    const refused = await discount(collector);
    expect(refused.body.detail).toMatch(/5\.00 beyond its terms was granted before/);
    expect((await discount(manager)).status).toBe(201);
    const open = await manager.get<{ openBalance: string }>(`/api/v1/ar-documents/${inv.id}`);
    expect(open.body.openBalance).toBe('90.00');
  });

  it('nothing is applied, reversed, assigned or deposited after today', async () => {
    const inv = await createInvoice(manager, { customerId, amount: '100.00' });
    const p = await receipt('100.00', { method: 'check' });
    const apply = await collector.post<Problem>(`/api/v1/payments/${p.id}/applications`, {
      date: '2099-12-31',
      applications: [{ invoiceId: inv.id, amount: '100.00' }],
    });
    expect([apply.status, apply.body.errors?.[0]?.path]).toEqual([400, 'date']);
    const reverse = await collector.post<Problem>(`/api/v1/payments/${p.id}/reverse`, {
      reason: 'NSF',
      kind: 'nsf',
      date: '2099-12-31',
    });
    expect([reverse.status, reverse.body.errors?.[0]?.path]).toEqual([400, 'date']);
    const unknown = await collector.created<Payment>('/api/v1/payments', {
      method: 'wire',
      amount: '10.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      payerName: 'Somebody',
    });
    const assign = await collector.post<Problem>(`/api/v1/payments/${unknown.id}/assign-customer`, {
      customerId,
      date: '2099-12-31',
    });
    expect([assign.status, assign.body.errors?.[0]?.path]).toEqual([400, 'date']);
    // an invoice dated after today cannot be paid until then: the application would be dated so
    const later = await createInvoice(manager, {
      customerId,
      amount: '10.00',
      issueDate: '2099-01-01',
    });
    const cash = await receipt('10.00');
    const early = await collector.post<Problem>(`/api/v1/payments/${cash.id}/applications`, {
      applications: [{ invoiceId: later.id, amount: '10.00' }],
    });
    expect(early.status).toBe(400);
    expect(early.body.errors?.[0]?.message).toMatch(/after today/);
  });
});

describe.each(databaseKinds())('payments listed by status on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'listing');
    manager = org.clients.manager;
    collector = org.clients.collector;
  });
  afterAll(() => server?.close());

  it('lists the bank accounts of the base currency first, then by name', async () => {
    for (const [name, identifier, currency] of [
      ['Zulu operating', 'DE02120300000000202051', 'EUR'],
      ['Alpha dollars', '987654321', 'USD'],
      ['Bravo reserve', 'DE44500105175407324931', 'EUR'],
    ] as const) {
      await manager.created('/api/v1/bank-accounts', { name, identifier, currency });
    }
    const accounts = await collector.get<{ items: Array<{ name: string }> }>(
      '/api/v1/bank-accounts',
    );
    expect(accounts.body.items.map((a) => a.name)).toEqual([
      'Bravo reserve',
      'Zulu operating',
      'Alpha dollars',
    ]);
  });

  it('finds each status however many payments of other statuses come first', async () => {
    const customerId = await createCustomer(manager, { accountNumber: 'LST-1', name: 'Lister SA' });
    const inv = await createInvoice(manager, { customerId, amount: '30.00' });
    const pay = (amount: string, receivedDate: string, applied?: string) =>
      collector.created<{ id: string }>('/api/v1/payments', {
        customerId,
        method: 'wire',
        amount,
        currency: 'EUR',
        receivedDate,
        ...(applied ? { applications: [{ invoiceId: inv.id, amount: applied }] } : {}),
      });
    const applied = await pay('10.00', '2026-11-02', '10.00');
    const partly = await pay('20.00', '2026-11-02', '5.00');
    for (let i = 0; i < 25; i++) await pay('1.00', '2026-11-03');
    const list = async (status: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: {
          status: number;
          body: { items: Array<{ id: string }>; nextCursor: string | null };
        } = await collector.get(
          `/api/v1/payments?customerId=${customerId}&status=${status}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        ids.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      return ids;
    };
    expect(await list('applied')).toEqual([applied.id]);
    expect(await list('partially_applied')).toEqual([partly.id]);
    expect(await list('unapplied')).toHaveLength(25);
  });
});
