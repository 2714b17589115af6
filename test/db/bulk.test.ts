import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { insertRows, pipelineWrites, PreparedWrites, rowsJson } from '../../src/db/bulk.ts';
import { copyDataOf, copyQuery, copyText, JSON_COLUMNS } from '../../src/db/copy.ts';
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

describe('copyText', () => {
  it('escapes what COPY reads specially and writes NULL, arrays and JSON', () => {
    const text = copyText(
      [
        { a: 'tab\there', b: null, c: ['x', null, 'q"\\'], d: { n: 5n, s: 'line\nbreak' } },
        { a: '\\N', b: '', c: [], d: undefined },
      ],
      ['a', 'b', 'c', 'd', 'missing'],
    );
    expect(text).toBe(
      'tab\\there\t\\N\t{"x",NULL,"q\\\\"\\\\\\\\"}\t{"n":"5","s":"line\\\\nbreak"}\t\\N\n' +
        '\\\\N\t\t{}\t\\N\t\\N\n',
    );
  });

  it('writes an array as JSON in a json column and as an array literal elsewhere', () => {
    const row = { list: ['a', 'b'], doc: [{ n: 1n }, 'x'], one: 'text', empty: [] };
    expect(copyText([row], ['list', 'doc', 'one', 'empty'], new Set(['doc', 'one', 'empty']))).toBe(
      '{"a","b"}\t[{"n":"1"},"x"]\t"text"\t[]\n',
    );
    expect(copyText([row], ['empty'])).toBe('{}\n');
  });

  it('is recognised by the dialects only in the shape copyQuery builds', () => {
    const query = copyQuery('bulk_probe', ['id', 'note'], 'data\n');
    expect(query.sql).toBe('COPY "bulk_probe" ("id", "note") FROM STDIN');
    expect(copyDataOf(query.sql, query.parameters)).toBe('data\n');
    expect(copyDataOf('select $1', ['data'])).toBeUndefined();
    expect(copyDataOf(query.sql, [])).toBeUndefined();
    expect(() => copyQuery('bulk probe', ['id'], '')).toThrow(/not a plain identifier/);
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

  it('knows every json and jsonb column of the schema (COPY needs them named)', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('json', 'jsonb')
        and table_name not like 'bulk_%'
      order by table_name, ordinal_position`.execute(database.db);
    const catalog: Record<string, string[]> = {};
    for (const c of columns.rows) (catalog[c.table_name] ??= []).push(c.column_name);
    expect(JSON_COLUMNS).toEqual(catalog);
  });

  it('keeps text exactly as written: tabs, line breaks, backslashes, \N, empty strings', async () => {
    const db = database.db;
    const notes = ['a\tb', 'two\nlines\r\n', 'back\\slash \\N', '\\N', '', 'ünïcode ✓'];
    const rows = notes.map((note) => ({
      id: newId(),
      amount: 1n,
      note,
      tags: [note, null as unknown as string],
      doc: { note },
    }));
    await insertRows(db as never, 'bulk_probe' as never, rows);
    const stored = await sql<{
      id: string;
      note: string;
      tags: (string | null)[];
      doc: { note: string };
    }>`select id, note, tags, doc from bulk_probe where id in (${sql.join(rows.map((r) => r.id))})`.execute(
      db,
    );
    const byId = new Map(stored.rows.map(({ id, ...r }) => [id, r]));
    expect(rows.map((r) => byId.get(r.id))).toEqual(
      notes.map((note) => ({ note, tags: [note, null], doc: { note } })),
    );
  });

  it('runs statement triggers with their transition table on what it copies', async () => {
    const db = database.db;
    await sql`create table bulk_watched (id uuid primary key, amount bigint not null);
      create table bulk_seen (rows bigint not null, total bigint not null);
      create function bulk_watched_check() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from new_rows where amount < 0) then
          raise exception 'a negative amount' using errcode = '23514';
        end if;
        insert into bulk_seen select count(*), sum(amount) from new_rows;
        return null;
      end $$;
      create trigger bulk_watched_rows after insert on bulk_watched
        referencing new table as new_rows
        for each statement execute function bulk_watched_check();`.execute(db);
    const rows = Array.from({ length: 7001 }, (_, i) => ({ id: newId(), amount: BigInt(i) }));
    await insertRows(db as never, 'bulk_watched' as never, rows);
    const seen = await sql<{ rows: string; total: string }>`
      select rows::text, total::text from bulk_seen order by rows desc`.execute(db);
    // two statements of at most 5,000 rows, each seen whole by the trigger
    expect(seen.rows).toEqual([
      { rows: '5000', total: String((4999 * 5000) / 2) },
      { rows: '2001', total: String(((5000 + 7000) * 2001) / 2) },
    ]);
    await expect(
      insertRows(db as never, 'bulk_watched' as never, [
        { id: newId(), amount: 5n },
        { id: newId(), amount: -1n },
      ]),
    ).rejects.toMatchObject({ message: expect.stringMatching(/a negative amount/), code: '23514' });
    const count = await sql<{ n: string }>`select count(*)::text as n from bulk_watched`.execute(
      db,
    );
    expect(count.rows[0]!.n).toBe('7001');
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
