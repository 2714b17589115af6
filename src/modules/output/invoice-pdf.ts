/**
 * The printed invoice (and credit memo, debit memo, any AR document): letterhead, bill-to,
 * the lines, totals and balance due, the early-payment discount, the tax exemption, how to
 * pay, and the organization's footer. Pure: data in, PDF bytes out.
 */
import type { ArDocumentKind } from '../../db/schema.ts';
import { currencyExponent } from '../../shared/currencies.ts';
import { DOCUMENT_KIND_LABELS, documentLabel } from '../billing/posting.ts';
import { COLORS, PdfCanvas } from './pdf-canvas.ts';
import { defaultFonts, groupedDecimal, moneyText, type PdfFonts } from './pdf-text.ts';
import type { CustomerPrint, DocumentPrint, OrgPrint } from './print-data.ts';

export type InvoicePdfInput = {
  org: OrgPrint;
  customer: CustomerPrint;
  document: DocumentPrint;
};

const TITLES: Record<ArDocumentKind, string> = {
  invoice: 'INVOICE',
  credit_memo: 'CREDIT MEMO',
  debit_memo: 'DEBIT MEMO',
  adjustment: 'ADJUSTMENT',
  write_off: 'WRITE-OFF',
  refund: 'REFUND',
  payment: 'PAYMENT RECEIPT',
  discount: 'DISCOUNT',
};

/** What the customer is told the document is: "Invoice INV-000123", "Invoice (draft)". */
export const documentName = documentLabel;

/** A file name for the PDF: the number, or DRAFT and the id for a draft. */
export function pdfFileName(document: { id: string; number: string | null }): string {
  const base = document.number ?? `DRAFT-${document.id.slice(0, 8)}`;
  return `${base.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
}

/** The "2%" of the discount when the terms give it in whole or fractional percent. */
function percentText(bp: number | null): string {
  if (!bp) return '';
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}% `;
}

export async function renderInvoicePdf(
  input: InvoicePdfInput,
  fonts: PdfFonts = defaultFonts(),
): Promise<Buffer> {
  const { org, customer, document: doc } = input;
  const draft = doc.state === 'draft';
  const voided = doc.state === 'voided';
  const name = documentName(doc.kind, doc.number);
  const canvas = new PdfCanvas({
    size: org.pageSize,
    fonts,
    title: `${name} — ${org.name}`,
    author: org.name,
    watermark: draft ? 'DRAFT' : voided ? 'VOID' : undefined,
    footerText: org.invoiceFooter,
    footerLabel: `${name} · ${customer.legalName}`,
  });
  const money = (minor: bigint) => moneyText(minor, doc.currency, canvas.has);
  const credit = doc.credit;

  canvas.letterhead({
    orgName: org.name,
    orgBlock: org.remitTo,
    title: draft ? `DRAFT ${TITLES[doc.kind]}` : TITLES[doc.kind],
    subtitle: doc.number ?? 'Not yet issued',
    meta: [
      { label: `${DOCUMENT_KIND_LABELS[doc.kind]} date`, value: doc.issueDate },
      { label: 'Due date', value: credit ? '' : (doc.dueDate ?? '') },
      { label: 'Terms', value: doc.termsName ?? doc.termsCode ?? '' },
      { label: 'PO number', value: doc.poNumber ?? '' },
      { label: 'Sales order', value: doc.salesOrderRef ?? '' },
      { label: 'Applies to', value: doc.relatedNumber ?? '' },
      { label: 'Account', value: customer.accountNumber },
    ],
  });

  drawBillTo(canvas, customer, {
    label: credit ? 'Credit' : 'Balance due',
    amount: money(doc.balanceMinor),
    note: voided
      ? `Voided ${doc.voidedDate ?? ''}`.trim()
      : draft
        ? 'Draft — not a demand for payment'
        : credit
          ? 'Available to apply'
          : doc.dueDate
            ? `Due ${doc.dueDate}`
            : '',
  });

  if (draft) {
    canvas.paragraph(
      'DRAFT — this document has not been issued and is not a request for payment.',
      {
        bold: true,
        color: COLORS.watermark,
      },
    );
  }
  if (voided) {
    canvas.paragraph(
      `VOID — this document was voided on ${doc.voidedDate ?? ''} and is not payable.`,
      { bold: true, color: COLORS.watermark },
    );
  }

  drawLines(canvas, doc, money, name);
  drawSettlement(canvas, org, doc, money, name);
  drawNotes(canvas, doc, org, money);
  return canvas.finish();
}

