/**
 * Security of the cash routes (payments, applications, refunds, deductions, deposit batches, bank
 * accounts, bank statements and lines, bank-file mappings, cash settings, cash reconciliation):
 * the role of every route, and two organizations that must never see or touch each other's
 * records, whether the other's id is in the path, the query string or the JSON body.
 */
import { writeCamt053 } from '../../src/modules/banking/camt-writer.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import type { ApiResponse } from '../support/api.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { FixedClock, startTestServer, type TestServer } from '../support/server.ts';

const ROLES: Role[] = ['admin', 'manager', 'collector', 'viewer'];
const READ: Role[] = ROLES;
const WRITE: Role[] = ['admin', 'manager', 'collector'];
const MANAGE: Role[] = ['admin', 'manager'];
const NOWHERE = '0190a0a0-0000-7000-8000-0000000000ff';

/** A wire of 5.00 received on 2026-11-15; `fields` name the customer and whatever is probed. */
const receipt = (fields: Record<string, unknown>) => ({
  method: 'wire',
  amount: '5.00',
  currency: 'EUR',
  receivedDate: '2026-11-15',
  ...fields,
});

const IBAN_A = 'DE44500105175407324931';
const IBAN_B = 'DE89370400440532013000';

function camt(id: string, iban: string, entries: Array<{ minor: bigint; ref: string }>) {
  return writeCamt053([
    {
      id,
      createdAt: '2026-11-12T18:00:00',
      iban,
      currency: 'EUR',
      fromDate: '2026-11-12',
      toDate: '2026-11-12',
      openingMinor: 0n,
      entries: entries.map((e) => ({
        amountMinor: e.minor,
        bookingDate: '2026-11-12',
        bankReference: e.ref,
      })),
    },
  ]);
}

