import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';

type Problem = {
  code: string;
  detail: string;
  errors?: Array<{ path?: string; line?: number; field?: string | null; message: string }>;
};
type Page = { items: Array<{ id: string; name: string }>; nextCursor: string | null };

/** Regression tests for defects found in review: each failed before its fix. */
describe.each(databaseKinds())('hardening on %s', (kind) => {
  let server: TestServer;
  let org: TestOrg;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    org = await createTestOrg(server, 'hard');
  });
  afterAll(() => server?.close());

  const db = () => server.runtime.database.db;

  it('never stores an API key secret for idempotent replay, and refuses the replay', async () => {
    const key = { 'idempotency-key': 'api-key-once' };
    const first = await org.clients.admin.post<{ key: string }>(
      '/api/v1/api-keys',
      { name: 'erp', role: 'viewer' },
      key,
    );
    expect(first.status).toBe(201);
    const stored = await db()
      .selectFrom('idempotency_keys')
      .select('response')
      .where('key', '=', 'api-key-once')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response ?? '')).not.toContain(first.body.key);
    const again = await org.clients.admin.post<Problem>(
      '/api/v1/api-keys',
      { name: 'erp', role: 'viewer' },
      key,
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('secret_not_replayable');
  });

  it("does not replay one user's idempotent answer to another user", async () => {
    const body = {
      accountNumber: 'IDK-1',
      name: 'Limit Co',
      currency: 'EUR',
      paymentTerms: 'NET30',
      creditLimit: '500.00',
    };
    const key = { 'idempotency-key': 'shared-key' };
    expect((await org.clients.manager.post('/api/v1/customers', body, key)).status).toBe(201);
    const collector = await org.clients.collector.post<Problem>('/api/v1/customers', body, key);
    expect(collector.status).toBe(409);
    expect(collector.body.code).toBe('idempotency_key_reused');
  });

  it('treats a currency change on a customer with a credit limit as a credit change', async () => {
    const c = (
      await org.clients.manager.post<{ id: string }>('/api/v1/customers', {
        accountNumber: 'FX-1',
        name: 'Fx Co',
        currency: 'USD',
        paymentTerms: 'NET30',
        creditLimit: '3300.00',
      })
    ).body;
    expect(
      (
        await org.clients.collector.patch(`/api/v1/customers/${c.id}`, {
          currency: 'EUR',
          creditLimit: '3000.00',
        })
      ).status,
    ).toBe(403);
    const restate = await org.clients.manager.patch<Problem>(`/api/v1/customers/${c.id}`, {
      currency: 'JPY',
    });
    expect(restate.status).toBe(422);
    expect(restate.body.code).toBe('currency_change_needs_limit');
    const ok = await org.clients.manager.patch<{ currency: string; creditLimit: string }>(
      `/api/v1/customers/${c.id}`,
      { currency: 'JPY', creditLimit: '450000' },
    );
    expect(ok.body).toMatchObject({ currency: 'JPY', creditLimit: '450000' });
    // a customer with no limit may change currency without a manager
    const zero = (
      await org.clients.collector.post<{ id: string }>('/api/v1/customers', {
        accountNumber: 'FX-2',
        name: 'Zero Co',
        currency: 'USD',
        paymentTerms: 'NET30',
      })
    ).body;
    expect(
      (await org.clients.collector.patch(`/api/v1/customers/${zero.id}`, { currency: 'EUR' }))
        .status,
    ).toBe(200);
  });

  it('counts parallel wrong passwords before checking them', async () => {
    const anon = new ApiClient(server.url);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        anon.post('/api/v1/auth/login', { email: org.users.viewer.email, password: `guess-${i}` }),
      ),
    );
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(10);
    expect(results.filter((r) => r.status === 429).length).toBe(30 - checked);
  });

  it('pages by name to the end when names lower-case differently in JavaScript and SQL', async () => {
    for (const name of [
      'İstanbul AŞ',
      'ISTANBUL Ltd',
      'Zeta Corp',
      'ß Strasse GmbH',
      'SS Marine',
      'Ǆemal',
      'ǅemal',
      'dzemal',
    ]) {
      await org.clients.manager.post('/api/v1/customers', {
        accountNumber: `U-${Buffer.from(name).toString('hex').slice(0, 12)}`,
        name,
        currency: 'EUR',
        paymentTerms: 'NET30',
      });
    }
    for (const sort of ['name', '-name']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const res: { body: Page } = await org.clients.manager.get<Page>(
          `/api/v1/customers?limit=1&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      const total = await db()
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('org_id', '=', org.orgId)
        .executeTakeFirstOrThrow();
      expect(BigInt(seen.length)).toBe(total.n);
    }
  });

  it('refuses out-of-range amounts and edited cursors with 4xx, never 500', async () => {
    const big = await org.clients.manager.post<Problem>('/api/v1/customers', {
      accountNumber: 'BIG-2',
      name: 'Big',
      currency: 'USD',
      paymentTerms: 'NET30',
      creditLimit: '999999999999999999.99',
    });
    expect(big.status).toBe(422);
    expect(big.body.errors![0]!.path).toBe('body.creditLimit');
    const cursor = (sort: string, value: string) =>
      Buffer.from(JSON.stringify([sort, value, '01a20289-f287-785d-bebe-59ceba419e77'])).toString(
        'base64url',
      );
    for (const [sort, value] of [
      ['creditLimit', '9999999999999999999'],
      ['createdAt', 'Tue 1 2'],
      ['createdAt', '2026-13-45T99:99:99Z'],
    ] as const) {
      const res = await org.clients.manager.get(
        `/api/v1/customers?sort=${sort}&cursor=${cursor(sort, value)}`,
      );
      expect(res.status, `${sort} ${value}`).toBe(400);
    }
  });

  it('refuses the NUL character with 400 naming the field, in the API and in imports', async () => {
    const res = await org.clients.manager.post<Problem>('/api/v1/customers', {
      accountNumber: 'NUL-1',
      name: 'a\u0000b',
      currency: 'EUR',
      paymentTerms: 'NET30',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.path).toBe('body.name');
    const csv = [
      'accountNumber,name,currency,paymentTerms',
      ...Array.from(
        { length: 1000 },
        (_, i) => `N-${i},Customer ${i} of the Hanseatic Wholesale Trading Company,EUR,NET30`,
      ),
      'N-X,Bad\u0000Name,EUR,NET30',
    ].join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'nul.csv');
    const imported = await org.clients.manager.post<Problem & { created: number }>(
      '/api/v1/imports/customers?mode=partial',
      form,
    );
    expect(imported.status).toBe(200);
    expect(csv.indexOf('\u0000')).toBeGreaterThan(64 * 1024); // past the binary sniffing
    expect(imported.body.created).toBe(1000);
    expect(imported.body.errors).toEqual([
      { line: 1002, field: 'name', message: 'Contains a NUL character' },
    ]);
  });

  it('keeps answering other requests while a long import runs', async () => {
    const csv = [
      'accountNumber,name,currency,paymentTerms',
      ...Array.from({ length: 1500 }, (_, i) => `LONG-${i},Long import ${i},EUR,NET30`),
    ].join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'long.csv');
    let importDone = false;
    const running = org.clients.manager
      .post<{ created: number }>('/api/v1/imports/customers', form)
      .then((res) => {
        importDone = true;
        return res;
      });
    let answeredDuringImport = 0;
    while (!importDone) {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      if (!importDone) answeredDuringImport++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await running).body.created).toBe(1500);
    // without yielding between chunks only the upload phase answers (1); with it, many
    expect(answeredDuringImport).toBeGreaterThanOrEqual(3);
  });

  it('audits the contacts and addresses a new customer is created with', async () => {
    const c = (
      await org.clients.manager.post<{ id: string }>('/api/v1/customers', {
        accountNumber: 'AUD-1',
        name: 'Audited',
        currency: 'EUR',
        paymentTerms: 'NET30',
        contacts: [{ name: 'Pat AP', email: 'pat@aud.example' }],
        addresses: [{ kind: 'billing', line1: '1 Way', city: 'Kiel', country: 'DE' }],
      })
    ).body;
    const audit = await org.clients.manager.get<{
      items: Array<{
        action: string;
        after: { contacts: Array<{ name: string }>; addresses: Array<{ city: string }> };
      }>;
    }>(`/api/v1/audit?entityType=customer&entityId=${c.id}`);
    expect(audit.body.items[0]!.after.contacts[0]!.name).toBe('Pat AP');
    expect(audit.body.items[0]!.after.addresses[0]!.city).toBe('Kiel');
  });

  it('keeps at least one active admin', async () => {
    const self = await org.clients.admin.patch<Problem>(`/api/v1/users/${org.users.admin.id}`, {
      role: 'viewer',
    });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('last_admin');
    expect(
      (await org.clients.admin.patch(`/api/v1/users/${org.users.admin.id}`, { active: false }))
        .status,
    ).toBe(409);
    expect(
      (await org.clients.admin.patch(`/api/v1/users/${org.users.manager.id}`, { role: 'admin' }))
        .status,
    ).toBe(200);
    expect(
      (await org.clients.admin.patch(`/api/v1/users/${org.users.manager.id}`, { role: 'manager' }))
        .status,
    ).toBe(200);
  });

  it('answers an anonymous request with 401 before looking at its parameters', async () => {
    const res = await new ApiClient(server.url).get<Problem>('/api/v1/customers?limit=abc');
    expect(res.status).toBe(401);
  });

  it('lets users change their password and admins reset one, ending other sessions', async () => {
    const email = org.users.collector.email;
    const other = await ApiClient.login(server, email, TEST_PASSWORD);
    const current = await ApiClient.login(server, email, TEST_PASSWORD);
    const wrong = await current.post<Problem>('/api/v1/auth/password', {
      currentPassword: 'nope',
      newPassword: 'a-new-long-password',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors![0]!.path).toBe('body.currentPassword');
    expect(
      (
        await current.post('/api/v1/auth/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: 'short',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await current.post('/api/v1/auth/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: 'a-new-long-password',
        })
      ).status,
    ).toBe(204);
    expect((await current.get('/api/v1/auth/me')).status).toBe(200);
    expect((await other.get('/api/v1/auth/me')).status).toBe(401);
    const relogin = await ApiClient.login(server, email, 'a-new-long-password');
    expect(
      (
        await org.clients.admin.patch(`/api/v1/users/${org.users.collector.id}`, {
          password: TEST_PASSWORD,
        })
      ).status,
    ).toBe(200);
    expect((await relogin.get('/api/v1/auth/me')).status).toBe(401);
    org.clients.collector = await ApiClient.login(server, email, TEST_PASSWORD);
  });

  it('edits tax certificates and credit references', async () => {
    const c = (
      await org.clients.manager.post<{ id: string }>('/api/v1/customers', {
        accountNumber: 'EDIT-1',
        name: 'Editable',
        currency: 'EUR',
        paymentTerms: 'NET30',
      })
    ).body;
    const cert = (
      await org.clients.manager.post<{ id: string }>(`/api/v1/customers/${c.id}/tax-certificates`, {
        jurisdiction: 'DE-HH',
        certificateNumber: 'HH-1',
        expiresOn: '2020-01-01',
      })
    ).body;
    const renewed = await org.clients.manager.patch<{ expiresOn: string; expired: boolean }>(
      `/api/v1/customers/${c.id}/tax-certificates/${cert.id}`,
      { expiresOn: '2099-01-01' },
    );
    expect(renewed.body).toMatchObject({ expiresOn: '2099-01-01', expired: false });
    const ref = (
      await org.clients.manager.post<{ id: string }>(
        `/api/v1/customers/${c.id}/credit-references`,
        { kind: 'bank', name: 'Bank A' },
      )
    ).body;
    const edited = await org.clients.manager.patch<{ name: string; phone: string }>(
      `/api/v1/customers/${c.id}/credit-references/${ref.id}`,
      { name: 'Bank B', phone: '+49 40 1234' },
    );
    expect(edited.body).toMatchObject({ name: 'Bank B', phone: '+49 40 1234' });
  });
});
