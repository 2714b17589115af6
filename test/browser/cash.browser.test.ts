/**
 * The payment and cash-application pages in a real headless Chromium against a real test server:
 * an AR manager records a check through the New payment form (an early-payment discount, "apply
 * remaining oldest first", a short pay kept as a deduction, exact totals), finds it in the list,
 * reverses it as NSF; then imports a camt.053 statement in the workbench, accepts the suggested
 * match of a bank line and sees the line applied. A viewer sees no write actions.
 * The app is built with Vite into a temporary directory, as in ledger.browser.test.ts.
 * Screenshots go to $CASH_SHOTS (default: the temp directory) as cash-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { DEMO_TIME_ZONE } from '../../src/modules/demo/index.ts';
import { addDays, todayIn } from '../../src/shared/dates.ts';
import { startTestServer, TEST_PASSWORD } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CASH_SHOTS ?? os.tmpdir();
const MANAGER = 'manager@demo.dunwell.test';
const VIEWER = 'viewer@demo.dunwell.test';
const STATEMENT = path.resolve('test/fixtures/bank/web/camt053-cash-ui.xml');
const TWO_ACCOUNTS = path.resolve('test/fixtures/bank/bai2/dunwell/two-accounts.bai');
/** What the statement's first line names (see the fixture). */
const PO = 'PO-CASH-UI-4471';

