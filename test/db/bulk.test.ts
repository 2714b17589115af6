import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { insertRows, pipelineWrites, PreparedWrites, rowsJson } from '../../src/db/bulk.ts';
import { newId, isUuid } from '../../src/shared/ids.ts';
import { createTestDatabase, databaseKinds } from '../support/db.ts';

describe('newId', () => {
  it('makes distinct version-7 UUIDs that carry the time', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
    const at = Date.UTC(2026, 10, 22, 17, 0, 0, 123);
    const id = newId(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });
});

describe('rowsJson', () => {
  it('writes bigint as decimal strings, dates as ISO 8601 and keeps nested values', () => {
    const json = rowsJson([
      { a: 12345678901234567890n, d: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), j: { n: -5n } },
    ]);
    expect(JSON.parse(json)).toEqual([
      { a: '12345678901234567890', d: '2026-01-02T03:04:05.000Z', j: { n: '-5' } },
    ]);
  });
});

describe('pipelineWrites', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('prepares the next chunk while one write runs, and writes in order, one at a time', async () => {
    const events: string[] = [];
    let running = 0;
    await pipelineWrites(
      [1, 2, 3, 4, 5, 6, 7],
      3,
      (chunk) => {
        events.push(`prepare ${chunk.join(',')}`);
        return chunk;
      },
      async (chunk) => {
        running++;
        expect(running).toBe(1);
        events.push(`write ${chunk.join(',')}`);
        await sleep(5);
        events.push(`done ${chunk.join(',')}`);
        running--;
      },
    );
    expect(events).toEqual([
      'prepare 1,2,3',
      'write 1,2,3',
      'prepare 4,5,6',
      'done 1,2,3',
      'write 4,5,6',
      'prepare 7',
      'done 4,5,6',
      'write 7',
      'done 7',
    ]);
  });

  it('stops at a failed write with its error and writes nothing after it', async () => {
    const written: number[] = [];
    await expect(
      pipelineWrites(
        [1, 2, 3, 4],
        1,
        (chunk) => chunk[0]!,
        async (n) => {
          await sleep(2);
          if (n === 2) throw new Error('write 2 failed');
          written.push(n);
        },
      ),
    ).rejects.toThrow('write 2 failed');
    expect(written).toEqual([1]);
  });

  it('waits for the running write before reporting a chunk that failed to prepare', async () => {
    let finished = false;
    await expect(
      pipelineWrites(
        [1, 2],
        1,
        (chunk) => {
          if (chunk[0] === 2) throw new Error('prepare 2 failed');
          return chunk[0]!;
        },
        async () => {
          await sleep(20);
          finished = true;
        },
      ),
    ).rejects.toThrow('prepare 2 failed');
    expect(finished).toBe(true);
  });
});

