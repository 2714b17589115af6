import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsByRole, postEntry, reverseEntry } from '../../src/modules/ledger/index.ts';
import { systemActor } from '../../src/shared/actor.ts';
import type { IsoDate } from '../../src/shared/dates.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Doc = {
  id: string;
  number: string;
  status: string;
  total: string;
  openBalance: string;
  dueDate: string;
  subtotal: string;
  tax: string;
  discountDate: string | null;
  discountAmount: string;
  lines: Array<{ amount: string; tax: string }>;
  applications: Array<{ id: string; amount: string; reversed: boolean }>;
  journalEntries: Array<{
    kind: string;
    lines: Array<{ accountCode: string; debit: string; credit: string }>;
  }>;
};
type Problem = { code: string; detail: string; errors?: Array<{ path: string; message: string }> };
type Rec = { subledgerBalance: string; controlBalance: string; difference: string };

describe.each(databaseKinds())('ledger API on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let customerId: string;
  let orgId: string;

  beforeAll(async () => {
    // an organization of its own, so organization-wide figures are this test's alone
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'ledger');
    orgId = org.orgId;
    manager = org.clients.manager;
    collector = org.clients.collector;
    const res = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'LEDG-1',
      name: 'Ledger Test Co',
      currency: 'EUR',
      paymentTerms: '2/10NET30',
    });
    expect(res.status).toBe(201);
    customerId = res.body.id;
  });
  afterAll(() => server?.close());

  const reconcile = async (asOf: string) => {
    const res = await manager.get<Rec>(`/api/v1/reports/gl-reconciliation?asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('invoices, credits, applies, writes off, refunds and voids; the ledger ties at every step', async () => {
    const inv = await collector.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-01',
      currency: 'EUR',
      lines: [
        { description: 'Widgets', quantity: '3', unitPrice: '19.995', taxRate: '8.25' },
        { description: 'Freight', quantity: '1', unitPrice: '25.00' },
      ],
    });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    // 3 × 19.995 = 59.985 → 59.99; tax 8.25 % of 59.99 = 4.949175 → 4.95
    expect(inv.body).toMatchObject({
      status: 'open',
      subtotal: '84.99',
      tax: '4.95',
      total: '89.94',
      openBalance: '89.94',
      dueDate: '2026-10-31',
      discountDate: '2026-10-11',
      discountAmount: '1.80',
    });
    expect(inv.body.number).toMatch(/^INV-\d{6}$/);

    const cm = await collector.post<Doc>('/api/v1/credit-memos', {
      customerId,
      invoiceId: inv.body.id,
      amount: '100.00',
      reason: 'Damaged goods',
      issueDate: '2026-10-05',
    });
    expect(cm.status, JSON.stringify(cm.body)).toBe(201);
    expect(cm.body).toMatchObject({
      status: 'partially_applied',
      total: '100.00',
      openBalance: '10.06',
    });
    const after = await manager.get<Doc>(`/api/v1/invoices/${inv.body.id}`);
    expect(after.body).toMatchObject({ status: 'paid', openBalance: '0.00' });
    expect(await reconcile('2026-10-31')).toMatchObject({
      subledgerBalance: '-10.06',
      controlBalance: '-10.06',
      difference: '0.00',
    });
    expect(await reconcile('2026-10-03')).toMatchObject({
      subledgerBalance: '89.94',
      difference: '0.00',
    });

    const inv2 = await collector.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-10',
      currency: 'EUR',
      lines: [{ description: 'Service', quantity: '2', unitPrice: '50' }],
    });
    expect(inv2.status).toBe(201);
    const applied = await collector.post<Doc>(`/api/v1/credit-memos/${cm.body.id}/applications`, {
      invoiceId: inv2.body.id,
      amount: '10.06',
      date: '2026-10-12',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ status: 'applied', openBalance: '0.00' });
    const over = await collector.post<Problem>(`/api/v1/credit-memos/${cm.body.id}/applications`, {
      invoiceId: inv2.body.id,
      amount: '0.01',
    });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('exceeds_open_balance');

    // write-off needs a manager
    expect(
      (await collector.post(`/api/v1/invoices/${inv2.body.id}/write-off`, { reason: 'Bankrupt' }))
        .status,
    ).toBe(403);
    const wo = await manager.post<Doc>(`/api/v1/invoices/${inv2.body.id}/write-off`, {
      reason: 'Bankrupt',
      date: '2026-10-20',
    });
    expect(wo.status, JSON.stringify(wo.body)).toBe(201);
    expect((await manager.get<Doc>(`/api/v1/invoices/${inv2.body.id}`)).body).toMatchObject({
      status: 'written_off',
      openBalance: '0.00',
    });

    // a standalone credit memo refunded in part
    const cm2 = await collector.post<Doc>('/api/v1/credit-memos', {
      customerId,
      amount: '40.00',
      reason: 'Goodwill',
      issueDate: '2026-10-15',
    });
    expect(cm2.body.status).toBe('unapplied');
    const refund = await manager.post<Doc>('/api/v1/refunds', {
      creditDocumentId: cm2.body.id,
      amount: '15.00',
      reason: 'Customer asked',
      method: 'check',
      date: '2026-10-16',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect((await manager.get<Doc>(`/api/v1/credit-memos/${cm2.body.id}`)).body).toMatchObject({
      status: 'partially_applied',
      openBalance: '25.00',
    });

    // a credit has no due date: it is never overdue, so it is listed as not overdue
    const notOverdue = await manager.get<{ items: Array<{ id: string }> }>(
      `/api/v1/ar-documents?customerId=${customerId}&overdue=false`,
    );
    expect(notOverdue.body.items.map((d) => d.id)).toContain(cm2.body.id);
    // void the first invoice: the credit memo's application comes back
    const voided = await collector.post<Doc>(`/api/v1/invoices/${inv.body.id}/void`, {
      reason: 'Billed twice',
      date: '2026-10-25',
    });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body.status).toBe('voided');
    expect(voided.body.journalEntries.map((e) => e.kind)).toContain('void');
    expect((await manager.get<Doc>(`/api/v1/credit-memos/${cm.body.id}`)).body).toMatchObject({
      openBalance: '89.94',
    });

    for (const date of [
      '2026-09-30',
      '2026-10-01',
      '2026-10-05',
      '2026-10-12',
      '2026-10-16',
      '2026-10-20',
      '2026-10-25',
      '2026-12-31',
    ]) {
      expect((await reconcile(date)).difference, date).toBe('0.00');
    }
    const tb = await manager.get<{
      totals: Array<{ debit: string; credit: string }>;
      accounts: Array<{ code: string; debit: string; credit: string }>;
    }>('/api/v1/ledger/trial-balance?asOf=2026-12-31');
    expect(tb.status).toBe(200);
    expect(tb.body.totals[0]!.debit).toBe(tb.body.totals[0]!.credit);
  });

  it('verify finds an AR posting that belongs to no document, and the reconciliation explains it', async () => {
    expect(
      (await manager.get<{ ok: boolean }>('/api/v1/ledger/verify?asOf=2026-12-31')).body,
    ).toEqual({ ok: true, problems: [] });
    const db = server.runtime.database.db;
    const actor = systemActor(orgId, 'manual journal');
    const accounts = await accountsByRole(db, orgId);
    // a manual journal straight to AR control, outside any document: the books no longer tie
    await db.transaction().execute((trx) =>
      postEntry(trx, actor, new Date(), {
        effectiveDate: '2026-11-02' as IsoDate,
        currency: 'EUR',
        kind: 'manual',
        description: 'Manual journal to AR',
        lines: [
          { accountId: accounts.ar_control.id, debitMinor: 1234n },
          { accountId: accounts.revenue.id, creditMinor: 1234n },
        ],
      }),
    );
    const verify = await manager.get<{
      ok: boolean;
      problems: Array<{ check: string; detail: string }>;
    }>('/api/v1/ledger/verify?asOf=2026-12-31');
    expect(verify.body.ok).toBe(false);
    expect(verify.body.problems[0]).toMatchObject({ check: 'gl_reconciliation' });
    const rec = await manager.get<
      Rec & {
        explanations: Array<{
          documentId: string | null;
          ledgerBalance: string;
          difference: string;
        }>;
      }
    >('/api/v1/reports/gl-reconciliation?asOf=2026-12-31');
    expect(rec.body.difference).toBe('-12.34');
    expect(rec.body.explanations).toEqual([
      expect.objectContaining({ documentId: null, ledgerBalance: '12.34', difference: '-12.34' }),
    ]);
    expect((await reconcile('2026-11-01')).difference).toBe('0.00');
    // the correction is a reversing entry, never an edit
    const entry = await db
      .selectFrom('journal_entries')
      .select('id')
      .where('org_id', '=', orgId)
      .where('kind', '=', 'manual')
      .executeTakeFirstOrThrow();
    await db
      .transaction()
      .execute((trx) =>
        reverseEntry(
          trx,
          actor,
          new Date(),
          entry.id,
          '2026-11-03' as IsoDate,
          'manual_reversal',
          'Reverse manual journal',
        ),
      );
    expect((await reconcile('2026-12-31')).difference).toBe('0.00');
    expect((await reconcile('2026-11-02')).difference).toBe('-12.34');
  });

  it('edits, posts and deletes drafts; a posted invoice cannot be edited', async () => {
    const body = {
      customerId,
      issueDate: '2026-11-01',
      currency: 'EUR',
      draft: true,
      lines: [{ description: 'Draft line', quantity: '1', unitPrice: '10.00' }],
    };
    const draft = await collector.post<Doc & { state: string }>('/api/v1/invoices', body);
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', number: null, journalEntries: [] });
    const { draft: _d, ...edit } = body;
    const edited = await collector.put<Doc>(`/api/v1/invoices/${draft.body.id}`, {
      ...edit,
      lines: [{ description: 'Edited line', quantity: '2', unitPrice: '10.00' }],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.total).toBe('20.00');
    const posted = await collector.post<Doc>(`/api/v1/invoices/${draft.body.id}/post`);
    expect(posted.status).toBe(200);
    expect(posted.body.number).toMatch(/^INV-/);
    expect(
      (await collector.put<Problem>(`/api/v1/invoices/${draft.body.id}`, edit)).body.code,
    ).toBe('not_a_draft');
    expect((await collector.delete<Problem>(`/api/v1/invoices/${draft.body.id}`)).status).toBe(422);
    const other = await collector.post<Doc>('/api/v1/invoices', body);
    const deleted = await collector.delete(`/api/v1/invoices/${other.body.id}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    expect((await collector.get(`/api/v1/invoices/${other.body.id}`)).status).toBe(404);
  });

  it("keeps corrections a manager made out of a collector's reach, and dates out of the past", async () => {
    const cust = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'LEDG-2',
      name: 'Exempt GmbH',
      currency: 'EUR',
      paymentTerms: 'NET30',
      addresses: [
        { kind: 'billing', line1: 'Hauptstr. 1', city: 'Berlin', region: 'BE', country: 'DE' },
      ],
    });
    expect(cust.status).toBe(201);
    const id = cust.body.id;
    await manager.post(`/api/v1/customers/${id}/tax-certificates`, {
      jurisdiction: 'DE-BE',
      certificateNumber: 'BE-EX-1',
    });
    const line = { description: 'Parts', quantity: '1', unitPrice: '100.00', taxRate: '19' };
    const a = await collector.post<Doc>('/api/v1/invoices', {
      customerId: id,
      issueDate: '2026-03-01',
      currency: 'EUR',
      lines: [line],
    });
    const b = await collector.post<Doc>('/api/v1/invoices', {
      customerId: id,
      issueDate: '2026-03-01',
      currency: 'EUR',
      lines: [line],
    });
    expect(a.body).toMatchObject({ tax: '0.00', total: '100.00' });
    // memo lines follow the same exemption as invoices
    const dm = await collector.post<Doc>('/api/v1/debit-memos', {
      customerId: id,
      lines: [line],
      reason: 'Extra parts',
      issueDate: '2026-03-02',
    });
    expect(dm.status, JSON.stringify(dm.body)).toBe(201);
    expect(dm.body).toMatchObject({ tax: '0.00', total: '100.00' });
    // a collector cannot post a memo to an expense account (that is a write-off)
    const badDebtMemo = await collector.post<Problem>('/api/v1/credit-memos', {
      customerId: id,
      invoiceId: b.body.id,
      amount: '10.00',
      accountCode: '6100',
      reason: 'x',
    });
    expect(badDebtMemo.status).toBe(400);
    expect(badDebtMemo.body.errors?.[0]?.path).toBe('accountCode');
    // nor move a manager's write-off
    const wo = await manager.post<Doc>(`/api/v1/invoices/${a.body.id}/write-off`, {
      reason: 'Bankrupt',
      date: '2026-03-10',
    });
    expect(wo.status).toBe(201);
    const woApp = (await manager.get<Doc>(`/api/v1/ar-documents/${wo.body.id}`)).body
      .applications[0]!;
    expect((await collector.post(`/api/v1/applications/${woApp.id}/unapply`, {})).status).toBe(403);
    expect(
      (
        await collector.post(`/api/v1/credit-memos/${wo.body.id}/applications`, {
          invoiceId: b.body.id,
          amount: '1.00',
        })
      ).status,
    ).toBe(403);
    // nothing is dated before the latest application of its documents
    const cm = await collector.post<Doc>('/api/v1/credit-memos', {
      customerId: id,
      amount: '30.00',
      reason: 'Return',
      issueDate: '2026-03-01',
    });
    const applied = await collector.post<Doc>(`/api/v1/credit-memos/${cm.body.id}/applications`, {
      invoiceId: b.body.id,
      amount: '30.00',
      date: '2026-03-10',
    });
    expect(applied.status).toBe(201);
    const appId = applied.body.applications[0]!.id;
    expect(
      (await collector.post(`/api/v1/applications/${appId}/unapply`, { date: '2026-03-20' }))
        .status,
    ).toBe(201);
    const backdatedApply = await collector.post<Problem>(
      `/api/v1/credit-memos/${cm.body.id}/applications`,
      { invoiceId: b.body.id, amount: '10.00', date: '2026-03-05' },
    );
    expect(backdatedApply.status).toBe(400);
    expect(backdatedApply.body.errors?.[0]?.path).toBe('date');
    const backdatedVoid = await collector.post<Problem>(`/api/v1/credit-memos/${cm.body.id}/void`, {
      reason: 'x',
      date: '2026-03-05',
    });
    expect(backdatedVoid.status).toBe(400);
    // the billing currency is fixed once documents exist
    const currency = await manager.patch<Problem>(`/api/v1/customers/${id}`, { currency: 'USD' });
    expect(currency.status).toBe(422);
    expect(currency.body.code).toBe('currency_in_use');
    expect(
      (await manager.get<{ ok: boolean }>('/api/v1/ledger/verify?asOf=2026-03-31')).body.ok,
    ).toBe(true);
  });

  it('refuses bad input with a clear error naming the field', async () => {
    const base = { customerId, issueDate: '2026-10-01', currency: 'EUR' };
    const unknown = await collector.post<Problem>('/api/v1/invoices', {
      ...base,
      customerId: '0190a0a0-0000-7000-8000-000000000000',
      lines: [{ description: 'x', quantity: '1', unitPrice: '1' }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_customer');
    const negative = await collector.post<Problem>('/api/v1/invoices', {
      ...base,
      lines: [{ description: 'x', quantity: '-1', unitPrice: '1' }],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.errors?.[0]?.path).toBe('lines.0.quantity');
    const decimals = await collector.post<Problem>('/api/v1/credit-memos', {
      customerId,
      amount: '10.001',
      reason: 'x',
    });
    expect(decimals.status).toBe(400);
    expect(decimals.body.errors?.[0]?.path).toBe('amount');
    const lock = await manager.put('/api/v1/ledger/period-lock', { closedThrough: '2026-10-31' });
    expect(lock.status).toBe(200);
    const locked = await collector.post<Problem>('/api/v1/invoices', {
      ...base,
      lines: [{ description: 'x', quantity: '1', unitPrice: '1' }],
    });
    expect(locked.status).toBe(422);
    expect(locked.body.code).toBe('period_closed');
    expect((await manager.put('/api/v1/ledger/period-lock', { closedThrough: null })).status).toBe(
      200,
    );
  });
});
