import { sql } from 'kysely';
import { writeCamt053 } from '../../src/modules/banking/camt-writer.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Detail = {
  id: string;
  contacts: Array<{ id: string }>;
  addresses: Array<{ id: string }>;
  taxCertificates: Array<{ id: string }>;
  creditReferences: Array<{ id: string }>;
};

/** A valid body for each write route, so a refusal is about access, not about the input. */
function bodyFor(method: string, url: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (url.endsWith('/contacts') || url.endsWith('/contacts/:childId')) return { name: 'Intruder' };
  if (url.endsWith('/addresses') || url.endsWith('/addresses/:childId'))
    return { kind: 'billing', line1: 'x', city: 'y', country: 'US' };
  if (url.endsWith('/tax-certificates')) return { jurisdiction: 'US-TX', certificateNumber: 'X' };
  if (url.endsWith('/credit-references')) return { kind: 'trade', name: 'X' };
  if (url.endsWith('/notes')) return { body: 'intrusion' };
  if (url === '/api/v1/customers/:id') return { name: 'Hijacked' };
  if (url === '/api/v1/customers')
    return {
      accountNumber: `R-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Role probe',
      currency: 'USD',
      paymentTerms: 'NET30',
    };
  if (url === '/api/v1/users')
    return {
      email: `probe${Math.random().toString(36).slice(2, 8)}@x.test`,
      name: 'P',
      role: 'viewer',
      password: 'long-enough-pw',
    };
  if (url === '/api/v1/users/:id') return { name: 'Renamed' };
  if (url === '/api/v1/api-keys') return { name: 'probe', role: 'viewer' };
  if (url === '/api/v1/payment-terms')
    return {
      code: `T${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
      name: 'x',
      type: 'net',
      netDays: 10,
    };
  if (url === '/api/v1/invoices/:id')
    return {
      customerId: '0190a0a0-0000-7000-8000-000000000000',
      issueDate: '2026-10-01',
      currency: 'EUR',
      lines: [{ description: 'x', quantity: '1', unitPrice: '1' }],
    };
  if (url.endsWith('/void') || url.endsWith('/write-off')) return { reason: 'intrusion' };
  const someId = '0190a0a0-0000-7000-8000-000000000000';
  if (url === '/api/v1/payments/:id/applications')
    return { applications: [{ invoiceId: someId, amount: '1.00' }] };
  if (url.endsWith('/reverse') || url.endsWith('/ignore')) return { reason: 'intrusion' };
  if (url.endsWith('/assign-customer')) return { customerId: someId };
  if (url.endsWith('/refund')) return { amount: '1.00', reason: 'x', method: 'wire' };
  if (url === '/api/v1/bank-accounts/:id') return { name: 'Hijacked' };
  if (url === '/api/v1/bank-statement-lines/:id/apply')
    return { customerId: someId, applications: [] };
  if (url.endsWith('/accept')) return { suggestion: 0 };
  if (url.endsWith('/link')) return { paymentId: someId };
  if (url.endsWith('/applications'))
    return { invoiceId: '0190a0a0-0000-7000-8000-000000000000', amount: '1.00' };
  if (url === '/api/v1/ledger/accounts/:code') return { name: 'Hijacked' };
  return method === 'GET' || method === 'DELETE' ? undefined : {};
}

describe.each(databaseKinds())('security on %s', (kind) => {
  let server: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let aCustomer: Detail;
  let aDocumentId: string;
  let aApiKeyId: string;
  const aLedger = { invoice: '', draft: '', creditMemo: '', debitMemo: '', application: '' };
  const aCash = { payment: '', bankAccount: '', batch: '', statement: '', line: '' };
  let aEmailId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    a = await createTestOrg(server, 'alpha');
    b = await createTestOrg(server, 'beta');
    const created = await a.clients.manager.post<Detail>('/api/v1/customers', {
      accountNumber: 'SHARED-1',
      name: 'Alpha Customer',
      currency: 'EUR',
      paymentTerms: 'NET30',
      creditLimit: '5000.00',
      contacts: [{ name: 'A Contact', email: 'a@alpha.example' }],
      addresses: [{ kind: 'billing', line1: '1 A St', city: 'Berlin', country: 'DE' }],
    });
    expect(created.status).toBe(201);
    await a.clients.manager.post(`/api/v1/customers/${created.body.id}/tax-certificates`, {
      jurisdiction: 'DE-BE',
      certificateNumber: 'A-1',
    });
    await a.clients.manager.post(`/api/v1/customers/${created.body.id}/credit-references`, {
      kind: 'bank',
      name: 'Alpha Bank',
    });
    aCustomer = (await a.clients.manager.get<Detail>(`/api/v1/customers/${created.body.id}`)).body;
    const form = new FormData();
    form.append('file', new Blob(['secret'], { type: 'text/plain' }), 'secret.txt');
    aDocumentId = (await a.clients.manager.post<{ id: string }>('/api/v1/documents', form)).body.id;
    aApiKeyId = (
      await a.clients.admin.post<{ id: string }>('/api/v1/api-keys', {
        name: 'alpha key',
        role: 'viewer',
      })
    ).body.id;
    const invoice = await a.clients.manager.post<{ id: string }>('/api/v1/invoices', {
      customerId: aCustomer.id,
      issueDate: '2026-10-01',
      currency: 'EUR',
      lines: [{ description: 'Consulting', quantity: '2', unitPrice: '100.00' }],
    });
    expect(invoice.status).toBe(201);
    aLedger.invoice = invoice.body.id;
    aEmailId = (
      await a.clients.manager.post<{ id: string }>(`/api/v1/invoices/${invoice.body.id}/send`, {
        to: ['a@alpha.example'],
      })
    ).body.id;
    const draft = await a.clients.manager.post<{ id: string }>('/api/v1/invoices', {
      customerId: aCustomer.id,
      issueDate: '2026-10-01',
      currency: 'EUR',
      draft: true,
      lines: [{ description: 'Draft', quantity: '1', unitPrice: '1.00' }],
    });
    aLedger.draft = draft.body.id;
    const memo = await a.clients.manager.post<{ id: string; applications: Array<{ id: string }> }>(
      '/api/v1/credit-memos',
      { customerId: aCustomer.id, invoiceId: invoice.body.id, amount: '10.00', reason: 'x' },
    );
    aLedger.creditMemo = memo.body.id;
    aLedger.application = memo.body.applications[0]!.id;
    aLedger.debitMemo = (
      await a.clients.manager.post<{ id: string }>('/api/v1/debit-memos', {
        customerId: aCustomer.id,
        amount: '5.00',
        reason: 'x',
      })
    ).body.id;
    expect(
      (
        await a.clients.manager.post('/api/v1/ledger/accounts', {
          code: '4100',
          name: 'Alpha services',
          type: 'revenue',
        })
      ).status,
    ).toBe(201);
    const bank = await a.clients.manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: 'Alpha bank',
      identifier: 'DE44500105175407324931',
      currency: 'EUR',
    });
    aCash.bankAccount = bank.body.id;
    aCash.batch = (
      await a.clients.manager.post<{ id: string }>('/api/v1/deposit-batches', {
        bankAccountId: bank.body.id,
      })
    ).body.id;
    aCash.payment = (
      await a.clients.manager.post<{ id: string }>('/api/v1/payments', {
        customerId: aCustomer.id,
        method: 'wire',
        amount: '50.00',
        currency: 'EUR',
        receivedDate: '2026-10-05',
      })
    ).body.id;
    const statement = new FormData();
    statement.append(
      'file',
      new Blob([
        writeCamt053([
          {
            id: 'ALPHA-1',
            createdAt: '2026-10-06T18:00:00',
            iban: 'DE44500105175407324931',
            currency: 'EUR',
            fromDate: '2026-10-06',
            toDate: '2026-10-06',
            openingMinor: 0n,
            entries: [{ amountMinor: 1000n, bookingDate: '2026-10-06', bankReference: 'A-1' }],
          },
        ]),
      ]),
      'alpha.xml',
    );
    const imported = await a.clients.manager.post<{ id: string }>(
      '/api/v1/bank-statements',
      statement,
    );
    expect(imported.status).toBe(201);
    aCash.statement = imported.body.id;
    aCash.line = (
      await a.clients.manager.get<{ items: Array<{ id: string }> }>(
        `/api/v1/bank-statements/${imported.body.id}/lines`,
      )
    ).body.items[0]!.id;
    for (const id of Object.values(aCash)) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
  afterAll(() => server?.close());

  function concrete(url: string): string {
    const childByRoute: Record<string, string> = {
      contacts: aCustomer.contacts[0]!.id,
      addresses: aCustomer.addresses[0]!.id,
      'tax-certificates': aCustomer.taxCertificates[0]!.id,
      'credit-references': aCustomer.creditReferences[0]!.id,
    };
    const segment = url.split('/')[5] ?? '';
    let id = aCustomer.id;
    if (url.startsWith('/api/v1/documents/')) id = aDocumentId;
    if (url.startsWith('/api/v1/api-keys/')) id = aApiKeyId;
    if (url.startsWith('/api/v1/users/')) id = a.users.viewer.id;
    if (url.startsWith('/api/v1/invoices/') || url.startsWith('/api/v1/ar-documents/'))
      id =
        url === '/api/v1/invoices/:id/post' || url === '/api/v1/invoices/:id'
          ? aLedger.draft
          : aLedger.invoice;
    if (url.startsWith('/api/v1/credit-memos/')) id = aLedger.creditMemo;
    if (url.startsWith('/api/v1/debit-memos/')) id = aLedger.debitMemo;
    if (url.startsWith('/api/v1/applications/')) id = aLedger.application;
    if (url.startsWith('/api/v1/outbox/')) id = aEmailId;
    if (url.startsWith('/api/v1/payments/')) id = aCash.payment;
    if (url.startsWith('/api/v1/bank-accounts/')) id = aCash.bankAccount;
    if (url.startsWith('/api/v1/deposit-batches/')) id = aCash.batch;
    if (url.startsWith('/api/v1/bank-statements/')) id = aCash.statement;
    if (url.startsWith('/api/v1/bank-statement-lines/')) id = aCash.line;
    return url
      .replace(':id', id)
      .replace(':code', '4100')
      .replace(':childId', childByRoute[segment] ?? '');
  }

  it('declares an access rule on every API route', () => {
    const routes = server.runtime.app.routeTable;
    expect(routes.length).toBeGreaterThan(20);
    const open = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(open).toEqual(['POST /api/v1/auth/login']);
  });

  it("never shows or changes another organization's records, on any route", async () => {
    const intruder = b.clients.admin;
    for (const route of server.runtime.app.routeTable) {
      if (!route.url.includes(':')) continue;
      const url = concrete(route.url);
      const body =
        route.url.startsWith('/api/v1/documents') && route.method === 'POST'
          ? undefined
          : bodyFor(route.method, route.url);
      const res = await intruder.request(route.method, url, body);
      expect.soft(res.status, `${route.method} ${route.url}`).toBe(404);
    }
    // and the lists and searches only see the caller's own organization
    const list = await intruder.get<{ items: Array<{ id: string }> }>(
      '/api/v1/customers?search=alpha',
    );
    expect(list.body.items).toEqual([]);
    const audit = await intruder.get<{ items: Array<{ entityId: string }> }>(
      '/api/v1/audit?limit=500',
    );
    expect(audit.body.items.some((x) => x.entityId === aCustomer.id)).toBe(false);
    const users = await intruder.get<{ items: Array<{ email: string }> }>('/api/v1/users');
    expect(users.body.items.every((u) => u.email.endsWith('@beta.test'))).toBe(true);
    // org A's customer is untouched
    const after = await a.clients.viewer.get<{ name: string; contacts: unknown[] }>(
      `/api/v1/customers/${aCustomer.id}`,
    );
    expect(after.body).toMatchObject({ name: 'Alpha Customer' });
    expect(after.body.contacts.length).toBe(1);
  });

  it('lets two organizations use the same account number', async () => {
    const res = await b.clients.manager.post('/api/v1/customers', {
      accountNumber: 'SHARED-1',
      name: 'Beta Customer',
      currency: 'EUR',
      paymentTerms: 'NET30',
    });
    expect(res.status).toBe(201);
  });

  it('refuses a reference into another organization (collector, parent)', async () => {
    const bUser = b.users.collector.id;
    const res = await a.clients.manager.patch<{ errors: Array<{ path: string }> }>(
      `/api/v1/customers/${aCustomer.id}`,
      { collectorId: bUser },
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]!.path).toBe('body.collectorId');
    const bCustomer = (
      await b.clients.manager.get<{ items: Array<{ id: string }> }>('/api/v1/customers')
    ).body.items[0]!;
    expect(
      (
        await a.clients.manager.patch(`/api/v1/customers/${aCustomer.id}`, {
          parentId: bCustomer.id,
        })
      ).status,
    ).toBe(422);
  });

  it('refuses every route to a role it does not allow, with 403', async () => {
    const roles: Role[] = ['viewer', 'collector', 'manager', 'admin'];
    let checked = 0;
    for (const route of server.runtime.app.routeTable) {
      if (route.access === 'public') continue;
      for (const role of roles) {
        if (route.access.includes(role)) continue;
        const res = await a.clients[role].request(
          route.method,
          concrete(route.url),
          bodyFor(route.method, route.url),
        );
        expect.soft(res.status, `${role} ${route.method} ${route.url}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('replays an idempotent write and refuses the same key for another body', async () => {
    const client = a.clients.manager;
    const body = {
      accountNumber: 'IDEM-1',
      name: 'Idempotent Inc',
      currency: 'EUR',
      paymentTerms: 'NET30',
    };
    const key = { 'idempotency-key': 'create-idem-1' };
    const first = await client.post<{ id: string }>('/api/v1/customers', body, key);
    const second = await client.post<{ id: string }>('/api/v1/customers', { ...body }, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const reordered = await client.post<{ id: string }>(
      '/api/v1/customers',
      { currency: 'EUR', paymentTerms: 'NET30', name: 'Idempotent Inc', accountNumber: 'IDEM-1' },
      key,
    );
    expect(reordered.body.id).toBe(first.body.id);
    const other = await client.post<{ code: string }>(
      '/api/v1/customers',
      { ...body, name: 'Other' },
      key,
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_key_reused');
    const count = await server.runtime.database.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('account_number', '=', 'IDEM-1')
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1n);
    // keys are per organization: org B may use the same key for its own request
    const bRes = await b.clients.manager.post(
      '/api/v1/customers',
      { ...body, accountNumber: 'IDEM-B' },
      key,
    );
    expect(bRes.status).toBe(201);
    // a failed request stores no key, so a corrected retry with the same key works
    const failKey = { 'idempotency-key': 'retry-after-error' };
    expect(
      (
        await client.post(
          '/api/v1/customers',
          { ...body, accountNumber: 'IDEM-2', paymentTerms: 'NOPE' },
          failKey,
        )
      ).status,
    ).toBe(422);
    expect(
      (await client.post('/api/v1/customers', { ...body, accountNumber: 'IDEM-2' }, failKey))
        .status,
    ).toBe(201);
    const duplicate = await client.post<{ code: string }>(
      '/api/v1/customers',
      { ...body, accountNumber: 'IDEM-2' },
      { 'idempotency-key': 'fresh' },
    );
    expect(duplicate.body.code).toBe('duplicate_account_number');
    expect(
      (await client.post('/api/v1/customers', body, { 'idempotency-key': 'x'.repeat(300) })).status,
    ).toBe(400);
  });

  it('runs concurrent requests with one Idempotency-Key exactly once', async () => {
    const client = a.clients.manager;
    const body = {
      accountNumber: 'RACE-1',
      name: 'Race Ltd',
      currency: 'EUR',
      paymentTerms: 'NET30',
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.post<{ id: string }>('/api/v1/customers', body, { 'idempotency-key': 'race-key' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it('keeps the audit trail append-only in the database', async () => {
    const db = server.runtime.database.db;
    await expect(sql`update audit_log set action = 'forged'`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from customer_status_history`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    const rows = await db
      .selectFrom('audit_log')
      .select(['actor_name', 'request_id', 'entity_type'])
      .where('entity_id', '=', aCustomer.id)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.request_id && r.actor_name)).toBe(true);
  });

  it('answers unknown routes with 404 and malformed JSON with 400, without internals', async () => {
    const client = a.clients.manager;
    const unknown = await client.get<{ code: string }>('/api/v1/does-not-exist');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const malformed = await client.request<{ code: string; detail: string }>(
      'POST',
      '/api/v1/customers',
      '{"name": ',
      {},
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('publishes OpenAPI 3 and the docs page', async () => {
    const anon = new ApiClient(server.url);
    const spec = await anon.get<{ openapi: string; paths: Record<string, unknown> }>(
      '/api/openapi.json',
    );
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/auth/login']),
    );
    expect((await anon.get('/api/docs/')).status).toBe(200);
    expect((await anon.get<{ status: string }>('/health')).body).toEqual({ status: 'ok' });
  });
});
