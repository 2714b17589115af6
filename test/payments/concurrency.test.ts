/**
 * Cash applied by 32 clients at once on PostgreSQL (PGlite runs one query at a time, so these
 * races only exist on a server; under CI=true a missing TEST_DATABASE_URL fails the run).
 * No open balance ever goes below zero, no payment applies more than it received, and a
 * retried request with its Idempotency-Key creates nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/shared/actor.ts';
import { parseIsoDate } from '../../src/shared/dates.ts';
import type { ApiClient, ApiResponse } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectLedgerTies } from '../ledger/support/ledger-checks.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';

const CLIENTS = 32;
const onPostgres = databaseKinds().includes('postgres');
type Payment = { id: string; unappliedAmount: string; status: string };
type Doc = { id: string; openBalance: string };

describe.skipIf(!onPostgres)('concurrent cash application on postgres', () => {
  let server: TestServer;
  let clients: ApiClient[];
  let customerId: string;
  let actor: Actor;

  beforeAll(async () => {
    server = await startTestServer({ kind: 'postgres', demo: false });
    const org = await createTestOrg(server, 'race-pay');
    actor = org.actor;
    // several sessions of the collector and the manager, as a busy team would have
    clients = Array.from({ length: CLIENTS }, (_, i) =>
      i % 2 === 0 ? org.clients.collector : org.clients.manager,
    );
    customerId = await createCustomer(org.clients.manager, {
      accountNumber: 'RACE-PAY',
      name: 'Racing Payer Ltd',
    });
  });
  afterAll(() => server?.close());

  const invoice = (amount: string) =>
    createInvoice(clients[1]!, { customerId, amount, description: 'Race' });
  const payment = async (amount: string) => {
    const res = await clients[0]!.post<Payment>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount,
      currency: 'EUR',
      receivedDate: '2026-11-20',
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const settle = async <T>(requests: Array<Promise<ApiResponse<T>>>) => {
    const results = await Promise.all(requests);
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s >= 500),
      JSON.stringify(results.filter((r) => r.status >= 500).map((r) => r.body)),
    ).toEqual([]);
    return results;
  };
  const ledgerHolds = () =>
    expectLedgerTies(server.runtime.database.db, actor, [parseIsoDate('2026-11-30')]);

  it('32 payments racing for one invoice: exactly what was open is applied, never more', async () => {
    const inv = await invoice('1000.00');
    const payments = await Promise.all(Array.from({ length: CLIENTS }, () => payment('100.00')));
    const results = await settle(
      payments.map((p, i) =>
        clients[i]!.post(`/api/v1/payments/${p.id}/applications`, {
          applications: [{ invoiceId: inv.id, amount: '100.00' }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 422)).toHaveLength(CLIENTS - 10);
    const after = await clients[0]!.get<Doc>(`/api/v1/invoices/${inv.id}`);
    expect(after.body.openBalance).toBe('0.00');
    await ledgerHolds();
  });

  it('one payment racing to 32 invoices: it never applies more than it received', async () => {
    const invoices = await Promise.all(Array.from({ length: CLIENTS }, () => invoice('100.00')));
    const p = await payment('500.00');
    const results = await settle(
      invoices.map((inv, i) =>
        clients[i]!.post(`/api/v1/payments/${p.id}/applications`, {
          applications: [{ invoiceId: inv.id, amount: '100.00' }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const failures = results.filter((r) => r.status !== 201);
    expect(
      failures.every(
        (r) => r.status === 422 && (r.body as { code: string }).code === 'over_application',
      ),
    ).toBe(true);
    const after = await clients[0]!.get<Payment>(`/api/v1/payments/${p.id}`);
    expect(after.body).toMatchObject({ unappliedAmount: '0.00', status: 'applied' });
    await ledgerHolds();
  });

  it('a reversal racing applications leaves either the applications undone or refused, nothing between', async () => {
    const invoices = await Promise.all(Array.from({ length: 8 }, () => invoice('50.00')));
    const p = await payment('400.00');
    const results = await settle([
      ...invoices.map((inv, i) =>
        clients[i]!.post(`/api/v1/payments/${p.id}/applications`, {
          applications: [{ invoiceId: inv.id, amount: '50.00' }],
        }),
      ),
      clients[9]!.post(`/api/v1/payments/${p.id}/reverse`, {
        reason: 'Chargeback',
        kind: 'chargeback',
      }),
    ]);
    expect(results.at(-1)!.status).toBe(200);
    for (const inv of invoices) {
      const after = await clients[0]!.get<Doc>(`/api/v1/invoices/${inv.id}`);
      expect(after.body.openBalance).toBe('50.00');
    }
    await ledgerHolds();
  });

  it('32 retries of one request with its Idempotency-Key record one payment', async () => {
    const body = {
      customerId,
      method: 'ach',
      amount: '12.34',
      currency: 'EUR',
      receivedDate: '2026-11-20',
    };
    const results = await settle(
      Array.from({ length: CLIENTS }, () =>
        clients[0]!.post<Payment>('/api/v1/payments', body, {
          'idempotency-key': 'race-same-payment',
        }),
      ),
    );
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const count = await server.runtime.database.db
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', actor.orgId)
      .where('amount_minor', '=', 1234n)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});
