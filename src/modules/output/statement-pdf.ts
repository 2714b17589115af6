/**
 * The printed open-item statement: every document open at the statement date, the balance,
 * the aging summary and how to pay. Pure: data in, PDF bytes out.
 */
import { DOCUMENT_KIND_LABELS } from '../billing/posting.ts';
import { COLORS, PdfCanvas } from './pdf-canvas.ts';
import { defaultFonts, moneyText, type PdfFonts } from './pdf-text.ts';
import type { OrgPrint } from './print-data.ts';
import { AGING_BUCKETS, type AgingBucket, type Statement } from './statement.ts';

const KIND_LABELS = DOCUMENT_KIND_LABELS;

export const AGING_LABELS: Record<AgingBucket, string> = {
  current: 'Current',
  days1to30: '1–30 days',
  days31to60: '31–60 days',
  days61to90: '61–90 days',
  over90: 'Over 90 days',
};

export function statementFileName(accountNumber: string, asOf: string): string {
  return `Statement-${accountNumber.replace(/[^A-Za-z0-9._-]/g, '_')}-${asOf}.pdf`;
}

export async function renderStatementPdf(
  input: { org: OrgPrint; statement: Statement },
  fonts: PdfFonts = defaultFonts(),
): Promise<Buffer> {
  const { org, statement: s } = input;
  const label = `Statement ${s.customer.accountNumber} as of ${s.asOf}`;
  const canvas = new PdfCanvas({
    size: org.pageSize,
    fonts,
    title: `${label} — ${org.name}`,
    author: org.name,
    footerText: org.invoiceFooter,
    footerLabel: `${label} · ${s.customer.legalName}`,
  });
  const money = (minor: bigint) => moneyText(minor, s.currency, canvas.has);

  canvas.letterhead({
    orgName: org.name,
    orgBlock: org.remitTo,
    title: 'STATEMENT',
    subtitle: `As of ${s.asOf}`,
    meta: [
      { label: 'Statement date', value: s.asOf },
      { label: 'Account', value: s.customer.accountNumber },
      { label: 'Currency', value: s.currency },
    ],
  });
  drawCustomer(canvas, s, money(s.balanceMinor));

  const rows = s.items.map((i) => [
    `${KIND_LABELS[i.kind]} ${i.number}`,
    i.issueDate,
    i.dueDate ?? '',
    i.daysOverdue > 0 ? String(i.daysOverdue) : '',
    money(i.amountMinor),
    money(i.openMinor),
  ]);
  if (rows.length === 0) rows.push([`No open items as of ${s.asOf}`, '', '', '', '', '']);
  rows.push(['Balance', '', '', '', '', money(s.balanceMinor)]);
  canvas.table(
    [
      { header: 'Document' },
      { header: 'Date', width: 66 },
      { header: 'Due date', width: 66 },
      { header: 'Days overdue', width: 64, align: 'right' },
      { header: 'Original amount', width: 86, align: 'right' },
      { header: 'Open amount', width: 86, align: 'right' },
    ],
    rows,
    {
      continued: () => canvas.continuationHeader(`${label} (continued)`),
      boldRows: new Set([rows.length - 1]),
    },
  );
  canvas.y += 16;
  drawAging(canvas, s, money);
  drawRemittance(canvas, org, s, label);
  return canvas.finish();
}

function drawCustomer(canvas: PdfCanvas, s: Statement, balance: string): void {
  const top = canvas.y;
  const leftWidth = canvas.width * 0.55;
  let y = top;
  y += canvas.text('STATEMENT FOR', canvas.left, y, leftWidth, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
  });
  y += 2;
  y += canvas.text(s.customer.legalName, canvas.left, y, leftWidth, { size: 10.5, bold: true });
  y += canvas.text(s.customer.address.join('\n'), canvas.left, y, leftWidth, {
    size: 9,
    multiline: true,
    maxHeight: 60,
  });
  const boxWidth = Math.min(200, canvas.width * 0.38);
  const boxX = canvas.right - boxWidth;
  const boxHeight = 58;
  canvas.box(boxX, top, boxWidth, boxHeight, COLORS.shade, COLORS.rule);
  canvas.text('BALANCE', boxX + 10, top + 8, boxWidth - 20, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
  });
  canvas.text(balance, boxX + 10, top + 20, boxWidth - 20, { size: 16, bold: true, maxHeight: 20 });
  canvas.text(`as of ${s.asOf}`, boxX + 10, top + 41, boxWidth - 20, {
    size: 8.5,
    color: COLORS.muted,
  });
  canvas.y = Math.max(y + 2, top + boxHeight) + 16;
}

function drawAging(canvas: PdfCanvas, s: Statement, money: (minor: bigint) => string): void {
  canvas.ensureSpace(80);
  canvas.text('AGING SUMMARY (DAYS PAST DUE)', canvas.left, canvas.y, canvas.width, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
  });
  canvas.y += 12;
  canvas.table(
    [
      ...AGING_BUCKETS.map((b) => ({
        header: AGING_LABELS[b],
        width: canvas.width / 6,
        align: 'right' as const,
      })),
      { header: 'Total', align: 'right' },
    ],
    [[...AGING_BUCKETS.map((b) => money(s.aging[b])), money(s.balanceMinor)]],
  );
  canvas.y += 16;
}

function drawRemittance(canvas: PdfCanvas, org: OrgPrint, s: Statement, label: string): void {
  const instructions = org.remitTo?.trim() || org.name;
  const intro = `Please pay to the following and quote your account number ${s.customer.accountNumber} and the document numbers you are paying:`;
  const pad = 10;
  const innerWidth = canvas.width - 2 * pad;
  const height =
    canvas.measure('HOW TO PAY', innerWidth, { size: 7.5, bold: true }) +
    canvas.measure(intro, innerWidth, { size: 9 }) +
    canvas.measure(instructions, innerWidth, { size: 9, multiline: true, maxHeight: 160 }) +
    2 * pad +
    10;
  canvas.ensureSpace(height, () => canvas.continuationHeader(`${label} (continued)`));
  const top = canvas.y;
  canvas.box(canvas.left, top, canvas.width, height, '#ffffff', COLORS.rule);
  let y = top + pad;
  y +=
    canvas.text('HOW TO PAY', canvas.left + pad, y, innerWidth, {
      size: 7.5,
      bold: true,
      color: COLORS.muted,
    }) + 4;
  y += canvas.text(intro, canvas.left + pad, y, innerWidth, { size: 9 }) + 4;
  canvas.text(instructions, canvas.left + pad, y, innerWidth, {
    size: 9,
    multiline: true,
    maxHeight: 160,
  });
  canvas.y = top + height + 10;
}
