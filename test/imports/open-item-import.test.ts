import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/cli/import.command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { DB } from '../../src/db/schema.ts';
import { importCustomers } from '../../src/modules/imports/index.ts';
import { addUser, createOrganization } from '../../src/modules/organizations/index.ts';
import { systemActor } from '../../src/shared/actor.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { FixedClock, startTestServer, type TestServer } from '../support/server.ts';

type RowError = { line: number; field: string | null; message: string };
type ImportBody = {
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowError[];
};
type Rejection = ImportBody & { code: string; status: number; detail: string };
type Reconciliation = {
  difference: string;
  byCurrency: Array<{ currency: string; subledgerBalance: string; difference: string }>;
};

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/imports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const TODAY = '2026-11-22';

function upload(content: string | Buffer, filename: string, mapping?: Record<string, string>) {
  const form = new FormData();
  form.append(
    'file',
    new Blob([typeof content === 'string' ? content : new Uint8Array(content)]),
    filename,
  );
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  return form;
}

function importOpenItems<T = ImportBody>(
  client: ApiClient,
  content: string | Buffer,
  options: { query?: string; filename?: string; mapping?: Record<string, string> } = {},
) {
  return client.post<T>(
    `/api/v1/imports/open-items${options.query ?? ''}`,
    upload(content, options.filename ?? 'open-items.csv', options.mapping),
  );
}

