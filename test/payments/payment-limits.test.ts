/**
 * What AR staff cannot do however the requests are cut: give an invoice away as discounts
 * beyond the tolerance, or date a movement after today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Payment = { id: string; applications: Array<{ id: string; via: string }> };
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
