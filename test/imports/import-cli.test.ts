import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/cli/import.command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { addUser, createOrganization } from '../../src/modules/organizations/index.ts';
import { systemActor } from '../../src/shared/actor.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/imports');

/** The command runs in-process against an on-disk PGlite, as `dunwell import customers` would. */
describe('dunwell import customers (CLI)', () => {
  const saved = { dataDir: process.env.DUNWELL_DATA_DIR, databaseUrl: process.env.DATABASE_URL };
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-import-cli-'));
    process.env.DUNWELL_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const database = await openDatabase({ dataDir });
    try {
      await migrate(database.db);
      const now = new Date();
      const orgId = await createOrganization(database.db, now, {
        name: 'Acme',
        slug: 'acme',
        timeZone: 'UTC',
        baseCurrency: 'USD',
      });
      for (const role of ['admin', 'collector', 'viewer'] as const) {
        await addUser(database.db, systemActor(orgId), now, {
          email: `${role}@acme.test`,
          name: `${role} of acme`,
          role,
          password: 'correct-horse-battery',
        });
      }
    } finally {
      await database.close();
    }
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  afterAll(() => {
    restore('DUNWELL_DATA_DIR', saved.dataDir);
    restore('DATABASE_URL', saved.databaseUrl);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ output: string; exitCode: number | undefined }> {
    let output = '';
    await importCommand({ out: (text) => (output += text) }).parseAsync(['customers', ...args], {
      from: 'user',
    });
    const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
    process.exitCode = undefined;
    return { output, exitCode };
  }

  async function accountNumbers(): Promise<string[]> {
    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.db
        .selectFrom('customers')
        .select('account_number')
        .orderBy('account_number')
        .execute();
      return rows.map((r) => r.account_number);
    } finally {
      await database.close();
    }
  }

  it('dry-runs, imports, and re-imports a file as the first admin of the only organization', async () => {
    const file = path.join(FIXTURES, 'customers.csv');
    expect(await run(file, '--dry-run')).toEqual({
      output: 'Dry run (nothing saved): would be 3 created, 0 updated, 0 unchanged of 3 rows\n',
      exitCode: undefined,
    });
    expect(await accountNumbers()).toEqual([]);

    expect(await run(file)).toEqual({
      output: 'Imported: 3 created, 0 updated, 0 unchanged of 3 rows\n',
      exitCode: undefined,
    });
    expect(await accountNumbers()).toEqual(['H-100', 'H-101', 'H-102']);
    expect((await run(file, '--org', 'acme', '--as', 'ADMIN@acme.test')).output).toBe(
      'Imported: 0 created, 0 updated, 3 unchanged of 3 rows\n',
    );
  });

  it('prints every error as "line N, field F: message" and exits with 1', async () => {
    const file = path.join(FIXTURES, 'customers-errors.csv');
    const rejected = await run(file);
    expect(rejected.exitCode).toBe(1);
    const lines = rejected.output.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['Import rejected: nothing was saved', '7 errors:']);
    expect(lines[2]).toMatch(/^ {2}line 6, field Contact Email: /);
    expect(lines).toContain('  line 9, field Account No: Account number E-100 is also on line 2');
    expect(await accountNumbers()).not.toContain('E-100');

    const partial = await run(file, '--partial');
    expect(partial.exitCode).toBe(1);
    expect(partial.output).toMatch(
      /^Imported: 3 created, 0 updated, 0 unchanged of 10 rows\n7 errors:\n/,
    );
    expect(await accountNumbers()).toEqual(expect.arrayContaining(['E-100', 'E-101', 'E-107']));
  });

  it('refuses a user who may not import, and an unknown organization', async () => {
    const file = path.join(FIXTURES, 'customers.csv');
    await expect(run(file, '--as', 'collector@acme.test')).rejects.toThrow(
      'Only a manager or admin may import customers',
    );
    await expect(run(file, '--org', 'nope')).rejects.toThrow(
      'No organization "nope" (organizations: acme)',
    );
  });
});

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