function upload(content: string, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

type Ids = {
  customer: string;
  invoice: string;
  invoice2: string;
  creditMemo: string;
  payment: string;
  paymentNumber: string;
  unidentified: string;
  batch: string;
  bankAccount: string;
  statement: string;
  line: string;
  line2: string;
  mapping: string;
  application: string;
  deduction: string;
};

describe.each(databaseKinds())('cash routes security on %s', (kind) => {
  let server: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  const A = {} as Ids;
  const B = {} as Ids;

  async function setUp(org: TestOrg, ids: Ids, iban: string, tag: string) {
    const m = org.clients.manager;
    ids.customer = await createCustomer(m, {
      accountNumber: `C-${tag}`,
      name: `Customer ${tag}`,
    });
    ids.invoice = (await createInvoice(m, { customerId: ids.customer, amount: '100.00' })).id;
    ids.invoice2 = (await createInvoice(m, { customerId: ids.customer, amount: '200.00' })).id;
    ids.creditMemo = (
      await m.created<{ id: string }>('/api/v1/credit-memos', {
        customerId: ids.customer,
        amount: '30.00',
        reason: 'goodwill',
      })
    ).id;
    ids.bankAccount = (
      await m.created<{ id: string }>('/api/v1/bank-accounts', {
        name: `Bank ${tag}`,
        identifier: iban,
        currency: 'EUR',
      })
    ).id;
    ids.batch = (
      await m.created<{ id: string }>('/api/v1/deposit-batches', {
        bankAccountId: ids.bankAccount,
      })
    ).id;
    const pay = await m.created<{
      id: string;
      number: string;
      applications: Array<{ id: string }>;
      deductions: Array<{ id: string }>;
    }>('/api/v1/payments', {
      customerId: ids.customer,
      method: 'wire',
      amount: '500.00',
      currency: 'EUR',
      receivedDate: '2026-11-10',
      applications: [
        {
          invoiceId: ids.invoice,
          amount: '90.00',
          shortPay: { action: 'deduction', reasonCode: 'pricing' },
        },
      ],
    });
    ids.payment = pay.id;
    ids.paymentNumber = pay.number;
    ids.application = pay.applications[0]!.id;
    ids.deduction = pay.deductions[0]!.id;
    ids.unidentified = (
      await m.created<{ id: string }>('/api/v1/payments', {
        method: 'wire',
        amount: '41.00',
        currency: 'EUR',
        receivedDate: '2026-11-10',
      })
    ).id;
    const imported = await m.post<{ id: string }>(
      '/api/v1/bank-statements',
      upload(
        camt(`ST-${tag}`, iban, [
          { minor: 12345n, ref: `${tag}-1` },
          { minor: 6789n, ref: `${tag}-2` },
        ]),
        `${tag}.xml`,
      ),
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    ids.statement = imported.body.id;
    const lines = await m.get<{ items: Array<{ id: string; status: string }> }>(
      `/api/v1/bank-statements/${ids.statement}/lines`,
    );
    ids.line = lines.body.items[0]!.id;
    ids.line2 = lines.body.items[1]!.id;
    ids.mapping = (
      await m.created<{ id: string }>('/api/v1/bank-file-mappings', {
        name: `Mapping ${tag}`,
        kind: 'csv',
        bankAccountId: ids.bankAccount,
        mapping: {
          hasHeader: true,
          delimiter: ';',
          dateFormat: 'YYYY-MM-DD',
          decimalSeparator: '.',
          columns: { bookingDate: 'Date', amount: 'Amount', counterpartyName: 'Name' },
        },
      })
    ).id;
  }

  /** Everything organization A has, as A's own viewer reads it. */
  async function snapshotA() {
    const v = a.clients.viewer;
    const get = async (path: string) => {
      const res = await v.get(path);
      expect(res.status, path).toBe(200);
      return res.body;
    };
    return {
      payment: await get(`/api/v1/payments/${A.payment}`),
      unidentified: await get(`/api/v1/payments/${A.unidentified}`),
      payments: await get('/api/v1/payments?limit=200'),
      deductions: await get('/api/v1/deductions'),
      accounts: await get('/api/v1/bank-accounts'),
      batches: await get('/api/v1/deposit-batches'),
      statements: await get('/api/v1/bank-statements'),
      lines: await get(`/api/v1/bank-statements/${A.statement}/lines`),
      mappings: await get('/api/v1/bank-file-mappings'),
      settings: await get('/api/v1/cash-settings'),
      invoice: await get(`/api/v1/invoices/${A.invoice}`),
      invoice2: await get(`/api/v1/invoices/${A.invoice2}`),
      creditMemo: await get(`/api/v1/credit-memos/${A.creditMemo}`),
    };
  }

  beforeAll(async () => {
    server = await startTestServer({
      kind,
      demo: false,
      clock: new FixedClock('2026-11-20T12:00:00Z'),
    });
    a = await createTestOrg(server, 'alpha');
    b = await createTestOrg(server, 'beta');
    await setUp(a, A, IBAN_A, 'A');
    await setUp(b, B, IBAN_B, 'B');
  });
  afterAll(() => server?.close());

  /** Every cash route, with the roles the product allows and a valid body for `ids`. */
  function routes(ids: Ids) {
    const r = (
      method: string,
      url: string,
      allowed: Role[],
      body?: unknown,
    ): { method: string; url: string; allowed: Role[]; body?: unknown } => ({
      method,
      url,
      allowed,
      body,
    });
    return [
      r('GET', '/api/v1/payments', READ),
      r('GET', `/api/v1/payments/${ids.payment}`, READ),
      r('POST', '/api/v1/payments', WRITE, {
        customerId: ids.customer,
        method: 'wire',
        amount: '1.00',
        currency: 'EUR',
        receivedDate: '2026-11-15',
      }),
      r('POST', `/api/v1/payments/${ids.payment}/applications`, WRITE, {
        applications: [{ invoiceId: ids.invoice2, amount: '1.00' }],
      }),
      r('POST', `/api/v1/payments/${ids.payment}/reverse`, WRITE, { reason: 'probe' }),
      r('POST', `/api/v1/payments/${ids.unidentified}/assign-customer`, WRITE, {
        customerId: ids.customer,
      }),
      r('POST', `/api/v1/payments/${ids.payment}/refund`, MANAGE, {
        amount: '1.00',
        reason: 'probe',
        method: 'wire',
      }),
      r('GET', '/api/v1/deductions', READ),
      r('GET', '/api/v1/cash-settings', READ),
      r('PATCH', '/api/v1/cash-settings', MANAGE, { shortPayTolerance: '999.00' }),
      r('GET', '/api/v1/bank-accounts', READ),
      r('POST', '/api/v1/bank-accounts', MANAGE, {
        name: 'Probe',
        identifier: 'GB29NWBK60161331926819',
        currency: 'EUR',
      }),
      r('PATCH', `/api/v1/bank-accounts/${ids.bankAccount}`, MANAGE, { name: 'Hijacked' }),
      r('GET', '/api/v1/deposit-batches', READ),
      r('GET', `/api/v1/deposit-batches/${ids.batch}`, READ),
      r('POST', '/api/v1/deposit-batches', WRITE, { bankAccountId: ids.bankAccount }),
      r('POST', `/api/v1/deposit-batches/${ids.batch}/deposit`, WRITE, {}),
      r('GET', '/api/v1/bank-statements', READ),
      r('GET', `/api/v1/bank-statements/${ids.statement}`, READ),
      r('GET', `/api/v1/bank-statements/${ids.statement}/lines`, READ),
      r('POST', `/api/v1/bank-statements/${ids.statement}/auto-apply`, WRITE),
      r('POST', `/api/v1/bank-statements/${ids.statement}/rematch`, WRITE),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/apply`, WRITE, {
        customerId: ids.customer,
        applications: [],
      }),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/accept`, WRITE, { suggestion: 0 }),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/ignore`, WRITE, { reason: 'probe' }),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/reopen`, WRITE, {}),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/unidentified`, WRITE, {}),
      r('POST', `/api/v1/bank-statement-lines/${ids.line}/link`, WRITE, {
        paymentId: ids.payment,
      }),
      r('GET', '/api/v1/bank-file-mappings', READ),
      r('POST', '/api/v1/bank-file-mappings', MANAGE, {
        name: 'Probe mapping',
        kind: 'lockbox',
        bankAccountId: ids.bankAccount,
        mapping: {},
      }),
      r(
        'GET',
        `/api/v1/cash-reconciliation?bankAccountId=${ids.bankAccount}&from=2026-11-01&to=2026-11-20`,
        READ,
      ),
      r('POST', `/api/v1/credit-memos/${ids.creditMemo}/applications`, WRITE, {
        invoiceId: ids.invoice2,
        amount: '1.00',
      }),
      r('POST', `/api/v1/applications/${ids.application}/unapply`, WRITE, { reason: 'probe' }),
      r('POST', '/api/v1/refunds', MANAGE, {
        creditDocumentId: ids.creditMemo,
        amount: '1.00',
        reason: 'probe',
        method: 'wire',
      }),
    ];
  }

  it('covers every route of the payments and banking modules', () => {
    const covered = new Set(
      routes(A).map((r) => `${r.method} ${r.url.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0]}`),
    );
    const cash = server.runtime.app.routeTable.filter((r) =>
      /^\/api\/v1\/(payments|deductions|cash-|bank-|deposit-batches|refunds|applications)/.test(
        r.url,
      ),
    );
    const missing = cash
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !covered.has(k) && k !== 'POST /api/v1/bank-statements');
    expect(missing).toEqual([]);
  });

  it('refuses each role a cash route it may not use, with 403, and changes nothing', async () => {
    const before = await snapshotA();
    let refused = 0;
    for (const route of routes(A)) {
      for (const role of ROLES) {
        if (route.allowed.includes(role)) continue;
        const res = await a.clients[role].request(route.method, route.url, route.body);
        expect.soft(res.status, `${role} ${route.method} ${route.url}`).toBe(403);
        refused++;
      }
    }
    // the import: a viewer may not upload a statement
    const viewerImport = await a.clients.viewer.post(
      '/api/v1/bank-statements',
      upload(camt('VIEWER-1', IBAN_A, [{ minor: 500n, ref: 'V-1' }]), 'v.xml'),
    );
    expect.soft(viewerImport.status).toBe(403);
    expect(refused).toBeGreaterThan(20);
    expect(await snapshotA()).toEqual(before);
  });

  it('lets each allowed role past the role check (validation answers, not 403)', async () => {
    let checked = 0;
    for (const route of routes(A)) {
      // a path to nothing, or a body that does not validate, so nothing is written
      const url = route.url.replace(/\/[0-9a-f-]{36}(?=\/|$)/, `/${NOWHERE}`);
      const probe = route.method === 'GET' ? route.url : url !== route.url ? url : route.url;
      const body = route.method === 'GET' ? undefined : url !== route.url ? route.body : { x: [] };
      for (const role of route.allowed) {
        const res = await a.clients[role].request(
          route.method,
          probe,
          route.method === 'PATCH' && url === route.url ? { shortPayTolerance: 'x' } : body,
        );
        expect.soft(res.status, `${role} ${route.method} ${probe}`).not.toBe(403);
        expect.soft(res.status, `${role} ${route.method} ${probe}`).toBeLessThan(500);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("answers 404 for every one of A's ids in a path, for every role of B", async () => {
    const before = await snapshotA();
    for (const route of routes(A)) {
      const hasId = /\/[0-9a-f-]{36}(\/|$)/.test(route.url.split('?')[0]!);
      if (!hasId) continue;
      for (const role of route.allowed) {
        const res = await b.clients[role].request(route.method, route.url, route.body);
        expect.soft(res.status, `B ${role} ${route.method} ${route.url}`).toBe(404);
        expect.soft(JSON.stringify(res.body)).not.toContain(A.paymentNumber);
      }
    }
    // B's viewer is refused writes by its role before anything is looked up (same as an id of
    // its own organization: nothing is confirmed)
    expect(await snapshotA()).toEqual(before);
  });

  it("never reads A's rows through B's lists, whatever the filters", async () => {
    const c = b.clients.viewer;
    const queries = [
      `/api/v1/payments?customerId=${A.customer}`,
      `/api/v1/payments?depositBatchId=${A.batch}`,
      `/api/v1/payments?q=${encodeURIComponent(A.paymentNumber)}`,
      `/api/v1/payments?q=Customer%20A`,
      `/api/v1/payments?status=unidentified`,
      `/api/v1/payments?status=partially_applied`,
      `/api/v1/deductions?customerId=${A.customer}`,
      `/api/v1/deductions?status=open`,
      `/api/v1/bank-statements?bankAccountId=${A.bankAccount}`,
      `/api/v1/bank-statements/${B.statement}/lines?lineId=${A.line}`,
      `/api/v1/deposit-batches?status=open`,
      `/api/v1/bank-accounts`,
      `/api/v1/bank-file-mappings`,
    ];
    const aIds = Object.values(A).filter((v) => /^[0-9a-f-]{36}$/.test(v));
    for (const q of queries) {
      const res = await c.get<{ items: unknown[] }>(q);
      expect.soft(res.status, q).toBe(200);
      const text = JSON.stringify(res.body);
      for (const id of aIds) expect.soft(text, `${q} shows A's ${id}`).not.toContain(id);
      expect.soft(text, q).not.toContain('Customer A');
      expect.soft(text, q).not.toContain(IBAN_A);
    }
    const rec = await c.get(
      `/api/v1/cash-reconciliation?bankAccountId=${A.bankAccount}&from=2026-11-01&to=2026-11-20`,
    );
    expect.soft(rec.status).toBeGreaterThanOrEqual(400);
    expect.soft(rec.status).toBeLessThan(500);
    expect.soft(JSON.stringify(rec.body)).not.toContain(IBAN_A);
    expect.soft(JSON.stringify(rec.body)).not.toContain('Bank A');
  });

  it("refuses A's ids inside B's JSON bodies and changes nothing of A", async () => {
    const before = await snapshotA();
    const m = b.clients.manager;
    const col = b.clients.collector;
    const cases: Array<[string, () => Promise<ApiResponse>]> = [
      [
        'payment for A customer',
        () => m.post('/api/v1/payments', receipt({ customerId: A.customer })),
      ],
      [
        'payment into A bank account',
        () =>
          m.post(
            '/api/v1/payments',
            receipt({ customerId: B.customer, bankAccountId: A.bankAccount }),
          ),
      ],
      [
        'payment into A deposit batch',
        () =>
          m.post(
            '/api/v1/payments',
            receipt({ customerId: B.customer, method: 'check', depositBatchId: A.batch }),
          ),
      ],
      [
        'payment applied to A invoice at creation',
        () =>
          m.post(
            '/api/v1/payments',
            receipt({
              customerId: B.customer,
              applications: [{ invoiceId: A.invoice2, amount: '5.00' }],
            }),
          ),
      ],
      [
        'B payment applied to A invoice',
        () =>
          col.post(`/api/v1/payments/${B.payment}/applications`, {
            applications: [{ invoiceId: A.invoice2, amount: '5.00' }],
          }),
      ],
      [
        'B payment applied to A credit memo as an invoice',
        () =>
          col.post(`/api/v1/payments/${B.payment}/applications`, {
            applications: [{ invoiceId: A.creditMemo, amount: '5.00' }],
          }),
      ],
      [
        'B unidentified payment given to A customer',
        () =>
          col.post(`/api/v1/payments/${B.unidentified}/assign-customer`, {
            customerId: A.customer,
          }),
      ],
      [
        'B batch in A bank account',
        () => col.post('/api/v1/deposit-batches', { bankAccountId: A.bankAccount }),
      ],
      [
        'B mapping on A bank account',
        () =>
          m.post('/api/v1/bank-file-mappings', {
            name: 'Intruder',
            kind: 'lockbox',
            bankAccountId: A.bankAccount,
            mapping: {},
          }),
      ],
      [
        'B line applied for A customer',
        () =>
          col.post(`/api/v1/bank-statement-lines/${B.line}/apply`, {
            customerId: A.customer,
            applications: [],
          }),
      ],
      [
        'B line applied to A invoice',
        () =>
          col.post(`/api/v1/bank-statement-lines/${B.line}/apply`, {
            customerId: B.customer,
            applications: [{ invoiceId: A.invoice2, amount: '5.00' }],
          }),
      ],
      [
        'B line linked to A payment',
        () => col.post(`/api/v1/bank-statement-lines/${B.line}/link`, { paymentId: A.payment }),
      ],
      [
        'B line linked to A unidentified payment',
        () =>
          col.post(`/api/v1/bank-statement-lines/${B.line}/link`, { paymentId: A.unidentified }),
      ],
      [
        'B credit memo applied to A invoice',
        () =>
          col.post(`/api/v1/credit-memos/${B.creditMemo}/applications`, {
            invoiceId: A.invoice2,
            amount: '1.00',
          }),
      ],
      [
        'B refund of A credit memo',
        () =>
          m.post('/api/v1/refunds', {
            creditDocumentId: A.creditMemo,
            amount: '1.00',
            reason: 'x',
            method: 'wire',
          }),
      ],
      [
        'B import into A bank account',
        () =>
          m.post(
            '/api/v1/bank-statements',
            upload(camt('INTRUDE-1', IBAN_A, [{ minor: 777n, ref: 'I-1' }]), 'i.xml', {
              bankAccountId: A.bankAccount,
            }),
          ),
      ],
      [
        'B import with A mapping',
        () =>
          m.post(
            '/api/v1/bank-statements',
            upload('Date;Amount;Name\n2026-11-12;7.77;Intruder\n', 'i.csv', {
              mappingId: A.mapping,
            }),
          ),
      ],
    ];
    for (const [name, run] of cases) {
      const res = await run();
      expect.soft(res.status, `${name}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect.soft(res.status, name).toBeLessThan(500);
      const text = JSON.stringify(res.body);
      expect.soft(text, name).not.toContain(A.paymentNumber);
      expect.soft(text, name).not.toContain('Customer A');
      expect.soft(text, name).not.toContain('Bank A');
      expect.soft(text, name).not.toMatch(/select |insert into|update .* set|\.ts:\d+/i);
    }
    expect(await snapshotA()).toEqual(before);
  });

  it('answers a foreign id in a body as it answers an id that exists nowhere', async () => {
    const col = b.clients.collector;
    const m = b.clients.manager;
    const pairs: Array<[string, (id: string) => Promise<ApiResponse>]> = [
      ['customerId', (id) => m.post('/api/v1/payments', receipt({ customerId: id, amount: '5' }))],
      ['bankAccountId', (id) => col.post('/api/v1/deposit-batches', { bankAccountId: id })],
      [
        'depositBatchId',
        (id) =>
          m.post(
            '/api/v1/payments',
            receipt({ customerId: B.customer, method: 'check', amount: '5', depositBatchId: id }),
          ),
      ],
      [
        'applications[].invoiceId',
        (id) =>
          col.post(`/api/v1/payments/${B.payment}/applications`, {
            applications: [{ invoiceId: id, amount: '1.00' }],
          }),
      ],
      [
        'paymentId',
        (id) => col.post(`/api/v1/bank-statement-lines/${B.line2}/link`, { paymentId: id }),
      ],
      [
        'creditDocumentId',
        (id) =>
          m.post('/api/v1/refunds', {
            creditDocumentId: id,
            amount: '1.00',
            reason: 'x',
            method: 'wire',
          }),
      ],
      [
        'mappingId',
        (id) =>
          m.post(
            '/api/v1/bank-statements',
            upload('Date;Amount;Name\n2026-11-12;7.77;X\n', 'x.csv', { mappingId: id }),
          ),
      ],
    ];
    const foreign: Record<string, string> = {
      customerId: A.customer,
      bankAccountId: A.bankAccount,
      depositBatchId: A.batch,
      'applications[].invoiceId': A.invoice2,
      paymentId: A.payment,
      creditDocumentId: A.creditMemo,
      mappingId: A.mapping,
    };
    const strip = (body: unknown) =>
      JSON.stringify(body)
        .replace(/"requestId":"[^"]*"/, '')
        .replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    for (const [field, run] of pairs) {
      const there = await run(foreign[field]!);
      const nowhere = await run(NOWHERE);
      expect.soft(there.status, field).toBe(nowhere.status);
      expect.soft(strip(there.body), field).toBe(strip(nowhere.body));
    }
  });

  it('demands the CSRF token on cookie-session writes to the cash routes', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: b.users.manager.email, password: 'correct-horse-battery' }),
    });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = cookies.find((c) => c.startsWith('dunwell_csrf='))!.split('=')[1]!;
    const cookie = cookies.join('; ');
    const writes: Array<[string, string, unknown]> = [
      [
        'POST',
        '/api/v1/payments',
        {
          customerId: B.customer,
          method: 'wire',
          amount: '1.00',
          currency: 'EUR',
          receivedDate: '2026-11-15',
        },
      ],
      ['PATCH', '/api/v1/cash-settings', { shortPayTolerance: '999.00' }],
      [
        'POST',
        '/api/v1/bank-accounts',
        { name: 'X', identifier: 'GB29NWBK60161331926819', currency: 'EUR' },
      ],
      ['POST', `/api/v1/bank-statement-lines/${B.line2}/ignore`, { reason: 'csrf' }],
      ['POST', '/api/v1/deposit-batches', { bankAccountId: B.bankAccount }],
    ];
    for (const [method, path, body] of writes) {
      const res = await fetch(server.url + path, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect.soft(res.status, `${method} ${path} without token`).toBe(403);
    }
    const form = upload(camt('CSRF-1', IBAN_B, [{ minor: 999n, ref: 'C-1' }]), 'c.xml');
    const multipart = await fetch(`${server.url}/api/v1/bank-statements`, {
      method: 'POST',
      headers: { cookie },
      body: form,
    });
    expect.soft(multipart.status).toBe(403);
    // with the token it goes through
    const ok = await fetch(`${server.url}/api/v1/cash-settings`, {
      method: 'GET',
      headers: { cookie },
    });
    expect(ok.status).toBe(200);
    const withToken = await fetch(`${server.url}/api/v1/deposit-batches`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ bankAccountId: B.bankAccount }),
    });
    expect(withToken.status).toBe(201);
  });

  it('answers bad input on the cash routes without SQL or stack traces', async () => {
    const c = b.clients.manager;
    const probes: Array<[string, string, unknown]> = [
      ['GET', '/api/v1/payments/not-a-uuid', undefined],
      [
        'GET',
        '/api/v1/payments?cursor=WyIyMDI2LTk5LTk5IiwiLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tIl0',
        undefined,
      ],
      ['GET', '/api/v1/deductions?cursor=%27%3B--', undefined],
      ['GET', '/api/v1/payments?q=%27%20or%201%3D1--', undefined],
      [
        'GET',
        `/api/v1/cash-reconciliation?bankAccountId=${B.bankAccount}&from=2026-02-30&to=2026-03-01`,
        undefined,
      ],
      ['PATCH', '/api/v1/cash-settings', { autoMatchThreshold: '1e9' }],
      ['PATCH', '/api/v1/cash-settings', { shortPayTolerance: '99999999999999999999.99' }],
      [
        'POST',
        '/api/v1/payments',
        {
          customerId: B.customer,
          method: 'wire',
          amount: '99999999999999999999.99',
          currency: 'EUR',
          receivedDate: '2026-11-15',
        },
      ],
      [
        'POST',
        `/api/v1/payments/${B.payment}/reverse`,
        { reason: 'x', fee: '1.00', feeAccountCode: "' or 1=1" },
      ],
    ];
    for (const [method, path, body] of probes) {
      const res = await c.request(method, path, body);
      const text = JSON.stringify(res.body);
      expect
        .soft(res.status, `${method} ${path} ${JSON.stringify(body)}: ${text}`)
        .toBeLessThan(500);
      expect.soft(text, path).not.toMatch(/select |insert into|relation "|\.ts:\d+|at async/i);
    }
  });

  it('a bank-account PATCH that changes nothing answers 200 and writes nothing; a blank name is refused', async () => {
    const path = `/api/v1/bank-accounts/${B.bankAccount}`;
    const audits = () =>
      server.runtime.database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('entity_id', '=', B.bankAccount)
        .executeTakeFirstOrThrow();
    const before = await audits();
    const empty = await b.clients.manager.patch(path, {});
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(await audits()).toEqual(before);
    const blank = await b.clients.manager.patch<{
      errors: Array<{ path: string; message: string }>;
    }>(path, { name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([{ path: 'body.name', message: 'is required' }]);
  });

  it('keeps write-offs and discounts beyond terms above the tolerance for managers', async () => {
    const m = b.clients.manager;
    const col = b.clients.collector;
    const inv = await createInvoice(m, { customerId: B.customer, amount: '400.00' });
    const pay = await m.created<{ id: string }>('/api/v1/payments', {
      customerId: B.customer,
      method: 'wire',
      amount: '300.00',
      currency: 'EUR',
      receivedDate: '2026-11-15',
    });
    const writeOff = await col.post(`/api/v1/payments/${pay.id}/applications`, {
      applications: [{ invoiceId: inv.id, amount: '300.00', shortPay: { action: 'write_off' } }],
    });
    expect.soft(writeOff.status).toBe(403);
    const discount = await col.post(`/api/v1/payments/${pay.id}/applications`, {
      applications: [
        { invoiceId: inv.id, amount: '250.00', discount: '50.00', discountReason: 'favour' },
      ],
    });
    expect.soft(discount.status).toBe(403);
    const applied = await m.post<{ applications: Array<{ id: string; via: string }> }>(
      `/api/v1/payments/${pay.id}/applications`,
      {
        applications: [
          { invoiceId: inv.id, amount: '250.00', discount: '50.00', discountReason: 'favour' },
        ],
      },
    );
    expect(applied.status).toBe(201);
    const discountApp = applied.body.applications.find((x) => x.via === 'discount')!;
    const unapply = await col.post(`/api/v1/applications/${discountApp.id}/unapply`, {
      reason: 'take it back',
    });
    expect.soft(unapply.status).toBe(403);
  });
});
