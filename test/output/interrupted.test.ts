import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failInterruptedDeliveries } from '../../src/modules/output/index.ts';
import { newId } from '../../src/shared/ids.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe.each(databaseKinds())('interrupted deliveries on %s', (kind) => {
  let server: TestServer;
  let orgId: string;
  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    orgId = (await createTestOrg(server, 'mail')).orgId;
  });
  afterAll(() => server?.close());

  it('marks a message left "sending" by a stopped process as failed, never as to be sent again', async () => {
    const db = server.runtime.database.db;
    const message = (id: string, createdAt: Date) => ({
      id,
      org_id: orgId,
      status: 'sending' as const,
      to_addresses: ['ap@example.com'],
      subject: 'Invoice',
      body_text: 'x',
      created_by_name: 'test',
      created_at: createdAt,
    });
    const stale = newId();
    const fresh = newId();
    const now = Date.now();
    await db
      .insertInto('email_messages')
      .values([message(stale, new Date(now - 3_600_000)), message(fresh, new Date(now))])
      .execute();
    expect(await failInterruptedDeliveries(db, new Date(now - 600_000))).toBe(1);
    const rows = await db
      .selectFrom('email_messages')
      .select(['id', 'status', 'error'])
      .where('id', 'in', [stale, fresh])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(stale)).toMatchObject({ status: 'failed' });
    expect(byId.get(stale)!.error).toMatch(/interrupted/);
    expect(byId.get(fresh)).toMatchObject({ status: 'sending' });
  });
});
