import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBankFile } from '../../src/modules/banking/parsers/index.ts';
import {
  lockboxMappingSchema,
  parseLockbox,
  parseLockboxRemittances,
  type LockboxOptions,
} from '../../src/modules/banking/parsers/lockbox.ts';
import { BankFileError } from '../../src/modules/banking/parsers/statement.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { REPEATED_COLUMNS_LOCKBOX } from './support/fixture-mappings.ts';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/bank/lockbox/${name}`, import.meta.url)), 'utf8');
const options: LockboxOptions = { accountIdentifier: 'LOCKBOX-778', currency: 'USD' };

function errorOf(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError');
}

describe('lockbox files with the default columns', () => {
  const text = fixture('default-columns.csv');

  it('gives one statement whose lines are the checks', () => {
    const file = parseLockbox(text, options);
    expect(file.format).toBe('lockbox');
    expect(file.statements).toHaveLength(1);
    const statement = file.statements[0];
    expect(statement).toMatchObject({
      format: 'lockbox',
      accountIdentifier: 'LOCKBOX-778',
      currency: 'USD',
      fromDate: '2024-03-04',
      toDate: '2024-03-05',
      openingBalance: null,
      closingBalance: null,
      controlProblems: [],
    });
    expect(statement?.lines[0]).toEqual({
      lineNo: 1,
      bookingDate: '2024-03-04',
      valueDate: null,
      amountMinor: 150000n,
      currency: 'USD',
      typeCode: null,
      counterpartyName: 'Acme Corp',
      counterpartyAccount: '123456789',
      counterpartyBank: '021000021',
      remittanceInfo: 'INV-1001; INV-1002',
      endToEndId: '10234',
      bankReference: null,
      additionalInfo: null,
      sourceLine: 2,
    });
    expect(
      statement?.lines.map((line) => [
        line.endToEndId,
        line.amountMinor,
        line.counterpartyAccount,
        line.counterpartyBank,
        line.remittanceInfo,
      ]),
    ).toEqual([
      ['10234', 150000n, '123456789', '021000021', 'INV-1001; INV-1002'],
      ['10235', 25000n, null, null, 'INV-2001, INV-2002 INV-2003'],
      ['10236', 15000n, '987654', null, 'INV-3001:100.00;INV-3002:50.00'],
      ['10237', 7525n, '555', '021000089', null],
    ]);
  });

  it('gives the invoices of each check, with the payer’s amounts where written', () => {
    expect(parseLockboxRemittances(text, options)).toEqual([
      {
        lineNo: 1,
        sourceLine: 2,
        checkNumber: '10234',
        remittances: [
          { reference: 'INV-1001', amountMinor: null },
          { reference: 'INV-1002', amountMinor: null },
        ],
      },
      {
        lineNo: 2,
        sourceLine: 3,
        checkNumber: '10235',
        remittances: [
          { reference: 'INV-2001', amountMinor: null },
          { reference: 'INV-2002', amountMinor: null },
          { reference: 'INV-2003', amountMinor: null },
        ],
      },
      {
        lineNo: 3,
        sourceLine: 4,
        checkNumber: '10236',
        remittances: [
          { reference: 'INV-3001', amountMinor: 10000n },
          { reference: 'INV-3002', amountMinor: 5000n },
        ],
      },
      { lineNo: 4, sourceLine: 5, checkNumber: '10237', remittances: [] },
    ]);
  });

  it('is reached through parseBankFile with lockbox options', () => {
    const file = parseBankFile(Buffer.from(text), { lockbox: options });
    expect(file.format).toBe('lockbox');
    expect(file.statements[0]?.lines).toHaveLength(4);
  });

  it('reads a check amount grouped by a no-break space', () => {
    const csv =
      'check_number,amount,payer,payer_account,deposit_date,invoices\n' +
      '1001,"12\u00a0500.00",Acme,,2026-11-16,INV-1\n';
    const [statement] = parseLockbox(csv, { accountIdentifier: 'LB', currency: 'USD' }).statements;
    expect(statement!.lines[0]!.amountMinor).toBe(1250000n);
  });
});

