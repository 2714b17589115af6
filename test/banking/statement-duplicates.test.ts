/**
 * Which lines of a new statement the bank account already has: counted (two equal receipts
 * are two), a payer's own reference kept to that payer, and a batch recognised whether it is
 * booked as one entry or itemized.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import { upload } from './support/upload.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Imported = {
  id: string;
  created: boolean;
  bankAccountId: string;
  accountIdentifier: string;
  lineCount: number;
  statements: Array<{ id: string; created: boolean }>;
};
type Line = {
  id: string;
  lineNo: number;
  amount: string;
  status: string;
  statusNote: string | null;
};

/**
 * One day's batch of three payments (300.00 under bank reference BATCH-77) as a camt.054 that
 * itemizes it and as a camt.053 that books it as one entry.
 */
function batchFiles(iban: string): { camt054: string; camt053: string } {
  const head = (kind: string, root: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${kind}">\n<${root}>\n` +
    '<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-16T18:00:00</CreDtTm></GrpHdr>\n';
  const account = `<Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>CHF</Ccy></Acct>\n`;
  const tx = (e2e: string, name: string, amount: string, text: string) =>
    `<TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="CHF">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>` +
    `<RltdPties><Dbtr><Nm>${name}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${text}</Ustrd></RmtInf></TxDtls>`;
  const camt054 =
    head('camt.054.001.04', 'BkToCstmrDbtCdtNtfctn') +
    '<Ntfctn><Id>N1</Id>' +
    account +
    '<Ntry><Amt Ccy="CHF">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>' +
    '<BookgDt><Dt>2026-11-16</Dt></BookgDt><ValDt><Dt>2026-11-16</Dt></ValDt>' +
    '<AcctSvcrRef>BATCH-77</AcctSvcrRef><NtryDtls><Btch><NbOfTxs>3</NbOfTxs></Btch>' +
    tx('E-1', 'Alpha AG', '100.00', 'Rechnung 1') +
    tx('E-2', 'Beta GmbH', '120.00', 'Rechnung 2') +
    tx('E-3', 'Gamma SA', '80.00', 'Rechnung 3') +
    '</NtryDtls></Ntry></Ntfctn>\n</BkToCstmrDbtCdtNtfctn>\n</Document>\n';
  const camt053 =
    head('camt.053.001.04', 'BkToCstmrStmt') +
    '<Stmt><Id>S1</Id>' +
    account +
    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-16</Dt></Dt></Bal>' +
    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">1300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-16</Dt></Dt></Bal>' +
    '<Ntry><Amt Ccy="CHF">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>' +
    '<BookgDt><Dt>2026-11-16</Dt></BookgDt><ValDt><Dt>2026-11-16</Dt></ValDt>' +
    '<AcctSvcrRef>BATCH-77</AcctSvcrRef><NtryDtls><Btch><NbOfTxs>3</NbOfTxs></Btch></NtryDtls>' +
    '<AddtlNtryInf>Sammelgutschrift QR-Rechnung</AddtlNtryInf></Ntry></Stmt>\n</BkToCstmrStmt>\n</Document>\n';
  return { camt054, camt053 };
}

describe.each(databaseKinds())('duplicate bank entries on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'dupes');
    manager = org.clients.manager;
    collector = org.clients.collector;
  });
  afterAll(() => server?.close());

  const bankAccount = async (identifier: string, currency = 'EUR') => {
    const res = await manager.post<{ id: string }>('/api/v1/bank-accounts', {
      name: `Account ${identifier}`,
      identifier,
      currency,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const mapping = async (kind_: 'csv' | 'lockbox', bankAccountId: string, body: object) => {
    const res = await manager.post<{ id: string }>('/api/v1/bank-file-mappings', {
      name: `${kind_} ${bankAccountId}`,
      kind: kind_,
      bankAccountId,
      mapping: body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const linesOf = async (statementId: string) =>
    (await collector.get<{ items: Line[] }>(`/api/v1/bank-statements/${statementId}/lines`)).body
      .items;

  it('a second identical receipt of the day in a later CSV export is not taken for the first one again', async () => {
    const accountId = await bankAccount('DE02120300000000202051');
    const mappingId = await mapping('csv', accountId, {
      hasHeader: true,
      dateFormat: 'DD.MM.YYYY',
      decimalSeparator: ',',
      columns: {
        bookingDate: 'Buchungstag',
        amount: 'Betrag',
        counterpartyName: 'Name',
        remittanceInfo: 'Verwendungszweck',
      },
    });
    // morning export: one rent payment of Acme
    const morning = [
      'Buchungstag;Name;Verwendungszweck;Betrag',
      '16.11.2026;Acme GmbH;Miete Stellplatz;100,00',
      '',
    ].join('\r\n');
    // the whole day: Acme paid the same rent a second time in the afternoon, and someone else paid
    const day = [
      'Buchungstag;Name;Verwendungszweck;Betrag',
      '16.11.2026;Acme GmbH;Miete Stellplatz;100,00',
      '16.11.2026;Acme GmbH;Miete Stellplatz;100,00',
      '16.11.2026;Beta AG;Rechnung 7;55,00',
      '',
    ].join('\r\n');
    const first = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(morning, 'morning.csv', { mappingId }),
    );
    expect(first.status).toBe(201);
    const second = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(day, 'day.csv', { mappingId }),
    );
    expect(second.status).toBe(201);
    const statuses = (await linesOf(second.body.id)).map((l) => l.status);
    // exactly one of the two Acme receipts was seen before; the other is new money
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(1);
  });

  it('two payers whose checks carry the same number and amount on one deposit day are two receipts', async () => {
    const accountId = await bankAccount('LOCKBOX-REVIEW', 'USD');
    const mappingId = await mapping('lockbox', accountId, {});
    const batch1 = [
      'check_number,amount,payer,payer_account,deposit_date,invoices',
      '1001,500.00,Acme Corp,021000021/111111111,2026-11-16,INV-5001',
      '',
    ].join('\n');
    const batch2 = [
      'check_number,amount,payer,payer_account,deposit_date,invoices',
      '1001,500.00,Beta LLC,026009593/222222222,2026-11-16,INV-7002',
      '',
    ].join('\n');
    const first = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(batch1, 'lockbox-1.csv', { mappingId }),
    );
    expect(first.status).toBe(201);
    const second = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(batch2, 'lockbox-2.csv', { mappingId }),
    );
    expect(second.status).toBe(201);
    const [line] = await linesOf(second.body.id);
    // Beta's check is not Acme's check: it must not be set aside as a duplicate
    expect(line!.status).not.toBe('duplicate');
  });
  it('a batch booked as one camt.053 entry whose payments came itemized in a camt.054 is not open money twice', async () => {
    const iban = 'CH9300762011623852957';
    await bankAccount(iban, 'CHF');
    const { camt054, camt053 } = batchFiles(iban);
    const details = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(camt054, 'camt054.xml'),
    );
    expect(details.status, JSON.stringify(details.body)).toBe(201);
    expect((await linesOf(details.body.id)).map((l) => l.status)).toEqual([
      'unmatched',
      'unmatched',
      'unmatched',
    ]);
    const booked = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(camt053, 'camt053.xml'),
    );
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // the 300.00 is the same money as the three payments above: it must not wait as a receipt
    const [batch] = await linesOf(booked.body.id);
    expect(batch!.status).toBe('duplicate');
  });
  it('payments of a batch itemized in a camt.054 after the camt.053 booked it as one entry are not open money twice', async () => {
    const iban = 'CH5604835012345678009';
    await bankAccount(iban, 'CHF');
    const { camt054, camt053 } = batchFiles(iban);
    const booked = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(camt053, 'camt053.xml'),
    );
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const [batch] = await linesOf(booked.body.id);
    expect(batch!.status).toBe('unmatched');
    const details = await collector.post<Imported>(
      '/api/v1/bank-statements',
      upload(camt054, 'camt054.xml'),
    );
    expect(details.status, JSON.stringify(details.body)).toBe(201);
    // the three payments are the 300.00 already waiting: they are set aside, with why
    const items = await linesOf(details.body.id);
    expect(items.map((l) => l.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(items[0]!.statusNote).toMatch(/BATCH-77/);
  });
});
