import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postReceiptsBatch, type BatchReceipt } from '../../src/modules/payments/payments.batch.ts';
import { parseIsoDate, type IsoDate } from '../../src/shared/dates.ts';
import type { Actor } from '../../src/shared/actor.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectLedgerTies } from '../ledger/support/ledger-checks.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';

type Payment = {
  id: string;
  number: string;
  status: string;
  amount: string;
  unappliedAmount: string;
  heldAmount: string;
  appliedAmount: string;
  customerId: string | null;
  applications: Array<{
    id: string;
    documentId: string;
    via: string;
    amount: string;
    reversed: boolean;
  }>;
  documents: Array<{ id: string; kind: string; state: string; open: string }>;
  deductions: Array<{
    id: string;
    amount: string;
    openAmount: string;
    reasonCode: string;
    status: string;
    resolution: string | null;
  }>;
  reversalKind: string | null;
  feeDocumentId: string | null;
};
type Doc = { id: string; number: string; openBalance: string; status: string; total: string };
type Problem = { code: string; detail: string; errors?: Array<{ path: string; message: string }> };
type TrialBalance = { accounts: Array<{ code: string; debit: string; credit: string }> };

describe.each(databaseKinds())('payments API on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let viewer: ApiClient;
  let customerId: string;
  let otherCustomerId: string;
  let actor: Actor;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'pay');
    manager = org.clients.manager;
    collector = org.clients.collector;
    viewer = org.clients.viewer;
    actor = org.actor;
    customerId = await createCustomer(manager, {
      accountNumber: 'PAY-1',
      name: 'Paying Customer GmbH',
      paymentTerms: '2/10NET30',
    });
    otherCustomerId = await createCustomer(manager, {
      accountNumber: 'PAY-2',
      name: 'Other Customer AG',
    });
  });
  afterAll(() => server?.close());

  const invoice = (amount: string, issueDate = '2026-11-02', customer = customerId) =>
    createInvoice(manager, { customerId: customer, amount, issueDate });
  const doc = async (id: string) => (await manager.get<Doc>(`/api/v1/ar-documents/${id}`)).body;
  const checks = (dates: string[] = ['2026-11-30']) =>
    expectLedgerTies(
      server.runtime.database.db,
      actor,
      dates.map((d) => parseIsoDate(d) as IsoDate),
    );
  const balanceOf = async (code: string, asOf = '2026-12-31') => {
    const tb = await manager.get<TrialBalance>(`/api/v1/ledger/trial-balance?asOf=${asOf}`);
    const row = tb.body.accounts.find((a) => a.code === code);
    return row ? { debit: row.debit, credit: row.credit } : { debit: '0.00', credit: '0.00' };
  };

  type ShortPay = { action: 'deduction'; reasonCode: string };
  /** A check for `amount` on one invoice; a `shortPay` keeps the rest as a deduction. */
  const payInvoice = async (invoiceId: string, amount: string, shortPay?: ShortPay) => {
    const res = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount,
      currency: 'EUR',
      receivedDate: '2026-11-21',
      applications: [{ invoiceId, amount, ...(shortPay ? { shortPay } : {}) }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  /** An invoice's deductions as [claimed, open, status], sorted. */
  const deductionsOn = async (invoiceId: string, status?: string) =>
    (
      await collector.get<{
        items: Array<Record<'documentId' | 'amount' | 'openAmount' | 'status', string>>;
      }>(`/api/v1/deductions?limit=500${status ? `&status=${status}` : ''}`)
    ).body.items
      .filter((d) => d.documentId === invoiceId)
      .map((d) => [d.amount, d.openAmount, d.status])
      .sort();
  /** Takes back a payment's cash application (by a manager, on the day the tests pay). */
  const unapplyCash = async (p: Payment) => {
    const app = p.applications.find(
      (a) => a.via === 'cash' && !a.reversed && !a.amount.startsWith('-'),
    )!;
    const res = await manager.post(`/api/v1/applications/${app.id}/unapply`, {
      reason: 'Applied to the wrong invoice',
      date: '2026-11-21',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  /** Every invoice's open deductions fit in what it has open. */
  const heldWithinBalances = async () => {
    const over = await server.runtime.database.db
      .selectFrom('deductions as x')
      .innerJoin('ar_documents as d', (j) =>
        j.onRef('d.org_id', '=', 'x.org_id').onRef('d.id', '=', 'x.document_id'),
      )
      .select(['d.number', 'd.open_minor'])
      .select((eb) => eb.fn.sum<string>('x.open_minor').as('held'))
      .where('x.org_id', '=', actor.orgId)
      .where('x.status', '=', 'open')
      .groupBy(['d.number', 'd.open_minor'])
      .execute();
    for (const row of over) {
      expect(BigInt(row.held), row.number ?? '').toBeLessThanOrEqual(row.open_minor);
    }
  };

  it('applies one payment to several invoices, leaves the rest on account, and the ledger ties', async () => {
    const a = await invoice('100.00');
    const b = await invoice('250.00');
    const res = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '400.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      reference: 'remittance',
      applications: [
        { invoiceId: a.id, amount: '100.00' },
        { invoiceId: b.id, amount: '200.00' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'partially_applied',
      amount: '400.00',
      unappliedAmount: '100.00',
      appliedAmount: '300.00',
      heldAmount: '0.00',
    });
    expect(res.body.number).toMatch(/^PMT-\d+$/);
    expect(res.body.applications.map((x) => [x.via, x.amount])).toEqual([
      ['cash', '100.00'],
      ['cash', '200.00'],
    ]);
    expect((await doc(a.id)).status).toBe('paid');
    expect((await doc(b.id)).openBalance).toBe('50.00');
    // apply the rest later, then nothing is left
    const more = await collector.post<Payment>(`/api/v1/payments/${res.body.id}/applications`, {
      applications: [{ invoiceId: b.id, amount: '50.00' }],
    });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    expect(more.body.unappliedAmount).toBe('50.00');
    expect((await doc(b.id)).status).toBe('paid');
    await checks();
  });

  it('refuses over-application with a 422 naming the field, and writes nothing', async () => {
    const a = await invoice('80.00');
    const tooMuchForInvoice = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'ach',
      amount: '100.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [{ invoiceId: a.id, amount: '90.00' }],
    });
    expect(tooMuchForInvoice.status).toBe(422);
    expect(tooMuchForInvoice.body.errors?.[0]?.path).toBe('applications[0].amount');
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'ach',
      amount: '50.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
    });
    expect(p.status).toBe(201);
    const tooMuchForPayment = await collector.post<Problem>(
      `/api/v1/payments/${p.body.id}/applications`,
      {
        applications: [{ invoiceId: a.id, amount: '60.00' }],
      },
    );
    expect(tooMuchForPayment.status).toBe(422);
    expect(tooMuchForPayment.body.code).toBe('over_application');
    const otherInvoice = await invoice('10.00', '2026-11-02', otherCustomerId);
    const wrongCustomer = await collector.post<Problem>(
      `/api/v1/payments/${p.body.id}/applications`,
      {
        applications: [{ invoiceId: otherInvoice.id, amount: '10.00' }],
      },
    );
    expect(wrongCustomer.status).toBe(422);
    expect(wrongCustomer.body.errors?.[0]?.path).toBe('applications[0].invoiceId');
    expect((await doc(a.id)).openBalance).toBe('80.00');
    const viewerTry = await viewer.post('/api/v1/payments', {
      customerId,
      method: 'ach',
      amount: '1.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
    });
    expect(viewerTry.status).toBe(403);
    const badAmount = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'ach',
      amount: '1.001',
      currency: 'EUR',
      receivedDate: '2026-11-20',
    });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body.errors?.[0]?.path).toBe('amount');
    await checks();
  });

  it('takes the early-payment discount inside its window, and outside it only with a reason', async () => {
    // 2/10 net 30 issued 2026-11-10: 2% until 2026-11-20
    const inv = await invoice('1000.00', '2026-11-10');
    const full = await manager.get<{ discountDate: string; discountAmount: string }>(
      `/api/v1/invoices/${inv.id}`,
    );
    expect(full.body).toMatchObject({ discountDate: '2026-11-20', discountAmount: '20.00' });
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '980.00',
      currency: 'EUR',
      receivedDate: '2026-11-19',
      applications: [{ invoiceId: inv.id, amount: '980.00', discount: '20.00' }],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.applications.map((x) => [x.via, x.amount])).toEqual([
      ['cash', '980.00'],
      ['discount', '20.00'],
    ]);
    expect((await doc(inv.id)).status).toBe('paid');
    expect((await balanceOf('4900')).debit).toBe('20.00');

    const late = await invoice('500.00', '2026-11-01');
    const noReason = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '490.00',
      currency: 'EUR',
      receivedDate: '2026-11-21',
      applications: [{ invoiceId: late.id, amount: '490.00', discount: '10.00' }],
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors?.[0]).toMatchObject({ path: 'applications[0].discountReason' });
    expect(noReason.body.errors?.[0]?.message).toContain('2026-11-11');
    const lateDiscount = (client: ApiClient, invoiceId: string, amount: string, discount: string) =>
      client.post<Payment & Problem>('/api/v1/payments', {
        customerId,
        method: 'wire',
        amount,
        currency: 'EUR',
        receivedDate: '2026-11-21',
        applications: [{ invoiceId, amount, discount, discountReason: 'Paid on time, bank delay' }],
      });
    // a discount the terms do not offer gives money away like a write-off: with a reason, AR
    // staff may grant up to the short-pay tolerance (5.00), a manager more
    const collectorAbove = await lateDiscount(collector, late.id, '490.00', '10.00');
    expect(collectorAbove.status).toBe(403);
    expect(collectorAbove.body.detail).toContain(
      'goes 10.00 beyond what its terms offer now, above the 5.00 EUR tolerance',
    );
    const withReason = await lateDiscount(manager, late.id, '490.00', '10.00');
    expect(withReason.status, JSON.stringify(withReason.body)).toBe(201);
    expect((await doc(late.id)).status).toBe('paid');
    const small = await invoice('200.00', '2026-11-01');
    const collectorWithin = await lateDiscount(collector, small.id, '196.00', '4.00');
    expect(collectorWithin.status, JSON.stringify(collectorWithin.body)).toBe(201);
    // inside the window, only what goes beyond the offer counts: 20.00 offered, 24.00 taken
    const onTime = await invoice('1000.00', '2026-11-12');
    const beyondOffer = await collector.post<Payment & Problem>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '976.00',
      currency: 'EUR',
      receivedDate: '2026-11-21',
      applications: [
        { invoiceId: onTime.id, amount: '976.00', discount: '24.00', discountReason: 'Agreed' },
      ],
    });
    expect(beyondOffer.status, JSON.stringify(beyondOffer.body)).toBe(201);
    await checks();
  });

  it('offers the early-payment discount once across part payments, and again once its payment is reversed', async () => {
    // 2/10 net 30 issued 2026-11-10: 20.00 until 2026-11-20
    const inv = await invoice('1000.00', '2026-11-10');
    const discountsBefore = Number((await balanceOf('4900')).debit);
    const part = (amount: string, discount: string, discountReason?: string) =>
      collector.post<Payment & Problem>('/api/v1/payments', {
        customerId,
        method: 'wire',
        amount,
        currency: 'EUR',
        receivedDate: '2026-11-15',
        applications: [{ invoiceId: inv.id, amount, discount, discountReason }],
      });
    const first = await part('480.00', '15.00');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // 5.00 of the 20.00 is left: more than that needs a reason
    const tooMuch = await part('480.00', '20.00');
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors?.[0]).toMatchObject({ path: 'applications[0].discountReason' });
    expect(tooMuch.body.errors?.[0]?.message).toContain(
      '5.00 offered (15.00 of it was already taken)',
    );
    const rest = await part('480.00', '5.00');
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect((await doc(inv.id)).openBalance).toBe('20.00');
    const again = await part('10.00', '10.00');
    expect(again.status).toBe(422);
    expect(again.body.errors?.[0]?.message).toContain('20.00 early-payment discount on');
    expect(again.body.errors?.[0]?.message).toContain('was already taken');
    // a returned check takes its discount back: the 15.00 is offered again
    const returned = await manager.post(`/api/v1/payments/${first.body.id}/reverse`, {
      reason: 'NSF',
      date: '2026-11-15',
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    expect((await doc(inv.id)).openBalance).toBe('515.00');
    const final = await part('500.00', '15.00');
    expect(final.status, JSON.stringify(final.body)).toBe(201);
    expect((await doc(inv.id)).status).toBe('paid');
    // 15 (reversed) + 5 + 15: the 20.00 offered, once
    expect(Number((await balanceOf('4900')).debit) - discountsBefore).toBe(20);
    await checks();
  });

  it('the batched posting grants an early-payment discount once, also to two receipts of one batch', async () => {
    const inv = await invoice('1000.00', '2026-11-10');
    const db = server.runtime.database.db;
    const receipt = (key: string, discountMinor: bigint, amountMinor = 48000n): BatchReceipt => ({
      key,
      customerId,
      currency: 'EUR',
      amountMinor,
      receivedDate: parseIsoDate('2026-11-15'),
      method: 'wire',
      reference: null,
      payerName: null,
      payerAccount: null,
      bankAccountId: null,
      allocations: [{ documentId: inv.id, amountMinor, discountMinor }],
    });
    const outcomes = await db
      .transaction()
      .execute((trx) =>
        postReceiptsBatch({ db: trx, actor, now: new Date() }, [
          receipt('first', 1500n),
          receipt('second', 1500n),
          receipt('third', 500n),
        ]),
      );
    expect(outcomes.map((o) => ('skipped' in o ? o.skipped : 'posted'))).toEqual([
      'posted',
      expect.stringContaining('discount'),
      'posted',
    ]);
    // and later, with the whole 20.00 granted, none is left
    const later = await db
      .transaction()
      .execute((trx) =>
        postReceiptsBatch({ db: trx, actor, now: new Date() }, [receipt('fourth', 100n, 1000n)]),
      );
    expect(later[0]).toMatchObject({ skipped: expect.stringContaining('discount') });
    // nor does it take cash for the customer in a currency it is not billed in
    const dollars = await db
      .transaction()
      .execute((trx) =>
        postReceiptsBatch({ db: trx, actor, now: new Date() }, [
          { ...receipt('fifth', 0n, 1000n), currency: 'USD', allocations: [] },
        ]),
      );
    expect(dollars[0]).toMatchObject({ skipped: 'the customer is billed in EUR' });
    // nor a receipt naming one invoice twice (the database would refuse the whole batch)
    const other = await invoice('30.00');
    const twice = await db.transaction().execute((trx) =>
      postReceiptsBatch({ db: trx, actor, now: new Date() }, [
        {
          ...receipt('sixth', 0n, 2000n),
          allocations: [
            { documentId: other.id, amountMinor: 1000n, discountMinor: 0n },
            { documentId: other.id, amountMinor: 1000n, discountMinor: 0n },
          ],
        },
        {
          ...receipt('seventh', 0n, 1000n),
          allocations: [{ documentId: other.id, amountMinor: 1000n, discountMinor: 0n }],
        },
      ]),
    );
    expect(twice.map((o) => ('skipped' in o ? o.skipped : 'posted'))).toEqual([
      'a document is named twice',
      'posted',
    ]);
    expect((await doc(other.id)).openBalance).toBe('20.00');
    expect((await doc(inv.id)).openBalance).toBe('20.00');
    await checks();
  });

  it('turns a short pay into a deduction with a reason code, or writes it off within the tolerance', async () => {
    const inv = await invoice('300.00');
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '270.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [
        {
          invoiceId: inv.id,
          amount: '270.00',
          shortPay: { action: 'deduction', reasonCode: 'damaged', note: 'two cartons' },
        },
      ],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.deductions).toEqual([
      expect.objectContaining({ amount: '30.00', reasonCode: 'damaged', status: 'open' }),
    ]);
    // the deduction stays open on the invoice, visible to the dispute workflow
    expect((await doc(inv.id)).openBalance).toBe('30.00');
    const list = await collector.get<{ items: Array<{ documentId: string; amount: string }> }>(
      '/api/v1/deductions?status=open',
    );
    expect(list.body.items.find((d) => d.documentId === inv.id)?.amount).toBe('30.00');

    // paged newest first with a cursor; a forged cursor is a 400 naming it
    const second = await invoice('50.00');
    const more = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '40.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [
        {
          invoiceId: second.id,
          amount: '40.00',
          shortPay: { action: 'deduction', reasonCode: 'pricing' },
        },
      ],
    });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    type DeductionPage = {
      items: Array<{ id: string; documentId: string }>;
      nextCursor: string | null;
    };
    const all = await collector.get<DeductionPage>('/api/v1/deductions?status=open&limit=500');
    expect(all.body.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: DeductionPage } = await collector.get<DeductionPage>(
        `/api/v1/deductions?status=open&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((d) => d.id));
    expect(seen[0]).toBe(all.body.items.find((d) => d.documentId === second.id)?.id);
    const forged = await collector.get('/api/v1/deductions?cursor=bm90LWEtY3Vyc29y');
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.body)).toMatch(/cursor/);

    const small = await invoice('100.00');
    const writeOff = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '96.50',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [
        {
          invoiceId: small.id,
          amount: '96.50',
          shortPay: { action: 'write_off', reasonCode: 'other' },
        },
      ],
    });
    expect(writeOff.status, JSON.stringify(writeOff.body)).toBe(201);
    expect(writeOff.body.applications.map((x) => [x.via, x.amount])).toEqual([
      ['cash', '96.50'],
      ['write_off', '3.50'],
    ]);
    expect((await doc(small.id)).status).toBe('paid');

    const big = await invoice('100.00');
    const overTolerance = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '90.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [{ invoiceId: big.id, amount: '90.00', shortPay: { action: 'write_off' } }],
    });
    expect(overTolerance.status).toBe(403);
    expect(overTolerance.body.detail).toContain('5.00');
    const byManager = await manager.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '90.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [{ invoiceId: big.id, amount: '90.00', shortPay: { action: 'write_off' } }],
    });
    expect(byManager.status).toBe(201);
    const badCode = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '1.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      applications: [
        {
          invoiceId: (await invoice('5.00')).id,
          amount: '1.00',
          shortPay: { action: 'deduction' },
        },
      ],
    });
    expect(badCode.status).toBe(422);
    expect(badCode.body.errors?.[0]?.path).toBe('applications[0].shortPay.reasonCode');
    await checks();
  });

  it('holds a short-pay tolerance per currency: the base one is not read in yen', async () => {
    const yenCustomerId = await createCustomer(manager, {
      accountNumber: 'PAY-JPY',
      name: 'Yen Trading KK',
      currency: 'JPY',
    });
    const yenInvoice = () =>
      createInvoice(manager, {
        customerId: yenCustomerId,
        amount: '100000',
        currency: 'JPY',
        description: 'Parts',
      });
    const writeOffShort = (client: ApiClient, invoiceId: string, short: number) =>
      client.post<Payment & Problem>('/api/v1/payments', {
        customerId: yenCustomerId,
        method: 'wire',
        amount: String(100000 - short),
        currency: 'JPY',
        receivedDate: '2026-11-20',
        applications: [
          { invoiceId, amount: String(100000 - short), shortPay: { action: 'write_off' } },
        ],
      });
    // the organization's 5.00 is in euros: yen have no tolerance until one is set
    const settings = await collector.get<{
      baseCurrency: string;
      shortPayTolerance: string;
      shortPayTolerances: unknown[];
    }>('/api/v1/cash-settings');
    expect(settings.body).toMatchObject({
      baseCurrency: 'EUR',
      shortPayTolerance: '5.00',
      shortPayTolerances: [],
    });
    const first = await yenInvoice();
    const refused = await writeOffShort(collector, first.id, 3);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('JPY, which has no short-pay tolerance');

    // bad lists are refused whole, each error naming its entry
    const bad = await manager.patch<Problem>('/api/v1/cash-settings', {
      shortPayTolerance: '4.00',
      shortPayTolerances: [
        { currency: 'JPY', amount: '800.5' },
        { currency: 'EUR', amount: '1.00' },
        { currency: 'XYZ', amount: '1' },
        { currency: 'USD', amount: '-1.00' },
        { currency: 'GBP', amount: '3.00' },
        { currency: 'gbp', amount: '3.00' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual([
      'shortPayTolerances.0.amount',
      'shortPayTolerances.1.currency',
      'shortPayTolerances.2.currency',
      'shortPayTolerances.3.amount',
      'shortPayTolerances.5.currency',
    ]);
    expect(bad.body.errors?.[0]?.message).toContain('more than 0 decimals for JPY');
    expect((await collector.get('/api/v1/cash-settings')).body).toEqual(settings.body);
    expect(
      (await collector.patch('/api/v1/cash-settings', { shortPayTolerances: [] })).status,
    ).toBe(403);

    const set = await manager.patch<{ shortPayTolerances: unknown[] }>('/api/v1/cash-settings', {
      shortPayTolerances: [{ currency: 'jpy', amount: '800' }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.shortPayTolerances).toEqual([{ currency: 'JPY', amount: '800' }]);
    // ¥3 short is within ¥800; ¥900 is not, and the message says the tolerance in yen
    const within = await writeOffShort(collector, first.id, 3);
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    expect(within.body.applications.map((x) => [x.via, x.amount])).toEqual([
      ['cash', '99997'],
      ['write_off', '3'],
    ]);
    const above = await writeOffShort(collector, (await yenInvoice()).id, 900);
    expect(above.status).toBe(403);
    expect(above.body.detail).toContain('above the 800 JPY tolerance');
    // the base tolerance is unchanged by the list, and the list by a base-only change
    await manager.patch('/api/v1/cash-settings', { shortPayTolerance: '6.00' });
    expect((await collector.get('/api/v1/cash-settings')).body).toMatchObject({
      shortPayTolerance: '6.00',
      shortPayTolerances: [{ currency: 'JPY', amount: '800' }],
    });
    // the base tolerance is money in the base currency too: no third decimal for euros
    const tooFine = await manager.patch<Problem>('/api/v1/cash-settings', {
      shortPayTolerance: '5.125',
    });
    expect(tooFine.status).toBe(400);
    expect(tooFine.body.errors?.[0]?.path).toBe('shortPayTolerance');
    // saves of the list at the same moment queue; none fails on the other's rows
    const saves = await Promise.all(
      [801, 802, 803, 804, 805, 806].map((n) =>
        manager.patch('/api/v1/cash-settings', {
          shortPayTolerances: [{ currency: 'JPY', amount: String(n) }],
        }),
      ),
    );
    expect(saves.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await manager.patch('/api/v1/cash-settings', {
      shortPayTolerance: '5.00',
      shortPayTolerances: [{ currency: 'JPY', amount: '800' }],
    });

    // an organization whose base currency is the yen reads its tolerance in yen, and does not
    // see another organization's list
    const yenOrg = await createTestOrg(server, 'payyen');
    await server.runtime.database.db
      .updateTable('organizations')
      .set({ base_currency: 'JPY', short_pay_tolerance: '500' })
      .where('id', '=', yenOrg.orgId)
      .execute();
    expect((await yenOrg.clients.collector.get('/api/v1/cash-settings')).body).toMatchObject({
      baseCurrency: 'JPY',
      shortPayTolerance: '500',
      shortPayTolerances: [],
    });
    await checks();
  });

  it('holds a receipt of an unknown payer in suspense until its customer is named', async () => {
    const inv = await invoice('75.00');
    const suspenseBefore = await balanceOf('2050');
    const p = await collector.post<Payment>('/api/v1/payments', {
      method: 'wire',
      amount: '75.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      payerName: 'PAYING CUST GMBH',
      payerAccount: 'DE89 3704 0044 0532 0130 00',
    });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({
      status: 'unidentified',
      heldAmount: '75.00',
      unappliedAmount: '75.00',
    });
    expect(await balanceOf('2050')).not.toEqual(suspenseBefore);
    const cannot = await collector.post<Problem>(`/api/v1/payments/${p.body.id}/applications`, {
      applications: [{ invoiceId: inv.id, amount: '75.00' }],
    });
    expect(cannot.status).toBe(422);
    expect(cannot.body.code).toBe('customer_unknown');
    const named = await collector.post<Payment>(`/api/v1/payments/${p.body.id}/assign-customer`, {
      customerId,
      date: '2026-11-21',
    });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body).toMatchObject({ status: 'unapplied', heldAmount: '0.00', customerId });
    expect(await balanceOf('2050')).toEqual(suspenseBefore);
    // the cash was the customer's from 2026-11-21 only: no application before that day
    const backdated = await collector.post<Problem>(`/api/v1/payments/${p.body.id}/applications`, {
      date: '2026-11-20',
      applications: [{ invoiceId: inv.id, amount: '75.00' }],
    });
    expect(backdated.status).toBe(400);
    expect(backdated.body.errors?.[0]).toMatchObject({
      path: 'date',
      message: 'is before 2026-11-21',
    });
    const applied = await collector.post<Payment>(`/api/v1/payments/${p.body.id}/applications`, {
      applications: [{ invoiceId: inv.id, amount: '75.00' }],
    });
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('applied');
    // the manual identification taught the matcher this payer
    const hints = await server.runtime.database.db
      .selectFrom('payer_hints')
      .select(['account', 'name'])
      .where('org_id', '=', actor.orgId)
      .where('customer_id', '=', customerId)
      .execute();
    expect(hints).toContainEqual({ account: 'DE89370400440532013000', name: 'PAYING CUST GMBH' });
    await checks();
  });

  it('keeps a prepayment in customer deposits until it is applied', async () => {
    const before = await balanceOf('2100');
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      kind: 'prepayment',
      method: 'wire',
      amount: '500.00',
      currency: 'EUR',
      receivedDate: '2026-11-03',
    });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ heldAmount: '500.00', unappliedAmount: '500.00' });
    const inv = await invoice('200.00', '2026-11-05');
    const applied = await collector.post<Payment>(`/api/v1/payments/${p.body.id}/applications`, {
      date: '2026-11-06',
      applications: [{ invoiceId: inv.id, amount: '200.00' }],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ heldAmount: '300.00', unappliedAmount: '300.00' });
    const after = await balanceOf('2100');
    // 300 still a liability: credit balance grew by 300 net
    const credit = (x: { debit: string; credit: string }) => Number(x.credit) - Number(x.debit);
    expect((credit(after) - credit(before)).toFixed(2)).toBe('300.00');
    await checks(['2026-11-04', '2026-11-06', '2026-11-30']);
  });

  it('a deduction follows its invoice: later cash or credits bring it down and settle it, an unapply opens it again, a new one takes only what is not disputed yet', async () => {
    const inv = await invoice('300.00');
    const deductionsOf = (status?: string) => deductionsOn(inv.id, status);
    const pay = (amount: string, shortPay?: ShortPay) => payInvoice(inv.id, amount, shortPay);

    const first = await pay('270.00', { action: 'deduction', reasonCode: 'pricing' });
    expect(first.deductions.map((d) => [d.amount, d.openAmount, d.status])).toEqual([
      ['30.00', '30.00', 'open'],
    ]);
    // 20 more, "short" again: the 10 left is already disputed, so no second deduction
    const second = await pay('20.00', { action: 'deduction', reasonCode: 'shortage' });
    expect(second.deductions).toEqual([]);
    expect(await deductionsOf()).toEqual([['30.00', '10.00', 'open']]);
    expect((await doc(inv.id)).openBalance).toBe('10.00');
    await heldWithinBalances();

    // taking the 20 back opens the deduction to what it claimed
    await unapplyCash(second);
    expect(await deductionsOf()).toEqual([['30.00', '30.00', 'open']]);
    // a credit memo brings it down like cash does
    const credit = await collector.post<Doc>('/api/v1/credit-memos', {
      customerId,
      invoiceId: inv.id,
      amount: '10.00',
      reason: 'Price agreed',
      issueDate: '2026-11-21',
    });
    expect(credit.status, JSON.stringify(credit.body)).toBe(201);
    expect(await deductionsOf('open')).toEqual([['30.00', '20.00', 'open']]);
    // the customer pays the rest: settled, holding nothing, and it says why
    const third = await pay('20.00');
    expect((await doc(inv.id)).status).toBe('paid');
    expect(await deductionsOf('open')).toEqual([]);
    expect(await deductionsOf('settled')).toEqual([['30.00', '0.00', 'settled']]);
    const settled = (await manager.get<Payment>(`/api/v1/payments/${first.id}`)).body
      .deductions[0]!;
    expect(settled.resolution).toMatch(/^Settled/);
    await heldWithinBalances();
    // that payment taken back: open again
    await unapplyCash(third);
    expect(await deductionsOf()).toEqual([['30.00', '20.00', 'open']]);

    // with 290 open and 30 disputed, a short pay of 90 disputes 60 more
    await unapplyCash(first);
    expect((await doc(inv.id)).openBalance).toBe('290.00');
    const fourth = await pay('200.00', { action: 'deduction', reasonCode: 'damaged' });
    expect(fourth.deductions.map((d) => [d.amount, d.openAmount, d.status])).toEqual([
      ['60.00', '60.00', 'open'],
    ]);
    expect((await deductionsOf()).sort()).toEqual([
      ['30.00', '30.00', 'open'],
      ['60.00', '60.00', 'open'],
    ]);
    // 50 recovered, here by the auto-apply batch, settles the older claim first
    const db = server.runtime.database.db;
    const recovered = await db.transaction().execute((trx) =>
      postReceiptsBatch({ db: trx, actor, now: new Date() }, [
        {
          key: 'deduction-recovered',
          customerId,
          currency: 'EUR',
          amountMinor: 5000n,
          receivedDate: parseIsoDate('2026-11-21'),
          method: 'wire',
          reference: null,
          payerName: null,
          payerAccount: null,
          bankAccountId: null,
          allocations: [{ documentId: inv.id, amountMinor: 5000n, discountMinor: 0n }],
        },
      ]),
    );
    expect(recovered.map((o) => ('skipped' in o ? o.skipped : 'posted'))).toEqual(['posted']);
    expect((await deductionsOf()).sort()).toEqual([
      ['30.00', '0.00', 'settled'],
      ['60.00', '40.00', 'open'],
    ]);
    await heldWithinBalances();

    // reversing the payment that raised the 60 resolves it; its cash taken back, the settled 30
    // opens again
    const reversed = await manager.post(`/api/v1/payments/${fourth.id}/reverse`, {
      reason: 'Returned check',
      date: '2026-11-21',
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect((await doc(inv.id)).openBalance).toBe('240.00');
    expect((await deductionsOf()).sort()).toEqual([
      ['30.00', '30.00', 'open'],
      ['60.00', '0.00', 'resolved'],
    ]);
    await heldWithinBalances();

    // voiding the invoice closes both by a decision; no application moves them again
    const voided = await manager.post(`/api/v1/invoices/${inv.id}/void`, {
      reason: 'Billed twice',
    });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect((await deductionsOf()).sort()).toEqual([
      ['30.00', '0.00', 'resolved'],
      ['60.00', '0.00', 'resolved'],
    ]);
    expect(await deductionsOf('settled')).toEqual([]);
    await checks();
  });

  it("a reversal that resolves one deduction gives the invoice's other deductions back what it held", async () => {
    const inv = await invoice('100.00');
    const pricing: ShortPay = { action: 'deduction', reasonCode: 'pricing' };
    const pay = (amount: string, shortPay?: ShortPay) => payInvoice(inv.id, amount, shortPay);
    // 60 paid keeping 40; that cash taken back; 10 paid keeping 50 more; then 30 paid
    const a = await pay('60.00', pricing);
    await unapplyCash(a);
    const b = await pay('10.00', pricing);
    expect(b.deductions.map((d) => d.amount)).toEqual(['50.00']);
    await pay('30.00');
    expect(await deductionsOn(inv.id)).toEqual([
      ['40.00', '10.00', 'open'],
      ['50.00', '50.00', 'open'],
    ]);
    // the 10 bounces: its 50 is resolved, and the 40 holds 40 of the 70 open again, not 20
    const rev = await collector.post(`/api/v1/payments/${b.id}/reverse`, {
      reason: 'NSF',
      kind: 'nsf',
      date: '2026-11-21',
    });
    expect(rev.status, JSON.stringify(rev.body)).toBe(200);
    expect((await doc(inv.id)).openBalance).toBe('70.00');
    expect(await deductionsOn(inv.id)).toEqual([
      ['40.00', '40.00', 'open'],
      ['50.00', '0.00', 'resolved'],
    ]);
    await pay('0.01');
    expect(await deductionsOn(inv.id)).toEqual([
      ['40.00', '40.00', 'open'],
      ['50.00', '0.00', 'resolved'],
    ]);
    await checks();
  });

  it('reverses a returned check: balances, discount and write-off undone, deduction closed, fee charged', async () => {
    const a = await invoice('1000.00', '2026-11-12');
    const b = await invoice('103.00', '2026-11-12');
    const c = await invoice('200.00', '2026-11-12');
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '1380.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
      reference: 'CHK 4711',
      applications: [
        { invoiceId: a.id, amount: '980.00', discount: '20.00' },
        { invoiceId: b.id, amount: '100.00', shortPay: { action: 'write_off' } },
        {
          invoiceId: c.id,
          amount: '150.00',
          shortPay: { action: 'deduction', reasonCode: 'pricing' },
        },
      ],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.unappliedAmount).toBe('150.00');
    const rev = await collector.post<Payment>(`/api/v1/payments/${p.body.id}/reverse`, {
      reason: 'Returned unpaid: insufficient funds',
      kind: 'nsf',
      date: '2026-11-21',
      fee: '25.00',
    });
    expect(rev.status, JSON.stringify(rev.body)).toBe(200);
    expect(rev.body).toMatchObject({
      status: 'reversed',
      reversalKind: 'nsf',
      unappliedAmount: '0.00',
    });
    expect(rev.body.documents.every((d) => d.state === 'voided')).toBe(true);
    expect(rev.body.deductions[0]?.status).toBe('resolved');
    expect((await doc(a.id)).openBalance).toBe('1000.00');
    expect((await doc(b.id)).openBalance).toBe('103.00');
    expect((await doc(c.id)).openBalance).toBe('200.00');
    const fee = await doc(rev.body.feeDocumentId!);
    expect(fee).toMatchObject({ total: '25.00', status: 'open' });
    const again = await collector.post<Problem>(`/api/v1/payments/${p.body.id}/reverse`, {
      reason: 'again',
    });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('already_reversed');
    await checks(['2026-11-20', '2026-11-21', '2026-11-30']);
  });

  it('collects checks in a deposit batch: undeposited funds until the batch is deposited', async () => {
    const bank = await manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: 'Operating EUR',
      identifier: 'DE02 1203 0000 0000 2020 51',
      currency: 'EUR',
    });
    expect(bank.status, JSON.stringify(bank.body)).toBe(201);
    const batch = await collector.post<{ id: string; number: string; status: string }>(
      '/api/v1/deposit-batches',
      {
        bankAccountId: bank.body.id,
      },
    );
    expect(batch.status).toBe(201);
    expect(batch.body.number).toMatch(/^DEP-/);
    const undepositedBefore = await balanceOf('1050');
    const inv = await invoice('60.00', '2026-11-12');
    for (const amount of ['60.00', '40.00']) {
      const r = await collector.post<Payment>('/api/v1/payments', {
        customerId,
        method: 'check',
        amount,
        currency: 'EUR',
        receivedDate: '2026-11-20',
        depositBatchId: batch.body.id,
        applications: amount === '60.00' ? [{ invoiceId: inv.id, amount }] : undefined,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const listed = await collector.get<{ items: Array<{ total: string; paymentCount: number }> }>(
      '/api/v1/deposit-batches?status=open',
    );
    expect(listed.body.items[0]).toMatchObject({ total: '100.00', paymentCount: 2 });
    const deposited = await collector.post<{ status: string; depositDate: string; total: string }>(
      `/api/v1/deposit-batches/${batch.body.id}/deposit`,
      { date: '2026-11-21' },
    );
    expect(deposited.status, JSON.stringify(deposited.body)).toBe(200);
    expect(deposited.body).toMatchObject({
      status: 'deposited',
      depositDate: '2026-11-21',
      total: '100.00',
    });
    expect(await balanceOf('1050')).toEqual(undepositedBefore);
    const closed = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'check',
      amount: '1.00',
      currency: 'EUR',
      receivedDate: '2026-11-21',
      depositBatchId: batch.body.id,
    });
    expect(closed.status).toBe(422);
    expect(closed.body.code).toBe('batch_closed');
    await checks(['2026-11-20', '2026-11-21']);
  });

  it('guards the edges: dates, fees, payment documents and discounts go with their payment', async () => {
    const future = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '1.00',
      currency: 'EUR',
      receivedDate: '2099-01-01',
    });
    expect(future.status).toBe(400);
    expect(future.body.errors?.[0]?.path).toBe('receivedDate');
    const dollars = await collector.post<Problem>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '1.00',
      currency: 'USD',
      receivedDate: '2026-11-19',
    });
    expect([dollars.status, dollars.body.code]).toEqual([422, 'currency_mismatch']);
    expect(dollars.body.errors?.[0]?.path).toBe('currency');
    const inv = await invoice('1000.00', '2026-11-10');
    const p = await collector.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '900.00',
      currency: 'EUR',
      receivedDate: '2026-11-19',
      applications: [
        {
          invoiceId: inv.id,
          amount: '900.00',
          discount: '20.00',
          shortPay: { action: 'deduction', reasonCode: 'pricing' },
        },
      ],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const paymentDoc = p.body.documents.find((d) => d.kind === 'payment')!;
    const voidPayment = await manager.post<Problem>(`/api/v1/ar-documents/${paymentDoc.id}/void`, {
      reason: 'x',
    });
    expect([voidPayment.status, voidPayment.body.code]).toEqual([422, 'cannot_void']);
    const discountApp = p.body.applications.find((a) => a.via === 'discount')!;
    const moveDiscount = await collector.post(`/api/v1/applications/${discountApp.id}/unapply`, {});
    expect(moveDiscount.status).toBe(403);
    const negativeFee = await collector.post<Problem>(`/api/v1/payments/${p.body.id}/reverse`, {
      reason: 'x',
      fee: '-25.00',
    });
    expect(negativeFee.status).toBe(400);
    // voiding the invoice takes its discount and deduction with it; the cash stays on account
    const voided = await manager.post(`/api/v1/invoices/${inv.id}/void`, {
      reason: 'billed twice',
      date: '2026-11-21',
    });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    const after = await manager.get<Payment>(`/api/v1/payments/${p.body.id}`);
    expect(after.body.documents.find((d) => d.kind === 'discount')?.state).toBe('voided');
    expect(after.body.deductions[0]?.status).toBe('resolved');
    expect(after.body.unappliedAmount).toBe('900.00');
    const early = await manager.post<Problem>(`/api/v1/payments/${p.body.id}/refund`, {
      amount: '10.00',
      reason: 'x',
      method: 'wire',
      date: '2026-11-01',
    });
    expect(early.status).toBe(400);
    await checks(['2026-11-19', '2026-11-21', '2026-11-30']);
  });

  it('a deposited batch keeps its deposited total when one of its checks bounces', async () => {
    const banks = await manager.get<{ items: Array<{ id: string }> }>('/api/v1/bank-accounts');
    const batch = await collector.post<{ id: string }>('/api/v1/deposit-batches', {
      bankAccountId: banks.body.items[0]!.id,
    });
    const ids: string[] = [];
    for (const amount of ['100.00', '50.00']) {
      const r = await collector.post<Payment>('/api/v1/payments', {
        customerId,
        method: 'check',
        amount,
        currency: 'EUR',
        receivedDate: '2026-11-18',
        depositBatchId: batch.body.id,
      });
      ids.push(r.body.id);
    }
    await collector.post(`/api/v1/deposit-batches/${batch.body.id}/deposit`, {
      date: '2026-11-19',
    });
    // the check bounced after it was deposited, not before
    const beforeDeposit = await collector.post<Problem>(`/api/v1/payments/${ids[1]}/reverse`, {
      reason: 'NSF',
      kind: 'nsf',
      date: '2026-11-18',
    });
    expect(beforeDeposit.status).toBe(400);
    expect(beforeDeposit.body.errors?.[0]).toMatchObject({
      path: 'date',
      message: 'is before 2026-11-19',
    });
    const nsf = await collector.post(`/api/v1/payments/${ids[1]}/reverse`, {
      reason: 'NSF',
      kind: 'nsf',
      date: '2026-11-20',
    });
    expect(nsf.status).toBe(200);
    const after = await collector.get<{ total: string; paymentCount: number }>(
      `/api/v1/deposit-batches/${batch.body.id}`,
    );
    // the deposit slip stays as it went to the bank: both checks, 150.00
    expect([after.body.total, after.body.paymentCount]).toEqual(['150.00', 2]);
    await checks(['2026-11-19', '2026-11-20']);
  });

  it('refunds unapplied cash (manager) and replays an idempotent create', async () => {
    const key = { 'idempotency-key': `pay-${kind}-1` };
    const body = {
      customerId,
      method: 'wire',
      amount: '40.00',
      currency: 'EUR',
      receivedDate: '2026-11-20',
    };
    const first = await collector.post<Payment>('/api/v1/payments', body, key);
    const second = await collector.post<Payment>('/api/v1/payments', body, key);
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const byCollector = await collector.post(`/api/v1/payments/${first.body.id}/refund`, {
      amount: '40.00',
      reason: 'Overpaid',
      method: 'wire',
    });
    expect(byCollector.status).toBe(403);
    const refund = await manager.post<Payment>(`/api/v1/payments/${first.body.id}/refund`, {
      amount: '40.00',
      reason: 'Overpaid',
      method: 'wire',
      date: '2026-11-21',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body.unappliedAmount).toBe('0.00');
    const list = await collector.get<{ items: Array<{ id: string; status: string }> }>(
      `/api/v1/payments?customerId=${customerId}&status=applied`,
    );
    expect(list.body.items.map((i) => i.id)).toContain(first.body.id);
    await checks();
  });
});
