import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { addUser, createOrganization } from '../../src/modules/organizations/index.ts';
import { systemActor } from '../../src/shared/actor.ts';
import { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg, type TestOrg } from '../support/orgs.ts';
import { FixedClock, startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { pdfPages, pdfText } from './pdf.ts';

type Doc = { id: string; number: string; total: string; applications: Array<{ id: string }> };
type Problem = { code: string; detail: string; errors?: Array<{ path: string }> };
type SendResult = {
  id: string;
  status: string;
  to: string[];
  cc: string[];
  subject: string;
  sentAt: string | null;
  error: string | null;
};
type Statement = {
  customerId: string;
  asOf: string;
  currency: string;
  items: Array<{
    documentId: string;
    kind: string;
    number: string;
    daysOverdue: number;
    total: string;
    open: string;
  }>;
  aging: Record<'current' | 'days1to30' | 'days31to60' | 'days61to90' | 'over90', string>;
  balance: string;
};

const REMIT_TO = 'Alpha Supply GmbH\nPO Box 77, 10115 Berlin\nIBAN DE89 3704 0044 0532 0130 00';
const FOOTER = 'Alpha Supply GmbH · Registered in Berlin · VAT DE123456789';

/** A local SMTP server that keeps what it receives and refuses mail to bounce@… addresses. */
async function startSmtp() {
  const messages: Array<{ to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('bounce@')) {
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    messages,
    url: `smtp://127.0.0.1:${port}?from=billing@alpha.example`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The PDF attached to a raw MIME message. */
function attachmentOf(raw: string): { filename: string; bytes: Buffer } | undefined {
  const part =
    /Content-Type: application\/pdf[^]*?filename="?([^"\r\n]+)"?[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/i.exec(
      raw,
    );
  if (!part) return undefined;
  return { filename: part[1]!, bytes: Buffer.from(part[2]!.replace(/\s+/g, ''), 'base64') };
}

/** An organization with one signed-in user (quicker than one per role when one will do). */
async function orgWithUser(server: TestServer, slug: string, role: Role): Promise<ApiClient> {
  const db = server.runtime.database.db;
  const now = server.runtime.clock.now();
  const orgId = await createOrganization(db, now, {
    name: `Org ${slug}`,
    slug,
    timeZone: 'America/Chicago',
    baseCurrency: 'USD',
  });
  const email = `${role}@${slug}.test`;
  await addUser(db, systemActor(orgId), now, {
    email,
    name: `${role} of ${slug}`,
    role,
    password: TEST_PASSWORD,
  });
  return ApiClient.login(server, email, TEST_PASSWORD);
}

