import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';

type Summary = {
  id: string;
  accountNumber: string;
  name: string;
  creditLimit: string;
  status: string;
  createdAt: string;
};
type Page = { items: Summary[]; nextCursor: string | null };
type Detail = Summary & {
  version: number;
  contacts: Array<{ id: string; name: string; isPrimary: boolean }>;
  statusHistory: Array<{ toStatus: string; reason: string | null }>;
  taxCertificates: Array<{
    id: string;
    jurisdiction: string;
    expired: boolean;
    document: { filename: string } | null;
  }>;
  parent: { id: string } | null;
};
type Problem = { code: string; detail: string; errors?: Array<{ path: string; message: string }> };

describe.each(databaseKinds())('customers API on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind, demoCustomers: 137 });
    manager = await ApiClient.login(server, 'manager@demo.dunwell.test', TEST_PASSWORD);
    collector = await ApiClient.login(server, 'collector@demo.dunwell.test', TEST_PASSWORD);
  });
  afterAll(() => server?.close());

  async function allPages(query: string): Promise<Summary[]> {
    const items: Summary[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Page } = await manager.get<Page>(
        `/api/v1/customers?limit=25&${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('pages through every customer exactly once in every sort order', async () => {
    const total = await server.runtime.database.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    for (const sort of [
      'name',
      '-name',
      'accountNumber',
      '-accountNumber',
      'creditLimit',
      '-creditLimit',
      'createdAt',
      '-createdAt',
    ]) {
      const items = await allPages(`sort=${sort}`);
      expect(items.length).toBe(Number(total.n));
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      const key = (s: Summary) =>
        sort.endsWith('creditLimit')
          ? BigInt(s.creditLimit.replace('.', ''))
          : sort.endsWith('name')
            ? s.name.toLowerCase()
            : sort.endsWith('createdAt')
              ? s.createdAt
              : s.accountNumber;
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [key(items[i - 1]!), key(items[i]!)];
        if (sort.startsWith('-')) expect(a >= b).toBe(true);
        else expect(a <= b).toBe(true);
      }
    }
  });

  it('searches by name fragment, account number and external id, and filters', async () => {
    const page = await manager.get<Page>('/api/v1/customers?limit=200');
    const sample = page.body.items[7]!;
    const byName = await manager.get<Page>(
      `/api/v1/customers?search=${encodeURIComponent(sample.name.slice(2, 9).toUpperCase())}`,
    );
    expect(byName.body.items.map((i) => i.id)).toContain(sample.id);
    const byAccount = await manager.get<Page>(`/api/v1/customers?search=${sample.accountNumber}`);
    expect(byAccount.body.items.map((i) => i.id)).toEqual([sample.id]);
    const none = await manager.get<Page>('/api/v1/customers?search=%25_%25');
    expect(none.body.items).toEqual([]); // LIKE wildcards are literal
    const onHold = await allPages('status=credit_hold');
    expect(onHold.every((c) => c.status === 'credit_hold')).toBe(true);
  });

  it('rejects bad list parameters with the field named', async () => {
    const res = await manager.get<Problem>('/api/v1/customers?limit=5000&sort=color');
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual([
      'querystring.limit',
      'querystring.sort',
    ]);
    const cursor = await manager.get<Problem>('/api/v1/customers?cursor=garbage');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors![0]!.path).toBe('querystring.cursor');
    const otherSort = (await manager.get<Page>('/api/v1/customers?limit=2&sort=name')).body
      .nextCursor!;
    expect(
      (await manager.get('/api/v1/customers?sort=-creditLimit&cursor=' + otherSort)).status,
    ).toBe(400);
  });

  it('creates a customer with contacts and addresses, and reads it back', async () => {
    const res = await manager.post<Detail>('/api/v1/customers', {
      accountNumber: 'NEW-001',
      name: 'Fjord Fisheries',
      legalName: 'Fjord Fisheries AS',
      currency: 'USD',
      creditLimit: '12500.00',
      paymentTerms: '2/10NET30',
      riskClass: 'medium',
      contacts: [
        {
          name: 'Ingrid Berg',
          email: 'ingrid@fjord.example',
          roles: ['billing', 'ap'],
          isPrimary: true,
        },
      ],
      addresses: [{ kind: 'billing', line1: '1 Harbour Rd', city: 'Bergen', country: 'no' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountNumber: 'NEW-001',
      creditLimit: '12500.00',
      status: 'active',
      version: 1,
    });
    expect(res.body.contacts[0]).toMatchObject({ name: 'Ingrid Berg', isPrimary: true });
    expect(res.body.statusHistory[0]).toMatchObject({ toStatus: 'active' });
    const again = await manager.get<Detail>(`/api/v1/customers/${res.body.id}`);
    expect(again.body.creditLimit).toBe('12500.00');
  });

  it('keeps amounts exact per currency and rejects extra decimals rather than rounding', async () => {
    const jpy = await manager.post<Detail>('/api/v1/customers', {
      accountNumber: 'JP-1',
      name: 'Kyoto Tools',
      currency: 'JPY',
      paymentTerms: 'NET30',
      creditLimit: '1500000',
    });
    expect(jpy.status).toBe(201);
    expect(jpy.body.creditLimit).toBe('1500000');
    const bhd = await manager.post<Detail>('/api/v1/customers', {
      accountNumber: 'BH-1',
      name: 'Manama Trading',
      currency: 'BHD',
      paymentTerms: 'NET30',
      creditLimit: '1234.567',
    });
    expect(bhd.body.creditLimit).toBe('1234.567');
    const bad = await manager.post<Problem>('/api/v1/customers', {
      accountNumber: 'JP-2',
      name: 'Osaka',
      currency: 'JPY',
      paymentTerms: 'NET30',
      creditLimit: '10.5',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors![0]!.path).toBe('body.creditLimit');
    const big = await manager.post<Detail>('/api/v1/customers', {
      accountNumber: 'BIG-1',
      name: 'Big',
      currency: 'USD',
      paymentTerms: 'NET30',
      creditLimit: '92233720368547758.07',
    });
    expect(big.body.creditLimit).toBe('92233720368547758.07'); // the largest bigint, to the cent
  });

  it('names every wrong field in a 400/422 problem', async () => {
    const res = await manager.post<Problem>('/api/v1/customers', {
      accountNumber: '',
      name: 'x',
      currency: 'usd',
      paymentTerms: 'NET30',
      creditLimit: 12,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual([
      'body.accountNumber',
      'body.creditLimit',
      'body.currency',
    ]);
    const terms = await manager.post<Problem>('/api/v1/customers', {
      accountNumber: 'T-1',
      name: 'x',
      currency: 'XYZ',
      paymentTerms: 'NET999',
    });
    expect(terms.status).toBe(422);
    expect(terms.body.errors!.map((e) => e.path).sort()).toEqual([
      'body.currency',
      'body.paymentTerms',
    ]);
  });

  it('refuses a duplicate account number with 409 and writes nothing', async () => {
    const before = await server.runtime.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await manager.post<Problem>('/api/v1/customers', {
      accountNumber: 'NEW-001',
      name: 'Dup',
      currency: 'USD',
      paymentTerms: 'NET30',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('duplicate_account_number');
    const after = await server.runtime.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('updates with optimistic concurrency, records status history and audit before/after', async () => {
    const c = (
      await manager.post<Detail>('/api/v1/customers', {
        accountNumber: 'UPD-1',
        name: 'Update Me',
        currency: 'USD',
        paymentTerms: 'NET30',
        creditLimit: '1000.00',
      })
    ).body;
    const first = await manager.patch<Detail>(`/api/v1/customers/${c.id}`, {
      creditLimit: '2500.50',
      version: 1,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ creditLimit: '2500.50', version: 2 });
    const stale = await manager.patch<Problem>(`/api/v1/customers/${c.id}`, {
      name: 'Lost update',
      version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    const hold = await manager.patch<Detail>(`/api/v1/customers/${c.id}`, {
      status: 'credit_hold',
      statusReason: '3 checks returned',
    });
    expect(hold.body.statusHistory[0]).toMatchObject({
      toStatus: 'credit_hold',
      reason: '3 checks returned',
    });
    const audit = await manager.get<{
      items: Array<{
        action: string;
        before: { creditLimit: string };
        after: { creditLimit: string };
        actor: { name: string };
      }>;
    }>(`/api/v1/audit?entityType=customer&entityId=${c.id}`);
    expect(audit.body.items.map((a) => a.action)).toEqual(['update_status', 'update', 'create']);
    expect(audit.body.items[1]).toMatchObject({
      before: { creditLimit: '1000.00' },
      after: { creditLimit: '2500.50' },
      actor: { name: 'Morgan Reyes (AR Manager)' },
    });
    // a PATCH that changes nothing writes nothing
    await manager.patch(`/api/v1/customers/${c.id}`, { name: 'Update Me' });
    expect(
      (
        await manager.get<{ items: unknown[] }>(
          `/api/v1/audit?entityType=customer&entityId=${c.id}`,
        )
      ).body.items.length,
    ).toBe(3);
  });

  it('lets a collector edit contacts but not credit limits or status', async () => {
    const c = (
      await manager.post<Detail>('/api/v1/customers', {
        accountNumber: 'ROLE-1',
        name: 'Role Test',
        currency: 'USD',
        paymentTerms: 'NET30',
      })
    ).body;
    expect(
      (await collector.patch(`/api/v1/customers/${c.id}`, { creditLimit: '99999.00' })).status,
    ).toBe(403);
    expect((await collector.patch(`/api/v1/customers/${c.id}`, { status: 'closed' })).status).toBe(
      403,
    );
    expect(
      (await collector.patch(`/api/v1/customers/${c.id}`, { name: 'Role Test Renamed' })).status,
    ).toBe(200);
    const contact = await collector.post<{ id: string }>(`/api/v1/customers/${c.id}/contacts`, {
      name: 'New AP',
      email: 'ap@role.example',
      roles: ['ap'],
      isPrimary: true,
    });
    expect(contact.status).toBe(201);
    expect(
      (
        await collector.patch(`/api/v1/customers/${c.id}/contacts/${contact.body.id}`, {
          phone: '+1 555 0100',
        })
      ).status,
    ).toBe(200);
    expect(
      (await collector.delete(`/api/v1/customers/${c.id}/contacts/${contact.body.id}`)).status,
    ).toBe(204);
    expect(
      (
        await collector.post(`/api/v1/customers/${c.id}/notes`, {
          body: 'Called AP, invoice approved',
        })
      ).status,
    ).toBe(201);
    const notes = await collector.get<{ items: Array<{ body: string; author: { name: string } }> }>(
      `/api/v1/customers/${c.id}/notes`,
    );
    expect(notes.body.items[0]).toMatchObject({
      body: 'Called AP, invoice approved',
      author: { name: 'Casey Collector' },
    });
  });

  it('refuses a parent that would make a cycle', async () => {
    const a = (
      await manager.post<Detail>('/api/v1/customers', {
        accountNumber: 'HQ-1',
        name: 'Holding',
        currency: 'USD',
        paymentTerms: 'NET30',
      })
    ).body;
    const b = (
      await manager.post<Detail>('/api/v1/customers', {
        accountNumber: 'BR-1',
        name: 'Branch',
        currency: 'USD',
        paymentTerms: 'NET30',
        parentId: a.id,
      })
    ).body;
    expect((await manager.get<Detail>(`/api/v1/customers/${b.id}`)).body.parent!.id).toBe(a.id);
    const cycle = await manager.patch<Problem>(`/api/v1/customers/${a.id}`, { parentId: b.id });
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors![0]!.path).toBe('body.parentId');
    expect((await manager.patch(`/api/v1/customers/${a.id}`, { parentId: a.id })).status).toBe(422);
  });

  it('stores tax-exempt certificates with an uploaded document and flags expired ones', async () => {
    const c = (
      await manager.post<Detail>('/api/v1/customers', {
        accountNumber: 'TAX-1',
        name: 'Exempt School District',
        currency: 'USD',
        paymentTerms: 'NET30',
      })
    ).body;
    const form = new FormData();
    form.append(
      'file',
      new Blob(['%PDF-1.4 certificate'], { type: 'application/pdf' }),
      '../../etc/cert "TX".pdf',
    );
    const doc = await manager.post<{ id: string; filename: string }>('/api/v1/documents', form);
    expect(doc.status).toBe(201);
    expect(doc.body.filename).not.toContain('/');
    const valid = await manager.post(`/api/v1/customers/${c.id}/tax-certificates`, {
      jurisdiction: 'us-tx',
      certificateNumber: 'TX-123',
      expiresOn: '2099-12-31',
      documentId: doc.body.id,
    });
    expect(valid.status).toBe(201);
    await manager.post(`/api/v1/customers/${c.id}/tax-certificates`, {
      jurisdiction: 'US-OK',
      certificateNumber: 'OK-9',
      expiresOn: '2020-01-31',
    });
    const detail = (await manager.get<Detail>(`/api/v1/customers/${c.id}`)).body;
    expect(detail.taxCertificates.map((t) => [t.jurisdiction, t.expired])).toEqual([
      ['US-OK', true],
      ['US-TX', false],
    ]);
    const file = await manager.get<string>(`/api/v1/documents/${doc.body.id}`);
    expect(file.status).toBe(200);
    expect(file.body).toBe('%PDF-1.4 certificate');
    const badDate = await manager.post<Problem>(`/api/v1/customers/${c.id}/tax-certificates`, {
      jurisdiction: 'US-CA',
      certificateNumber: 'CA',
      expiresOn: '2026-02-30',
    });
    expect(badDate.status).toBe(400);
    const exe = new FormData();
    exe.append('file', new Blob(['MZ'], { type: 'application/x-msdownload' }), 'virus.exe');
    expect((await manager.post('/api/v1/documents', exe)).status).toBe(400);
  });

  it('returns 404 for an unknown customer and 400 for a malformed id', async () => {
    expect(
      (await manager.get('/api/v1/customers/01a20289-f287-785d-bebe-59ceba419e77')).status,
    ).toBe(404);
    const bad = await manager.get<Problem>('/api/v1/customers/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.path).toBe('params.id');
  });
});
