/**
 * The invoice and ledger pages in a real headless Chromium against a real test server: an AR
 * manager creates and posts an invoice through the form, credits it from its page, voids another,
 * and checks the trial balance, the GL reconciliation and the customer's account.
 * The app is built with Vite into a temporary directory, as in app.browser.test.ts.
 * Needs /usr/bin/chromium (Debian package `chromium`); CHROMIUM_PATH overrides the binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { startTestServer, TEST_PASSWORD } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results');
const MANAGER = 'manager@demo.dunwell.test';

const canRun = fs.existsSync(CHROMIUM);
if (!canRun && process.env.CI === 'true') {
  throw new Error(`Browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Doc {
  id: string;
  number: string | null;
  status: string;
  issueDate: string;
  total: string;
  openBalance: string;
  journalEntries: { lines: { accountCode: string; debit: string; credit: string }[] }[];
}
interface Account {
  openingBalance: string;
  closingBalance: string;
  activity: { balance: string }[];
}

describe.skipIf(!canRun)('invoice and ledger pages in a browser', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let token: string;
  let webDir: string;
  let customerId: string;
  let invoice: Doc;
  /** PDFs, e-mail and the outbox come from another module; without it the UI says so. */
  let outputAvailable = false;

  async function api<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const res = await fetch(server.url + urlPath, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${urlPath} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SHOTS, `ledger-${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-web-'));
    // The server looks for the built app when it starts: build first.
    await build({
      configFile: path.resolve('web/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: webDir, emptyOutDir: true, sourcemap: false },
    });
    server = await startTestServer({ webDir, demoCustomers: 5 });
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: MANAGER, password: TEST_PASSWORD }),
    });
    token = ((await res.json()) as { token: string }).token;
    customerId = (
      await api<{ id: string }>('POST', '/api/v1/customers', {
        accountNumber: 'LEDG-UI-1',
        name: 'Ledger Browser Co',
        currency: 'USD',
        paymentTerms: '2/10NET30',
      })
    ).id;

    const probe = await fetch(`${server.url}/api/v1/outbox`, {
      headers: { authorization: `Bearer ${token}` },
    });
    outputAvailable = probe.ok;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(MANAGER);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/customers');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
  });

  test('a new invoice: live totals, a field error from the API, then posted', async () => {
    await page
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Invoices' })
      .click();
    await page.waitForURL('**/invoices');
    await page.getByRole('link', { name: 'New invoice' }).click();
    await page.waitForURL('**/invoices/new');

    await page.getByRole('combobox', { name: 'Customer' }).fill('LEDG-UI-1');
    await page.getByRole('option', { name: /Ledger Browser Co/ }).click();
    // Currency and terms follow the customer.
    await expect.poll(() => page.getByLabel('Currency').inputValue()).toBe('USD');
    await expect.poll(() => page.getByLabel('Payment terms').inputValue()).toBe('2/10NET30');
    await page.getByLabel('PO number').fill('PO-7781');

    await page.getByLabel('Line 1 description').fill('Widgets');
    await page.getByLabel('Line 1 quantity').fill('3');
    await page.getByLabel('Line 1 unit price').fill('19.995');
    await page.getByLabel('Line 1 tax rate').fill('8.25');
    await page.getByRole('button', { name: '+ Add line' }).click();
    await page.getByLabel('Line 2 quantity').fill('2');
    await page.getByLabel('Line 2 unit price').fill('1,250.50');
    await page.getByLabel('Line 2 tax rate').fill('5');
    // 3 × 19.995 = 59.985 → 59.99, tax 4.949… → 4.95; 2 × 1250.50 = 2501.00, tax 125.05
    await expect.poll(() => page.getByTestId('form-subtotal').textContent()).toBe('2,560.99');
    expect(await page.getByTestId('form-tax').textContent()).toBe('130.00');
    expect(await page.getByTestId('form-total').textContent()).toBe('2,690.99 USD');

    // Line 2 has no description: the server's error is shown beside that field.
    await page.getByRole('button', { name: 'Post invoice' }).click();
    const description = page.getByLabel('Line 2 description');
    await page
      .locator('td.field-invalid')
      .filter({ has: description })
      .locator('.field-error')
      .waitFor();
    await shot('01-invoice-form-error');

    await description.fill('Installation');
    await page.getByRole('button', { name: 'Post invoice' }).click();
    await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
    const id = /\/documents\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    invoice = await api<Doc>('GET', `/api/v1/invoices/${id}`);
    expect(invoice).toMatchObject({ total: '2690.99', openBalance: '2690.99', status: 'open' });
    await expect.poll(() => page.getByTestId('doc-number').textContent()).toBe(invoice.number);
    expect(invoice.number).toMatch(/^INV-\d+$/);
    expect(await page.getByTestId('doc-open').textContent()).toBe('2,690.99 USD');
    expect(await page.getByTestId('doc-status').textContent()).toBe('Open');
    expect(await page.getByTestId('doc-line').count()).toBe(2);
    // The posting: AR debit equal to the total, revenue and tax credits.
    const entry = page.getByTestId('journal-entry').first();
    const lines = await entry.getByTestId('journal-line').allTextContents();
    const ar = invoice.journalEntries[0]!.lines.find((l) => l.debit !== '0.00')!;
    expect(lines.some((t) => t.includes(ar.accountCode) && t.includes('2,690.99'))).toBe(true);
    expect(lines).toHaveLength(invoice.journalEntries[0]!.lines.length);
    await shot('02-invoice-posted');
  });

  test('a credit memo from the invoice page leaves it partially paid', async () => {
    await page.getByRole('link', { name: 'New credit memo' }).click();
    await page.waitForURL(/\/memos\/new/);
    await expect.poll(() => page.getByLabel('Invoice').inputValue()).toBe(invoice.id);
    await page.getByLabel(/^Amount/).fill('190.99');
    await page.getByLabel('Reason').fill('Damaged widgets');
    await shot('03-credit-memo-form');
    await page.getByRole('button', { name: 'Post credit memo' }).click();
    await page.waitForURL((u) => u.pathname === `/documents/${invoice.id}`);
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Partially paid');
    expect(await page.getByTestId('doc-open').textContent()).toBe('2,500.00 USD');
    await page.getByTestId('application-row').filter({ hasText: '190.99' }).waitFor();
    await page.getByTestId('related-row').filter({ hasText: 'Credit memo' }).waitFor();
    await page.getByTestId('history-row').first().waitFor();
    await shot('04-invoice-partially-paid');
    const saved = await api<Doc>('GET', `/api/v1/invoices/${invoice.id}`);
    expect(saved).toMatchObject({ status: 'partially_paid', openBalance: '2500.00' });
  });

  test('voiding an invoice asks for a reason and reverses its posting', async () => {
    const other = await api<Doc>('POST', '/api/v1/invoices', {
      customerId,
      issueDate: invoice.issueDate,
      currency: 'USD',
      lines: [{ description: 'Consulting', quantity: '1', unitPrice: '300' }],
    });
    await page.goto(`${server.url}/documents/${other.id}`);
    await page.getByRole('button', { name: 'Void' }).click();
    const dialog = page.getByRole('dialog', { name: /Void/ });
    await dialog.getByLabel('Reason').fill('Billed twice');
    await shot('05-void-dialog');
    await dialog.getByRole('button', { name: 'Void document' }).click();
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Voided');
    await page.getByText('Voided on').waitFor();
    await expect.poll(() => page.getByTestId('journal-entry').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Void' }).count()).toBe(0);
    await shot('06-voided');
  });

  test('the trial balance shows equal debits and credits', async () => {
    await page.getByRole('link', { name: 'Trial balance' }).click();
    await page.waitForURL('**/ledger/trial-balance');
    const total = page.getByTestId('tb-total').filter({ hasText: 'USD' });
    await total.waitFor();
    const debit = await total.getByTestId('tb-debit').textContent();
    expect(debit).toBe(await total.getByTestId('tb-credit').textContent());
    expect(await total.textContent()).toContain('Balanced');
    expect(await page.getByTestId('tb-row').count()).toBeGreaterThanOrEqual(3);
    await shot('07-trial-balance');
  });

  test('the GL reconciliation ties out', async () => {
    await page.getByRole('link', { name: 'GL reconciliation' }).click();
    await page.waitForURL('**/ledger/reconciliation');
    await expect.poll(() => page.getByTestId('rec-difference').textContent()).toBe('0.00');
    expect(await page.getByTestId('tie-state').textContent()).toContain('Ties out');
    await shot('08-gl-reconciliation');
  });

  test("the customer's account shows the running balance", async () => {
    await page.goto(`${server.url}/customers/${customerId}?tab=account`);
    const rows = page.getByTestId('activity-row');
    await rows.first().waitFor();
    const account = await api<Account>('GET', `/api/v1/customers/${customerId}/account`);
    expect(account.activity).toHaveLength(4);
    const balances = await page.getByTestId('running-balance').allTextContents();
    expect(balances).toEqual(['2,690.99', '2,500.00', '2,800.00', '2,500.00']);
    expect(await page.getByTestId('closing-balance').textContent()).toBe('2,500.00 USD');
    await page.getByTestId('open-document-row').filter({ hasText: invoice.number! }).waitFor();
    await shot('09-customer-account');
    if (outputAvailable) {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Statement (PDF)' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/\.pdf$/);
      expect(
        fs
          .readFileSync((await file.path())!)
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    }
  });

  test('the invoice list filters by status and links to the document', async () => {
    // Narrowed to our customer (the demo company has invoices of its own).
    await page.goto(`${server.url}/invoices?customer=${customerId}`);
    await page.getByText('Ledger Browser Co', { exact: false }).first().waitFor();
    await expect.poll(() => page.getByTestId('document-row').count()).toBe(2);
    await page
      .getByRole('group', { name: 'Status' })
      .getByRole('button', { name: 'Voided' })
      .click();
    await page.waitForURL((u) => u.searchParams.has('status'));
    await expect.poll(() => page.getByTestId('document-row').count()).toBe(1);
    await page
      .getByRole('group', { name: 'Status' })
      .getByRole('button', { name: 'Voided' })
      .click();
    await expect.poll(() => page.getByTestId('document-row').count()).toBe(2);
    await shot('10-invoice-list');
    await page.getByTestId('document-row').filter({ hasText: invoice.number! }).click();
    await page.waitForURL((u) => u.pathname === `/documents/${invoice.id}`);
  });

  let draft: Doc;

  test('a draft is saved, edited and then posted from its page', async () => {
    await page.goto(`${server.url}/invoices/new?customer=${customerId}`);
    await expect.poll(() => page.getByLabel('Currency').inputValue()).toBe('USD');
    await page.getByLabel('Line 1 description').fill('Support hours');
    await page.getByLabel('Line 1 quantity').fill('4');
    await page.getByLabel('Line 1 unit price').fill('80');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Draft');
    expect(await page.getByTestId('doc-number').textContent()).toBe('(draft)');

    // The edit form loads the draft; leaving it with a change asks first.
    await page.getByRole('link', { name: 'Edit draft' }).click();
    await page.waitForURL(/\/edit$/);
    await expect.poll(() => page.getByLabel('Line 1 quantity').inputValue()).toBe('4');
    expect(await page.getByLabel('Due date').inputValue()).toBe('');
    await page.getByLabel('Line 1 quantity').fill('5');
    await expect.poll(() => page.getByTestId('form-total').textContent()).toBe('400.00 USD');
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.accept();
      });
    });
    await page.getByRole('link', { name: 'Cancel' }).click();
    expect(await asked).toContain('unsaved changes');
    await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('doc-total').textContent()).toBe('320.00 USD');

    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: 'Posted as INV-' }).waitFor();
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Open');
    const id = /\/documents\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    draft = await api<Doc>('GET', `/api/v1/invoices/${id}`);
    expect(draft).toMatchObject({ status: 'open', total: '320.00' });
    expect(await page.getByTestId('doc-number').textContent()).toBe(draft.number);
  });

  test('an edited draft is saved, and a draft is deleted', async () => {
    const other = await api<Doc>('POST', '/api/v1/invoices', {
      customerId,
      issueDate: '2026-11-20',
      currency: 'USD',
      draft: true,
      lines: [{ description: 'Site survey', quantity: '1', unitPrice: '150.00' }],
    });
    await page.goto(`${server.url}/invoices/${other.id}/edit`);
    await expect.poll(() => page.getByLabel('Line 1 quantity').inputValue()).toBe('1');
    await page.getByLabel('Line 1 quantity').fill('3');
    await expect.poll(() => page.getByTestId('form-total').textContent()).toBe('450.00 USD');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('doc-total').textContent()).toBe('450.00 USD');
    expect(await api<Doc>('GET', `/api/v1/invoices/${other.id}`)).toMatchObject({
      status: 'draft',
      total: '450.00',
    });
    await page.getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete draft' }).click();
    await page.waitForURL(/\/invoices$/);
    const gone = await fetch(`${server.url}/api/v1/invoices/${other.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(404);
  });

  test('an unapplied credit memo is applied to an open invoice from its page', async () => {
    const credit = await api<Doc>('POST', '/api/v1/credit-memos', {
      customerId,
      amount: '50.00',
      reason: 'Goodwill',
    });
    await page.goto(`${server.url}/documents/${credit.id}`);
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Unapplied');
    await page.getByRole('button', { name: 'Apply to invoice' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply credit to an invoice' });
    await dialog.getByLabel('Invoice').selectOption(draft.id);
    // The amount defaults to the smaller of what is open and what is unapplied.
    await expect.poll(() => dialog.getByLabel(/^Amount/).inputValue()).toBe('50.00');
    await shot('11-apply-dialog');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Applied');
    expect(await page.getByTestId('doc-open').textContent()).toBe('0.00 USD');
    const invoiceAfter = await api<Doc>('GET', `/api/v1/invoices/${draft.id}`);
    expect(invoiceAfter).toMatchObject({ status: 'partially_paid', openBalance: '270.00' });
  });

  test('a manager adjusts, writes off and refunds through dialogs', async () => {
    // Adjustment lowering the draft-born invoice (270.00 open) by 20.00.
    await page.goto(`${server.url}/documents/${draft.id}`);
    await page.getByRole('button', { name: 'Adjustment' }).click();
    let dialog = page.getByRole('dialog', { name: /Adjust/ });
    await dialog.getByLabel(/^Amount/).fill('20.00');
    await dialog.getByLabel('Reason').fill('Price correction');
    await dialog.getByRole('button', { name: 'Post adjustment' }).click();
    await expect.poll(() => page.getByTestId('doc-open').textContent()).toBe('250.00 USD');
    await page.getByTestId('related-row').filter({ hasText: 'Adjustment' }).waitFor();

    // Write off the rest.
    await page.getByRole('button', { name: 'Write off' }).click();
    dialog = page.getByRole('dialog', { name: /Write off/ });
    await dialog.getByLabel('Reason').fill('Customer insolvent');
    await dialog.getByRole('button', { name: 'Write off' }).click();
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Written off');
    expect(await page.getByTestId('doc-open').textContent()).toBe('0.00 USD');

    // Refund an unapplied credit.
    const credit = await api<Doc>('POST', '/api/v1/credit-memos', {
      customerId,
      amount: '15.00',
      reason: 'Overpayment',
    });
    await page.goto(`${server.url}/documents/${credit.id}`);
    await page.getByRole('button', { name: 'Refund' }).click();
    dialog = page.getByRole('dialog', { name: /Refund/ });
    expect(await dialog.getByLabel(/^Amount/).inputValue()).toBe('15.00');
    await dialog.getByLabel('Method').selectOption('ach');
    await dialog.getByLabel('Reason').fill('Customer asked');
    await shot('12a-refund-dialog');
    await dialog.getByRole('button', { name: 'Post refund' }).click();
    await expect.poll(() => page.getByTestId('doc-status').textContent()).toBe('Applied');
    await page.getByTestId('notice').filter({ hasText: 'Refund' }).waitFor();
  });

  test('the invoice PDF and e-mail work, or say that the server does not offer them yet', async () => {
    await page.goto(`${server.url}/documents/${invoice.id}`);
    await page.getByTestId('doc-number').waitFor();
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Open PDF' }).click();
    const tab = await popup;
    if (outputAvailable) {
      await expect.poll(() => tab.url()).toMatch(/^blob:/);
      await tab.close();
    } else {
      await page.getByTestId('notice').filter({ hasText: 'not available' }).waitFor();
    }

    await page.getByRole('button', { name: 'Send by e-mail' }).click();
    const dialog = page.getByRole('dialog', { name: /Send .* by e-mail/ });
    await dialog.getByLabel('To').fill('ap@ledger-browser.example');
    await dialog.getByRole('button', { name: 'Send' }).click();
    if (outputAvailable) {
      // No SMTP server in tests: the message is kept in the outbox.
      await expect.poll(() => dialog.getByTestId('send-result').textContent()).toContain('outbox');
    } else {
      await dialog.getByText('not available on this server yet').waitFor();
    }
    await shot('12-send-dialog');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  test('open items from an ERP are imported through the import page, once', async () => {
    const csv = [
      'Doc Type,Invoice No,Customer Account,Invoice Date,Due Date,Open Amount,External ID',
      'INV,ERP-77001,LEDG-UI-1,2026-08-01,2026-08-31,412.35,ERP-77001',
    ].join('\r\n');
    await page.goto(`${server.url}/import`);
    await page.getByLabel('Open items / invoices (opening balances)').check();
    const upload = () =>
      page.getByLabel('CSV or XLSX file').setInputFiles({
        name: 'open-items.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
    await upload();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import result' }).waitFor();
    expect(await page.getByTestId('count-created').textContent()).toBe('1');
    await shot('16-open-items-import');
    const found = await api<{ items: Array<{ number: string; openBalance: string }> }>(
      'GET',
      `/api/v1/invoices?customerId=${customerId}&q=ERP-77001`,
    );
    expect(found.items).toEqual([
      expect.objectContaining({ number: 'ERP-77001', openBalance: '412.35' }),
    ]);
    await upload();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import result' }).waitFor();
    expect(await page.getByTestId('count-unchanged').textContent()).toBe('1');
  });

  test('chart of accounts, period lock, journal export, outbox and settings pages', async () => {
    await page.getByRole('link', { name: 'Chart of accounts' }).click();
    const gl = page.getByLabel('GL code of account 4000');
    await gl.fill('40-100');
    await page
      .getByTestId('account-row')
      .filter({ has: gl })
      .getByRole('button', { name: 'Save' })
      .click();
    await expect
      .poll(async () => {
        const accounts = await api<{ items: { code: string; glCode: string | null }[] }>(
          'GET',
          '/api/v1/ledger/accounts',
        );
        return accounts.items.find((a) => a.code === '4000')?.glCode;
      })
      .toBe('40-100');
    await shot('13-chart-of-accounts');

    await page.getByRole('link', { name: 'Period lock' }).click();
    await expect
      .poll(() => page.getByTestId('closed-through').textContent())
      .toMatch(/books are (open|closed through)/);

    await page.getByRole('link', { name: 'Journal export' }).click();
    const csv = page.getByRole('link', { name: 'Download CSV' });
    expect(await csv.getAttribute('href')).toMatch(
      /^\/api\/v1\/ledger\/journal\?from=.*&format=csv$/,
    );
    const res = await fetch(server.url + (await csv.getAttribute('href'))!, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('40-100');

    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await page.getByRole('link', { name: 'Invoice settings' }).click();
    await page.getByRole('heading', { name: 'Invoice settings' }).waitFor();
    if (!outputAvailable) {
      await page.getByText('not available on this server yet').waitFor();
      return;
    }
    await page.getByLabel('Remit to').fill('Northwind Industrial Supply\nPO Box 100\nSpringfield');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const settings = await api<{ remitTo: string }>('GET', '/api/v1/organization/invoice-settings');
    expect(settings.remitTo).toContain('PO Box 100');
    await shot('14-invoice-settings');

    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByTestId('outbox-row').filter({ hasText: invoice.number! }).first().click();
    const detail = page.getByTestId('outbox-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('ap@ledger-browser.example');
    await shot('15-outbox');
  });

  test('a collector sees the actions of their role only', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(10_000);
    try {
      await p.goto(`${server.url}/login`);
      await p.getByLabel('Email').fill('collector@demo.dunwell.test');
      await p.getByLabel('Password').fill(TEST_PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL('**/customers');
      await p.goto(`${server.url}/documents/${invoice.id}`);
      const bar = p.getByRole('toolbar', { name: 'Document actions' });
      await bar.getByRole('button', { name: 'Void' }).waitFor();
      expect(await bar.getByRole('link', { name: 'New credit memo' }).count()).toBe(1);
      for (const managerOnly of ['Write off', 'Adjustment']) {
        expect(await bar.getByRole('button', { name: managerOnly }).count()).toBe(0);
      }
      await p.goto(`${server.url}/ledger/accounts`);
      await p.getByText('Only a manager or an admin can change accounts.').waitFor();
      expect(await p.getByLabel('GL code of account 4000').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  test('on a narrow screen the document page and the invoice form do not overflow', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(10_000);
    try {
      await p.goto(`${server.url}/login`);
      await p.getByLabel('Email').fill(MANAGER);
      await p.getByLabel('Password').fill(TEST_PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL('**/customers');
      for (const [url, ready] of [
        [`/documents/${invoice.id}`, 'doc-number'],
        [`/invoices/new?customer=${customerId}`, 'form-total'],
      ] as const) {
        await p.goto(server.url + url);
        await p.getByTestId(ready).waitFor();
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        await p.screenshot({
          path: path.join(SHOTS, `ledger-narrow-${ready}.png`),
          fullPage: true,
        });
        expect(width, url).toBeLessThanOrEqual(400);
      }
    } finally {
      await ctx.close();
    }
  });
});
