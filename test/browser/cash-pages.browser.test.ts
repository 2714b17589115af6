/**
 * The cash settings, deductions and statement pages in a real headless Chromium against a real
 * test server: a manager changes the short-pay tolerance and the auto-match threshold (a
 * collector sees them read-only and the API refuses the collector's change); a short pay kept as a
 * deduction shows in the deductions list with links to its customer, invoice and payment; a
 * camt.053 statement of 650 lines pages to its last line, and a status filter pages too.
 * The app is built with Vite into a temporary directory, as in cash.browser.test.ts.
 * Screenshots go to $CASH_SHOTS (default: the temp directory) as cash-pages-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { writeCamt053 } from '../../src/modules/banking/camt-writer.ts';
import type { CamtEntryInput } from '../../src/modules/banking/camt-writer.ts';
import { DEMO_TIME_ZONE } from '../../src/modules/demo/index.ts';
import { todayIn } from '../../src/shared/dates.ts';
import { startTestServer, TEST_PASSWORD } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CASH_SHOTS ?? os.tmpdir();
const MANAGER = 'manager@demo.dunwell.test';
const COLLECTOR = 'collector@demo.dunwell.test';
/** Lines of the long statement; every fifth is a debit (lines 5, 10, …, 650). */
const LINE_COUNT = 650;
const DEBIT_COUNT = LINE_COUNT / 5;

