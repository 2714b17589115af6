import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db/schema.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type RowError = { line: number; field: string | null; message: string };
type ImportBody = {
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
};
type Rejection = ImportBody & { code: string; status: number; detail: string };
type CustomerDetail = {
  id: string;
  accountNumber: string;
  name: string;
  legalName: string;
  currency: string;
  creditLimit: string;
  paymentTerms: string;
  riskClass: string | null;
  status: string;
  externalId: string | null;
  version: number;
  collector: { name: string } | null;
  salesRep: { name: string } | null;
  parent: { accountNumber: string } | null;
  contacts: Array<{
    name: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    isPrimary: boolean;
  }>;
  addresses: Array<{
    kind: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postalCode: string | null;
    country: string;
  }>;
};

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/imports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

function upload(
  content: string | Buffer,
  filename = 'customers.csv',
  mapping?: Record<string, string>,
): FormData {
  const form = new FormData();
  form.append(
    'file',
    new Blob([typeof content === 'string' ? content : new Uint8Array(content)]),
    filename,
  );
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  return form;
}

function importCustomers<T = ImportBody>(
  client: ApiClient,
  content: string | Buffer,
  options: {
    query?: string;
    filename?: string;
    mapping?: Record<string, string>;
    key?: string;
  } = {},
) {
  const headers: Record<string, string> = options.key ? { 'idempotency-key': options.key } : {};
  return client.post<T>(
    `/api/v1/imports/customers${options.query ?? ''}`,
    upload(content, options.filename, options.mapping),
    headers,
  );
}

/** A small CSV with the required columns (plus any extra ones) for rows of one test. */
function csvOf(rows: Array<Record<string, string>>): string {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h] ?? '')).join(','))].join(
      '\n',
    ) + '\n'
  );
}

