/**
 * Set-based writes for the batch paths (statement import, auto-apply, journal posting): many
 * rows in one statement, sent as a single JSON parameter that the server turns into rows with
 * `json_populate_recordset`, so each value is read by its column's own input function (bigint,
 * numeric, date, timestamptz, uuid, jsonb, text[]).
 *
 * Against Kysely's multi-row VALUES this sends one parameter instead of one per value (no
 * 65,535-parameter ceiling, no 40,000-placeholder statement to build, send and plan), and it
 * behaves the same on PostgreSQL and PGlite. Row values follow JSON: bigint is written as its
 * decimal string, Date as ISO 8601, objects and arrays as JSON (jsonb and array columns), and
 * `undefined` as NULL (not as the column default: omit the column from every row for that).
 */
import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.ts';

/** Rows per statement: keeps one JSON parameter to a few MiB. */
const CHUNK_ROWS = 5000;

function bigintJson(this: bigint): string {
  return this.toString();
}

/**
 * The rows as one JSON array, bigint as decimal strings. `BigInt.prototype.toJSON` is set only
 * for the duration of this synchronous call (no other code runs meanwhile, and everywhere else
 * a bigint in JSON still throws): a third faster than a replacer, which JSON.stringify calls
 * for every value.
 */
export function rowsJson(rows: readonly object[]): string {
  const proto = BigInt.prototype as { toJSON?: (this: bigint) => string };
  proto.toJSON = bigintJson;
  try {
    return JSON.stringify(rows);
  } finally {
    delete proto.toJSON;
  }
}

/** Column names of the rows: those of the first row, which every other row must share. */
function columnsOf(table: string, rows: readonly object[]): string[] {
  const columns = Object.keys(rows[0]!);
  const known = new Set(columns);
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!known.has(key)) {
        throw new Error(`insertRows(${table}): column ${key} is not in the first row`);
      }
    }
  }
  return columns;
}

/** Rows for one table of {@link PreparedWrites.insertTogether}. */
export type InsertPart = {
  [T in keyof DB & string]: { table: T; rows: readonly Insertable<DB[T]>[] };
}[keyof DB & string];

/** One INSERT of all `rows` (at least one), serialized now. */
function insertStatement(table: string, rows: readonly object[]): RawBuilder<unknown> {
  const columns = columnsOf(table, rows);
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const picked = sql.join(columns.map((c) => sql.ref(`r.${c}`)));
  return sql`insert into ${sql.table(table)} (${list})
    select ${picked} from json_populate_recordset(null::${sql.table(table)}, ${rowsJson(rows)}::json) as r`;
}

/** Statements run as one: all but the last as writable CTEs (`with partN as (…)`). */
function oneStatement(statements: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  const last = statements.at(-1)!;
  if (statements.length === 1) return last;
  const parts = statements.slice(0, -1).map((s, i) => sql`${sql.raw(`part${i}`)} as (${s})`);
  return sql`with ${sql.join(parts)} ${last}`;
}

/**
 * Insert statements built ahead of time and run later, in order: the rows are serialized when
 * they are added, so that a pipeline ({@link pipelineWrites}) can do that work for the next
 * chunk while the database runs this one's statements.
 */
export class PreparedWrites {
  /** each group of inserts runs as one statement */
  private readonly groups: RawBuilder<unknown>[][] = [];
  private merged = false;

  /** Adds the inserts of `rows`, `chunkRows` (5,000) per statement. */
  insert<T extends keyof DB & string>(
    table: T,
    rows: readonly Insertable<DB[T]>[],
    chunkRows = CHUNK_ROWS,
  ): this {
    for (let i = 0; i < rows.length; i += chunkRows) {
      this.groups.push([insertStatement(table, rows.slice(i, i + chunkRows))]);
    }
    return this;
  }

  /**
   * Adds one statement that inserts the rows of every part, in order (writable CTEs): the
   * tables' AFTER STATEMENT triggers run once all of them are in, so that a check can see rows
   * that belong together (a journal entry and its lines). Parts without rows are left out.
   */
  insertTogether(parts: readonly InsertPart[]): this {
    const inserts = parts
      .filter((p) => p.rows.length > 0)
      .map((p) => insertStatement(p.table, p.rows));
    if (inserts.length > 0) this.groups.push(inserts);
    return this;
  }

  /** Adds a statement of the caller's (an INSERT, UPDATE or DELETE), run in its turn. */
  statement(statement: RawBuilder<unknown>): this {
    this.groups.push([statement]);
    return this;
  }

  /**
   * Runs everything added, before or after, as a single statement. The database then has a
   * whole chunk to work on while the next one is prepared: with a statement per table, it
   * finished each quickly and waited for this thread to send the next (measured on the
   * auto-apply batch). Foreign keys and the AFTER STATEMENT checks run once, when all rows
   * are in; a table in several parts is seen by its triggers as one transition table.
   */
  asOneStatement(): this {
    this.merged = true;
    return this;
  }

  /** Runs the statements in the order they were added, in the caller's transaction. */
  async execute(db: Kysely<DB>): Promise<void> {
    if (this.merged) {
      const all = this.groups.flat();
      if (all.length > 0) await oneStatement(all).execute(db);
      return;
    }
    for (const group of this.groups) await oneStatement(group).execute(db);
  }
}

/** Inserts the rows, `chunkRows` (5,000) per statement, in the caller's transaction. */
export async function insertRows<T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  rows: readonly Insertable<DB[T]>[],
  chunkRows = CHUNK_ROWS,
): Promise<void> {
  await new PreparedWrites().insert(table, rows, chunkRows).execute(db);
}

/** Lets pending I/O run (a statement just issued reaches the server's socket). */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Works through `items` chunk by chunk: `prepare` (synchronous, CPU) turns a chunk into what
 * `write` sends to the database. The next chunk is prepared while the database executes the
 * previous chunk's statement, so on a PostgreSQL server (another process, another core) the
 * JavaScript and the database work side by side; at most one write is in flight, and the
 * writes run in order. A failed write stops the run with its error.
 */
export async function pipelineWrites<T, W>(
  items: readonly T[],
  chunkSize: number,
  prepare: (chunk: readonly T[]) => W,
  write: (work: W) => Promise<unknown>,
): Promise<void> {
  let inFlight: Promise<unknown> | undefined;
  try {
    for (let i = 0; i < items.length; i += chunkSize) {
      const work = prepare(items.slice(i, i + chunkSize));
      if (inFlight) await inFlight;
      inFlight = write(work);
      // a rejection is taken by the next await; keep it from being reported as unhandled meanwhile
      inFlight.catch(() => undefined);
      await yieldToIo();
    }
  } catch (error) {
    // a chunk that failed to prepare: the write still running finishes (or fails) first
    await inFlight?.catch(() => undefined);
    throw error;
  }
  if (inFlight) await inFlight;
}
