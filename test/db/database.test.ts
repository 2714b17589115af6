import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { listMigrations, migrate } from '../../src/db/migrate.ts';
import { TEST_DATABASE_URL, databaseKinds } from '../support/db.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/dunwell.mjs');

describe('PGlite data directory', () => {
  it('keeps data across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-pglite-'));
    const first = await openDatabase({ dataDir: dir });
    await migrate(first.db);
    await sql`insert into organizations (id, name, slug) values (${crypto.randomUUID()}, 'Persisted', 'persisted')`.execute(
      first.db,
    );
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    expect(await migrate(second.db)).toEqual([]);
    const rows = await second.db.selectFrom('organizations').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual(['Persisted']);
    await second.close();
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-lock-'));
    const held = await openDatabase({ dataDir: dir });
    try {
      const result = await run(process.execPath, [BIN, 'migrate'], {
        env: { ...process.env, DUNWELL_DATA_DIR: dir, DATABASE_URL: '' },
      }).catch((e: { code: number; stderr: string }) => e);
      expect('code' in result && result.code).toBe(1);
      expect((result as { stderr: string }).stderr).toMatch(/in use by process \d+/);
    } finally {
      await held.close();
    }
    const { stdout } = await run(process.execPath, [BIN, 'migrate'], {
      env: { ...process.env, DUNWELL_DATA_DIR: dir, DATABASE_URL: '' },
    });
    expect(stdout).toMatch(/Applied 0001_foundation/);
  });
});

describe.runIf(databaseKinds().includes('postgres'))('PostgreSQL migrations', () => {
  async function withFreshDatabase(fn: (url: string) => Promise<void>) {
    const name = `dunwell_m_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(TEST_DATABASE_URL!);
    u.pathname = `/${name}`;
    try {
      await fn(u.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }

  it('applies each migration once when two processes migrate at the same moment', async () => {
    await withFreshDatabase(async (url) => {
      const env = { ...process.env, DATABASE_URL: url };
      const [a, b] = await Promise.all([
        run(process.execPath, [BIN, 'migrate'], { env }),
        run(process.execPath, [BIN, 'migrate'], { env }),
      ]);
      const outputs = [a.stdout, b.stdout].sort();
      expect(outputs[0]).toMatch(/Applied 0001_foundation/);
      expect(outputs[1]).toMatch(/Up to date/);
      const db = await openDatabase({ url });
      const applied = await sql<{ version: string }>`select version from schema_migrations`.execute(
        db.db,
      );
      expect(applied.rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
      await db.close();
    });
  });

  it('keeps data across a restart and refuses a changed migration', async () => {
    await withFreshDatabase(async (url) => {
      const first = await openDatabase({ url });
      await migrate(first.db);
      await sql`insert into organizations (id, name, slug) values (${crypto.randomUUID()}, 'Kept', 'kept')`.execute(
        first.db,
      );
      await first.close();
      const second = await openDatabase({ url });
      expect(
        (await second.db.selectFrom('organizations').select('name').execute()).map((r) => r.name),
      ).toEqual(['Kept']);
      const tampered = listMigrations().map((m) => ({ ...m, checksum: 'different' }));
      await expect(migrate(second.db, tampered)).rejects.toThrow(/changed after it was applied/);
      await second.close();
    });
  });
});

describe('configuration', () => {
  it('defaults to PGlite in ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.demoPassword).toBe('dunwell-demo');
  });
  it('names each bad setting', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }),
    ).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL/);
  });
});