function drawBillTo(
  canvas: PdfCanvas,
  customer: CustomerPrint,
  summary: { label: string; amount: string; note: string },
): void {
  const top = canvas.y;
  const leftWidth = canvas.width * 0.55;
  let y = top;
  y += canvas.text('BILL TO', canvas.left, y, leftWidth, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
  });
  y += 2;
  y += canvas.text(customer.legalName, canvas.left, y, leftWidth, { size: 10.5, bold: true });
  y += canvas.text(customer.address.join('\n'), canvas.left, y, leftWidth, {
    size: 9,
    multiline: true,
    maxHeight: 60,
  });
  y += canvas.text(`Account ${customer.accountNumber}`, canvas.left, y + 2, leftWidth, {
    size: 8.5,
    color: COLORS.muted,
  });

  const boxWidth = Math.min(200, canvas.width * 0.38);
  const boxX = canvas.right - boxWidth;
  const boxHeight = 58;
  canvas.box(boxX, top, boxWidth, boxHeight, COLORS.shade, COLORS.rule);
  canvas.text(summary.label.toUpperCase(), boxX + 10, top + 8, boxWidth - 20, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
  });
  canvas.text(summary.amount, boxX + 10, top + 20, boxWidth - 20, {
    size: 16,
    bold: true,
    maxHeight: 20,
  });
  canvas.text(summary.note, boxX + 10, top + 41, boxWidth - 20, {
    size: 8.5,
    color: COLORS.muted,
    maxHeight: 12,
  });
  canvas.y = Math.max(y + 2, top + boxHeight) + 16;
}

function drawLines(
  canvas: PdfCanvas,
  doc: DocumentPrint,
  money: (minor: bigint) => string,
  name: string,
): void {
  const exponent = currencyExponent(doc.currency);
  const rows =
    doc.lines.length > 0
      ? doc.lines.map((l) => [
          l.description,
          groupedDecimal(l.quantity, 0),
          unitPriceText(l.unitPrice, exponent, money),
          /^0*(\.0*)?$/.test(l.taxRate) ? '–' : `${groupedDecimal(l.taxRate, 0)}%`,
          money(l.amountMinor),
        ])
      : [
          [
            doc.reason ?? doc.memo ?? DOCUMENT_KIND_LABELS[doc.kind],
            '',
            '',
            '',
            money(doc.subtotalMinor),
          ],
        ];
  canvas.table(
    [
      { header: 'Description' },
      { header: 'Quantity', width: 58, align: 'right' },
      { header: 'Unit price', width: 82, align: 'right' },
      { header: 'Tax', width: 44, align: 'right' },
      { header: 'Amount', width: 92, align: 'right' },
    ],
    rows,
    { continued: () => canvas.continuationHeader(`${name} (continued)`) },
  );
  canvas.y += 10;
}

/**
 * A unit price in the currency's format; one with more decimals than the currency has keeps
 * them ("$19.995").
 */
function unitPriceText(text: string, exponent: number, money: (minor: bigint) => string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const shown = fraction.slice(0, exponent).padEnd(exponent, '0');
  const display = money(BigInt(match[1]! + shown));
  const extra = fraction.slice(exponent);
  if (!extra) return display;
  if (!/\d$/.test(display)) return groupedDecimal(text, exponent);
  return `${display}${exponent === 0 ? '.' : ''}${extra}`;
}

/**
 * Totals on the right and, beside them on the left, how to pay (or, for a credit, whom to
 * ask), kept together on one page.
 */