describe.each(databaseKinds())('open-items import API on %s', (kind) => {
  let server: TestServer;
  let db: Kysely<DB>;
  let org: TestOrg;

  beforeAll(async () => {
    server = await startTestServer({
      kind,
      demo: false,
      clock: new FixedClock(`${TODAY}T15:00:00Z`),
    });
    db = server.runtime.database.db;
    org = await createTestOrg(server, 'openitems');
    for (const [accountNumber, currency, externalId] of [
      ['OI-100', 'USD', null],
      ['OI-101', 'USD', 'CUST-101'],
      ['OI-102', 'EUR', null],
    ] as const) {
      const res = await org.clients.manager.post('/api/v1/customers', {
        accountNumber,
        name: `Customer ${accountNumber}`,
        currency,
        paymentTerms: 'NET30',
        externalId,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
  afterAll(async () => server?.close());

  const manager = () => org.clients.manager;

  async function documents(externalIdPrefix: string) {
    return db
      .selectFrom('ar_documents as d')
      .innerJoin('customers as c', 'c.id', 'd.customer_id')
      .select([
        'd.id',
        'd.kind',
        'd.number',
        'd.external_id',
        'c.account_number',
        'd.currency',
        'd.issue_date',
        'd.due_date',
        'd.terms_code',
        'd.amount_minor',
        'd.open_minor',
        'd.po_number',
        'd.memo',
        'd.opening_balance',
        'd.state',
      ])
      .where('d.org_id', '=', org.orgId)
      .where('d.external_id', 'like', `${externalIdPrefix}%`)
      .orderBy('d.external_id')
      .execute();
  }

  async function expectLedgerTies(dates: string[]) {
    for (const asOf of dates) {
      const rec = await manager().get<Reconciliation>(
        `/api/v1/reports/gl-reconciliation?asOf=${asOf}`,
      );
      expect(rec.status).toBe(200);
      for (const c of rec.body.byCurrency)
        expect(c.difference, `${asOf} ${c.currency}`).toBe('0.00');
    }
    const tb = await manager().get<{
      totals: Array<{ debit: string; credit: string }>;
      accounts: Array<{ code: string; currency: string; debit: string; credit: string }>;
    }>(`/api/v1/ledger/trial-balance?asOf=${TODAY}`);
    expect(tb.status).toBe(200);
    for (const t of tb.body.totals) expect(t.debit).toBe(t.credit);
    return tb.body.accounts;
  }

  it('imports a clean CSV: every document type, ERP numbers kept, negative invoices as credits; the ledger ties', async () => {
    const dry = await importOpenItems(manager(), fixture('open-items.csv'), {
      query: '?dryRun=true',
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dryRun: true,
      total: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    });
    expect(await documents('ERP-')).toEqual([]);

    const res = await importOpenItems(manager(), fixture('open-items.csv'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      dryRun: false,
      total: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    });
    const docs = await documents('ERP-');
    expect(docs.map((d) => [d.external_id, d.kind, d.number, d.amount_minor])).toEqual([
      ['ERP-10001', 'invoice', '10001', 120000n],
      ['ERP-10002', 'invoice', '10002', 31050n],
      ['ERP-10003', 'credit_memo', '10003', -4500n],
      ['ERP-CN-501', 'credit_memo', 'CN-501', -15000n],
      ['ERP-DM-77', 'debit_memo', 'DM-77', 8000n],
    ]);
    expect(docs[0]).toMatchObject({
      account_number: 'OI-100',
      currency: 'USD',
      issue_date: '2026-06-15',
      due_date: '2026-07-15',
      open_minor: 120000n,
      po_number: 'PO-4471',
      memo: 'Original amount 1850.00',
      opening_balance: true,
      state: 'posted',
    });
    // no due date in the file: the row's terms give it (2026-09-01 + 45 days)
    expect(docs[1]).toMatchObject({ due_date: '2026-10-16', terms_code: 'NET45' });
    expect(docs[3]).toMatchObject({ account_number: 'OI-101', due_date: null });
    expect(docs[4]).toMatchObject({ currency: 'EUR', due_date: '2026-11-04' });

    const accounts = await expectLedgerTies(['2026-06-14', '2026-08-31', TODAY]);
    expect(accounts.find((a) => a.code === '3900' && a.currency === 'USD')).toMatchObject({
      debit: '0.00',
      credit: '1315.50', // 1200.00 + 310.50 − 150.00 − 45.00
    });
    const audit = await db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('org_id', '=', org.orgId)
      .where('action', '=', 'import_opening_balance')
      .execute();
    expect(audit).toHaveLength(5);
  });

  it('a re-import changes nothing; new due dates and PO numbers update (audited); a new amount is an error', async () => {
    const again = await importOpenItems(manager(), fixture('open-items.csv'));
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 0 });

    const edited = fixture('open-items.csv')
      .toString()
      .replace('2026-07-15,1200.00,1850.00,PO-4471', '2026-07-31,1200.00,1850.00,PO-4471-B')
      .replace('2026-09-01,,310.50', '2026-09-01,,320.50');
    const rejected = await importOpenItems<Rejection>(manager(), edited);
    expect(rejected.status).toBe(422);
    expect(rejected.body.code).toBe('import_failed');
    expect(rejected.body.errors).toEqual([
      {
        line: 3,
        field: 'Open Amount',
        message: expect.stringMatching(/^Already imported as 10002 with amount 310\.50; .*memo/),
      },
    ]);
    expect((await documents('ERP-10001'))[0]).toMatchObject({ due_date: '2026-07-15' });

    const partial = await importOpenItems(manager(), edited, { query: '?mode=partial' });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ created: 0, updated: 1, unchanged: 3, failed: 1 });
    const [updated] = await documents('ERP-10001');
    expect(updated).toMatchObject({ due_date: '2026-07-31', po_number: 'PO-4471-B' });
    const audit = await manager().get<{ items: Array<{ action: string; after: unknown }> }>(
      `/api/v1/audit?entityType=invoice&entityId=${updated!.id}`,
    );
    expect(audit.body.items.map((a) => a.action)).toContain('update_from_import');
    await expectLedgerTies([TODAY]);
  });

  it('imports an XLSX workbook: date cells, numeric amounts, ERP header names', async () => {
    const res = await importOpenItems(manager(), fixture('open-items.xlsx'), {
      filename: 'open-items.xlsx',
    });
    expect(res.body).toEqual({
      dryRun: false,
      total: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    });
    const docs = await documents('XL-');
    expect(docs.map((d) => [d.number, d.kind, d.currency, d.amount_minor, d.issue_date])).toEqual([
      ['30001', 'invoice', 'USD', 240050n, '2026-05-02'],
      ['CM-30002', 'credit_memo', 'USD', -9999n, '2026-07-19'],
      ['30003', 'invoice', 'EUR', 100030n, '2026-10-30'],
    ]);
    expect(docs[0]).toMatchObject({
      due_date: '2026-06-01',
      po_number: 'PO-9001',
      memo: 'Pallets of welding wire; Original amount 2400.50',
    });
    const again = await importOpenItems(manager(), fixture('open-items.xlsx'), {
      filename: 'open-items.xlsx',
    });
    expect(again.body).toMatchObject({ created: 0, unchanged: 3, failed: 0 });
    await expectLedgerTies([TODAY]);
  });

  it('names the line and field of every bad row; all-or-nothing writes nothing, partial writes exactly the good rows', async () => {
    const before = await db
      .selectFrom('journal_entries')
      .select('id')
      .where('org_id', '=', org.orgId)
      .execute();
    const res = await importOpenItems<Rejection>(manager(), fixture('open-items-errors.csv'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'import_failed', total: 6, created: 0, failed: 4 });
    expect(res.body.errors).toEqual([
      { line: 3, field: 'Customer Account', message: 'No customer with account number NOPE-404' },
      { line: 4, field: 'Invoice Date', message: 'Is not a date YYYY-MM-DD (got "2026-13-45")' },
      { line: 5, field: 'Balance', message: expect.stringContaining('more than 2 decimals') },
      { line: 6, field: 'External ID', message: 'External id ERP-20001 is also on line 2' },
    ]);
    expect(await documents('ERP-200')).toEqual([]);
    const after = await db
      .selectFrom('journal_entries')
      .select('id')
      .where('org_id', '=', org.orgId)
      .execute();
    expect(after).toHaveLength(before.length);

    const partial = await importOpenItems(manager(), fixture('open-items-errors.csv'), {
      query: '?mode=partial',
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, failed: 4 });
    expect(partial.body.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect((await documents('ERP-200')).map((d) => [d.number, d.kind])).toEqual([
      ['20001', 'invoice'],
      ['CM-20006', 'credit_memo'],
    ]);
    const again = await importOpenItems(manager(), fixture('open-items-errors.csv'), {
      query: '?mode=partial',
    });
    expect(again.body).toMatchObject({ created: 0, unchanged: 2, failed: 4 });
    await expectLedgerTies([TODAY]);
  });

  it('refuses what a posted document cannot take, unknown columns (until mapped) and other roles', async () => {
    const csv = [
      'Type,Rechnungsnummer,Customer External ID,Invoice Date,Open Amount,Currency',
      'CM,10001-X,CUST-101,2026-10-01,10.00,EUR',
      'INV,10001,CUST-101,2026-06-15,1200.00,USD',
      'INV,F-1,CUST-101,2026-12-01,5.00,',
      'INV,F-2,CUST-101,2026-10-01,0,',
    ].join('\n');
    const unknown = await importOpenItems<Rejection>(manager(), csv, { query: '?dryRun=true' });
    expect(unknown.body.errors).toEqual([
      { line: 1, field: 'Rechnungsnummer', message: expect.stringContaining('Unknown column') },
      { line: 1, field: null, message: expect.stringContaining('Required column number or') },
    ]);
    const mapped = await importOpenItems<Rejection>(manager(), csv, {
      query: '?dryRun=true',
      mapping: { Rechnungsnummer: 'number' },
    });
    expect(mapped.body.errors).toEqual([
      { line: 2, field: 'Currency', message: 'Customer OI-101 is billed in USD, not EUR' },
      {
        line: 3,
        field: 'Customer External ID',
        message: expect.stringMatching(/^Already imported as 10001 for customer OI-100/),
      },
      { line: 4, field: 'Invoice Date', message: expect.stringContaining('after today') },
      { line: 5, field: 'Open Amount', message: expect.stringContaining('Is 0') },
    ]);
    const collector = await importOpenItems<Rejection>(org.clients.collector, csv);
    expect(collector.status).toBe(403);
    const template = await org.clients.viewer.get<string>(
      '/api/v1/imports/open-items/template.csv',
    );
    expect(template.status).toBe(200);
    expect(template.body.split('\r\n')[0]).toBe(
      'documentType,number,customerAccount,issueDate,dueDate,openAmount,originalAmount,currency,paymentTerms,poNumber,externalId,memo',
    );
    // the template itself imports (as a dry run) once its customer exists
    const viaTemplate = await importOpenItems(
      manager(),
      template.body.replaceAll('C-10001', 'OI-100'),
      { query: '?dryRun=true' },
    );
    expect(viaTemplate.body).toMatchObject({ created: 2, failed: 0, errors: [] });
  });
});

/** The command runs in-process against an on-disk PGlite, as `dunwell import open-items` would. */
describe('dunwell import open-items (CLI)', () => {
  const saved = { dataDir: process.env.DUNWELL_DATA_DIR, databaseUrl: process.env.DATABASE_URL };
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-open-items-cli-'));
    process.env.DUNWELL_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const database = await openDatabase({ dataDir });
    try {
      await migrate(database.db);
      const orgId = await createOrganization(database.db, new Date(), {
        name: 'Acme',
        slug: 'acme',
        timeZone: 'UTC',
        baseCurrency: 'USD',
      });
      await addUser(database.db, systemActor(orgId), new Date(), {
        email: 'admin@acme.test',
        name: 'admin of acme',
        role: 'admin',
        password: 'correct-horse-battery',
      });
      const customers = await importCustomers(database.db, systemActor(orgId), new Date(), {
        file: Buffer.from(
          'accountNumber,name,currency,paymentTerms\nOI-100,One,USD,NET30\nOI-101,Two,USD,NET30\nOI-102,Three,EUR,NET30\n',
        ),
      });
      expect(customers.created).toBe(3);
    } finally {
      await database.close();
    }
  });
  afterEach(() => {
    process.exitCode = undefined;
  });
  afterAll(() => {
    for (const [name, value] of [
      ['DUNWELL_DATA_DIR', saved.dataDir],
      ['DATABASE_URL', saved.databaseUrl],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(...args: string[]) {
    let output = '';
    await importCommand({ out: (text) => (output += text) }).parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
    process.exitCode = undefined;
    return { output, exitCode };
  }

  it('imports open items; prints each error with line and field', async () => {
    const file = path.join(FIXTURES, 'open-items.csv');
    expect(await run('open-items', file, '--org', 'acme')).toEqual({
      output: 'Imported: 5 created, 0 updated, 0 unchanged, 0 failed of 5 rows\n',
      exitCode: undefined,
    });
    const bad = await run('open-items', path.join(FIXTURES, 'open-items-errors.csv'), '--partial');
    expect(bad.exitCode).toBe(1);
    expect(bad.output.split('\n').slice(0, 3)).toEqual([
      'Imported: 2 created, 0 updated, 0 unchanged, 4 failed of 6 rows',
      '4 errors:',
      '  line 3, field Customer Account: No customer with account number NOPE-404',
    ]);
  });
});
