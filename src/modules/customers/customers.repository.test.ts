import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import { systemClock } from '../../shared/clock.ts';
import { seedDemo } from '../demo/index.ts';
import { createTestDatabase, databaseKinds } from '../../../test/support/db.ts';
import { listCustomers, sortValueOf, type CustomerSort } from './customers.repository.ts';

describe.each(databaseKinds())('customer search strategies on %s', (kind) => {
  let database: Database;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemo(database.db, systemClock, { password: 'not-used-here', customers: 120 });
    orgId = (await database.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow())
      .id;
  });
  afterAll(() => database?.close());

  /** Follows cursors to the end, with one strategy forced. */
  async function everyPage(
    search: string,
    sort: CustomerSort,
    descending: boolean,
    fenced: boolean,
  ) {
    const ids: string[] = [];
    let after: { value: string; id: string } | undefined;
    for (;;) {
      const rows = await listCustomers(
        database.db,
        orgId,
        { search },
        { sort, descending, after, limit: 7, fencedSearchMaxMatches: fenced ? 1_000_000 : 0 },
      );
      ids.push(...rows.map((r) => r.id));
      const last = rows[rows.length - 1];
      if (rows.length < 7 || !last) return ids;
      after = { value: sortValueOf(last), id: last.id };
    }
  }

  it('returns the same pages whether it sorts only the matches or scans in sort order', async () => {
    for (const search of ['e', 'steel', 'C0100', 'inc', 'zzz-none']) {
      for (const sort of ['name', 'creditLimit', 'createdAt', 'accountNumber'] as const) {
        for (const descending of [false, true]) {
          const fenced = await everyPage(search, sort, descending, true);
          const scanned = await everyPage(search, sort, descending, false);
          expect(fenced, `${search} ${sort} ${descending}`).toEqual(scanned);
          expect(new Set(fenced).size).toBe(fenced.length);
        }
      }
    }
    expect((await everyPage('e', 'name', false, true)).length).toBeGreaterThan(50);
  });
});
