import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  writeCamt053,
  writeCamt054,
  type CamtEntryInput,
} from '../../src/modules/banking/camt-writer.ts';
import {
  legacyStatementFingerprint,
  statementFingerprint,
} from '../../src/modules/banking/bank-statements.service.ts';
import { parseBankFile } from '../../src/modules/banking/parsers/index.ts';
import { accountIdentifierOf } from '../../src/modules/payments/payments.service.ts';
import type { Actor } from '../../src/shared/actor.ts';
import { parseIsoDate } from '../../src/shared/dates.ts';
import { newId } from '../../src/shared/ids.ts';
import type { ApiClient } from '../support/api.ts';
import { upload } from './support/upload.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  expectApplicationsWellFormed,
  expectDocumentsConsistent,
  expectJournalBalanced,
  expectLedgerTies,
} from '../ledger/support/ledger-checks.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';

type Imported = {
  id: string;
  created: boolean;
  format: string;
  lineCount: number;
  balanceProblem: string | null;
  bankAccountId: string;
  statements: Array<{ id: string; created: boolean; fileName: string | null }>;
  counts: Record<string, number>;
  match: { reconciled: number; suggested: number; unmatched: number };
};
type Line = {
  id: string;
  lineNo: number;
  amount: string;
  status: string;
  statusNote: string | null;
  paymentId: string | null;
  suggestions: Array<{
    customerId: string;
    score: number;
    evidence: string[];
    shortPay: string;
    allocations: Array<{ number: string; amount: string; discount: string }>;
  }>;
};
type Problem = {
  code: string;
  detail: string;
  errors?: Array<{ line?: number; path?: string; message: string }>;
};

const IBAN = 'DE44500105175407324931';