describe('lockbox files with a configured mapping', () => {
  const mapped: LockboxOptions = { ...options, ...REPEATED_COLUMNS_LOCKBOX };

  it('reads repeated invoice columns and "," decimals in per-invoice amounts', () => {
    const text = fixture('repeated-columns.csv');
    const lines = parseLockbox(text, mapped).statements[0]?.lines ?? [];
    expect(lines.map((line) => [line.endToEndId, line.amountMinor, line.remittanceInfo])).toEqual([
      ['5001', 123450n, 'INV-1001:1.000,00; INV-1002:234,50'],
      ['5002', 9900n, 'INV-2001'],
    ]);
    expect(lines[0]?.counterpartyAccount).toBeNull();
    expect(parseLockboxRemittances(text, mapped).map((line) => line.remittances)).toEqual([
      [
        { reference: 'INV-1001', amountMinor: 100000n },
        { reference: 'INV-1002', amountMinor: 23450n },
      ],
      [{ reference: 'INV-2001', amountMinor: null }],
    ]);
  });

  it('reads invoice numbers that are plain digits next to their amounts', () => {
    const text =
      'check_number,amount,deposit_date,invoices\n1,"150.00",2024-01-02,"1001:100.00,1002:50.00"\n';
    expect(parseLockboxRemittances(text, options)[0]?.remittances).toEqual([
      { reference: '1001', amountMinor: 10000n },
      { reference: '1002', amountMinor: 5000n },
    ]);
  });

  it('validates a saved mapping', () => {
    expect(lockboxMappingSchema.safeParse(mapped).success).toBe(true);
    expect(lockboxMappingSchema.safeParse({ columns: { cheque: 'x' } }).success).toBe(false);
    expect(lockboxMappingSchema.safeParse({ dateFormat: 'YY-MM-DD' }).success).toBe(false);
  });
});

describe('lockbox control problems and errors', () => {
  it('reports per-invoice amounts that cannot add up to the check', () => {
    const statement = parseLockbox(fixture('invoice-mismatch.csv'), options).statements[0];
    expect(statement?.controlProblems).toEqual([
      'line 2, check 7001: the invoice amounts add up to 110.00 USD, the check is 100.00 USD',
    ]);
  });

  it('names the line and column of an unreadable invoice list', () => {
    const error = errorOf(() => parseLockbox(fixture('errors.csv'), options));
    expect(error.message).toMatch(
      /^line 3, column "invoices": "INV-2:abc" is not a list of invoice references/,
    );
    expect(error.line).toBe(3);
  });

  it.each([
    [
      'a bad amount',
      '8001,12.3.4,2024-01-02,INV-1',
      /^line 2, column "amount": "12.3.4" is not an amount$/,
    ],
    [
      'a negative check',
      '8001,-5.00,2024-01-02,INV-1',
      /^line 2, column "amount": a check amount must be positive/,
    ],
    [
      'an empty check number',
      ',5.00,2024-01-02,INV-1',
      /^line 2, column "check_number": the check number is empty$/,
    ],
    [
      'a bad date',
      '8001,5.00,02.01.2024,INV-1',
      /^line 2, column "deposit_date": "02.01.2024" is not a date in the form YYYY-MM-DD$/,
    ],
  ])('%s is an error naming line and column', (_name, row, message) => {
    const text = `check_number,amount,deposit_date,invoices\n${row}\n`;
    expect(errorOf(() => parseLockbox(text, options)).message).toMatch(message);
  });

  it('a missing required column is an error on line 1', () => {
    const error = errorOf(() =>
      parseLockbox('check,amount,deposit_date\n1,2.00,2024-01-01\n', options),
    );
    expect(error.message).toBe(
      'line 1: column "check_number" not found (the header has "check", "amount", "deposit_date")',
    );
  });

  it('a configured optional column that is absent is an error', () => {
    const error = errorOf(() =>
      parseLockbox('check_number,amount,deposit_date\n1,2.00,2024-01-01\n', {
        ...options,
        columns: { payer: 'Remitter' },
      }),
    );
    expect(error.message).toMatch(/^line 1: column "Remitter" not found/);
  });
});

