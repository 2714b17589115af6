import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database.ts';

/**
 * Where the ledger benchmark keeps its databases. They are large (a million invoices take
 * minutes to post), so they are kept afterwards: a later run can measure the reports again
 * without posting everything anew. Names of their own, so `npm run bench` (which drops
 * `dunwell_bench`) and the test suite (`test`, `dunwell_t_*`) never meet them.
 */
export const LEDGER_DATABASE = 'dunwell_bench_ledger';
export const LEDGER_RAW_DATABASE = 'dunwell_bench_ledger_raw';
/** The PostgreSQL server used when neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set. */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `service`: the dataset posted through the services; `raw`: the raw-INSERT baseline. */
export type LedgerDatabaseRole = 'service' | 'raw';

export type LedgerTarget = {
  kind: DatabaseKind;
  label: string;
  /** opens the database of `role`; `fresh` empties it first, otherwise it must exist */
  open(role: LedgerDatabaseRole, fresh: boolean): Promise<Database>;
  /** bytes on disk of the database of `role` */
  size(role: LedgerDatabaseRole, database: Database): Promise<number>;
};

/** BENCH_LEDGER_TARGETS (default "postgres,pglite"), in that order. */
export function ledgerTargets(env: NodeJS.ProcessEnv = process.env): LedgerTarget[] {
  const names = (env.BENCH_LEDGER_TARGETS || 'postgres,pglite').split(',').map((t) => t.trim());
  return names.map((name) => {
    if (name === 'postgres')
      return postgresTarget(env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || DEFAULT_SERVER_URL);
    if (name === 'pglite')
      return pgliteTarget(
        env.BENCH_LEDGER_PGLITE_DIR || path.join(os.tmpdir(), 'dunwell-bench-ledger'),
      );
    throw new Error(`BENCH_LEDGER_TARGETS: unknown target "${name}" (postgres, pglite)`);
  });
}

function databaseName(role: LedgerDatabaseRole) {
  return role === 'service' ? LEDGER_DATABASE : LEDGER_RAW_DATABASE;
}

function postgresTarget(serverUrl: string): LedgerTarget {
  const server = new URL(serverUrl);
  const urlOf = (role: LedgerDatabaseRole) => {
    const url = new URL(serverUrl);
    url.pathname = `/${databaseName(role)}`;
    return url.toString();
  };
  return {
    kind: 'postgres',
    label: `PostgreSQL ${server.hostname}:${server.port || 5432}`,
    open: async (role, fresh) => {
      await ensurePostgresDatabase(urlOf(role), { fresh, mustExist: !fresh });
      return openDatabase({ url: urlOf(role) });
    },
    size: async (_role, database) => {
      const { rows } = await sql<{
        bytes: string;
      }>`select pg_database_size(current_database())::text as bytes`.execute(database.db);
      return Number(rows[0]?.bytes ?? 0);
    },
  };
}

function pgliteTarget(baseDir: string): LedgerTarget {
  const dirOf = (role: LedgerDatabaseRole) => path.join(baseDir, role);
  return {
    kind: 'pglite',
    label: `PGlite in ${baseDir}`,
    open: async (role, fresh) => {
      const dir = dirOf(role);
      if (fresh) fs.rmSync(dir, { recursive: true, force: true });
      else if (!fs.existsSync(path.join(dir, 'pgdata')))
        throw new Error(`${dir} holds no database: run the "post" step first`);
      return openDatabase({ dataDir: dir });
    },
    size: async (role) => directoryBytes(dirOf(role)),
  };
}

function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

/** Runs `fn` with a client of the server's maintenance database (`postgres`). */
async function withServer<T>(url: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: 5_000,
  });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unusable database name "${name}"`);
  return name;
}

/** Whether the database named by `url` exists on its server. */
export async function postgresDatabaseExists(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withServer(url, async (admin) => {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    return Boolean(rowCount);
  });
}

/**
 * Makes sure the database named by `url` exists on its server (created when missing, as a copy
 * of the database `template` if one is named, or dropped and created with `fresh`). Refuses the
 * test suite's database.
 */
export async function ensurePostgresDatabase(
  url: string,
  options: { fresh?: boolean; mustExist?: boolean; template?: string } = {},
): Promise<void> {
  const name = databaseNameOf(url);
  const testUrl = process.env.TEST_DATABASE_URL;
  const testName = testUrl ? new URL(testUrl).pathname.replace(/^\//, '') : 'test';
  if (name === testName || name === 'test' || name === 'postgres')
    throw new Error(`refusing to write the benchmark dataset into the "${name}" database`);
  if (options.template !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.template))
    throw new Error(`unusable template name "${options.template}"`);
  await withServer(url, async (admin) => {
    if (options.fresh) await admin.query(`drop database if exists ${name} with (force)`);
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    if (options.mustExist)
      throw new Error(`database ${name} does not exist: run the "post" step first`);
    await admin.query(
      `create database ${name}${options.template ? ` template ${options.template}` : ''}`,
    );
  });
}