const canRun = fs.existsSync(CHROMIUM);
if (!canRun && process.env.CI === 'true') {
  throw new Error(`Browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Doc {
  id: string;
  number: string;
}
interface Payment {
  id: string;
  number: string;
  deductions: { amount: string; reasonCode: string; status: string }[];
}
interface Settings {
  baseCurrency: string;
  shortPayTolerance: string;
  shortPayTolerances: { currency: string; amount: string }[];
  autoMatchThreshold: string;
}

/** The demo organization's today, in its time zone (as the server counts it). */
function today(): string {
  return todayIn(DEMO_TIME_ZONE, new Date());
}

describe.skipIf(!canRun)('cash settings, deductions and statement paging in a browser', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let token: string;
  let webDir: string;

  async function login(email: string): Promise<string> {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  async function call(method: string, urlPath: string, body?: unknown, as = token) {
    return fetch(server.url + urlPath, {
      method,
      headers: {
        authorization: `Bearer ${as}`,
        ...(body !== undefined && !(body instanceof FormData)
          ? { 'content-type': 'application/json' }
          : {}),
      },
      ...(body instanceof FormData
        ? { body }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
    });
  }

  async function api<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const res = await call(method, urlPath, body);
    if (!res.ok) throw new Error(`${method} ${urlPath} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function shot(name: string, p: Page = page) {
    await p.screenshot({ path: path.join(SHOTS, `cash-pages-${name}.png`), fullPage: true });
  }

  async function signIn(p: Page, email: string) {
    await p.goto(`${server.url}/login`);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL('**/customers');
  }

  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-web-'));
    await build({
      configFile: path.resolve('web/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: webDir, emptyOutDir: true, sourcemap: false },
    });
    server = await startTestServer({ webDir, demoCustomers: 5 });
    token = await login(MANAGER);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await signIn(page, MANAGER);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
  });

  test('a manager changes the cash settings; bad input is refused on the page', async () => {
    const before = await api<Settings>('GET', '/api/v1/cash-settings');
    await nav('Cash settings').click();
    await page.waitForURL((u) => u.pathname === '/cash/settings');
    const tolerance = page.getByTestId('current-tolerance');
    const threshold = page.getByTestId('current-threshold');
    const base = before.baseCurrency;
    await expect.poll(() => tolerance.textContent()).toBe(`5.00 ${base}`);
    expect(before).toEqual({
      baseCurrency: base,
      shortPayTolerance: '5.00',
      // the demo bills a few customers in Canadian dollars
      shortPayTolerances: [{ currency: 'CAD', amount: '7.00' }],
      autoMatchThreshold: '0.90',
    });
    expect(await threshold.textContent()).toBe('90 %');
    const toleranceField = page.getByLabel('Short-pay write-off tolerance');
    const thresholdField = page.getByLabel('Auto-match threshold (%)');
    expect(await toleranceField.inputValue()).toBe('5.00');
    expect(await thresholdField.inputValue()).toBe('90');

    // Out of bounds: said next to each field, and nothing is sent.
    await toleranceField.fill('-1');
    await thresholdField.fill('150');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Must not be negative').waitFor();
    await page.getByText('Between 0.1 and 100').waitFor();
    await thresholdField.fill('92.55');
    await page.getByText('At most 1 decimal', { exact: true }).waitFor();
    await shot('01-settings-invalid');
    expect(await api<Settings>('GET', '/api/v1/cash-settings')).toEqual(before);

    await toleranceField.fill('1,250.5');
    await thresholdField.fill('92.5');
    // Yen have their own tolerance, in yen: no decimals.
    await page.getByRole('button', { name: 'Add a currency' }).click();
    await page.getByLabel('Currency 2').selectOption('JPY');
    const yen = page.getByLabel('Tolerance in JPY');
    await yen.fill('800.5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('No decimals allowed').waitFor();
    expect(await api<Settings>('GET', '/api/v1/cash-settings')).toEqual(before);
    await yen.fill('800');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await expect.poll(() => tolerance.textContent()).toBe(`1,250.50 ${base}`);
    expect(await threshold.textContent()).toBe('92.5 %');
    expect(await page.getByTestId('current-currency-tolerance').allTextContents()).toEqual([
      '7.00 CAD',
      '800 JPY',
    ]);
    expect(await api<Settings>('GET', '/api/v1/cash-settings')).toEqual({
      baseCurrency: base,
      shortPayTolerance: '1250.50',
      shortPayTolerances: [
        { currency: 'CAD', amount: '7.00' },
        { currency: 'JPY', amount: '800' },
      ],
      autoMatchThreshold: '0.925',
    });
    await shot('02-settings-saved');

    // The whole range's ends are accepted too.
    await toleranceField.fill('0');
    await thresholdField.fill('100');
    // and a currency taken off the list has no tolerance any more
    await page.getByRole('button', { name: 'Remove the CAD tolerance' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => threshold.textContent()).toBe('100 %');
    expect(await tolerance.textContent()).toBe(`0.00 ${base}`);
    await toleranceField.fill('7.5');
    await thresholdField.fill('85');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => threshold.textContent()).toBe('85 %');
    await page.reload();
    await expect.poll(() => tolerance.textContent()).toBe(`7.50 ${base}`);
    expect(await threshold.textContent()).toBe('85 %');
    expect(await page.getByLabel('Tolerance in JPY').inputValue()).toBe('800');
  });

  test('a collector sees the cash settings read-only and cannot change them', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(15_000);
    try {
      await signIn(p, COLLECTOR);
      await p.goto(`${server.url}/cash/settings`);
      await expect
        .poll(() => p.getByTestId('current-tolerance').textContent())
        .toMatch(/^7\.50 [A-Z]{3}$/);
      expect(await p.getByTestId('current-currency-tolerance').allTextContents()).toEqual([
        '800 JPY',
      ]);
      expect(await p.getByTestId('current-threshold').textContent()).toBe('85 %');
      await p.getByText('Only a manager or an admin can change the cash settings.').waitFor();
      expect(await p.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
      expect(await p.getByLabel('Short-pay write-off tolerance').count()).toBe(0);
      await shot('03-settings-collector', p);
    } finally {
      await ctx.close();
    }
    const collector = await login(COLLECTOR);
    const refused = await call(
      'PATCH',
      '/api/v1/cash-settings',
      { shortPayTolerance: '1000.00' },
      collector,
    );
    expect(refused.status).toBe(403);
    expect(await api<Settings>('GET', '/api/v1/cash-settings')).toMatchObject({
      shortPayTolerance: '7.50',
      shortPayTolerances: [{ currency: 'JPY', amount: '800' }],
      autoMatchThreshold: '0.85',
    });
  });

  describe('deductions', () => {
    let customer: { id: string; name: string };
    let invoice: Doc;
    let payment: Payment;

    beforeAll(async () => {
      customer = await api('POST', '/api/v1/customers', {
        accountNumber: 'DED-UI-1',
        name: 'Shortfall Supply Co',
        currency: 'USD',
        paymentTerms: 'NET30',
      });
      const other = await api<{ id: string }>('POST', '/api/v1/customers', {
        accountNumber: 'DED-UI-2',
        name: 'Other Deduction Co',
        currency: 'USD',
        paymentTerms: 'NET30',
      });
      const invoiceFor = (customerId: string, unitPrice: string) =>
        api<Doc>('POST', '/api/v1/invoices', {
          customerId,
          currency: 'USD',
          issueDate: today(),
          lines: [{ description: 'Shelving', quantity: '1', unitPrice }],
        });
      const payWithDeduction = (
        customerId: string,
        inv: Doc,
        amount: string,
        reasonCode: string,
        note: string,
      ) =>
        api<Payment>('POST', '/api/v1/payments', {
          customerId,
          method: 'check',
          amount,
          currency: 'USD',
          receivedDate: today(),
          reference: `CHK-${inv.number}`,
          applications: [
            { invoiceId: inv.id, amount, shortPay: { action: 'deduction', reasonCode, note } },
          ],
        });
      invoice = await invoiceFor(customer.id, '500.00');
      payment = await payWithDeduction(
        customer.id,
        invoice,
        '412.34',
        'shortage',
        'Two cartons missing',
      );
      expect(payment.deductions).toEqual([
        expect.objectContaining({ amount: '87.66', reasonCode: 'shortage', status: 'open' }),
      ]);
      const otherInvoice = await invoiceFor(other.id, '300.00');
      await payWithDeduction(other.id, otherInvoice, '290.00', 'pricing', 'Old price list');
    });

    test('a short pay kept as a deduction is listed with its customer, invoice and payment', async () => {
      await nav('Deductions').click();
      await page.waitForURL((u) => u.pathname === '/deductions');
      const rows = page.getByTestId('deduction-row');
      const ours = rows.filter({ hasText: invoice.number });
      await ours.waitFor();
      const text = await ours.textContent();
      for (const part of [
        'Shortfall Supply Co',
        payment.number,
        'Shortage',
        'Two cartons missing',
        '87.66',
        'USD',
        'Open',
      ]) {
        expect(text).toContain(part);
      }
      await rows.filter({ hasText: 'Other Deduction Co' }).waitFor();
      expect(await nav('Deductions').getAttribute('aria-current')).toBe('page');
      await shot('04-deductions');

      // Filtered by customer: only that customer's deduction, kept in the URL.
      await page.getByRole('combobox', { name: 'Customer' }).fill('DED-UI-1');
      await page.getByRole('option', { name: /Shortfall Supply Co/ }).click();
      await page.waitForURL((u) => u.searchParams.get('customer') === customer.id);
      await expect.poll(() => rows.count()).toBe(1);
      const status = page.getByRole('group', { name: 'Status' });
      await status.getByRole('button', { name: 'Resolved' }).click();
      await page.waitForURL((u) => u.searchParams.get('status') === 'resolved');
      await page.getByText('No deductions match these filters.').waitFor();
      await status.getByRole('button', { name: 'Open' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      await page.reload();
      await expect.poll(() => rows.count()).toBe(1);
      // After a reload the filter still names the customer, not just its id.
      await expect
        .poll(() => page.locator('#deduction-customer').textContent())
        .toBe('DED-UI-1 Shortfall Supply Co');
      await shot('05-deductions-filtered');

      // Each link leads to its record.
      await rows.first().getByRole('link', { name: invoice.number }).click();
      await page.waitForURL((u) => u.pathname === `/documents/${invoice.id}`);
      await page.goBack();
      await rows.first().getByRole('link', { name: payment.number }).click();
      await page.waitForURL((u) => u.pathname === `/payments/${payment.id}`);
      await page.getByTestId('deduction-row').filter({ hasText: 'Shortage' }).waitFor();
      await page.goBack();
      await rows.first().getByRole('link', { name: 'Shortfall Supply Co' }).click();
      await page.waitForURL((u) => u.pathname === `/customers/${customer.id}`);
    });

    test('more deductions than one page are shown a page at a time', async () => {
      const bulk = await api<{ id: string }>('POST', '/api/v1/customers', {
        accountNumber: 'DED-UI-3',
        name: 'Many Deductions Co',
        currency: 'USD',
        paymentTerms: 'NET30',
      });
      const invoices: Doc[] = [];
      for (let i = 0; i < 50; i++) {
        invoices.push(
          await api<Doc>('POST', '/api/v1/invoices', {
            customerId: bulk.id,
            currency: 'USD',
            issueDate: today(),
            lines: [{ description: `Bracket ${i}`, quantity: '1', unitPrice: '10.00' }],
          }),
        );
      }
      // One check pays 9.00 of each; the 1.00 left on each is kept as a deduction.
      const paid = await api<Payment>('POST', '/api/v1/payments', {
        customerId: bulk.id,
        method: 'check',
        amount: '450.00',
        currency: 'USD',
        receivedDate: today(),
        applications: invoices.map((inv) => ({
          invoiceId: inv.id,
          amount: '9.00',
          shortPay: { action: 'deduction', reasonCode: 'damaged' },
        })),
      });
      expect(paid.deductions).toHaveLength(50);

      await page.goto(`${server.url}/deductions?status=open`);
      const rows = page.getByTestId('deduction-row');
      await expect.poll(() => rows.count()).toBe(50);
      const pager = page.locator('.pager');
      expect(await pager.textContent()).toContain('Showing 50+');
      await pager.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => rows.count()).toBe(52);
      expect(await pager.getByRole('button', { name: 'Load more' }).count()).toBe(0);
      await shot('05a-deductions-all');
      // A filter starts again from the first page.
      await page
        .getByRole('group', { name: 'Status' })
        .getByRole('button', { name: 'All' })
        .click();
      await expect.poll(() => rows.count()).toBe(50);
    });
  });

  describe('a statement longer than one page', () => {
    let statementId: string;

    beforeAll(async () => {
      const identifier = '555000111222';
      await api('POST', '/api/v1/bank-accounts', {
        name: 'Paging USD',
        identifier,
        currency: 'USD',
      });
      const entries: CamtEntryInput[] = Array.from({ length: LINE_COUNT }, (_, i) => {
        const n = i + 1;
        const debit = n % 5 === 0;
        return {
          amountMinor: debit ? -(1_000n + BigInt(n)) : 10_000n + BigInt(n),
          bookingDate: '2026-11-20',
          counterpartyName: debit ? `Supplier ${n}` : `Paging Payer ${n}`,
          remittance: `Paging entry ${n}`,
          bankReference: `PAGE-${n}`,
        };
      });
      const xml = writeCamt053([
        {
          id: 'PAGING-1',
          createdAt: '2026-11-20T18:00:00',
          iban: identifier,
          currency: 'USD',
          fromDate: '2026-11-20',
          toDate: '2026-11-20',
          openingMinor: 0n,
          entries,
        },
      ]);
      const form = new FormData();
      form.append('file', new Blob([xml]), 'camt053-paging.xml');
      const imported = await api<{ id: string; lineCount: number; counts: Record<string, number> }>(
        'POST',
        '/api/v1/bank-statements',
        form,
      );
      expect(imported.lineCount).toBe(LINE_COUNT);
      expect(imported.counts.debit).toBe(DEBIT_COUNT);
      statementId = imported.id;
    });

    const lineNumbers = () =>
      page
        .getByTestId('statement-line')
        .evaluateAll((rows) => rows.map((r) => Number(r.querySelector('td')?.textContent)));
    const range = () => page.getByTestId('page-range').textContent();

    test('the lines page through to the last one', async () => {
      await page.goto(`${server.url}/cash/statements/${statementId}`);
      await expect.poll(range).toBe(`Lines 1–100 of ${LINE_COUNT} · page 1 of 7`);
      let numbers = await lineNumbers();
      expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await shot('06-statement-page-1');

      await page.getByRole('button', { name: 'Next ›' }).click();
      await page.waitForURL((u) => u.searchParams.get('page') === '2');
      await expect.poll(range).toBe(`Lines 101–200 of ${LINE_COUNT} · page 2 of 7`);
      await expect.poll(async () => (await lineNumbers())[0]).toBe(101);

      await page.getByRole('button', { name: 'Last »' }).click();
      await page.waitForURL((u) => u.searchParams.get('page') === '7');
      await expect.poll(range).toBe(`Lines 601–650 of ${LINE_COUNT} · page 7 of 7`);
      await expect.poll(async () => (await lineNumbers()).at(-1)).toBe(LINE_COUNT);
      numbers = await lineNumbers();
      expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => 601 + i));
      expect(await page.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);

      // A line on the last page is selected, and stays selected after a reload.
      await page.getByTestId('statement-line').filter({ hasText: 'Paging Payer 649' }).click();
      await page.waitForURL((u) => !!u.searchParams.get('line'));
      const panel = page.getByTestId('line-panel');
      await expect.poll(() => panel.getByTestId('line-amount').textContent()).toBe('106.49 USD');
      await shot('07-statement-last-page');
      await page.reload();
      await expect.poll(() => panel.getByTestId('line-amount').textContent()).toBe('106.49 USD');
      expect(await range()).toBe(`Lines 601–650 of ${LINE_COUNT} · page 7 of 7`);

      // A link to that line without its page (as a payment or the reconciliation links it)
      // opens page 1 with the line selected.
      const lineId = new URL(page.url()).searchParams.get('line');
      await page.goto(`${server.url}/cash/statements/${statementId}?line=${lineId}`);
      await expect.poll(range).toBe(`Lines 1–100 of ${LINE_COUNT} · page 1 of 7`);
      await expect.poll(() => panel.getByTestId('line-amount').textContent()).toBe('106.49 USD');
      await page.goto(`${server.url}/cash/statements/${statementId}?page=7&line=${lineId}`);

      await page.getByRole('button', { name: '« First' }).click();
      await page.waitForURL((u) => !u.searchParams.has('page'));
      await expect.poll(async () => (await lineNumbers())[0]).toBe(1);
    });

    test('a status filter pages through the lines of that status only', async () => {
      await page.goto(`${server.url}/cash/statements/${statementId}?page=7`);
      await expect.poll(range).toBe(`Lines 601–650 of ${LINE_COUNT} · page 7 of 7`);
      await page
        .getByRole('group', { name: 'Line status' })
        .getByRole('button', { name: `Debit ${DEBIT_COUNT}` })
        .click();
      await page.waitForURL((u) => u.searchParams.get('status') === 'debit');
      expect(new URL(page.url()).searchParams.has('page')).toBe(false);
      await expect.poll(range).toBe(`Lines 1–100 of ${DEBIT_COUNT} · page 1 of 2`);
      let numbers = await lineNumbers();
      expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => 5 * (i + 1)));

      await page.getByRole('button', { name: 'Next ›' }).click();
      await expect.poll(range).toBe(`Lines 101–130 of ${DEBIT_COUNT} · page 2 of 2`);
      await expect.poll(async () => (await lineNumbers()).length).toBe(30);
      numbers = await lineNumbers();
      expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => 505 + 5 * i));
      const badges = await page
        .getByTestId('statement-line')
        .locator('[data-status]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect(new Set(badges)).toEqual(new Set(['debit']));
      await shot('08-statement-debit-page-2');

      // A page past the end of the filtered lines shows the last one there is.
      await page.goto(`${server.url}/cash/statements/${statementId}?status=debit&page=9`);
      await expect.poll(range).toBe(`Lines 101–130 of ${DEBIT_COUNT} · page 2 of 2`);
    });
  });
});
