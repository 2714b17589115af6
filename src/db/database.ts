import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { PGliteDialect } from './pglite-dialect.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export type Database = {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** A human description for start-up logs (never includes a password). */
  readonly description: string;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (see `loadDataDir`). */
  dump?: () => Promise<Blob | File>;
};

export type DatabaseOptions = {
  /** postgres:// URL; when absent an embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; `undefined` (with no url) means in-memory. */
  dataDir?: string | undefined;
  /** PGlite only: start from this dump of a data directory (tests load a migrated snapshot). */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
};

const INT8_OID = 20;
const DATE_OID = 1082;

/** int8 → bigint (money, counters) and date → 'YYYY-MM-DD' string (never a JS Date in local time). */
const parseInt8 = (value: string) => BigInt(value);
const parseDate = (value: string) => value;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10)
    : openPGlite(options.dataDir, options.loadDataDir);
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID) return parseInt8;
        if (oid === DATE_OID) return parseDate;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    /* idle client errors are reported on next use */
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    db,
    kind: 'postgres',
    description: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`,
    close: () => db.destroy(),
  };
}

async function openPGlite(
  dataDir: string | undefined,
  loadDataDir: Blob | undefined,
): Promise<Database> {
  let releaseLock = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    releaseLock = lockDataDir(dataDir);
  }
  try {
    const pglite = await PGlite.create({
      ...(dataDir ? { dataDir: path.join(dataDir, 'pgdata') } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      extensions: { pg_trgm, btree_gin },
      parsers: { [pgliteTypes.INT8]: parseInt8, [pgliteTypes.DATE]: parseDate },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      dump: () => pglite.dumpDataDir('none'),
      description: dataDir ? `PGlite in ${path.join(dataDir, 'pgdata')}` : 'PGlite in memory',
      close: async () => {
        await db.destroy();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * PGlite is single-process: two processes on one data directory would corrupt it. A lock file
 * holding the owner's pid refuses a second process while the first is alive, and is taken over
 * when its owner died.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'dunwell.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `The data directory ${dataDir} is in use by process ${owner}. PGlite allows one process at a time: ` +
            `stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
        );
      }
      fs.unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