async function getPdf(client: ApiClient, path: string) {
  const res = await fetch(client.baseUrl + path, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return {
    status: res.status,
    headers: res.headers,
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

describe.each(databaseKinds())('invoices, statements and e-mail on %s', (kind) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let a: TestOrg;
  let intruder: ApiClient;
  let manager: ApiClient;
  let customerId: string;
  let invoice: Doc;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      kind,
      demo: false,
      clock: new FixedClock('2026-10-02T10:00:00Z'),
      env: { SMTP_URL: smtp.url },
    });
    a = await createTestOrg(server, 'alpha');
    intruder = await orgWithUser(server, 'beta', 'admin');
    manager = a.clients.manager;
    const settings = await manager.put('/api/v1/organization/invoice-settings', {
      remitTo: REMIT_TO,
      invoiceFooter: FOOTER,
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const customer = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'OUT-1',
      name: 'Gamma',
      legalName: 'Gamma Widgets Ltd',
      currency: 'USD',
      paymentTerms: '2/10NET30',
      contacts: [
        { name: 'Pat Payables', email: 'pat@gamma.example', roles: ['billing'] },
        { name: 'Chris Buyer', email: 'chris@gamma.example', isPrimary: true },
      ],
      addresses: [
        {
          kind: 'billing',
          line1: '500 Market Street',
          city: 'Springfield',
          region: 'IL',
          postalCode: '62701',
          country: 'US',
        },
      ],
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    customerId = customer.body.id;
    const created = await manager.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-01',
      currency: 'USD',
      poNumber: 'PO-4471',
      salesOrderRef: 'SO-9001',
      lines: [
        { description: 'Hydraulic pump HX-200', quantity: '2', unitPrice: '600.00' },
        { description: 'Installation, on site', quantity: '4', unitPrice: '150.00' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    invoice = created.body;
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('prints an invoice with its number, customer, lines, totals, discount and how to pay', async () => {
    const res = await getPdf(manager, `/api/v1/invoices/${invoice.id}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="${invoice.number}.pdf"`);
    const text = await pdfText(res.bytes);
    for (const expected of [
      'INVOICE',
      invoice.number,
      'Gamma Widgets Ltd',
      '500 Market Street',
      'Account OUT-1',
      'PO-4471',
      'SO-9001',
      '2026-10-31',
      'Hydraulic pump HX-200 2 $600.00',
      '$1,200.00',
      'Installation, on site 4 $150.00',
      'Subtotal $1,800.00',
      'Total $1,800.00',
      'Amount paid/credited $0.00',
      'Balance due $1,800.00',
      'Pay $1,764.00 by 2026-10-11 to take the 2% early-payment discount',
      'PO Box 77, 10115 Berlin',
      'IBAN DE89 3704 0044 0532 0130 00',
      `Payment reference: ${invoice.number}`,
      FOOTER,
    ]) {
      expect.soft(text).toContain(expected);
    }
    expect(text).not.toContain('DRAFT');
  });

  it('breaks a 60-line invoice across pages, repeating the header row', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      description: `Spare part no. ${i + 1}`,
      quantity: '1',
      unitPrice: '10.00',
    }));
    const long = await manager.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-01',
      currency: 'USD',
      lines,
    });
    expect(long.status).toBe(201);
    const pages = await pdfPages(
      (await getPdf(manager, `/api/v1/invoices/${long.body.id}/pdf`)).bytes,
    );
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages.slice(0, -1)) expect(page).toContain('Description');
    const all = pages.join('\n');
    for (let i = 1; i <= 60; i++) expect(all).toContain(`Spare part no. ${i} `);
    expect(pages[0]).toContain(`Page 1 of ${pages.length}`);
    expect(pages[1]).toContain(`${long.body.number} (continued)`);
    expect(all).toContain('Balance due $600.00');
  });

  it('marks drafts, prints memos and odd text, and formats 0- and 3-decimal currencies', async () => {
    const draft = await manager.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-01',
      currency: 'USD',
      draft: true,
      lines: [{ description: 'Tentative work', quantity: '1', unitPrice: '5.00' }],
    });
    const draftText = await pdfText(
      (await getPdf(manager, `/api/v1/invoices/${draft.body.id}/pdf`)).bytes,
    );
    expect(draftText).toContain('DRAFT INVOICE');
    expect(draftText).toContain('Tentative work');

    const memo = await manager.post<Doc>('/api/v1/credit-memos', {
      customerId,
      invoiceId: invoice.id,
      amount: '100.00',
      reason: 'Damaged crate',
    });
    expect(memo.status).toBe(201);
    const memoPdf = await getPdf(manager, `/api/v1/credit-memos/${memo.body.id}/pdf`);
    expect(memoPdf.status).toBe(200);
    const memoText = await pdfText(memoPdf.bytes);
    expect(memoText).toContain('CREDIT MEMO');
    expect(memoText).toContain('Damaged crate');
    // the invoice now shows what was credited
    const after = await pdfText(
      (await getPdf(manager, `/api/v1/invoices/${invoice.id}/pdf`)).bytes,
    );
    expect(after).toContain('Amount paid/credited -$100.00');
    expect(after).toContain('Balance due $1,700.00');
    // a route for one kind does not serve another
    expect((await getPdf(manager, `/api/v1/credit-memos/${invoice.id}/pdf`)).status).toBe(404);
    expect((await getPdf(manager, `/api/v1/debit-memos/${invoice.id}/pdf`)).status).toBe(404);

    const odd = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'ODD-1',
      name: 'Zakłady Łódź 🚀 \u202eevil\u202c Ōsaka 株式会社',
      currency: 'JPY',
      paymentTerms: 'NET30',
    });
    expect(odd.status, JSON.stringify(odd.body)).toBe(201);
    const yen = await manager.post<Doc>('/api/v1/invoices', {
      customerId: odd.body.id,
      issueDate: '2026-10-01',
      currency: 'JPY',
      lines: [
        { description: 'Ünïcödé ✓ line\u0007 with tab\tand 😀', quantity: '3', unitPrice: '1500' },
      ],
    });
    expect(yen.status, JSON.stringify(yen.body)).toBe(201);
    const yenPdf = await getPdf(manager, `/api/v1/invoices/${yen.body.id}/pdf`);
    expect(yenPdf.status).toBe(200);
    const yenText = await pdfText(yenPdf.bytes);
    expect(yenText).toContain('¥4,500');
    expect(yenText).toMatch(/Zak(ł|l)ady (Ł|L)ódź|Zakłady|Zaklady/);
    expect(yenText).not.toContain('\u202e');

    const dinar = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'KWD-1',
      name: 'Gulf Trading',
      currency: 'KWD',
      paymentTerms: 'NET30',
    });
    const kwd = await manager.post<Doc>('/api/v1/invoices', {
      customerId: dinar.body.id,
      issueDate: '2026-10-01',
      currency: 'KWD',
      lines: [{ description: 'Valve', quantity: '2', unitPrice: '617.125' }],
    });
    expect(kwd.status, JSON.stringify(kwd.body)).toBe(201);
    const kwdText = await pdfText(
      (await getPdf(manager, `/api/v1/invoices/${kwd.body.id}/pdf`)).bytes,
    );
    expect(kwdText).toContain('1,234.250');
  });

  it('builds the statement as of a date from applications dated up to it', async () => {
    const stmtCustomer = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'STMT-1',
      name: 'Delta Metals',
      currency: 'USD',
      paymentTerms: 'NET30',
    });
    const id = stmtCustomer.body.id;
    const post = (body: object) =>
      manager.post<Doc>('/api/v1/invoices', { customerId: id, currency: 'USD', ...body });
    const old = await post({
      issueDate: '2026-05-01',
      lines: [{ description: 'Old', quantity: '1', unitPrice: '1000.00' }],
    }); // due 05-31: 122 days past due on 09-30
    const mid = await post({
      issueDate: '2026-08-01',
      lines: [{ description: 'Mid', quantity: '1', unitPrice: '400.00' }],
    }); // due 08-31: 30 days past due on 09-30
    const fresh = await post({
      issueDate: '2026-09-20',
      lines: [{ description: 'Fresh', quantity: '1', unitPrice: '250.00' }],
    }); // due 10-20: current
    const voided = await post({
      issueDate: '2026-09-10',
      lines: [{ description: 'Billed twice', quantity: '1', unitPrice: '75.00' }],
    });
    await post({
      issueDate: '2026-09-10',
      draft: true,
      lines: [{ description: 'Draft', quantity: '1', unitPrice: '999.00' }],
    });
    const credit = await manager.post<Doc>('/api/v1/credit-memos', {
      customerId: id,
      amount: '300.00',
      reason: 'Volume rebate',
      issueDate: '2026-09-25',
    });
    expect([old, mid, fresh, voided, credit].map((r) => r.status)).toEqual([
      201, 201, 201, 201, 201,
    ]);
    // after the statement date: the credit is applied to the old invoice and one is voided
    expect(
      (
        await manager.post(`/api/v1/credit-memos/${credit.body.id}/applications`, {
          invoiceId: old.body.id,
          amount: '300.00',
          date: '2026-10-01',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await manager.post(`/api/v1/invoices/${voided.body.id}/void`, {
          reason: 'Billed twice',
          date: '2026-10-01',
        })
      ).status,
    ).toBe(200);

    const before = await manager.get<Statement>(
      `/api/v1/customers/${id}/statement?asOf=2026-09-30`,
    );
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const s = before.body;
    expect(s).toMatchObject({ customerId: id, asOf: '2026-09-30', currency: 'USD' });
    const byNumber = Object.fromEntries(s.items.map((i) => [i.number, i]));
    expect(byNumber[old.body.number]).toMatchObject({
      total: '1000.00',
      open: '1000.00',
      daysOverdue: 122,
    });
    expect(byNumber[mid.body.number]).toMatchObject({ open: '400.00', daysOverdue: 30 });
    expect(byNumber[fresh.body.number]).toMatchObject({ open: '250.00', daysOverdue: 0 });
    expect(byNumber[voided.body.number]).toMatchObject({ open: '75.00' });
    expect(byNumber[credit.body.number]).toMatchObject({
      kind: 'credit_memo',
      total: '-300.00',
      open: '-300.00',
    });
    expect(s.items).toHaveLength(5);
    expect(s.aging).toEqual({
      current: '25.00', // 250 + 75 − 300
      days1to30: '400.00',
      days31to60: '0.00',
      days61to90: '0.00',
      over90: '1000.00',
    });
    expect(s.balance).toBe('1425.00');
    const sum = Object.values(s.aging).reduce((t, v) => t + Math.round(Number(v) * 100), 0);
    expect(sum).toBe(142500);

    const later = (
      await manager.get<Statement>(`/api/v1/customers/${id}/statement?asOf=2026-10-01`)
    ).body;
    expect(later.items.map((i) => i.number).sort()).toEqual(
      [old.body.number, mid.body.number, fresh.body.number].sort(),
    );
    expect(later.items.find((i) => i.number === old.body.number)?.open).toBe('700.00');
    expect(later.balance).toBe('1350.00');
    // before anything was issued
    expect(
      (await manager.get<Statement>(`/api/v1/customers/${id}/statement?asOf=2026-04-30`)).body,
    ).toMatchObject({ items: [], balance: '0.00' });
    // asOf defaults to today in the organization's time zone
    expect((await manager.get<Statement>(`/api/v1/customers/${id}/statement`)).body.asOf).toBe(
      '2026-10-02',
    );
    expect((await manager.get(`/api/v1/customers/${id}/statement?asOf=2026-02-30`)).status).toBe(
      400,
    );

    const pdf = await getPdf(manager, `/api/v1/customers/${id}/statement.pdf?asOf=2026-09-30`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe(
      'inline; filename="Statement-STMT-1-2026-09-30.pdf"',
    );
    const text = await pdfText(pdf.bytes);
    for (const expected of [
      'STATEMENT',
      'As of 2026-09-30',
      'Delta Metals',
      `Invoice ${old.body.number} 2026-05-01 2026-05-31 122 $1,000.00 $1,000.00`,
      `Credit memo ${credit.body.number}`,
      '-$300.00',
      'Balance $1,425.00',
      '$25.00 $400.00 $0.00 $0.00 $1,000.00 $1,425.00',
      'IBAN DE89',
    ]) {
      expect.soft(text).toContain(expected);
    }
  });

  it('e-mails an invoice once, with the PDF attached, even when the request is replayed', async () => {
    const key = { 'idempotency-key': 'send-invoice-1' };
    const body = { message: 'Thanks for the order!' };
    const first = await manager.post<SendResult>(`/api/v1/invoices/${invoice.id}/send`, body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      status: 'sent',
      to: ['pat@gamma.example'],
      cc: [],
      subject: `Invoice ${invoice.number} from Org alpha`,
      error: null,
    });
    expect(first.body.sentAt).toBe('2026-10-02T10:00:00.000Z');
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['pat@gamma.example']);
    expect(mail.raw).toContain('billing@alpha.example');
    const attachment = attachmentOf(mail.raw);
    expect(attachment?.filename).toBe(`${invoice.number}.pdf`);
    expect(attachment!.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(attachment!.bytes)).toContain('Gamma Widgets Ltd');

    const replay = await manager.post<SendResult>(`/api/v1/invoices/${invoice.id}/send`, body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(smtp.messages).toHaveLength(1);

    const detail = await manager.get<{ bodyText: string; attachmentName: string; status: string }>(
      `/api/v1/outbox/${first.body.id}`,
    );
    expect(detail.body).toMatchObject({ status: 'sent', attachmentName: `${invoice.number}.pdf` });
    expect(detail.body.bodyText).toContain('Amount due: $1,700.00');
    expect(detail.body.bodyText).toContain('Thanks for the order!');
    expect(detail.body.bodyText).toContain('IBAN DE89 3704 0044 0532 0130 00');
    const stored = await getPdf(manager, `/api/v1/outbox/${first.body.id}/attachment`);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('application/pdf');

    const audit = await manager.get<{ items: Array<{ action: string }> }>(
      `/api/v1/audit?entityId=${invoice.id}`,
    );
    expect(audit.body.items.map((e) => e.action)).toContain('email');
  });

  it('records a refused delivery as failed, and refuses drafts, voids and missing recipients', async () => {
    const bounced = await manager.post<SendResult>(`/api/v1/invoices/${invoice.id}/send`, {
      to: ['bounce@gamma.example'],
    });
    expect(bounced.status).toBe(201);
    expect(bounced.body.status).toBe('failed');
    expect(bounced.body.error).toMatch(/550|unavailable/i);
    expect(bounced.body.sentAt).toBeNull();
    // a server that takes some recipients and refuses others: sent, and the refusal noted
    const partly = await manager.post<SendResult>(`/api/v1/invoices/${invoice.id}/send`, {
      to: ['bounce@gamma.example'],
      cc: ['pat@gamma.example'],
    });
    expect(partly.body).toMatchObject({ status: 'sent', cc: ['pat@gamma.example'] });
    expect(partly.body.error).toContain('bounce@gamma.example');

    const draft = await manager.post<Doc>('/api/v1/invoices', {
      customerId,
      issueDate: '2026-10-01',
      currency: 'USD',
      draft: true,
      lines: [{ description: 'x', quantity: '1', unitPrice: '1.00' }],
    });
    const refused = await manager.post<Problem>(`/api/v1/invoices/${draft.body.id}/send`, {});
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.code).toBe('cannot_send');

    const lonely = await manager.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'NOMAIL-1',
      name: 'No Mail Inc',
      currency: 'USD',
      paymentTerms: 'NET30',
      contacts: [{ name: 'Phone Only', phone: '+1 555 0100' }],
    });
    const inv = await manager.post<Doc>('/api/v1/invoices', {
      customerId: lonely.body.id,
      issueDate: '2026-10-01',
      currency: 'USD',
      lines: [{ description: 'x', quantity: '1', unitPrice: '1.00' }],
    });
    const none = await manager.post<Problem>(`/api/v1/invoices/${inv.body.id}/send`);
    expect(none.status, JSON.stringify(none.body)).toBe(422);
    expect(none.body.errors?.[0]?.path).toBe('body.to');
    await manager.post(`/api/v1/invoices/${inv.body.id}/void`, { reason: 'x' });
    const voided = await manager.post<Problem>(`/api/v1/invoices/${inv.body.id}/send`, {
      to: ['ap@nomail.example'],
    });
    expect(voided.status).toBe(422);
    expect(
      (await manager.post(`/api/v1/invoices/${invoice.id}/send`, { to: ['not an email'] })).status,
    ).toBe(400);
    expect((await a.clients.viewer.post(`/api/v1/invoices/${invoice.id}/send`, {})).status).toBe(
      403,
    );
    const sent = smtp.messages.length;
    const list = await manager.get<{ items: SendResult[] }>('/api/v1/outbox?status=failed');
    expect(list.body.items.map((m) => m.id)).toContain(bounced.body.id);
    expect(smtp.messages.length).toBe(sent);
  });

  it("keeps every new :id route inside the caller's organization", async () => {
    const message = (await manager.get<{ items: Array<{ id: string }> }>('/api/v1/outbox?limit=1'))
      .body.items[0]!.id;
    for (const [method, path] of [
      ['GET', `/api/v1/invoices/${invoice.id}/pdf`],
      ['GET', `/api/v1/credit-memos/${invoice.id}/pdf`],
      ['GET', `/api/v1/debit-memos/${invoice.id}/pdf`],
      ['GET', `/api/v1/customers/${customerId}/statement`],
      ['GET', `/api/v1/customers/${customerId}/statement.pdf`],
      ['POST', `/api/v1/invoices/${invoice.id}/send`],
      ['GET', `/api/v1/outbox/${message}`],
      ['GET', `/api/v1/outbox/${message}/attachment`],
    ] as const) {
      const res = await intruder.request(method, path, method === 'POST' ? {} : undefined);
      expect.soft(res.status, `${method} ${path}`).toBe(404);
    }
    const theirs = await intruder.get<{ items: unknown[] }>('/api/v1/outbox');
    expect(theirs.body.items).toEqual([]);
    const settings = await intruder.get<{ remitTo: string | null }>(
      '/api/v1/organization/invoice-settings',
    );
    expect(settings.body.remitTo).toBeNull();
  });

  it('keeps invoice settings for managers, within limits, audited', async () => {
    expect(
      (await a.clients.collector.put('/api/v1/organization/invoice-settings', { remitTo: 'x' }))
        .status,
    ).toBe(403);
    const tooLong = await manager.put<Problem>('/api/v1/organization/invoice-settings', {
      remitTo: 'x'.repeat(1001),
    });
    expect(tooLong.status).toBe(400);
    const cleared = await manager.put<{ remitTo: string | null; invoiceFooter: string | null }>(
      '/api/v1/organization/invoice-settings',
      { invoiceFooter: '  \n ' },
    );
    expect(cleared.body).toEqual({ remitTo: REMIT_TO, invoiceFooter: null });
    const viewer = await a.clients.viewer.get('/api/v1/organization/invoice-settings');
    expect(viewer.body).toEqual({ remitTo: REMIT_TO, invoiceFooter: null });
    const audit = await manager.get<{ items: Array<{ action: string }> }>(
      `/api/v1/audit?entityType=organization&entityId=${a.orgId}`,
    );
    expect(audit.body.items.map((e) => e.action)).toContain('update_invoice_settings');
    // without remit-to the organization's name is where to pay
    await manager.put('/api/v1/organization/invoice-settings', { remitTo: null });
    const text = await pdfText((await getPdf(manager, `/api/v1/invoices/${invoice.id}/pdf`)).bytes);
    expect(text).toContain('Please pay to: Org alpha');
    await manager.put('/api/v1/organization/invoice-settings', {
      remitTo: REMIT_TO,
      invoiceFooter: FOOTER,
    });
  });
});

