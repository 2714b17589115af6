import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database.ts';
import { listMigrations, migrate } from '../../src/db/migrate.ts';

/**
 * Test databases. Every suite that touches the database runs on PGlite, and also on PostgreSQL
 * when TEST_DATABASE_URL is set. In CI (CI=true) a missing TEST_DATABASE_URL or an unreachable
 * server fails the run instead of skipping.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export function databaseKinds(): DatabaseKind[] {
  if (!TEST_DATABASE_URL && process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suites cannot run');
  }
  return TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, migrated, empty database of the given kind; close() drops it. */
export async function createTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') return openDatabase({ loadDataDir: await pgliteSnapshot() });
  const url = TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const template = await ensureTemplate(url);
  const name = `dunwell_t_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name} template ${template}`);
  const database = await openDatabase({ url: withDatabase(url, name), poolSize: 40 });
  return {
    ...database,
    close: async () => {
      await database.close();
      await adminQuery(url, `drop database if exists ${name} with (force)`);
    },
  };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let templateName: Promise<string> | undefined;
/** A migrated template database named by the migrations' checksum, created once per change. */
function ensureTemplate(url: string): Promise<string> {
  templateName ??= (async () => {
    const name = `dunwell_tpl_${migrationsHash()}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(74201)');
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`create database ${name}`);
        const database = await openDatabase({ url: withDatabase(url, name) });
        try {
          await migrate(database.db);
        } finally {
          await database.close();
        }
      }
      await client.query('select pg_advisory_unlock(74201)');
    } finally {
      await client.end();
    }
    return name;
  })();
  return templateName;
}

function migrationsHash(): string {
  return crypto
    .createHash('sha256')
    .update(
      listMigrations()
        .map((m) => m.checksum)
        .join(),
    )
    .digest('hex')
    .slice(0, 12);
}

let snapshot: Promise<Blob> | undefined;
/**
 * A migrated, empty PGlite data directory as a tarball. PGlite's initdb takes seconds, loading a
 * dump about one, so the dump is made once per migration set and cached on disk for later runs.
 */
function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const dir = path.resolve('node_modules/.cache/dunwell-test');
    const file = path.join(dir, `pglite-${migrationsHash()}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const database = await openDatabase({});
    try {
      await migrate(database.db);
      const blob = await database.dump!();
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
      fs.renameSync(tmp, file); // atomic: a parallel worker sees the whole file or none
      return blob;
    } finally {
      await database.close();
    }
  })();
  return snapshot;
}