function drawSettlement(
  canvas: PdfCanvas,
  org: OrgPrint,
  doc: DocumentPrint,
  money: (minor: bigint) => string,
  name: string,
): void {
  const credit = doc.credit;
  const entries: Array<{ label: string; value: string; strong?: boolean; shade?: boolean }> = [
    { label: 'Subtotal', value: money(doc.subtotalMinor) },
    { label: 'Tax', value: money(doc.taxMinor) },
    { label: credit ? 'Total credit' : 'Total', value: money(doc.totalMinor), strong: true },
    {
      label: credit ? 'Applied' : 'Amount paid/credited',
      value: money(-doc.appliedMinor),
    },
    {
      label: credit ? 'Unapplied credit' : 'Balance due',
      value: money(doc.balanceMinor),
      strong: true,
      shade: true,
    },
  ];
  const totalsWidth = 230;
  const gap = 18;
  const boxWidth = canvas.width - totalsWidth - gap;
  const pad = 9;
  const inner = boxWidth - 2 * pad;
  const reference = doc.number ?? '(assigned when issued)';
  const heading = credit ? 'QUESTIONS' : 'HOW TO PAY';
  const intro = credit
    ? `Questions about this credit? Please quote ${reference}.`
    : 'Please pay to:';
  const instructions = credit ? org.name : org.remitTo?.trim() || org.name;
  const refLine = credit ? '' : `Payment reference: ${reference}`;
  const styles = {
    heading: { size: 7.5, bold: true, color: COLORS.muted },
    intro: { size: 8.5, color: COLORS.muted },
    body: { size: 9, multiline: true, maxHeight: 170 },
    ref: { size: 9.5, bold: true },
  } as const;
  const boxHeight =
    2 * pad +
    canvas.measure(heading, inner, styles.heading) +
    4 +
    canvas.measure(intro, inner, styles.intro) +
    3 +
    canvas.measure(instructions, inner, styles.body) +
    (refLine ? 6 + canvas.measure(refLine, inner, styles.ref) : 0);
  const totalsHeight = entries.length * 17;
  canvas.ensureSpace(Math.max(boxHeight, totalsHeight), () =>
    canvas.continuationHeader(`${name} (continued)`),
  );
  const top = canvas.y;
  const used = canvas.pairs(entries, canvas.right - totalsWidth, top, totalsWidth, {
    labelWidth: 125,
    size: 9.5,
    rowPad: 4,
  });
  canvas.box(canvas.left, top, boxWidth, boxHeight, '#ffffff', COLORS.rule);
  let y = top + pad;
  const x = canvas.left + pad;
  y += canvas.text(heading, x, y, inner, styles.heading) + 4;
  y += canvas.text(intro, x, y, inner, styles.intro) + 3;
  y += canvas.text(instructions, x, y, inner, styles.body);
  if (refLine) canvas.text(refLine, x, y + 6, inner, styles.ref);
  canvas.y = top + Math.max(used, boxHeight) + 14;
}

function drawNotes(
  canvas: PdfCanvas,
  doc: DocumentPrint,
  org: OrgPrint,
  money: (minor: bigint) => string,
): void {
  const offer = discountText(doc, org.today, money);
  if (offer) canvas.paragraph(offer, { bold: true, color: COLORS.accent, size: 9.5 }, 8);
  if (doc.taxExemption) {
    const where = doc.taxExemption.jurisdiction ? ` (${doc.taxExemption.jurisdiction})` : '';
    canvas.paragraph(
      `Tax exempt: no sales tax charged under exemption certificate ${doc.taxExemption.certificateNumber}${where}.`,
      { size: 9 },
      8,
    );
  }
  if (doc.reason && doc.lines.length > 0) canvas.paragraph(`Reason: ${doc.reason}`, {}, 6);
  if (doc.memo) {
    canvas.paragraph('NOTES', { size: 7.5, bold: true, color: COLORS.muted }, 2);
    canvas.paragraph(doc.memo, { multiline: true, maxHeight: 200 }, 10);
  }
}

/** "Pay $1,764.00 by 2026-10-11 to take the 2% early-payment discount." */
export function discountText(
  doc: DocumentPrint,
  today: string,
  money: (minor: bigint) => string,
): string | null {
  if (doc.state === 'voided' || doc.credit) return null;
  if (!doc.discountDate || doc.discountMinor <= 0n || doc.discountDate < today) return null;
  if (doc.balanceMinor !== doc.totalMinor) return null;
  const pay = doc.balanceMinor - doc.discountMinor;
  return `Pay ${money(pay)} by ${doc.discountDate} to take the ${percentText(doc.discountBp)}early-payment discount (${money(doc.discountMinor)}).`;
}