describe.each(databaseKinds())('the outbox without SMTP on %s', (kind) => {
  let server: TestServer;
  let client: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    client = await orgWithUser(server, 'solo', 'collector');
  });
  afterAll(() => server?.close());

  it('keeps the message in the outbox and lists it newest first', async () => {
    const customer = await client.post<{ id: string }>('/api/v1/customers', {
      accountNumber: 'OB-1',
      name: 'Outbox Co',
      currency: 'EUR',
      paymentTerms: 'NET30',
      contacts: [{ name: 'Primary', email: 'primary@outbox.example', isPrimary: true }],
    });
    const inv = await client.post<Doc>('/api/v1/invoices', {
      customerId: customer.body.id,
      issueDate: '2026-10-01',
      currency: 'EUR',
      lines: [{ description: 'Service', quantity: '1', unitPrice: '99.00' }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sent = await client.post<SendResult>(`/api/v1/invoices/${inv.body.id}/send`, {});
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ status: 'outbox', to: ['primary@outbox.example'] });
      ids.push(sent.body.id);
    }
    const page1 = await client.get<{
      items: Array<{
        id: string;
        status: string;
        documentNumber: string;
        customerName: string;
        createdBy: string;
      }>;
      nextCursor: string | null;
    }>('/api/v1/outbox?status=outbox&limit=2');
    expect(page1.body.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.items[0]).toMatchObject({
      status: 'outbox',
      documentNumber: inv.body.number,
      customerName: 'Outbox Co',
      createdBy: 'collector of solo',
    });
    const page2 = await client.get<{ items: Array<{ id: string }>; nextCursor: string | null }>(
      `/api/v1/outbox?status=outbox&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body).toEqual({
      items: [expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });
    expect(
      (await client.get<{ items: unknown[] }>('/api/v1/outbox?status=sent')).body.items,
    ).toEqual([]);
  });
});