describe.each(databaseKinds())('a lockbox file imported and matched on %s', (kind) => {
  type Suggested = {
    customerId: string;
    score: number;
    evidence: string[];
    unapplied: string;
    shortPay: string;
    allocations: Array<{ number: string; amount: string; discount: string }>;
  };
  type Line = { lineNo: number; status: string; suggestions: Suggested[] };
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let customerId: string;
  let mappingId: string;
  const invoices: Record<string, { id: string; number: string }> = {};

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'lockbox');
    manager = org.clients.manager;
    collector = org.clients.collector;
    customerId = await createCustomer(manager, {
      accountNumber: 'C-2001',
      name: 'Lakeside Tools Inc.',
    });
    // the text scanner reads "INV-000001" as too short a number: start the series at INV-000010
    const otherId = await createCustomer(manager, {
      accountNumber: 'C-2002',
      name: 'Harbor Freight Partners',
    });
    for (let k = 0; k < 9; k++) {
      await createInvoice(manager, {
        customerId: otherId,
        amount: `${k + 1}.11`,
        description: 'Filler',
      });
    }
    for (const [key, amount] of [
      ['a', '100.00'],
      ['b', '80.00'],
      ['c', '250.00'],
      ['d', '40.00'],
    ] as const) {
      invoices[key] = await createInvoice(manager, { customerId, amount, description: 'Tools' });
    }
    const bank = await manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: 'Lockbox 778',
      identifier: 'LOCKBOX-778',
      currency: 'EUR',
    });
    expect(bank.status).toBe(201);
    const mapping = await manager.post<{ id: string }>('/api/v1/bank-file-mappings', {
      name: 'Lockbox',
      kind: 'lockbox',
      bankAccountId: bank.body.id,
      mapping: {},
    });
    expect(mapping.status).toBe(201);
    mappingId = mapping.body.id;
  });
  afterAll(() => server?.close());

  it("applies each check as the payer's per-invoice amounts say", async () => {
    const { a, b, c, d } = invoices as Record<'a' | 'b' | 'c' | 'd', { number: string }>;
    const csv = [
      'check_number,amount,payer,payer_account,deposit_date,invoices',
      // 30.00 short on the older invoice a; b paid in full (oldest first would short b instead)
      `20001,150.00,Lakeside Tools,021000021/555000111,2026-11-16,"${a.number}:70.00; ${b.number}:80.00"`,
      // c as stated, d named without an amount takes the rest
      `20002,290.00,Lakeside Tools,021000021/555000111,2026-11-16,"${c.number}:250.00; ${d.number}"`,
    ].join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv]), 'lockbox.csv');
    form.append('mappingId', mappingId);
    const imported = await collector.post<{ id: string; match: Record<string, number> }>(
      '/api/v1/bank-statements',
      form,
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.match).toMatchObject({ suggested: 2, unmatched: 0 });
    const lines = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${imported.body.id}/lines`,
    );
    const [first, second] = lines.body.items.map((line) => line.suggestions[0]!);
    expect(first!.customerId).toBe(customerId);
    expect(first!.allocations.map((x) => [x.number, x.amount, x.discount])).toEqual([
      [a.number, '70.00', '0.00'],
      [b.number, '80.00', '0.00'],
    ]);
    expect(first!.shortPay).toBe('30.00');
    expect(first!.unapplied).toBe('0.00');
    expect(first!.score).toBe(0.92);
    expect(first!.evidence).toContain(
      `Payer's remittance: 70.00 to ${a.number}, 80.00 to ${b.number}`,
    );
    expect(second!.allocations.map((x) => [x.number, x.amount])).toEqual([
      [c.number, '250.00'],
      [d.number, '40.00'],
    ]);
    expect(second!.score).toBe(0.99);
    expect(second!.evidence).toContain(
      `${d.number}, named without an amount, gets the rest: 40.00`,
    );

    const auto = await collector.post<{ applied: number }>(
      `/api/v1/bank-statements/${imported.body.id}/auto-apply`,
    );
    expect(auto.status, JSON.stringify(auto.body)).toBe(200);
    expect(auto.body.applied).toBe(2);
    const open: Record<string, string> = {};
    for (const key of ['a', 'b', 'c', 'd']) {
      const doc = await collector.get<{ openBalance: string }>(
        `/api/v1/invoices/${invoices[key]!.id}`,
      );
      open[key] = doc.body.openBalance;
    }
    expect(open).toEqual({ a: '30.00', b: '0.00', c: '0.00', d: '0.00' });
  });
});
