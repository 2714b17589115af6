import { createRuntime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import type { Dataset } from '../generate.ts';
import { measure, type LatencySummary, type MeasureOptions } from '../support/stats.ts';
import { PAGE_SIZE } from './customers.ts';

export type HttpResult = { name: string; rows: number; latency: LatencySummary };

/**
 * GET /api/v1/customers over real HTTP (loopback, keep-alive) against the real server, signed
 * in as the dataset's manager with a bearer token: the same first page as the service scenario,
 * plus authentication, validation, serialization and the socket.
 * Closes only the server; the database stays open for the caller.
 */
export async function measureHttpList(
  database: Database,
  dataset: Dataset,
  options: MeasureOptions,
): Promise<HttpResult> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const runtime = await createRuntime(config, { database, webDir: null });
  try {
    const base = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await login(base, dataset.main.manager.email, dataset.password);
    const url = `${base}/api/v1/customers?sort=name&limit=${PAGE_SIZE}`;
    let rows = 0;
    const latency = await measure(async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { items?: unknown[] };
      if (res.status !== 200 || !body.items)
        throw new Error(
          `GET /api/v1/customers answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`,
        );
      rows = body.items.length;
    }, options);
    return { name: 'HTTP GET /api/v1/customers (first page)', rows, latency };
  } finally {
    await runtime.app.close();
  }
}

async function login(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token)
    throw new Error(
      `login as ${email} failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  return body.token;
}
