import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/shared/clock.ts';
import { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';

describe.each(databaseKinds())('auth on %s', (kind) => {
  let server: TestServer;
  const clock = new FixedClock('2026-11-02T15:00:00Z');
  const admin = 'admin@demo.dunwell.test';
  const manager = 'manager@demo.dunwell.test';

  beforeAll(async () => {
    server = await startTestServer({ kind, clock, demoCustomers: 5 });
  });
  afterAll(() => server?.close());

  it('logs in with e-mail and password and returns a token and the user', async () => {
    const res = await new ApiClient(server.url).post<{
      token: string;
      csrfToken: string;
      user: { email: string; role: string; organization: { name: string } };
    }>('/api/v1/auth/login', { email: admin.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[\w-]{40,}$/);
    expect(res.body.user).toMatchObject({
      email: admin,
      role: 'admin',
      organization: { name: 'Northwind Industrial Supply' },
    });
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('dunwell_session='))).toMatch(/HttpOnly/i);
    expect(cookies.find((c) => c.startsWith('dunwell_csrf='))).not.toMatch(/HttpOnly/i);
  });

  it('refuses a wrong password and an unknown user alike with 401 problem+json', async () => {
    for (const body of [
      { email: admin, password: 'wrong-password' },
      { email: 'nobody@nowhere.test', password: 'x' },
    ]) {
      const res = await new ApiClient(server.url).post<{ code: string; detail: string }>(
        '/api/v1/auth/login',
        body,
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        code: 'invalid_credentials',
        detail: 'Wrong e-mail or password',
      });
    }
  });

  it('rate-limits repeated failures for one e-mail with 429 and Retry-After', async () => {
    const victim = 'collector@demo.dunwell.test';
    const anon = new ApiClient(server.url);
    for (let i = 0; i < 10; i++)
      expect(
        (await anon.post('/api/v1/auth/login', { email: victim, password: `bad-${i}` })).status,
      ).toBe(401);
    const blocked = await anon.post<{ code: string }>('/api/v1/auth/login', {
      email: victim,
      password: TEST_PASSWORD,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_attempts');
    expect(blocked.headers.get('retry-after')).toBe('900');
    clock.advance(16 * 60_000); // the window passes
    expect(
      (await anon.post('/api/v1/auth/login', { email: victim, password: TEST_PASSWORD })).status,
    ).toBe(200);
  });

  it('needs authentication for API routes and tells a bad token from none', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.get('/api/v1/customers')).status).toBe(401);
    const bad = await anon.get<{ code: string }>('/api/v1/customers', {
      authorization: 'Bearer nonsense',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('invalid_token');
    expect((await anon.get('/api/v1/customers', { authorization: 'Basic abc' })).status).toBe(401);
  });

  it('ends a session at logout', async () => {
    const client = await ApiClient.login(server, manager, TEST_PASSWORD);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('expires a session after the idle timeout and after the absolute timeout', async () => {
    const idle = await ApiClient.login(server, manager, TEST_PASSWORD);
    clock.advance(29 * 60_000);
    expect((await idle.get('/api/v1/auth/me')).status).toBe(200); // use refreshes the idle timer
    clock.advance(29 * 60_000);
    expect((await idle.get('/api/v1/auth/me')).status).toBe(200);
    clock.advance(31 * 60_000);
    expect((await idle.get('/api/v1/auth/me')).status).toBe(401);

    const busy = await ApiClient.login(server, manager, TEST_PASSWORD);
    for (let hour = 0; hour < 12; hour++) {
      clock.advance(20 * 60_000);
      expect((await busy.get('/api/v1/auth/me')).status).toBe(200);
      clock.advance(20 * 60_000);
      expect((await busy.get('/api/v1/auth/me')).status).toBe(200);
      clock.advance(20 * 60_000);
      const res = await busy.get('/api/v1/auth/me');
      if (hour < 11) expect(res.status).toBe(200);
      else expect(res.status).toBe(401); // 12 hours after sign-in, however busy
    }
  });

  it('requires the CSRF token for unsafe requests authenticated by cookie', async () => {
    const login = await new ApiClient(server.url).post<{ csrfToken: string }>(
      '/api/v1/auth/login',
      { email: manager, password: TEST_PASSWORD },
    );
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const body = JSON.stringify({
      accountNumber: 'CSRF-1',
      name: 'Csrf Test',
      currency: 'USD',
      paymentTerms: 'NET30',
    });
    const headers = { cookie, 'content-type': 'application/json' };
    const get = await fetch(`${server.url}/api/v1/customers?limit=1`, { headers: { cookie } });
    expect(get.status).toBe(200);
    const without = await fetch(`${server.url}/api/v1/customers`, {
      method: 'POST',
      headers,
      body,
    });
    expect(without.status).toBe(403);
    const wrong = await fetch(`${server.url}/api/v1/customers`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': 'nope' },
      body,
    });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${server.url}/api/v1/customers`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': login.body.csrfToken },
      body,
    });
    expect(right.status).toBe(201);
  });

  it('creates API keys shown once, stored hashed, usable as bearer tokens and revocable', async () => {
    const adminClient = await ApiClient.login(server, admin, TEST_PASSWORD);
    const created = await adminClient.post<{
      id: string;
      key: string;
      prefix: string;
      role: string;
    }>('/api/v1/api-keys', { name: 'ERP sync', role: 'collector' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^dwk_/);
    const list = await adminClient.get<{ items: Array<Record<string, unknown>> }>(
      '/api/v1/api-keys',
    );
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const stored = await server.runtime.database.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(created.body.key.slice(4));

    const integration = new ApiClient(server.url, created.body.key);
    expect((await integration.get('/api/v1/customers?limit=1')).status).toBe(200);
    const me = await integration.get<{ apiKey: { role: string } }>('/api/v1/auth/me');
    expect(me.body.apiKey.role).toBe('collector');
    // the key's role limits it: a collector may not create API keys
    expect((await integration.post('/api/v1/api-keys', { name: 'x', role: 'admin' })).status).toBe(
      403,
    );
    expect((await adminClient.delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await integration.get('/api/v1/customers?limit=1')).status).toBe(401);
  });

  it('stores passwords as argon2id hashes', async () => {
    const row = await server.runtime.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', admin)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('deactivating a user ends their sessions', async () => {
    const adminClient = await ApiClient.login(server, admin, TEST_PASSWORD);
    const created = await adminClient.post<{ id: string }>('/api/v1/users', {
      email: 'temp@demo.dunwell.test',
      name: 'Temp',
      role: 'collector',
      password: 'long-enough-pw',
    });
    expect(created.status).toBe(201);
    const temp = await ApiClient.login(server, 'temp@demo.dunwell.test', 'long-enough-pw');
    expect((await temp.get('/api/v1/auth/me')).status).toBe(200);
    expect(
      (await adminClient.patch(`/api/v1/users/${created.body.id}`, { active: false })).status,
    ).toBe(200);
    expect((await temp.get('/api/v1/auth/me')).status).toBe(401);
    expect(
      (
        await new ApiClient(server.url).post('/api/v1/auth/login', {
          email: 'temp@demo.dunwell.test',
          password: 'long-enough-pw',
        })
      ).status,
    ).toBe(401);
    const short = await adminClient.post<{ errors: Array<{ path: string }> }>('/api/v1/users', {
      email: 't2@demo.dunwell.test',
      name: 'T2',
      role: 'viewer',
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0]!.path).toBe('body.password');
  });
});