const canRun = fs.existsSync(CHROMIUM);
if (!canRun && process.env.CI === 'true') {
  throw new Error(`Browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Doc {
  id: string;
  number: string;
  status: string;
  openBalance: string;
  discountAmount: string;
}
interface Payment {
  id: string;
  number: string;
  status: string;
  amount: string;
  unappliedAmount: string;
  deductions: { amount: string; reasonCode: string }[];
}

/** An ISO date `days` after the demo organization's today (in its time zone, as the server counts). */
function isoDaysFromToday(days: number): string {
  return addDays(todayIn(DEMO_TIME_ZONE, new Date()), days);
}

describe.skipIf(!canRun)('payment and cash-application pages in a browser', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let token: string;
  let webDir: string;
  let customerId: string;
  let discounted: Doc;
  let later: Doc;
  let payment: Payment;

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

  async function shot(name: string, p: Page = page) {
    await p.screenshot({ path: path.join(SHOTS, `cash-${name}.png`), fullPage: true });
  }

  async function invoice(unitPrice: string, extra: Record<string, unknown>): Promise<Doc> {
    return api<Doc>('POST', '/api/v1/invoices', {
      customerId,
      currency: 'USD',
      issueDate: isoDaysFromToday(0),
      lines: [{ description: 'Pallet racking', quantity: '1', unitPrice }],
      ...extra,
    });
  }

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-web-'));
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
        accountNumber: 'CASH-UI-1',
        name: 'Cashflow Browser Co',
        currency: 'USD',
        paymentTerms: 'NET30',
      })
    ).id;
    // 2 % within 10 days: 16.00 off 800.00 today. The other falls due later.
    discounted = await invoice('800.00', { paymentTerms: '2/10NET30' });
    later = await invoice('500.00', { dueDate: isoDaysFromToday(45) });

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

  test('a check is recorded and applied through the New payment form with exact totals', async () => {
    expect(discounted.discountAmount).toBe('16.00');
    await page
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Payments' })
      .click();
    await page.waitForURL('**/payments');
    await page.getByRole('link', { name: 'New payment' }).click();
    await page.waitForURL('**/payments/new');

    await page.getByRole('combobox', { name: 'Customer' }).fill('CASH-UI-1');
    await page.getByRole('option', { name: /Cashflow Browser Co/ }).click();
    await expect.poll(() => page.getByLabel('Currency').inputValue()).toBe('USD');
    await page.getByLabel('Method').selectOption('check');
    await page.getByRole('textbox', { name: 'Amount', exact: true }).fill('1,000.00');
    await page.getByLabel('Check number').fill('CHK-5521');

    // Within its discount window the invoice defaults to its open balance net of the discount.
    await page.getByRole('checkbox', { name: `Select ${discounted.number}` }).click();
    const amountOf = (doc: Doc) => page.getByLabel(`Amount for ${doc.number}`);
    await expect.poll(() => amountOf(discounted).inputValue()).toBe('784.00');
    expect(await page.getByLabel(`Discount for ${discounted.number}`).inputValue()).toBe('16.00');
    const figure = (id: string) => page.getByTestId(id).textContent();
    expect(await figure('alloc-received')).toBe('1,000.00');
    expect(await figure('alloc-allocated')).toBe('784.00');
    expect(await figure('alloc-discounts')).toBe('16.00');
    expect(await figure('alloc-unapplied')).toBe('216.00 USD');
    expect(await figure('alloc-short')).toBe('0.00');

    // The rest goes to the next oldest item; what it leaves open is a short pay.
    await page.getByRole('button', { name: 'Apply remaining oldest first' }).click();
    await expect.poll(() => amountOf(later).inputValue()).toBe('216.00');
    expect(await figure('alloc-allocated')).toBe('1,000.00');
    expect(await figure('alloc-unapplied')).toBe('0.00 USD');
    expect(await figure('alloc-short')).toBe('284.00');

    // A deduction needs its reason: refused on the page before anything is sent.
    await page
      .getByRole('combobox', { name: `Short pay on ${later.number}` })
      .selectOption('deduction');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('Choose a reason').waitFor();
    expect(page.url()).toMatch(/\/payments\/new$/);
    await page
      .getByRole('combobox', { name: `Deduction reason for ${later.number}` })
      .selectOption('pricing');
    // One cent too much is an over-application, shown at once.
    await amountOf(later).fill('216.01');
    await expect.poll(() => figure('alloc-unapplied')).toBe('-0.01 USD');
    await page.getByText('more than there is to apply').waitFor();
    await amountOf(later).fill('216.00');
    await shot('01-new-payment');

    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
    const id = /\/payments\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    payment = await api<Payment>('GET', `/api/v1/payments/${id}`);
    expect(payment).toMatchObject({
      amount: '1000.00',
      unappliedAmount: '0.00',
      status: 'applied',
    });
    expect(payment.deductions).toEqual([
      expect.objectContaining({ amount: '284.00', reasonCode: 'pricing' }),
    ]);
    await expect.poll(() => page.getByTestId('payment-number').textContent()).toBe(payment.number);
    expect(await page.getByTestId('payment-status').textContent()).toBe('Applied');
    expect(await page.getByTestId('payment-unapplied').textContent()).toBe('0.00');
    const rows = page.getByTestId('payment-application-row');
    await rows.filter({ hasText: discounted.number }).filter({ hasText: '784.00' }).waitFor();
    await rows.filter({ hasText: 'Discount' }).filter({ hasText: '16.00' }).waitFor();
    await rows.filter({ hasText: later.number }).filter({ hasText: '216.00' }).waitFor();
    await page.getByTestId('deduction-row').filter({ hasText: 'Pricing' }).waitFor();
    await shot('02-payment-detail');

    const paid = await api<Doc>('GET', `/api/v1/invoices/${discounted.id}`);
    expect(paid).toMatchObject({ status: 'paid', openBalance: '0.00' });
    const short = await api<Doc>('GET', `/api/v1/invoices/${later.id}`);
    expect(short).toMatchObject({ status: 'partially_paid', openBalance: '284.00' });
  });

  test('the payment is in the list, filtered by customer and status', async () => {
    await page.goto(`${server.url}/payments?customer=${customerId}`);
    await page.getByText('Cashflow Browser Co').first().waitFor();
    await expect.poll(() => page.getByTestId('payment-row').count()).toBe(1);
    const row = page.getByTestId('payment-row').first();
    expect(await row.textContent()).toContain(payment.number);
    expect(await row.textContent()).toContain('1,000.00');
    await page
      .getByRole('group', { name: 'Status' })
      .getByRole('button', { name: 'Unapplied' })
      .click();
    await page.waitForURL((u) => u.searchParams.get('status') === 'unapplied');
    await expect.poll(() => page.getByTestId('payment-row').count()).toBe(0);
    await page
      .getByRole('group', { name: 'Status' })
      .getByRole('button', { name: 'Applied', exact: true })
      .click();
    await expect.poll(() => page.getByTestId('payment-row').count()).toBe(1);
    await shot('03-payments-list');
    await page.getByTestId('payment-row').first().click();
    await page.waitForURL((u) => u.pathname === `/payments/${payment.id}`);
  });

  test('a returned check is reversed with a fee, and every invoice gets its balance back', async () => {
    await page.getByRole('button', { name: 'Reverse' }).click();
    const dialog = page.getByRole('dialog', { name: /Reverse/ });
    await dialog.getByLabel('Why it came back').selectOption('nsf');
    await dialog.getByLabel('Reason').fill('Returned by the bank: insufficient funds');
    await dialog.getByLabel(/Returned-item fee/).fill('25.00');
    await shot('04-reverse-dialog');
    await dialog.getByRole('button', { name: 'Reverse payment' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent()).toBe('Reversed');
    await page.getByTestId('reversal-note').filter({ hasText: 'insufficient funds' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reverse' }).count()).toBe(0);
    await shot('05-reversed');
    expect(await api<Doc>('GET', `/api/v1/invoices/${discounted.id}`)).toMatchObject({
      openBalance: '800.00',
    });
    expect(await api<Doc>('GET', `/api/v1/invoices/${later.id}`)).toMatchObject({
      openBalance: '500.00',
    });
  });

  test('an unidentified receipt is assigned, applied in part, refunded and unapplied', async () => {
    const receipt = await api<Payment>('POST', '/api/v1/payments', {
      method: 'wire',
      amount: '120.00',
      currency: 'USD',
      receivedDate: isoDaysFromToday(0),
      payerName: 'C F BROWSER',
    });
    await page.goto(`${server.url}/payments/${receipt.id}`);
    await expect.poll(() => page.getByTestId('payment-status').textContent()).toBe('Unidentified');
    expect(await page.getByRole('button', { name: 'Apply to invoices' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Assign customer' }).click();
    let dialog = page.getByRole('dialog', { name: /Assign/ });
    await dialog.getByRole('combobox', { name: 'Customer' }).fill('CASH-UI-1');
    await page.getByRole('option', { name: /Cashflow Browser Co/ }).click();
    await dialog.getByRole('button', { name: 'Assign customer' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent()).toBe('Unapplied');

    await page.getByRole('button', { name: 'Apply to invoices' }).click();
    dialog = page.getByRole('dialog', { name: /Apply .* to invoices/ });
    await dialog.getByRole('checkbox', { name: `Select ${later.number}` }).click();
    const amount = dialog.getByLabel(`Amount for ${later.number}`);
    await expect.poll(() => amount.inputValue()).toBe('500.00');
    await amount.fill('100');
    await expect.poll(() => dialog.getByTestId('alloc-unapplied').textContent()).toBe('20.00 USD');
    expect(await dialog.getByTestId('alloc-short').textContent()).toBe('400.00');
    await shot('05a-apply-dialog');
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('payment-status').textContent())
      .toBe('Partially applied');
    expect(await page.getByTestId('payment-unapplied').textContent()).toBe('20.00');

    await page.getByRole('button', { name: 'Refund unapplied' }).click();
    dialog = page.getByRole('dialog', { name: /Refund/ });
    expect(await dialog.getByLabel(/^Amount/).inputValue()).toBe('20.00');
    // typed as a whole number, said back in the currency's decimals
    await dialog.getByLabel(/^Amount/).fill('20');
    await dialog.getByLabel('Reason').fill('Paid twice by mistake');
    await dialog.getByRole('button', { name: 'Post refund' }).click();
    await expect.poll(() => page.getByTestId('payment-unapplied').textContent()).toBe('0.00');
    await page.getByTestId('notice').filter({ hasText: 'Refunded 20.00 USD' }).waitFor();

    await page
      .getByTestId('payment-application-row')
      .filter({ hasText: later.number })
      .getByRole('button', { name: 'Unapply' })
      .click();
    dialog = page.getByRole('dialog', { name: 'Unapply' });
    await dialog.getByRole('button', { name: 'Unapply' }).click();
    await expect.poll(() => page.getByTestId('payment-unapplied').textContent()).toBe('100.00');
    expect(await api<Doc>('GET', `/api/v1/invoices/${later.id}`)).toMatchObject({
      openBalance: '500.00',
    });
    await shot('05b-assigned-refunded-unapplied');
  });

  test('a viewer sees the payment but no write actions', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await ctx.newPage();
    p.setDefaultTimeout(10_000);
    try {
      await p.goto(`${server.url}/login`);
      await p.getByLabel('Email').fill(VIEWER);
      await p.getByLabel('Password').fill(TEST_PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL('**/customers');
      await p.goto(`${server.url}/payments`);
      await p.getByTestId('payment-row').first().waitFor();
      expect(await p.getByRole('link', { name: 'New payment' }).count()).toBe(0);
      const open = await api<Payment>('POST', '/api/v1/payments', {
        customerId,
        method: 'wire',
        amount: '40.00',
        currency: 'USD',
        receivedDate: isoDaysFromToday(0),
      });
      await p.goto(`${server.url}/payments/${open.id}`);
      await expect.poll(() => p.getByTestId('payment-status').textContent()).toBe('Unapplied');
      expect(await p.getByRole('toolbar', { name: 'Payment actions' }).count()).toBe(0);
      await p.goto(`${server.url}/cash/bank-accounts`);
      await p.getByText('Only a manager or an admin can add bank accounts.').waitFor();
    } finally {
      await ctx.close();
    }
  });

  describe('the cash-application workbench', () => {
    let statementsLive = false;
    let bankAccountId: string;
    let named: Doc;
    let older: Doc;

    beforeAll(async () => {
      const probe = await fetch(`${server.url}/api/v1/bank-statements`, {
        headers: { authorization: `Bearer ${token}` },
      });
      statementsLive = probe.ok;
      bankAccountId = (
        await api<{ id: string }>('POST', '/api/v1/bank-accounts', {
          name: 'Operating USD',
          identifier: '987654321',
          currency: 'USD',
        })
      ).id;
      // The invoice the statement's first line pays: its PO, its amount, before its booking date.
      named = await invoice('1250.00', { issueDate: '2026-11-02', poNumber: PO });
      // What the second, anonymous line is applied to by hand.
      older = await invoice('460.00', { issueDate: '2026-11-01' });
    });

    test('a camt.053 statement is imported once; a second upload says it is already there', async () => {
      await page
        .getByRole('navigation', { name: 'Modules' })
        .getByRole('link', { name: 'Cash application' })
        .click();
      await page.waitForURL((u) => u.pathname === '/cash');
      if (!statementsLive) {
        await page.getByText('not available on this server yet').waitFor();
        return;
      }
      const upload = async () => {
        await page.getByLabel('Statement file').setInputFiles(STATEMENT);
        await page.locator('#statement-account').selectOption(bankAccountId);
        await page.getByRole('button', { name: 'Import statement' }).click();
      };
      await upload();
      const result = page.getByTestId('import-result');
      await result.filter({ hasText: 'Imported 3 lines' }).waitFor();
      expect(await page.getByTestId('statement-warnings').count()).toBe(0);
      await shot('06-statement-imported');
      await upload();
      await result.filter({ hasText: 'Already imported' }).waitFor();
      // The demo company may have statements of its own.
      const ours = page.getByTestId('statement-row').filter({ hasText: 'camt053-cash-ui.xml' });
      await expect.poll(() => ours.count()).toBe(1);
      await result.getByRole('link', { name: 'Open the statement' }).click();
      await page.waitForURL(/\/cash\/statements\/[0-9a-f-]{36}/);
      await expect.poll(() => page.getByTestId('statement-line').count()).toBe(3);
    });

    test('the suggested customer is shown with its evidence and accepted in one click', async () => {
      if (!statementsLive) return;
      await page.getByTestId('statement-line').filter({ hasText: '1,250.00' }).click();
      const panel = page.getByTestId('line-panel');
      const best = panel.getByTestId('suggestion').first();
      await best.filter({ hasText: 'Cashflow Browser Co' }).waitFor();
      expect(await best.getByTestId('suggestion-score').textContent()).toMatch(/^\d{1,3} %$/);
      const evidence = await best.getByTestId('evidence').allTextContents();
      expect(evidence.some((e) => e.includes(PO))).toBe(true);
      await best.getByTestId('suggestion-allocation').filter({ hasText: named.number }).waitFor();
      await shot('07-suggestion');

      // someone paid part of the invoice meanwhile: the stale suggestion is refused, and why
      const meanwhile = await api<Payment>('POST', '/api/v1/payments', {
        customerId,
        method: 'check',
        amount: '50.00',
        currency: 'USD',
        receivedDate: isoDaysFromToday(0),
        applications: [{ invoiceId: named.id, amount: '50.00' }],
      });
      await best.getByRole('button', { name: 'Accept' }).click();
      await panel.getByRole('alert').filter({ hasText: 'more than the open balance' }).waitFor();
      await shot('07b-stale-suggestion-refused');
      await api('POST', `/api/v1/payments/${meanwhile.id}/reverse`, {
        reason: 'Keyed against the wrong invoice',
        kind: 'error',
      });

      await best.getByRole('button', { name: 'Accept' }).click();
      await expect.poll(() => panel.getByTestId('line-status').textContent()).toBe('Applied');
      await panel.getByTestId('notice').filter({ hasText: 'Applied' }).waitFor();
      await page
        .getByTestId('statement-line')
        .filter({ hasText: '1,250.00' })
        .filter({ hasText: 'Applied' })
        .waitFor();
      await shot('08-line-applied');
      expect(await api<Doc>('GET', `/api/v1/invoices/${named.id}`)).toMatchObject({
        status: 'paid',
        openBalance: '0.00',
      });
    });

    test('an anonymous line is applied by hand to a part of an invoice', async () => {
      if (!statementsLive) return;
      // from the keyboard: the line is reached with Tab and opened with Enter
      const anonymous = page.getByTestId('statement-line').filter({ hasText: '300.00' });
      await anonymous.focus();
      await page.keyboard.press('Enter');
      const panel = page.getByTestId('line-panel');
      await expect.poll(() => panel.getByTestId('line-amount').textContent()).toBe('300.00 USD');
      await panel.getByRole('button', { name: 'Apply manually' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply line 2 manually' });
      await dialog.getByRole('combobox', { name: 'Customer' }).fill('CASH-UI-1');
      await page.getByRole('option', { name: /Cashflow Browser Co/ }).click();
      await dialog.getByRole('checkbox', { name: `Select ${older.number}` }).click();
      const amount = dialog.getByLabel(`Amount for ${older.number}`);
      await expect.poll(() => amount.inputValue()).toBe('460.00');
      const figure = (id: string) => dialog.getByTestId(id).textContent();
      expect(await figure('alloc-received')).toBe('300.00');
      expect(await figure('alloc-unapplied')).toBe('-160.00 USD');
      await amount.fill('300');
      await expect.poll(() => figure('alloc-unapplied')).toBe('0.00 USD');
      expect(await figure('alloc-short')).toBe('160.00');
      await shot('09-manual-apply');
      await dialog.getByRole('button', { name: 'Apply line' }).click();
      await expect.poll(() => panel.getByTestId('line-status').textContent()).toBe('Applied');
      expect(await api<Doc>('GET', `/api/v1/invoices/${older.id}`)).toMatchObject({
        status: 'partially_paid',
        openBalance: '160.00',
      });
    });

    test('auto-apply reports what it did; the payment links back to its bank line', async () => {
      if (!statementsLive) return;
      await page.getByRole('button', { name: 'Auto-apply' }).click();
      await page.getByTestId('notice').filter({ hasText: 'Auto-apply:' }).waitFor();
      await page.getByTestId('statement-line').filter({ hasText: '1,250.00' }).click();
      await page
        .getByTestId('line-panel')
        .getByRole('link', { name: /^PMT-\d+$/ })
        .first()
        .click();
      await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
      await page.getByTestId('statement-line-link').waitFor();
      expect(await page.getByTestId('payment-status').textContent()).toBe('Applied');
      await shot('10-payment-from-bank-line');
    });

    test('deposit batches, bank accounts and the cash reconciliation pages', async () => {
      await page.goto(`${server.url}/cash/bank-accounts`);
      await page.getByTestId('bank-account-row').filter({ hasText: '987654321' }).waitFor();
      await shot('11-bank-accounts');

      await page.goto(`${server.url}/cash/deposits`);
      await page.getByLabel('Bank account').selectOption(bankAccountId);
      await page.getByRole('button', { name: 'Open batch' }).click();
      await page.getByTestId('batch-row').filter({ hasText: 'Operating USD' }).waitFor();
      await page.getByText('No payments in this batch yet').waitFor();
      await shot('12-deposit-batch');

      await page.goto(`${server.url}/cash/reconciliation`);
      await page.getByLabel('Bank account').selectOption(bankAccountId);
      await page.getByLabel('From').fill('2026-11-01');
      if (!statementsLive) {
        await page.getByText('not available on this server yet').waitFor();
        return;
      }
      const day = page.getByTestId('rec-day').filter({ hasText: '2026-11-16' });
      await day.waitFor();
      expect(await day.textContent()).toContain('1,550.00');
      await shot('13-cash-reconciliation');
    });

    test('a file of two accounts reports each statement with its own figures', async () => {
      if (!statementsLive) return;
      await page.goto(`${server.url}/cash`);
      await page.getByLabel('Statement file').setInputFiles(TWO_ACCOUNTS);
      await page.getByRole('button', { name: 'Import statement' }).click();
      const items = page.getByTestId('import-statements').locator('li');
      await expect.poll(() => items.count()).toBe(2);
      const texts = await items.allTextContents();
      expect(texts[0]).toMatch(/USD.*credits 1,750\.00/);
      expect(texts[1]).toMatch(/JPY.*credits 30,000/);
      await shot('14-two-statements');
    });
  });

  test('on a narrow screen the payment form and the payment page do not overflow', async () => {
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
        [`/payments/new?customer=${customerId}`, 'alloc-unapplied'],
        [`/payments/${payment.id}`, 'payment-number'],
      ] as const) {
        await p.goto(server.url + url);
        await p.getByTestId(ready).waitFor();
        await shot(`narrow-${ready}`, p);
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        expect(width, url).toBeLessThanOrEqual(400);
      }
    } finally {
      await ctx.close();
    }
  });
});
