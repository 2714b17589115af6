import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary constant key for the migration advisory lock ('dunwell' in ASCII, fits int8). */
const MIGRATION_LOCK_KEY = 0x64756e77656c6cn;

export type MigrationFile = { version: string; name: string; sql: string; checksum: string };

export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations in order, all in one transaction under an advisory lock, so two
 * processes starting at once apply each migration exactly once, and a failing migration leaves
 * nothing behind. An applied migration whose file changed is refused (migrations are immutable).
 * Returns the names applied by this call.
 */
export async function migrate(db: Kysely<DB>, files = listMigrations()): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const applied = await sql<{ version: string; name: string; checksum: string }>`
      select version, name, checksum from schema_migrations order by version`.execute(trx);
    const known = new Map(applied.rows.map((r) => [r.version, r]));
    const done: string[] = [];
    for (const file of files) {
      const previous = known.get(file.version);
      if (previous) {
        if (previous.checksum !== file.checksum) {
          throw new Error(
            `Migration ${file.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await sql.raw(file.sql).execute(trx);
      await sql`insert into schema_migrations (version, name, checksum)
        values (${file.version}, ${file.name}, ${file.checksum})`.execute(trx);
      done.push(file.name);
    }
    return done;
  });
}
