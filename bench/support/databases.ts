import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database.ts';

/** The database the benchmark creates (and drops first) on the PostgreSQL server it is given. */
export const BENCH_DATABASE_NAME = 'dunwell_bench';

export type BenchTarget = { kind: DatabaseKind; label: string; open(): Promise<Database> };

/**
 * PGlite always (in a fresh temporary directory, as the product runs it, or in memory with
 * BENCH_PGLITE=memory); PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
 */
export function benchTargets(env: NodeJS.ProcessEnv = process.env): BenchTarget[] {
  const targets: BenchTarget[] = [
    env.BENCH_PGLITE === 'memory' ? pgliteInMemory() : pgliteInTempDir(),
  ];
  const url = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL;
  if (url) targets.push(freshPostgres(url));
  return targets;
}

function pgliteInMemory(): BenchTarget {
  return { kind: 'pglite', label: 'PGlite (in memory)', open: () => openDatabase({}) };
}

function pgliteInTempDir(): BenchTarget {
  return {
    kind: 'pglite',
    label: 'PGlite (temporary data directory)',
    open: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-bench-'));
      const database = await openDatabase({ dataDir: dir });
      return {
        ...database,
        close: async () => {
          await database.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Drops and re-creates `dunwell_bench` on the server of `url`; the database is kept afterwards for inspection. */
function freshPostgres(url: string): BenchTarget {
  const target = new URL(url);
  target.pathname = `/${BENCH_DATABASE_NAME}`;
  return {
    kind: 'postgres',
    label: `PostgreSQL ${target.hostname}:${target.port || 5432}/${BENCH_DATABASE_NAME}`,
    open: async () => {
      const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${BENCH_DATABASE_NAME} with (force)`);
        await admin.query(`create database ${BENCH_DATABASE_NAME}`);
      } finally {
        await admin.end();
      }
      return openDatabase({ url: target.toString() });
    },
  };
}

export type ServerInfo = { version: string; settings: Record<string, string> };

/** Version and the settings that matter most for read latency. */
export async function serverInfo(database: Database): Promise<ServerInfo> {
  const version = await sql<{ version: string }>`select version()`.execute(database.db);
  const settings = await sql<{ name: string; setting: string; unit: string | null }>`
    select name, setting, unit from pg_settings
    where name in ('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit', 'max_parallel_workers_per_gather')
    order by name`.execute(database.db);
  return {
    version: version.rows[0]?.version ?? 'unknown',
    settings: Object.fromEntries(
      settings.rows.map((s) => [s.name, s.unit ? `${s.setting} (${s.unit})` : s.setting]),
    ),
  };
}