describe.each(databaseKinds())('bank statements API on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let actor: Actor;
  const invoices: Record<string, { id: string; number: string }> = {};
  let customerId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'bank');
    manager = org.clients.manager;
    collector = org.clients.collector;
    actor = org.actor;
    customerId = await createCustomer(manager, {
      accountNumber: 'C-1001',
      name: 'Nordwind Logistik GmbH',
    });
    // collectors import into the organization's known accounts only
    const unknown = await collector.post<Problem>(
      '/api/v1/bank-statements',
      upload(
        writeCamt053([
          statement('UNKNOWN', '2026-11-15', [
            { amountMinor: 100n, bookingDate: '2026-11-15', bankReference: 'U-1' },
          ]),
        ]),
        'unknown-account.xml',
      ),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_bank_account');
    const bank = await manager.post('/api/v1/bank-accounts', {
      name: 'Operating EUR',
      identifier: IBAN,
      currency: 'EUR',
    });
    expect(bank.status).toBe(201);
    for (const [key, amount] of [
      ['a', '1190.00'],
      ['b', '250.00'],
      ['c', '75.50'],
    ] as const) {
      invoices[key] = await createInvoice(manager, {
        customerId,
        amount,
        issueDate: '2026-10-15',
        description: 'Freight',
      });
    }
  });
  afterAll(() => server?.close());

  const statement = (id: string, day: string, entries: CamtEntryInput[], opening = 0n) => ({
    id,
    createdAt: `${day}T18:00:00`,
    iban: IBAN,
    currency: 'EUR',
    fromDate: day,
    toDate: day,
    openingMinor: opening,
    entries,
  });

  it('imports a camt.053, suggests with evidence, auto-applies, and a second import creates nothing', async () => {
    const xml = writeCamt053([
      statement('STMT-1', '2026-11-16', [
        {
          amountMinor: 119000n,
          bookingDate: '2026-11-16',
          counterpartyName: 'NORDWIND LOGISTIK GMBH',
          counterpartyAccount: 'DE89370400440532013000',
          remittance: `Rechnung ${invoices.a!.number}`,
          endToEndId: 'E2E-1',
          bankReference: 'BR-1',
        },
        {
          amountMinor: 32550n,
          bookingDate: '2026-11-16',
          counterpartyName: 'Nordwind Logistik',
          remittance: `${invoices.b!.number.replace(/^INV-0*/, '')} ${invoices.c!.number}`,
          bankReference: 'BR-2',
        },
        {
          amountMinor: 4200n,
          bookingDate: '2026-11-16',
          counterpartyName: 'Somebody Else',
          remittance: 'Gift',
          bankReference: 'BR-3',
        },
        {
          amountMinor: -5000n,
          bookingDate: '2026-11-16',
          counterpartyName: 'Bank fees',
          bankReference: 'BR-4',
        },
      ]),
    ]);
    const res = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(xml, 'stmt-1.xml'),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      format: 'camt.053',
      lineCount: 4,
      created: true,
      balanceProblem: null,
    });
    expect(res.body.counts.debit).toBe(1);
    const lines = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${res.body.id}/lines`,
    );
    expect(lines.status).toBe(200);
    const first = lines.body.items[0]!;
    expect(first.status).toBe('suggested');
    expect(first.suggestions[0]!.customerId).toBe(customerId);
    expect(first.suggestions[0]!.score).toBeGreaterThanOrEqual(0.9);
    expect(first.suggestions[0]!.evidence.join(' ')).toContain(invoices.a!.number);
    const second = lines.body.items[1]!;
    expect(second.suggestions[0]!.allocations.map((a) => a.number).sort()).toEqual(
      [invoices.b!.number, invoices.c!.number].sort(),
    );

    const again = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(xml, 'same-again.xml'),
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: res.body.id, created: false });

    const auto = await collector.post<{ applied: number; suggested: number; unmatched: number }>(
      `/api/v1/bank-statements/${res.body.id}/auto-apply`,
    );
    expect(auto.status, JSON.stringify(auto.body)).toBe(200);
    expect(auto.body.applied).toBe(2);
    for (const key of ['a', 'b', 'c']) {
      const doc = await collector.get<{ status: string }>(`/api/v1/invoices/${invoices[key]!.id}`);
      expect(doc.body.status, key).toBe('paid');
    }
    const after = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${res.body.id}/lines`,
    );
    expect(after.body.items.map((l) => l.status)).toEqual([
      'applied',
      'applied',
      expect.stringMatching(/suggested|unmatched/),
      'debit',
    ]);
    expect(after.body.items[0]!.paymentId).toBeTruthy();
    await expectLedgerTies(server.runtime.database.db, actor, [parseIsoDate('2026-11-30')]);
  });

  it('does not offer again an early-payment discount that an earlier part payment took', async () => {
    const sonnenhofId = await createCustomer(manager, {
      accountNumber: 'C-2002',
      name: 'Sonnenhof Handel AG',
      paymentTerms: '2/10NET30',
    });
    const inv = await createInvoice(manager, {
      customerId: sonnenhofId,
      amount: '1000.00',
      issueDate: '2026-11-10',
    });
    // 400.00 paid by hand with the whole 20.00 discount: 580.00 left
    const paid = await collector.post('/api/v1/payments', {
      customerId: sonnenhofId,
      method: 'wire',
      amount: '400.00',
      currency: 'EUR',
      receivedDate: '2026-11-11',
      applications: [{ invoiceId: inv.id, amount: '400.00', discount: '20.00' }],
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    // the rest, less the discount once more, inside the window
    const xml = writeCamt053([
      statement('STMT-DISCOUNT', '2026-11-14', [
        {
          amountMinor: 56000n,
          bookingDate: '2026-11-14',
          counterpartyName: 'SONNENHOF HANDEL AG',
          remittance: `Invoice ${inv.number} rest`,
          bankReference: 'BR-DISCOUNT',
        },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'disc.xml'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const lines = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${res.body.id}/lines`,
    );
    const best = lines.body.items[0]!.suggestions[0]!;
    expect(best.allocations).toEqual([
      expect.objectContaining({ number: inv.number, amount: '560.00', discount: '0.00' }),
    ]);
    expect(best.shortPay).toBe('20.00');
    const auto = await collector.post(`/api/v1/bank-statements/${res.body.id}/auto-apply`);
    expect(auto.status).toBe(200);
    const discounts = await server.runtime.database.db
      .selectFrom('ar_documents')
      .select('amount_minor')
      .where('org_id', '=', actor.orgId)
      .where('kind', '=', 'discount')
      .where('related_document_id', '=', inv.id)
      .execute();
    expect(discounts.map((d) => d.amount_minor)).toEqual([-2000n]);
    const db = server.runtime.database.db;
    await expectJournalBalanced(db, actor.orgId);
    await expectDocumentsConsistent(db, actor.orgId);
    await expectApplicationsWellFormed(db, actor.orgId);
  });

  it('the database refuses a line whose statement or bank account is not there, and deleting a statement', async () => {
    const db = server.runtime.database.db;
    const line = await db
      .selectFrom('bank_statement_lines')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .orderBy('line_no')
      .executeTakeFirstOrThrow();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('bank_statement_lines')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('org_id', '=', actor.orgId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const copy = (changes: Record<string, unknown>) =>
      db
        .insertInto('bank_statement_lines')
        .values({
          ...line,
          id: newId(),
          line_no: 9000,
          payment_id: null,
          suggestions: null,
          ...changes,
        })
        .execute();
    await expect(copy({ statement_id: newId() })).rejects.toThrow(
      /bank_statement_lines refers in statement_id to .*, which does not exist/,
    );
    await expect(copy({ bank_account_id: newId() })).rejects.toThrow(
      /refers in bank_account_id to/,
    );
    await expect(
      db
        .updateTable('bank_statement_lines')
        .set({ statement_id: newId() })
        .where('org_id', '=', actor.orgId)
        .where('id', '=', line.id)
        .execute(),
    ).rejects.toThrow(/refers in statement_id to/);
    await expect(
      db.deleteFrom('bank_statements').where('id', '=', line.statement_id).execute(),
    ).rejects.toThrow(/DELETE on bank_statements is not allowed/);
    expect(await count()).toBe(before);
  });

  it('records the unknown payer line in suspense, then a manual match teaches the payer', async () => {
    const inv = await createInvoice(manager, {
      customerId,
      amount: '333.33',
      issueDate: '2026-10-20',
      description: 'Storage',
    });
    const xml = writeCamt053([
      statement('STMT-2', '2026-11-17', [
        {
          amountMinor: 33333n,
          bookingDate: '2026-11-17',
          counterpartyName: 'NWL HOLDING',
          counterpartyAccount: 'NL91ABNA0417164300',
          remittance: 'payment november',
          bankReference: 'BR-21',
        },
      ]),
    ]);
    const res = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(xml, 'stmt-2.xml'),
    );
    expect(res.status).toBe(201);
    const [line] = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res.body.id}/lines`)
    ).body.items;
    // an amount-only guess for an unknown payer never reaches the threshold
    expect(line!.suggestions.every((s) => s.score < 0.9)).toBe(true);
    const applied = await collector.post<{
      line: Line;
      payment: { number: string; status: string };
    }>(`/api/v1/bank-statement-lines/${line!.id}/apply`, {
      customerId,
      applications: [{ invoiceId: inv.id, amount: '333.33' }],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.line.status).toBe('applied');
    expect(applied.body.payment?.status).toBe('applied');
    const twice = await collector.post<Problem>(`/api/v1/bank-statement-lines/${line!.id}/apply`, {
      customerId,
      applications: [],
    });
    expect(twice.status).toBe(422);
    // the next payment from that account is recognised by its account alone
    const inv2 = await createInvoice(manager, {
      customerId,
      amount: '444.44',
      issueDate: '2026-10-21',
      description: 'Storage',
    });
    const xml3 = writeCamt053([
      statement('STMT-3', '2026-11-18', [
        {
          amountMinor: 44444n,
          bookingDate: '2026-11-18',
          counterpartyName: 'NWL HOLDING',
          counterpartyAccount: 'NL91ABNA0417164300',
          remittance: 'payment',
          bankReference: 'BR-31',
        },
      ]),
    ]);
    const res3 = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(xml3, 'stmt-3.xml'),
    );
    const [line3] = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res3.body.id}/lines`)
    ).body.items;
    expect(line3!.suggestions[0]!.allocations.map((a) => a.number)).toEqual([inv2.number]);
    expect(line3!.suggestions[0]!.evidence.join(' ')).toMatch(/NL91/);
  });

  it('rejects a malformed file with a 400 naming the line, and nothing is stored', async () => {
    const before = await collector.get<{ items: unknown[] }>('/api/v1/bank-statements');
    const broken = await collector.post<Problem>(
      '/api/v1/bank-statements',
      upload(
        '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n<Stmt></Document>',
        'broken.xml',
      ),
    );
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_bank_file');
    expect(broken.body.errors?.[0]?.line).toBeGreaterThan(0);
    const unknown = await collector.post<Problem>(
      '/api/v1/bank-statements',
      upload('hello,world\n1,2\n', 'x.csv'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('CSV files need a saved column mapping');
    const mt940 = await collector.post<Problem>(
      '/api/v1/bank-statements',
      upload(
        ':20:REF\n:25:12345678\n:28C:1/1\n:60F:C261116EUR100,00\n:61:2611161116C12,3,4NTRFNONREF\n:62F:C261116EUR112,34\n-',
        'bad.sta',
      ),
    );
    expect(mt940.status).toBe(400);
    expect(mt940.body.errors?.[0]?.line).toBe(5);
    const after = await collector.get<{ items: unknown[] }>('/api/v1/bank-statements');
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('recognises the same statement in another file and an intraday entry seen again at end of day', async () => {
    const day1 = statement(
      'D1',
      '2026-11-19',
      [{ amountMinor: 1000n, bookingDate: '2026-11-19', bankReference: 'X-1', remittance: 'one' }],
      100000n,
    );
    const day2 = statement(
      'D2',
      '2026-11-20',
      [{ amountMinor: 2000n, bookingDate: '2026-11-20', bankReference: 'X-2', remittance: 'two' }],
      101000n,
    );
    const day3 = statement(
      'D3',
      '2026-11-21',
      [
        {
          amountMinor: 3000n,
          bookingDate: '2026-11-21',
          bankReference: 'X-3',
          remittance: 'three',
        },
      ],
      103000n,
    );
    const first = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(writeCamt053([day1, day2]), 'a.xml'),
    );
    expect(first.status).toBe(201);
    const second = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(writeCamt053([day2, day3]), 'b.xml'),
    );
    expect(second.status).toBe(201);
    expect(second.body.statements.map((s) => s.created)).toEqual([false, true]);
    expect(second.body.statements[0]!.id).toBe(first.body.statements[1]!.id);
    // the entry X-3 again, in a later statement that also carries it (intraday, then end of day)
    const eod = statement(
      'D3-EOD',
      '2026-11-21',
      [
        {
          amountMinor: 3000n,
          bookingDate: '2026-11-21',
          bankReference: 'X-3',
          remittance: 'three',
        },
        { amountMinor: 500n, bookingDate: '2026-11-21', bankReference: 'X-4', remittance: 'four' },
      ],
      103000n,
    );
    const third = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(writeCamt053([eod]), 'c.xml'),
    );
    expect(third.status).toBe(201);
    const lines = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${third.body.id}/lines`,
    );
    expect(lines.body.items[0]!.status).toBe('duplicate');
    expect(lines.body.items[1]!.status).not.toBe('duplicate');
  });

  it('imports every statement of a ZIP archive, naming its file, and the same archive again creates nothing', async () => {
    const day = (id: string, date: string, reference: string, opening: bigint) =>
      strToU8(
        writeCamt053([
          statement(
            id,
            date,
            [{ amountMinor: 4200n, bookingDate: date, bankReference: reference }],
            opening,
          ),
        ]),
      );
    const first = day('Z1', '2026-11-23', 'Z-1', 200000n);
    const second = day('Z2', '2026-11-24', 'Z-2', 204200n);
    const archive = Buffer.from(
      zipSync({
        'nov/2026-11-24.xml': second,
        'nov/2026-11-23.xml': first,
        '__MACOSX/nov/._2026-11-23.xml': strToU8('resource fork'),
      }),
    );
    const before = await collector.get<{ items: unknown[] }>('/api/v1/bank-statements');
    const imported = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(archive, 'nov.zip'),
    );
    expect(imported.status).toBe(201);
    expect(imported.body.format).toBe('camt.053');
    expect(imported.body.statements.map((s) => s.created)).toEqual([true, true]);
    // each statement of the file comes with its own figures, as stored
    for (const s of imported.body.statements) {
      const one = await collector.get<Imported>(`/api/v1/bank-statements/${s.id}`);
      expect(s).toEqual({ ...one.body, created: true });
      expect(one.body.lineCount).toBe(1);
    }
    expect(imported.body.statements.map((s) => s.fileName)).toEqual([
      'nov.zip/nov/2026-11-23.xml',
      'nov.zip/nov/2026-11-24.xml',
    ]);
    // the same archive again, and one of its files on its own: nothing new
    const again = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(archive, 'nov-again.zip'),
    );
    expect(again.status).toBe(200);
    expect(again.body.statements.map((s) => [s.id, s.created])).toEqual(
      imported.body.statements.map((s) => [s.id, false]),
    );
    const alone = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(Buffer.from(second), '2026-11-24.xml'),
    );
    expect(alone.status).toBe(200);
    expect(alone.body.id).toBe(imported.body.statements[1]!.id);
    // an archive with one unreadable file: a 400 naming that file and its line, nothing stored
    const broken = await collector.post<Problem>(
      '/api/v1/bank-statements',
      upload(
        Buffer.from(
          zipSync({
            'a.xml': day('Z3', '2026-11-25', 'Z-3', 208400n),
            'b.sta': strToU8(
              ':20:REF\n:25:12345678\n:28C:1/1\n:60F:C261116EUR100,00\n:61:2611161116C12,3,4NTRFNONREF\n:62F:C261116EUR112,34\n-',
            ),
          }),
        ),
        'mixed.zip',
      ),
    );
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_bank_file');
    expect(broken.body.detail).toContain('b.sta: ');
    expect(broken.body.errors?.[0]?.line).toBe(5);
    const after = await collector.get<{ items: unknown[] }>('/api/v1/bank-statements');
    expect(after.body.items.length).toBe(before.body.items.length + 2);
  });

  it('keeps two notifications of one day with equal amounts from different payers apart', async () => {
    const note = (id: string, payer: string, ref: string) =>
      writeCamt054([
        statement(id, '2026-11-20', [
          {
            amountMinor: 4900n,
            bookingDate: '2026-11-20',
            counterpartyName: payer,
            bankReference: ref,
          },
        ]),
      ]);
    const a = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(note('N-A', 'ALICE', 'REF-A'), 'a.xml'),
    );
    const b = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(note('N-B', 'BOB', 'REF-B'), 'b.xml'),
    );
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('an ignored duplicate stays a duplicate; a duplicate reopened on purpose becomes an open line', async () => {
    const day = (id: string, extra: CamtEntryInput[] = []) =>
      writeCamt053([
        statement(id, '2026-11-21', [
          {
            amountMinor: 4242n,
            bookingDate: '2026-11-21',
            bankReference: 'REF-DUP',
            remittance: 'dup',
          },
          ...extra,
        ]),
      ]);
    await collector.post<Imported>('/api/v1/bank-statements', upload(day('DUP-1'), 'd1.xml'));
    const second = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        day('DUP-2', [{ amountMinor: 100n, bookingDate: '2026-11-21', bankReference: 'REF-NEW' }]),
        'd2.xml',
      ),
    );
    const [line] = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${second.body.id}/lines`)
    ).body.items;
    expect(line!.status).toBe('duplicate');
    const unidentified = await collector.post<Problem>(
      `/api/v1/bank-statement-lines/${line!.id}/unidentified`,
      {},
    );
    expect(unidentified.status).toBe(422);
    const reopened = await collector.post<{ line: Line }>(
      `/api/v1/bank-statement-lines/${line!.id}/reopen`,
      {},
    );
    expect(reopened.body.line.status).toBe('unmatched');
    await collector.post(`/api/v1/bank-statement-lines/${line!.id}/ignore`, { reason: 'copy' });
    const again = await collector.post<{ line: Line }>(
      `/api/v1/bank-statement-lines/${line!.id}/reopen`,
      {},
    );
    expect(again.body.line.status).toBe('duplicate');
  });

  it('a line accepted later takes the discount the bank received in time, dated the booking day', async () => {
    const early = await createCustomer(manager, {
      accountNumber: 'C-2003',
      name: 'Frühzahler KG',
      paymentTerms: '2/10NET30',
    });
    // 2 % until 2026-11-15; the bank booked the net amount on the 14th; accepted today
    const inv = await createInvoice(manager, {
      customerId: early,
      amount: '500.00',
      issueDate: '2026-11-05',
    });
    const xml = writeCamt053([
      statement('STMT-EARLY', '2026-11-14', [
        {
          amountMinor: 49000n,
          bookingDate: '2026-11-14',
          counterpartyName: 'Frühzahler KG',
          remittance: `${inv.number} less 2%`,
          bankReference: 'EARLY-1',
        },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'early.xml'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [line] = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res.body.id}/lines`)
    ).body.items;
    const applied = await collector.post<{ line: Line }>(
      `/api/v1/bank-statement-lines/${line!.id}/accept`,
      { suggestion: 0 },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const payment = await collector.get<{
      applications: Array<{ via: string; amount: string; date: string }>;
    }>(`/api/v1/payments/${applied.body.line.paymentId}`);
    expect(payment.body.applications.map((a) => [a.via, a.amount, a.date])).toEqual([
      ['cash', '490.00', '2026-11-14'],
      ['discount', '10.00', '2026-11-14'],
    ]);
  });

  it('a payment reversed as an error gives its bank line back', async () => {
    const inv = await createInvoice(manager, {
      customerId,
      amount: '310.00',
      issueDate: '2026-10-22',
      description: 'Handling',
    });
    const xml = writeCamt053([
      statement('ERR-1', '2026-11-22', [
        {
          amountMinor: 31000n,
          bookingDate: '2026-11-22',
          remittance: inv.number,
          bankReference: 'ERR-1',
        },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'err.xml'));
    const [line] = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res.body.id}/lines`)
    ).body.items;
    const applied = await collector.post<{ line: Line }>(
      `/api/v1/bank-statement-lines/${line!.id}/accept`,
      { suggestion: 0 },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const reversed = await collector.post(
      `/api/v1/payments/${applied.body.line.paymentId}/reverse`,
      { reason: 'wrong customer', kind: 'error' },
    );
    expect(reversed.status).toBe(200);
    const after = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res.body.id}/lines`)
    ).body.items[0]!;
    expect(after).toMatchObject({ status: 'unmatched', paymentId: null });
  });

  it('reports a statement whose balances do not add up', async () => {
    const xml = writeCamt053([
      statement(
        'BAD',
        '2026-11-22',
        [{ amountMinor: 700n, bookingDate: '2026-11-22', bankReference: 'B-1' }],
        0n,
      ),
    ]).replace(/(<Cd>CLBD<\/Cd><\/CdOrPrtry><\/Tp><Amt Ccy="EUR">)7\.00/, '$17.01');
    const res = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(xml, 'bad-balance.xml'),
    );
    expect(res.status).toBe(201);
    expect(res.body.balanceProblem).toMatch(/0\.01/);
  });

  it('ties a bank line to a receipt recorded by hand and reconciles the day', async () => {
    const accounts = await collector.get<{ items: Array<{ id: string; identifier: string }> }>(
      '/api/v1/bank-accounts',
    );
    const bank = accounts.body.items.find((a) => a.identifier === IBAN)!;
    const p = await collector.post<{ id: string }>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '88.00',
      currency: 'EUR',
      receivedDate: '2026-11-12',
      reference: 'WIRE-88',
      bankAccountId: bank.id,
    });
    expect(p.status).toBe(201);
    const xml = writeCamt053([
      statement('STMT-R', '2026-11-13', [
        {
          amountMinor: 8800n,
          bookingDate: '2026-11-13',
          remittance: 'WIRE-88',
          bankReference: 'R-1',
        },
        { amountMinor: 1234n, bookingDate: '2026-11-13', remittance: 'who?', bankReference: 'R-2' },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'r.xml'));
    expect(res.body.match.reconciled).toBe(1);
    const rec = await collector.get<{
      totals: { bankCredits: string; receipts: string; matched: string };
      days: Array<{
        date: string;
        bankCredits: string;
        receipts: string;
        unmatchedBankLines: unknown[];
      }>;
    }>(`/api/v1/cash-reconciliation?bankAccountId=${bank.id}&from=2026-11-12&to=2026-11-13`);
    expect(rec.status).toBe(200);
    const d20 = rec.body.days.find((d) => d.date === '2026-11-13')!;
    expect(d20).toMatchObject({ bankCredits: '100.34' });
    expect(d20.unmatchedBankLines).toHaveLength(1);
    expect(rec.body.totals).toMatchObject({
      bankCredits: '100.34',
      receipts: '88.00',
      matched: '88.00',
    });
    // the other line: a check of the same amount that went in a deposit batch is not its receipt
    // (the bank shows the batch's deposit), nor is a receipt of another bank account
    const lines = await collector.get<{ items: Line[] }>(
      `/api/v1/bank-statements/${res.body.id}/lines`,
    );
    const who = lines.body.items.find((l) => l.amount === '12.34')!;
    const batch = await collector.post<{ id: string }>('/api/v1/deposit-batches', {
      bankAccountId: bank.id,
    });
    const receipt = (extra: Record<string, string>) =>
      collector.post<{ id: string }>('/api/v1/payments', {
        customerId,
        method: 'check',
        amount: '12.34',
        currency: 'EUR',
        receivedDate: '2026-11-12',
        ...extra,
      });
    const check = await receipt({ depositBatchId: batch.body.id });
    const inBatch = await collector.post<Problem>(`/api/v1/bank-statement-lines/${who.id}/link`, {
      paymentId: check.body.id,
    });
    expect([inBatch.status, inBatch.body.code]).toEqual([422, 'cannot_link']);
    expect(inBatch.body.detail).toContain('deposit batch');
    const other = await manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: 'Savings EUR',
      identifier: 'DE02120300000000202051',
      currency: 'EUR',
    });
    const elsewhere = await receipt({ bankAccountId: other.body.id });
    const wrongAccount = await collector.post<Problem>(
      `/api/v1/bank-statement-lines/${who.id}/link`,
      { paymentId: elsewhere.body.id },
    );
    expect([wrongAccount.status, wrongAccount.body.code]).toEqual([422, 'cannot_link']);
    const own = await receipt({ bankAccountId: bank.id });
    const tied = await collector.post(`/api/v1/bank-statement-lines/${who.id}/link`, {
      paymentId: own.body.id,
    });
    expect(tied.status, JSON.stringify(tied.body)).toBe(200);
  });
  type Reconciliation = {
    totals: { bankCredits: string; receipts: string; matched: string; difference: string };
    days: Array<{
      date: string;
      bankCredits: string;
      receipts: string;
      difference: string;
      unmatchedBankLines: unknown[];
      unmatchedReceipts: unknown[];
      matchedOnOtherDays: Array<{
        side: string;
        number: string;
        amount: string;
        otherDate: string;
      }>;
    }>;
  };
  const reconcile = async (from: string, to = from) => {
    const accounts = await collector.get<{ items: Array<{ id: string; identifier: string }> }>(
      '/api/v1/bank-accounts',
    );
    const bank = accounts.body.items.find((a) => a.identifier === IBAN)!;
    const rec = await collector.get<Reconciliation>(
      `/api/v1/cash-reconciliation?bankAccountId=${bank.id}&from=${from}&to=${to}`,
    );
    expect(rec.status, JSON.stringify(rec.body)).toBe(200);
    return rec.body;
  };
  const mt940 = (
    reference: string,
    day: string,
    opening: string,
    entries: string[],
    closing: string,
  ) =>
    [
      `:20:${reference}`,
      `:25:${IBAN}`,
      ':28C:1/1',
      `:60F:C${day}EUR${opening}`,
      ...entries,
      `:62F:C${day}EUR${closing}`,
      '-',
    ].join('\r\n');

  it('a receipt recorded without a bank account becomes a receipt of the account whose line it is tied to', async () => {
    const p = await collector.post<{ id: string }>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '55.55',
      currency: 'EUR',
      receivedDate: '2026-10-05',
      reference: 'W-55',
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const xml = writeCamt053([
      statement('STMT-NOACC', '2026-10-05', [
        {
          amountMinor: 5555n,
          bookingDate: '2026-10-05',
          remittance: 'W-55',
          bankReference: 'NA-1',
        },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'na.xml'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.match.reconciled).toBe(1);
    const day = (await reconcile('2026-10-05')).days[0]!;
    expect(day).toMatchObject({ bankCredits: '55.55', receipts: '55.55', difference: '0.00' });
    expect([day.unmatchedBankLines, day.unmatchedReceipts]).toEqual([[], []]);
    const payment = await collector.get<{ bankAccountName: string | null }>(
      `/api/v1/payments/${p.body.id}`,
    );
    expect(payment.body.bankAccountName).not.toBeNull();
  });

  it('a line the bank gave no booking date is reconciled on its value date', async () => {
    // :61: without the optional entry date: only the value date 2026-10-06
    const mt = mt940(
      'STMT-NOBOOK',
      '261006',
      '0,00',
      [':61:261006C77,00NTRFNONREF//NB-1', ':86:166?00GUTSCHRIFT?20SVWZ+Something?32SOME PAYER'],
      '77,00',
    );
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(mt, 'nb.sta'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rec = await reconcile('2026-10-06');
    expect(rec.totals.bankCredits).toBe('77.00');
    expect(rec.days[0]!.unmatchedBankLines).toHaveLength(1);
  });

  it('recognises the same day in camt.053 and MT940 when they itemize or spell its entries differently', async () => {
    // a camt entry with two transaction details is two lines; the MT940 has their sum
    const tx = (amount: string, e2e: string, name: string) =>
      `<TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>${name}</Nm></Pty></Dbtr></RltdPties></TxDtls>`;
    const batched = writeCamt053([
      statement('STMT-SPLIT', '2026-10-08', [
        { amountMinor: 30000n, bookingDate: '2026-10-08', bankReference: 'BATCH-1' },
      ]),
    ]).replace(
      '<NtryDtls><TxDtls></TxDtls></NtryDtls>',
      `<NtryDtls>${tx('100.00', 'E-1', 'PAYER ONE')}${tx('200.00', 'E-2', 'PAYER TWO')}</NtryDtls>`,
    );
    expect(batched).toContain('E-2');
    const camt = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(batched, 's.xml'),
    );
    expect(camt.status, JSON.stringify(camt.body)).toBe(201);
    const split = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        mt940(
          'STMT-SPLIT',
          '261008',
          '0,00',
          [':61:2610081008C300,00NTRFNONREF//BATCH-1', ':86:166?00SAMMELGUTSCHRIFT?202 POSTEN'],
          '300,00',
        ),
        's.sta',
      ),
    );
    expect([split.status, split.body.created, split.body.id]).toEqual([200, false, camt.body.id]);
    expect((await reconcile('2026-10-08')).totals.bankCredits).toBe('300.00');

    // "Müller & Söhne GmbH" in camt.053 is "Mueller + Soehne GmbH" in MT940's character set
    const named = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        writeCamt053([
          statement(
            'STMT-NAME',
            '2026-10-09',
            [
              {
                amountMinor: 10000n,
                bookingDate: '2026-10-09',
                counterpartyName: 'Müller & Söhne GmbH',
                remittance: 'Rechnung 4711',
                bankReference: 'N-1',
              },
            ],
            30000n,
          ),
        ]),
        'n.xml',
      ),
    );
    expect(named.status, JSON.stringify(named.body)).toBe(201);
    const swift = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        mt940(
          'STMT-NAME',
          '261009',
          '300,00',
          [
            ':61:2610091009C100,00NTRFNONREF//N-1',
            ':86:166?00GUTSCHRIFT?20SVWZ+Rechnung 4711?32Mueller + Soehne GmbH',
          ],
          '400,00',
        ),
        'n.sta',
      ),
    );
    expect([swift.status, swift.body.created, swift.body.id]).toEqual([200, false, named.body.id]);
  });

  it('keeps apart two statements of one day whose balances differ (intraday, then end of day)', async () => {
    const intraday = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        mt940('STMT-ID', '261012', '0,00', [':61:2610121012C10,00NTRFNONREF//ID-1'], '10,00'),
        'i.sta',
      ),
    );
    expect(intraday.status, JSON.stringify(intraday.body)).toBe(201);
    const endOfDay = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(
        mt940(
          'STMT-EOD',
          '261012',
          '0,00',
          [':61:2610121012C10,00NTRFNONREF//ID-1', ':61:2610121012C5,00NTRFNONREF//ID-2'],
          '15,00',
        ),
        'e.sta',
      ),
    );
    expect([endOfDay.status, endOfDay.body.created]).toEqual([201, true]);
    // and the entry both carry is counted once
    expect((await reconcile('2026-10-12')).totals.bankCredits).toBe('15.00');
  });

  it('a statement uploaded twice at once is stored once, and auto-applied by several clients at once posts each line once', async () => {
    const inv = await createInvoice(manager, {
      customerId,
      amount: '613.27',
      issueDate: '2026-10-01',
      description: 'Race goods',
    });
    const xml = writeCamt053([
      statement('STMT-RACE', '2026-10-14', [
        {
          amountMinor: 61327n,
          bookingDate: '2026-10-14',
          counterpartyName: 'NORDWIND LOGISTIK GMBH',
          remittance: `Invoice ${inv.number}`,
          bankReference: 'RACE-1',
        },
      ]),
    ]);
    // uploaded twice at once (a double click): one statement, both answers name it
    const [one, two] = await Promise.all([
      collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'race.xml')),
      collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'race.xml')),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 201]);
    expect(one.body.id).toBe(two.body.id);
    const res = one;
    const runs = await Promise.all(
      [1, 2, 3, 4].map(() =>
        collector.post<{ applied: number }>(`/api/v1/bank-statements/${res.body.id}/auto-apply`),
      ),
    );
    expect(runs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(runs.reduce((n, r) => n + r.body.applied, 0)).toBe(1);
    const payments = await server.runtime.database.db
      .selectFrom('ar_applications')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('debit_document_id', '=', inv.id)
      .execute();
    expect(payments).toHaveLength(1);
    const doc = await manager.get<{ openBalance: string }>(`/api/v1/invoices/${inv.id}`);
    expect(doc.body.openBalance).toBe('0.00');
  });

  it('reads a German MT940 account given as bank code and account number as its IBAN', async () => {
    expect(accountIdentifierOf('37040044/532013000')).toBe('DE89370400440532013000');
    expect(accountIdentifierOf('50010517/5407324931')).toBe(IBAN);
    expect(accountIdentifierOf('GB29 NWBK 6016 1331 9268 19')).toBe('GB29NWBK60161331926819');
    const before = await collector.get<{ items: unknown[] }>('/api/v1/bank-accounts');
    const mt = [
      ':20:STMT-BLZ',
      ':25:50010517/5407324931',
      ':28C:1/1',
      ':60F:C261015EUR0,00',
      ':61:2610151015C12,00NTRFNONREF//BLZ-1',
      ':62F:C261015EUR12,00',
      '-',
    ].join('\r\n');
    // by a manager, who would otherwise get a new bank account made for it
    const res = await manager.post<Imported>('/api/v1/bank-statements', upload(mt, 'blz.sta'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const after = await collector.get<{ items: unknown[] }>('/api/v1/bank-accounts');
    expect(after.body.items).toHaveLength(before.body.items.length);
    expect((await reconcile('2026-10-15')).totals.bankCredits).toBe('12.00');
  });

  it('an Idempotency-Key answers for the file and its fields: the same file for another account is refused', async () => {
    const accounts = await collector.get<{ items: Array<{ id: string; identifier: string }> }>(
      '/api/v1/bank-accounts',
    );
    const ours = accounts.body.items.find((a) => a.identifier === IBAN)!;
    const xml = writeCamt053([
      statement('STMT-IDEM', '2026-10-24', [
        { amountMinor: 1500n, bookingDate: '2026-10-24', bankReference: 'IDEM-1' },
      ]),
    ]);
    const key = { 'idempotency-key': 'statement-idem-1' };
    const first = await collector.request<Imported>(
      'POST',
      '/api/v1/bank-statements',
      upload(xml, 'idem.xml', { bankAccountId: ours.id }),
      key,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const replay = await collector.request<Imported>(
      'POST',
      '/api/v1/bank-statements',
      upload(xml, 'idem.xml', { bankAccountId: ours.id }),
      key,
    );
    expect([replay.status, replay.body.id]).toEqual([201, first.body.id]);
    const other = await collector.request<{ code: string }>(
      'POST',
      '/api/v1/bank-statements',
      upload(xml, 'idem.xml', { bankAccountId: newId() }),
      key,
    );
    expect([other.status, other.body.code]).toEqual([409, 'idempotency_key_reused']);
  });

  it('a zero-amount entry is set aside, not left as a receipt; ignoring a line needs a reason', async () => {
    const mt = [
      ':20:STMT-ZERO',
      `:25:${IBAN}`,
      ':28C:1/1',
      ':60F:C261025EUR0,00',
      ':61:2610251025C0,00NTRFNONREF//ZERO-1',
      ':86:RATE CHANGE NOTICE',
      ':61:2610251025C5,00NTRFNONREF//ZERO-2',
      ':86:SMALL PAYMENT',
      ':62F:C261025EUR5,00',
      '-',
    ].join('\r\n');
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(mt, 'zero.sta'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const lines = (
      await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${res.body.id}/lines`)
    ).body.items;
    expect(lines.map((l) => [l.amount, l.status])).toEqual([
      ['0.00', 'ignored'],
      ['5.00', 'unmatched'],
    ]);
    expect(lines[0]!.statusNote).toBe('No money moved: the amount is zero');
    const blank = await collector.post<{ errors: Array<{ path: string; message: string }> }>(
      `/api/v1/bank-statement-lines/${lines[1]!.id}/ignore`,
      { reason: '  ' },
    );
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([expect.objectContaining({ message: 'is required' })]);
  });

  it('reads an MT940 account written with its currency after it (ING, Rabobank) as the account', async () => {
    expect(accountIdentifierOf('NL77INGB0574908765EUR')).toBe('NL77INGB0574908765');
    expect(accountIdentifierOf('NL34RABO0142623393 EUR')).toBe('NL34RABO0142623393');
    expect(accountIdentifierOf('50010517/5407324931EUR')).toBe(IBAN);
    // an IBAN whose own last letters read as a currency stays whole
    expect(accountIdentifierOf('MT83MALT01100000000000123456EUR')).toBe(
      'MT83MALT01100000000000123456EUR',
    );
    expect(accountIdentifierOf('ACCOUNT-USD')).toBe('ACCOUNTUSD');
    const bank = await manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: 'ING EUR',
      identifier: 'NL77INGB0574908765',
      currency: 'EUR',
    });
    expect(bank.status, JSON.stringify(bank.body)).toBe(201);
    const ing = [
      '{1:F01INGBNL2ABXXX0000000000}',
      '{2:I940INGBNL2AXXXN}',
      '{4:',
      ':20:P261016000000001',
      ':25:NL77INGB0574908765EUR',
      ':28C:00000',
      ':60F:C261015EUR662,23',
      ':61:2610161016C1,56NTRFEREF//00000000001005',
      ':86:/EREF/EV12341REP1231456T1234//CNTP/NL32INGB0000012345/INGBNL2A/ING BANK///REMI/USTD//EV10001/',
      ':62F:C261016EUR663,79',
      '-}',
    ].join('\r\n');
    // a collector imports into the organization's known accounts: this one is known
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(ing, 'ing.940'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.bankAccountId).toBe(bank.body.id);
  });

  it('shows a receipt the bank booked a day later as matched on another day, on both days', async () => {
    const p = await collector.post<{ id: string; number: string }>('/api/v1/payments', {
      customerId,
      method: 'wire',
      amount: '30.00',
      currency: 'EUR',
      receivedDate: '2026-10-20',
      reference: 'LATE-30',
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const xml = writeCamt053([
      statement('STMT-LATER', '2026-10-21', [
        {
          amountMinor: 3000n,
          bookingDate: '2026-10-21',
          remittance: 'LATE-30',
          bankReference: 'L-1',
        },
      ]),
    ]);
    const res = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'late.xml'));
    expect(res.body.match.reconciled).toBe(1);
    const rec = await reconcile('2026-10-20', '2026-10-21');
    const [recorded, booked] = rec.days;
    expect(recorded).toMatchObject({ date: '2026-10-20', receipts: '30.00', difference: '-30.00' });
    expect(recorded!.matchedOnOtherDays).toEqual([
      expect.objectContaining({ side: 'recorded', number: p.body.number, otherDate: '2026-10-21' }),
    ]);
    expect(booked).toMatchObject({ date: '2026-10-21', bankCredits: '30.00', difference: '30.00' });
    expect(booked!.matchedOnOtherDays).toEqual([
      expect.objectContaining({ side: 'bank', number: p.body.number, otherDate: '2026-10-20' }),
    ]);
    expect([...recorded!.unmatchedReceipts, ...booked!.unmatchedBankLines]).toEqual([]);
    expect(rec.totals.difference).toBe('0.00');
  });

  it('still recognises a statement stored under the fingerprint of before 2026-11-23', async () => {
    const xml = writeCamt053([
      statement(
        'STMT-OLD',
        '2026-10-22',
        [
          {
            amountMinor: 4100n,
            bookingDate: '2026-10-22',
            counterpartyName: 'Jürgen',
            bankReference: 'O-1',
          },
        ],
        0n,
      ),
    ]);
    const first = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'old.xml'));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const parsed = parseBankFile(Buffer.from(xml)).statements[0]!;
    const legacy = legacyStatementFingerprint(IBAN, parsed);
    expect(legacy).not.toBe(statementFingerprint(IBAN, parsed));
    await server.runtime.database.db
      .updateTable('bank_statements')
      .set({ fingerprint: legacy })
      .where('id', '=', first.body.id)
      .execute();
    const again = await collector.post<Imported>('/api/v1/bank-statements', upload(xml, 'old.xml'));
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
  });

  it('two statements carrying the same entry, uploaded at the same moment, keep it open once', async () => {
    const entry = {
      amountMinor: 7300n,
      bookingDate: '2026-10-23',
      remittance: 'shared entry',
      bankReference: 'SH-1',
    };
    const intraday = writeCamt053([statement('STMT-SH-ID', '2026-10-23', [entry], 0n)]);
    const endOfDay = writeCamt053([
      statement(
        'STMT-SH-EOD',
        '2026-10-23',
        [entry, { ...entry, amountMinor: 100n, bankReference: 'SH-2', remittance: 'later' }],
        0n,
      ),
    ]);
    const [a, b] = await Promise.all([
      collector.post<Imported>('/api/v1/bank-statements', upload(intraday, 'sh1.xml')),
      collector.post<Imported>('/api/v1/bank-statements', upload(endOfDay, 'sh2.xml')),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const statuses = await server.runtime.database.db
      .selectFrom('bank_statement_lines')
      .select('status')
      .where('org_id', '=', actor.orgId)
      .where('bank_reference', '=', 'SH-1')
      .execute();
    expect(statuses.map((r) => r.status === 'duplicate').sort()).toEqual([false, true]);
    expect((await reconcile('2026-10-23')).totals.bankCredits).toBe('74.00');
  });
});