describe.each(databaseKinds())('insertRows on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await sql`create table bulk_probe (
      id uuid primary key,
      amount bigint not null,
      rate numeric(9, 4),
      day date,
      at timestamptz,
      tags text[],
      doc jsonb,
      note text,
      flag boolean not null default true
    )`.execute(database.db);
  }, 60_000);
  afterAll(async () => database?.close());

  it('reads every value with its column type, across chunks, in one transaction', async () => {
    const db = database.db;
    const at = new Date(Date.UTC(2026, 10, 22, 12, 30, 0, 250));
    const rows = Array.from({ length: 12_001 }, (_, i) => ({
      id: newId(),
      amount: 9_007_199_254_740_993n + BigInt(i),
      rate: '0.9250',
      day: '2026-11-22',
      at,
      tags: ['a', `t${i}`, 'quote " and \\ backslash'],
      doc: { score: 0.95, minor: 10n, list: [1, 2] },
      note: i % 2 ? null : `line ${i} with 'quotes', "double" and émoji ✓`,
    }));
    await db.transaction().execute((trx) => insertRows(trx as never, 'bulk_probe' as never, rows));
    const stored = await sql<{
      n: string;
      total: string;
      flags: string;
    }>`select count(*) as n, sum(amount)::text as total, count(*) filter (where flag) as flags from bulk_probe`.execute(
      db,
    );
    const expected = rows.reduce((s, r) => s + r.amount, 0n);
    expect(stored.rows[0]).toEqual({
      n: expect.anything(),
      total: expected.toString(),
      flags: expect.anything(),
    });
    expect(Number(stored.rows[0]!.n)).toBe(12_001);
    // omitted columns take their default
    expect(Number(stored.rows[0]!.flags)).toBe(12_001);
    const first = await sql<{
      amount: string;
      rate: string;
      day: string;
      at: Date;
      tags: string[];
      doc: unknown;
      note: string | null;
    }>`select amount::text, rate::text, day::text, at, tags, doc, note from bulk_probe where id = ${rows[0]!.id}`.execute(
      db,
    );
    expect(first.rows[0]).toEqual({
      amount: '9007199254740993',
      rate: '0.9250',
      day: '2026-11-22',
      at,
      tags: ['a', 't0', 'quote " and \\ backslash'],
      doc: { score: 0.95, minor: '10', list: [1, 2] },
      note: `line 0 with 'quotes', "double" and émoji ✓`,
    });
  });

  it('writes nothing when a row is refused', async () => {
    const db = database.db;
    const before = await sql<{ n: string }>`select count(*) as n from bulk_probe`.execute(db);
    const id = newId();
    const rows = [
      { id, amount: 1n },
      { id: newId(), amount: null as unknown as bigint },
    ];
    await expect(
      db.transaction().execute((trx) => insertRows(trx as never, 'bulk_probe' as never, rows)),
    ).rejects.toThrow(/amount/);
    const after = await sql<{ n: string }>`select count(*) as n from bulk_probe`.execute(db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('inserts parts together in one statement, so that a statement trigger sees them all', async () => {
    const db = database.db;
    // a parent refused unless its children are there when its statement ends (as a journal
    // entry without its lines is)
    await sql`create table bulk_parent (id uuid primary key);
      create table bulk_child (parent_id uuid not null, amount bigint not null);
      create function bulk_parent_has_children() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from new_rows p
          where not exists (select 1 from bulk_child c where c.parent_id = p.id)) then
          raise exception 'a parent without children';
        end if;
        return null;
      end $$;
      create trigger bulk_parent_children after insert on bulk_parent
        referencing new table as new_rows
        for each statement execute function bulk_parent_has_children();`.execute(db);
    const parents = [{ id: newId() }, { id: newId() }];
    const children = parents.flatMap((p, i) => [
      { parent_id: p.id, amount: BigInt(i) },
      { parent_id: p.id, amount: 7n },
    ]);
    // one table after the other: the parents' statement ends before their children exist
    await expect(
      db.transaction().execute(async (trx) => {
        await insertRows(trx as never, 'bulk_parent' as never, parents);
        await insertRows(trx as never, 'bulk_child' as never, children);
      }),
    ).rejects.toThrow(/a parent without children/);
    const writes = new PreparedWrites()
      .insertTogether([
        { table: 'bulk_parent' as never, rows: parents as never[] },
        { table: 'bulk_child' as never, rows: children as never[] },
        // parts without rows are left out
        { table: 'bulk_probe' as never, rows: [] },
      ])
      .insertTogether([]);
    await db.transaction().execute((trx) => writes.execute(trx as never));
    const stored = await sql<{
      parents: string;
      total: string;
    }>`select (select count(*) from bulk_parent) as parents, (select sum(amount) from bulk_child)::text as total`.execute(
      db,
    );
    expect(stored.rows[0]).toEqual({ parents: expect.anything(), total: '15' });
    expect(Number(stored.rows[0]!.parents)).toBe(2);
  });

  it('refuses rows whose columns differ from the first row', async () => {
    await expect(
      insertRows(database.db as never, 'bulk_probe' as never, [
        { id: newId(), amount: 1n },
        { id: newId(), amount: 2n, note: 'x' },
      ]),
    ).rejects.toThrow(/column note is not in the first row/);
  });
});
