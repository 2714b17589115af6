import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/modules/output/invoice-pdf.ts';
import {
  BUILT_IN_FONTS,
  groupedDecimal,
  moneyText,
  printable,
  winAnsiGlyphs,
} from '../../src/modules/output/pdf-text.ts';
import type { DocumentPrint } from '../../src/modules/output/print-data.ts';
import { pdfText } from './pdf.ts';

describe('printable text', () => {
  it('keeps what the font has and folds or replaces the rest', () => {
    expect(printable('Müller & Söhne – “Qualität” €5', winAnsiGlyphs)).toBe(
      'Müller & Söhne – “Qualität” €5',
    );
    expect(printable('Zakłady Łódź Ōsaka', winAnsiGlyphs)).toBe('Zaklady Lódz Osaka');
    expect(printable('株式会社 😀', winAnsiGlyphs)).toBe('???? ?');
    expect(printable('ﬁle №5 −3', winAnsiGlyphs)).toBe('file No5 -3');
  });

  it('drops controls and invisible characters and handles line breaks', () => {
    expect(printable('a\u0007b\u200bc\u202ed\ufeffe\u00adf', winAnsiGlyphs)).toBe('abcdef');
    expect(printable('line 1\r\nline 2\rline 3\tend', winAnsiGlyphs)).toBe(
      'line 1 line 2 line 3 end',
    );
    expect(printable('line 1\r\nline 2', winAnsiGlyphs, true)).toBe('line 1\nline 2');
    expect(printable('\ud800 lone surrogate', winAnsiGlyphs)).toBe(' lone surrogate');
  });

  it('prints money in any currency, with the code when the symbol is missing', () => {
    const money = (minor: bigint, currency: string, glyphs = winAnsiGlyphs) =>
      moneyText(minor, currency, glyphs).replace(/\u00a0/g, ' ');
    expect(money(180000n, 'USD')).toBe('$1,800.00');
    expect(money(-5000n, 'EUR')).toBe('-€50.00');
    expect(money(4500n, 'JPY')).toBe('¥4,500');
    expect(money(1234250n, 'KWD')).toBe('KWD 1,234.250');
    expect(money(123450n, 'INR')).toBe('INR 1,234.50');
    expect(money(123450n, 'INR', () => true)).toBe('₹1,234.50');
  });

  it('groups decimal strings', () => {
    expect(groupedDecimal('1234567.5000', 0)).toBe('1,234,567.5');
    expect(groupedDecimal('2.0000', 0)).toBe('2');
    expect(groupedDecimal('0.125', 2)).toBe('0.125');
    expect(groupedDecimal('12', 2)).toBe('12.00');
  });
});

describe('invoice PDF with the built-in font', () => {
  it('replaces characters Helvetica lacks instead of printing garbage', async () => {
    const document: DocumentPrint = {
      id: '0190a0a0-0000-7000-8000-000000000001',
      kind: 'invoice',
      state: 'voided',
      credit: false,
      number: 'INV-000777',
      currency: 'PLN',
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
      termsCode: 'NET30',
      termsName: 'Net 30',
      discountBp: null,
      discountDate: null,
      discountMinor: 0n,
      poNumber: null,
      salesOrderRef: null,
      memo: 'Dostawa: ul. Piękna 5\nŁódź',
      reason: null,
      voidedDate: '2026-10-05',
      relatedNumber: null,
      taxExemption: null,
      subtotalMinor: 10000n,
      taxMinor: 2300n,
      totalMinor: 12300n,
      appliedMinor: 0n,
      balanceMinor: 0n,
      lines: [
        {
          description: 'Usługa 🚚 transportowa',
          quantity: '1.0000',
          unitPrice: '100.000000',
          taxRate: '23.0000',
          amountMinor: 10000n,
        },
      ],
    };
    const pdf = await renderInvoicePdf(
      {
        org: {
          name: 'Spółka Test',
          remitTo: null,
          invoiceFooter: null,
          timeZone: 'Europe/Warsaw',
          pageSize: 'A4',
          today: '2026-10-10' as never,
        },
        customer: {
          id: 'c',
          name: 'Żabka',
          legalName: 'Żabka Polska',
          accountNumber: 'PL-1',
          currency: 'PLN',
          address: [],
        },
        document,
      },
      BUILT_IN_FONTS,
    );
    const text = await pdfText(pdf);
    expect(text).toContain('Usluga ? transportowa');
    expect(text).toContain('Zabka Polska');
    expect(text).toContain('Piekna 5 Lódz');
    expect(text).toContain('PLN 123.00');
    expect(text).toContain('VOID');
    expect(text).toContain('Balance due PLN 0.00');
  });
});