describe.each(databaseKinds())('customer import API on %s', (kind) => {
  let server: TestServer;
  let db: Kysely<DB>;
  let acme: TestOrg;
  let globex: TestOrg;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    db = server.runtime.database.db;
    acme = await createTestOrg(server, 'acme');
    globex = await createTestOrg(server, 'globex');
  });
  afterAll(async () => server?.close());

  const admin = () => acme.clients.admin;
  async function customer(
    org: TestOrg,
    accountNumber: string,
  ): Promise<CustomerDetail | undefined> {
    const row = await db
      .selectFrom('customers')
      .select('id')
      .where('org_id', '=', org.orgId)
      .where('account_number', '=', accountNumber)
      .executeTakeFirst();
    if (!row) return undefined;
    const res = await org.clients.admin.get<CustomerDetail>(`/api/v1/customers/${row.id}`);
    expect(res.status).toBe(200);
    return res.body;
  }
  async function countWhere(org: TestOrg, prefix: string): Promise<number> {
    const rows = await db
      .selectFrom('customers')
      .select('id')
      .where('org_id', '=', org.orgId)
      .where('account_number', 'like', `${prefix}%`)
      .execute();
    return rows.length;
  }
  async function auditCount(org: TestOrg): Promise<number> {
    const rows = await db
      .selectFrom('audit_log')
      .select('id')
      .where('org_id', '=', org.orgId)
      .execute();
    return rows.length;
  }

  it('imports a CSV file: fields, users by e-mail or name, parent from the file, contact and address', async () => {
    const res = await importCustomers(admin(), fixture('customers.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: false,
      total: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      errors: [],
    });

    const parent = await customer(acme, 'H-100');
    expect(parent).toMatchObject({
      name: 'Hilltop Holdings',
      legalName: 'Hilltop Holdings Inc.',
      currency: 'USD',
      paymentTerms: 'NET30',
      creditLimit: '50000.00',
      riskClass: 'low',
      status: 'active',
      externalId: 'ERP-H100',
      collector: { name: 'collector of acme' },
      salesRep: { name: 'viewer of acme' },
      contacts: [
        {
          name: 'Hanna Hill',
          email: 'hanna@hilltop.example',
          phone: '+1 555 0100',
          title: 'Controller',
          isPrimary: true,
        },
      ],
      addresses: [
        {
          kind: 'billing',
          line1: '1 Summit Road',
          line2: null,
          city: 'Denver',
          region: 'CO',
          postalCode: '80202',
          country: 'US',
        },
      ],
    });
    expect(await customer(acme, 'H-101')).toMatchObject({
      parent: { accountNumber: 'H-100' },
      paymentTerms: 'NET45',
      creditLimit: '12500.50',
      legalName: 'Hilltop East',
      collector: { name: 'collector of acme' },
    });
    expect(await customer(acme, 'H-102')).toMatchObject({
      currency: 'EUR',
      paymentTerms: '2/10NET30',
      status: 'credit_hold',
      creditLimit: '0.00',
      addresses: [{ line2: 'Hinterhaus', country: 'DE' }],
    });
  });

  it('imports an XLSX workbook with exact amounts, zero-padded numbers, rich text and links', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Customers');
    sheet.addRow([
      'Account No',
      'Customer Name',
      'Currency',
      'Terms',
      'Credit Limit',
      'Contact Name',
      'Contact Email',
    ]);
    sheet.addRow([
      42,
      { richText: [{ text: 'Rich ' }, { text: 'Text Ltd', font: { bold: true } }] },
      'USD',
      'NET30',
      1234.5,
      'Rick',
      { text: 'rick@rich.example', hyperlink: 'mailto:rick@rich.example' },
    ]);
    sheet.getCell('A2').numFmt = '00000';
    sheet.addRow([
      'X-2',
      'Formula Foods',
      'JPY',
      'NET15',
      { formula: '0.1*3*1000', result: 300.00000000000006 },
    ]);
    sheet.addRow(['X-3', 'Kuwait Trading', 'KWD', 'DUE', 0.1 + 0.2]);
    sheet.getCell('E4').numFmt = '#,##0.000';
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());

    const res = await importCustomers(admin(), xlsx, { filename: 'customers.xlsx' });
    expect(res.body).toEqual({
      dryRun: false,
      total: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      errors: [],
    });
    expect(await customer(acme, '00042')).toMatchObject({
      name: 'Rich Text Ltd',
      creditLimit: '1234.50',
      contacts: [{ email: 'rick@rich.example' }],
    });
    expect(await customer(acme, 'X-2')).toMatchObject({ currency: 'JPY', creditLimit: '300' });
    expect(await customer(acme, 'X-3')).toMatchObject({ currency: 'KWD', creditLimit: '0.300' });

    const again = await importCustomers(admin(), xlsx, { filename: 'customers.xlsx' });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, errors: [] });
  });

  it('a dry run reports exact counts and writes nothing', async () => {
    await importCustomers(
      admin(),
      csvOf([{ accountNumber: 'D-1', name: 'Dry One', currency: 'USD', paymentTerms: 'NET30' }]),
    );
    const before = await auditCount(acme);
    const file = csvOf([
      { accountNumber: 'D-1', name: 'Dry One Renamed', currency: 'USD', paymentTerms: 'NET30' },
      {
        accountNumber: 'D-2',
        name: 'Dry Two',
        currency: 'USD',
        paymentTerms: 'NET30',
        parentAccount: 'D-1',
      },
      {
        accountNumber: 'D-3',
        name: 'Dry Three',
        currency: 'USD',
        paymentTerms: 'NET30',
        parentAccount: 'D-2',
      },
    ]);
    const res = await importCustomers(admin(), file, { query: '?dryRun=true' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: true,
      total: 3,
      created: 2,
      updated: 1,
      unchanged: 0,
      errors: [],
    });
    expect(await countWhere(acme, 'D-')).toBe(1);
    expect((await customer(acme, 'D-1'))?.name).toBe('Dry One');
    expect(await auditCount(acme)).toBe(before);
  });

  it('importing the same file twice changes nothing the second time: no audit entry, no version bump', async () => {
    const file = csvOf([
      {
        'Account No': 'R-1',
        Name: 'Repeat One',
        Currency: 'usd',
        Terms: 'net30',
        'Credit Limit': '100',
        'Contact Name': 'Ria',
        'Contact Email': 'RIA@repeat.example',
        City: 'Oslo',
        'Address Line 1': 'Gate 1',
        Country: 'no',
      },
      {
        'Account No': 'R-2',
        Name: 'Repeat Two',
        Currency: 'EUR',
        Terms: 'NET60',
        'Parent Account': 'R-1',
        'Contact Name': 'Rob',
      },
    ]);
    expect((await importCustomers(admin(), file)).body).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
      errors: [],
    });
    const audit = await auditCount(acme);
    const versions = [
      (await customer(acme, 'R-1'))?.version,
      (await customer(acme, 'R-2'))?.version,
    ];

    expect((await importCustomers(admin(), file)).body).toEqual({
      dryRun: false,
      total: 2,
      created: 0,
      updated: 0,
      unchanged: 2,
      errors: [],
    });
    expect(await auditCount(acme)).toBe(audit);
    expect([
      (await customer(acme, 'R-1'))?.version,
      (await customer(acme, 'R-2'))?.version,
    ]).toEqual(versions);
    expect((await customer(acme, 'R-1'))?.contacts).toHaveLength(1);
    expect((await customer(acme, 'R-1'))?.addresses).toHaveLength(1);

    // a known contact e-mail (in any case) is not added again; a new one is added once
    const withNewContact = csvOf([
      {
        'Account No': 'R-1',
        Name: 'Repeat One',
        Currency: 'USD',
        Terms: 'NET30',
        'Contact Name': 'Ria',
        'Contact Email': 'ria@REPEAT.example',
      },
      {
        'Account No': 'R-2',
        Name: 'Repeat Two',
        Currency: 'EUR',
        Terms: 'NET60',
        'Contact Name': 'Rae',
        'Contact Email': 'rae@repeat.example',
      },
    ]);
    expect((await importCustomers(admin(), withNewContact)).body).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 1,
      errors: [],
    });
    expect((await importCustomers(admin(), withNewContact)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 2,
      errors: [],
    });
    expect((await customer(acme, 'R-1'))?.contacts.map((c) => c.email)).toEqual([
      'RIA@repeat.example',
    ]);
    expect((await customer(acme, 'R-2'))?.contacts.map((c) => [c.name, c.isPrimary])).toEqual([
      ['Rob', true],
      ['Rae', false],
    ]);
  });

  it('a re-import updates the matched contact and the one billing address instead of adding more', async () => {
    const base = {
      accountNumber: 'UPD-C1',
      name: 'Contact Update Co',
      currency: 'USD',
      paymentTerms: 'NET30',
      contactName: 'Ana AP',
      contactEmail: 'ana@upd.example',
      contactPhone: '+1 555 0100',
      contactTitle: 'AP Clerk',
      addressLine1: '1 Old Rd',
      city: 'Austin',
      country: 'US',
    };
    expect((await importCustomers<ImportBody>(admin(), csvOf([base]))).body.created).toBe(1);
    const second = await importCustomers<ImportBody>(
      admin(),
      csvOf([
        {
          ...base,
          contactPhone: '+1 555 0199',
          contactTitle: 'AP Manager',
          addressLine1: '9 New Ave',
        },
      ]),
    );
    expect(second.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const c = (await customer(acme, 'UPD-C1'))!;
    expect(c.contacts).toEqual([
      expect.objectContaining({ name: 'Ana AP', phone: '+1 555 0199', title: 'AP Manager' }),
    ]);
    expect(c.addresses.map((a) => a.line1)).toEqual(['9 New Ave']);
    // and the same file again changes nothing
    const third = await importCustomers<ImportBody>(
      admin(),
      csvOf([
        {
          ...base,
          contactPhone: '+1 555 0199',
          contactTitle: 'AP Manager',
          addressLine1: '9 New Ave',
        },
      ]),
    );
    expect(third.body).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('matches by external id first, so a file can change account numbers', async () => {
    await importCustomers(
      admin(),
      csvOf([
        {
          accountNumber: 'X-OLD',
          name: 'Ext Co',
          currency: 'USD',
          paymentTerms: 'NET30',
          externalId: 'ERP-77',
        },
      ]),
    );
    const before = await customer(acme, 'X-OLD');
    const res = await importCustomers(
      admin(),
      csvOf([
        {
          accountNumber: 'X-NEW',
          name: 'Ext Company',
          currency: 'USD',
          paymentTerms: 'NET45',
          externalId: 'ERP-77',
          creditLimit: '900.00',
        },
      ]),
    );
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 0, errors: [] });
    const after = await customer(acme, 'X-NEW');
    expect(after).toMatchObject({
      id: before?.id,
      name: 'Ext Company',
      paymentTerms: 'NET45',
      creditLimit: '900.00',
      version: before!.version + 1,
    });
    expect(await customer(acme, 'X-OLD')).toBeUndefined();

    // an account number owned by another external id is not silently taken over
    const clash = await importCustomers(
      admin(),
      csvOf([
        {
          accountNumber: 'X-NEW',
          name: 'Other',
          currency: 'USD',
          paymentTerms: 'NET30',
          externalId: 'ERP-78',
        },
      ]),
    );
    expect(clash.status).toBe(422);
    expect(clash.body.errors).toEqual([
      { line: 2, field: 'accountNumber', message: expect.stringContaining('external id ERP-77') },
    ]);
  });

  it('all-or-nothing: every error with its line and column, nothing written; partial writes the good rows', async () => {
    const file = fixture('customers-errors.csv');
    const before = await auditCount(acme);
    const expected = [
      { line: 6, field: 'Contact Email', message: expect.stringMatching(/email/i) },
      {
        line: 7,
        field: 'Credit Limit',
        message: expect.stringContaining('more than 2 decimals for USD'),
      },
      { line: 8, field: 'Terms', message: expect.stringContaining('NET31') },
      { line: 9, field: 'Account No', message: 'Account number E-100 is also on line 2' },
      { line: 10, field: 'Collector', message: expect.stringContaining('nobody@nowhere.example') },
      { line: 11, field: 'Parent Account', message: 'Parent account E-999 not found' },
      { line: 13, field: 'Account No', message: 'Is required' },
    ];

    const rejected = await importCustomers<Rejection>(admin(), file);
    expect(rejected.status).toBe(422);
    expect(rejected.headers.get('content-type')).toContain('application/problem+json');
    expect(rejected.body).toMatchObject({
      code: 'import_failed',
      status: 422,
      dryRun: false,
      total: 10,
      created: 0,
      updated: 0,
      unchanged: 0,
    });
    expect(rejected.body.errors).toEqual(expected);
    expect(rejected.body.detail).toMatch(
      /^The import was rejected with 7 errors; nothing was saved\. line 6 \(Contact Email\): /,
    );
    expect(await countWhere(acme, 'E-')).toBe(0);
    expect(await auditCount(acme)).toBe(before);

    const dry = await importCustomers(admin(), file, { query: '?dryRun=true' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: expected,
    });

    const partialDry = await importCustomers(admin(), file, { query: '?dryRun=true&mode=partial' });
    expect(partialDry.body).toMatchObject({ dryRun: true, created: 3, errors: expected });
    expect(await countWhere(acme, 'E-')).toBe(0);

    const partial = await importCustomers(admin(), file, { query: '?mode=partial' });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      dryRun: false,
      total: 10,
      created: 3,
      updated: 0,
      unchanged: 0,
      errors: expected,
    });
    expect(await customer(acme, 'E-101')).toMatchObject({ name: 'Multi\nLine Name Inc' });
    expect(await customer(acme, 'E-107')).toMatchObject({
      name: 'Child of "Multi"',
      parent: { accountNumber: 'E-101' },
    });
  });

  it('reports a row the customers module refuses while writing, and keeps the rest of its chunk in partial mode', async () => {
    const base = { currency: 'USD', paymentTerms: 'NET30' };
    await importCustomers(
      admin(),
      csvOf([
        { accountNumber: 'Y-1', name: 'Y One', ...base },
        { accountNumber: 'Y-2', name: 'Y Two', externalId: 'ERP-Y2', ...base },
      ]),
    );
    // line 3 moves ERP-Y2 onto Y-1's account number: only updateCustomer's own check can refuse it
    const file = csvOf([
      { accountNumber: 'Y-3', name: 'Y Three', externalId: '', parentAccount: '', ...base },
      {
        accountNumber: 'Y-1',
        name: 'Y Two Renamed',
        externalId: 'ERP-Y2',
        parentAccount: '',
        ...base,
      },
      { accountNumber: 'Y-4', name: 'Y Four', externalId: '', parentAccount: 'Y-3', ...base },
    ]);
    const refusal = [
      { line: 3, field: 'accountNumber', message: 'Account number Y-1 is already used' },
    ];
    const rejected = await importCustomers(admin(), file);
    expect(rejected.status).toBe(422);
    expect(rejected.body.errors).toEqual(refusal);
    expect(await countWhere(acme, 'Y-')).toBe(2);

    const partial = await importCustomers(admin(), file, { query: '?mode=partial' });
    expect(partial.body).toEqual({
      dryRun: false,
      total: 3,
      created: 2,
      updated: 0,
      unchanged: 0,
      errors: refusal,
    });
    expect(await customer(acme, 'Y-4')).toMatchObject({ parent: { accountNumber: 'Y-3' } });
    expect(await customer(acme, 'Y-1')).toMatchObject({ name: 'Y One', version: 1 });
  });

  it('refuses a file with more than 100,000 data rows, naming the first line beyond the limit', async () => {
    const file =
      'accountNumber,name,currency,paymentTerms\n' + 'L-1,Limit,USD,NET30\n'.repeat(100_001);
    const res = await importCustomers(admin(), file, { query: '?dryRun=true' });
    expect(res.body).toEqual({
      dryRun: true,
      total: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: [
        {
          line: 100_002,
          field: null,
          message: expect.stringContaining('more than 100,000 data rows'),
        },
      ],
    });
  });

  it('reads a semicolon CSV with BOM and CRLF through an explicit mapping', async () => {
    const mapping = {
      Kundennummer: 'accountNumber',
      Firma: 'name',
      Währung: 'currency',
      Zahlungsbedingung: 'paymentTerms',
      Kreditlimit: 'creditLimit',
      Notiz: 'ignore',
    };
    const unmapped = await importCustomers(admin(), fixture('customers-semicolon.csv'));
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.errors.map((e) => e.field)).toEqual([
      'Kundennummer',
      'Firma',
      'Währung',
      'Zahlungsbedingung',
      'Kreditlimit',
      'Notiz',
      null,
      null,
      null,
      null,
    ]);

    const res = await importCustomers(admin(), fixture('customers-semicolon.csv'), {
      mapping,
      query: '?mode=partial',
    });
    expect(res.body).toEqual({
      dryRun: false,
      total: 2,
      created: 1,
      updated: 0,
      unchanged: 0,
      errors: [
        {
          line: 2,
          field: 'Kreditlimit',
          message: expect.stringContaining('must use "." as the decimal point'),
        },
      ],
    });
    expect(await customer(acme, 'S-2')).toMatchObject({ name: 'Mond AG', paymentTerms: 'NET15' });
  });

  it('reports unknown and missing columns on line 1; defaults and "ignore" resolve them', async () => {
    const file = 'Account,Name,Favourite Colour\nU-1,Unknown Col Ltd,teal\n';
    const res = await importCustomers(admin(), file);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        line: 1,
        field: 'Favourite Colour',
        message: expect.stringContaining('Unknown column "Favourite Colour"'),
      },
      { line: 1, field: null, message: expect.stringContaining('currency') },
      { line: 1, field: null, message: expect.stringContaining('paymentTerms') },
    ]);
    const ok = await importCustomers(admin(), file, {
      query: '?defaultCurrency=gbp&defaultTerms=net15',
      mapping: { 'Favourite Colour': 'ignore' },
    });
    expect(ok.body).toMatchObject({ created: 1, errors: [] });
    expect(await customer(acme, 'U-1')).toMatchObject({ currency: 'GBP', paymentTerms: 'NET15' });

    const badDefault = await importCustomers(admin(), file, {
      query: '?defaultCurrency=GBP&defaultTerms=NET999',
      mapping: { 'Favourite Colour': 'ignore' },
    });
    expect(badDefault.status).toBe(400);
  });

  it('refuses a file that is not CSV or XLSX, and a missing file', async () => {
    const pdf = await importCustomers<{ code: string; detail: string }>(
      admin(),
      fixture('not-a-spreadsheet.pdf'),
      { filename: 'customers.pdf' },
    );
    expect(pdf.status).toBe(415);
    expect(pdf.body).toMatchObject({
      code: 'unsupported_file_type',
      detail: expect.stringContaining('PDF'),
    });
    const form = new FormData();
    form.append('mapping', '{}');
    expect((await admin().post('/api/v1/imports/customers', form)).status).toBe(400);
    expect(
      (
        await importCustomers(admin(), 'a,b\n', {
          mapping: 'nope' as unknown as Record<string, string>,
        })
      ).status,
    ).toBe(400);
  });

  it('needs a manager or admin', async () => {
    const file = csvOf([
      { accountNumber: 'P-1', name: 'Perm', currency: 'USD', paymentTerms: 'NET30' },
    ]);
    expect((await importCustomers(acme.clients.collector, file)).status).toBe(403);
    expect((await importCustomers(acme.clients.viewer, file)).status).toBe(403);
    expect((await importCustomers(acme.clients.manager, file)).body).toMatchObject({ created: 1 });
  });

  it('keeps organizations apart: the same account number in another org is a new customer', async () => {
    await importCustomers(
      admin(),
      csvOf([
        {
          accountNumber: 'ISO-1',
          name: 'Acme Side',
          currency: 'USD',
          paymentTerms: 'NET30',
          externalId: 'SHARED-1',
        },
      ]),
    );
    const res = await importCustomers(
      globex.clients.admin,
      csvOf([
        {
          accountNumber: 'ISO-1',
          name: 'Globex Side',
          currency: 'EUR',
          paymentTerms: 'NET30',
          externalId: 'SHARED-1',
        },
      ]),
    );
    expect(res.body).toMatchObject({ created: 1, updated: 0, errors: [] });
    expect(await customer(acme, 'ISO-1')).toMatchObject({
      name: 'Acme Side',
      currency: 'USD',
      version: 1,
    });
    expect(await customer(globex, 'ISO-1')).toMatchObject({ name: 'Globex Side', currency: 'EUR' });
  });

  it('replays an import sent again with the same Idempotency-Key', async () => {
    const file = csvOf([
      { accountNumber: 'K-1', name: 'Key One', currency: 'USD', paymentTerms: 'NET30' },
    ]);
    const first = await importCustomers(admin(), file, { key: 'import-k-1' });
    expect(first.body).toMatchObject({ created: 1 });
    const second = await importCustomers(admin(), file, { key: 'import-k-1' });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const other = await importCustomers(admin(), file.replace('Key One', 'Key Uno'), {
      key: 'import-k-1',
    });
    expect(other.status).toBe(409);
    expect(await countWhere(acme, 'K-')).toBe(1);
  });

  it('serves a template that imports as it is', async () => {
    const res = await acme.clients.viewer.get<string>('/api/v1/imports/customers/template.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.body.split('\r\n')[0]).toContain('accountNumber,name,legalName,currency');
    const dry = await importCustomers(admin(), res.body, { query: '?dryRun=true' });
    const openapi = await admin().get<{ paths: Record<string, unknown> }>('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/imports/customers',
        '/api/v1/imports/customers/template.csv',
      ]),
    );
    expect(dry.body).toEqual({
      dryRun: true,
      total: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      errors: [],
    });
  });
});
