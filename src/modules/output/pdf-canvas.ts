/**
 * A thin layout layer over pdfkit shared by the invoice and the statement: a content box with
 * a cursor, text that is always made printable first, tables that break across pages and
 * repeat their header row, a letterhead, and a footer and watermark stamped on every page.
 *
 * pdfkit's own page breaking is switched off (zero margins, every text call has a width and
 * stays inside the box), so pages break only where {@link PdfCanvas.ensureSpace} says.
 */
import PDFDocument from 'pdfkit';
import { printable, type GlyphTest, type PdfFonts, winAnsiGlyphs } from './pdf-text.ts';

export type PageSize = 'A4' | 'LETTER';

export const COLORS = {
  text: '#1f2328',
  muted: '#5b6470',
  rule: '#d0d7de',
  shade: '#f2f4f7',
  accent: '#1d4e89',
  watermark: '#c62828',
} as const;

const MARGIN = 48;
const FOOTER_GAP = 10;

export type TextStyle = {
  size?: number;
  bold?: boolean;
  color?: string;
  align?: 'left' | 'right' | 'center';
  /** keep line breaks (addresses, instructions); otherwise they become spaces */
  multiline?: boolean;
  /** cut the text off after this height with an ellipsis */
  maxHeight?: number;
  lineGap?: number;
};

export type Column = {
  header: string;
  /** points; one column may leave it out and take the rest of the width */
  width?: number;
  align?: 'left' | 'right';
};

export type CanvasOptions = {
  size: PageSize;
  fonts: PdfFonts;
  title: string;
  author: string;
  /** big diagonal word on every page, e.g. DRAFT or VOID */
  watermark?: string | undefined;
  /** printed at the bottom of every page (small, centered) */
  footerText?: string | null | undefined;
  /** left part of the page-number line, e.g. the document number */
  footerLabel: string;
};

export class PdfCanvas {
  readonly doc: PDFKit.PDFDocument;
  readonly has: GlyphTest;
  readonly left = MARGIN;
  readonly top = MARGIN;
  readonly right: number;
  readonly width: number;
  /** the lowest y content may reach; the footer lives below it */
  readonly bottom: number;
  y: number;
  private readonly options: CanvasOptions;
  private readonly footerText: string;
  private readonly footerHeight: number;

  constructor(options: CanvasOptions) {
    this.options = options;
    this.doc = new PDFDocument({
      size: options.size,
      margins: { top: 0, bottom: 0, left: 0, right: 0 },
      bufferPages: true,
      autoFirstPage: true,
      info: { Title: options.title, Author: options.author, Creator: 'Dunwell' },
    });
    if (options.fonts.embedded) {
      this.doc.registerFont('regular', options.fonts.regular);
      this.doc.registerFont('bold', options.fonts.bold);
      this.doc.font('regular');
      this.has = glyphTestOf(this.doc);
    } else {
      this.doc.registerFont('regular', options.fonts.regular as string);
      this.doc.registerFont('bold', options.fonts.bold as string);
      this.has = winAnsiGlyphs;
    }
    this.right = this.doc.page.width - MARGIN;
    this.width = this.right - this.left;
    this.footerText = options.footerText?.trim()
      ? printable(options.footerText.trim(), this.has, true)
      : '';
    const footerTextHeight = this.footerText
      ? Math.min(this.measure(this.footerText, this.width, { size: 7.5, multiline: true }), 40)
      : 0;
    this.footerHeight = footerTextHeight + 14 + FOOTER_GAP;
    this.bottom = this.doc.page.height - MARGIN - this.footerHeight;
    this.y = this.top;
  }

  private style(style: TextStyle) {
    this.doc
      .font(style.bold ? 'bold' : 'regular')
      .fontSize(style.size ?? 9)
      .fillColor(style.color ?? COLORS.text);
  }

  private textOptions(width: number, style: TextStyle): PDFKit.Mixins.TextOptions {
    return {
      width,
      align: style.align ?? 'left',
      lineGap: style.lineGap ?? 1,
      ...(style.maxHeight !== undefined ? { height: style.maxHeight, ellipsis: true } : {}),
    };
  }

  /** Printable form of untrusted text. */
  clean(text: string, multiline = false): string {
    return printable(text, this.has, multiline);
  }

  /** Height `text` takes at `width` (after cleaning). */
  measure(text: string, width: number, style: TextStyle = {}): number {
    const cleaned = this.clean(text, style.multiline);
    if (!cleaned) return 0;
    this.style(style);
    const height = this.doc.heightOfString(cleaned, this.textOptions(width, style));
    return style.maxHeight !== undefined ? Math.min(height, style.maxHeight) : height;
  }

  /** Draws `text` at (x, y) and returns the height it took. */
  text(text: string, x: number, y: number, width: number, style: TextStyle = {}): number {
    const cleaned = this.clean(text, style.multiline);
    if (!cleaned) return 0;
    const height = this.measure(cleaned, width, style);
    this.style(style);
    this.doc.text(cleaned, x, y, this.textOptions(width, style));
    return height;
  }

  /** Draws `text` at the cursor across the content width and moves the cursor below it. */
  paragraph(text: string, style: TextStyle = {}, gapAfter = 4): void {
    const height = this.measure(text, this.width, style);
    this.ensureSpace(height);
    this.text(text, this.left, this.y, this.width, style);
    this.y += height + gapAfter;
  }

  rule(y: number, color: string = COLORS.rule, x1 = this.left, x2 = this.right): void {
    this.doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(0.6).strokeColor(color).stroke();
    this.doc.restore();
  }

  box(x: number, y: number, width: number, height: number, fill: string, stroke?: string): void {
    this.doc.save().rect(x, y, width, height);
    if (stroke) this.doc.lineWidth(0.6).fillAndStroke(fill, stroke);
    else this.doc.fill(fill);
    this.doc.restore();
  }

  /** Starts a new page when `height` does not fit below the cursor. True when it did. */
  ensureSpace(height: number, onNewPage?: () => void): boolean {
    if (this.y + height <= this.bottom) return false;
    this.doc.addPage();
    this.y = this.top;
    onNewPage?.();
    return true;
  }

  /**
   * A table at the cursor: a shaded header row, then one row per entry; a row that does not
   * fit starts a new page, which gets `continued()` and the header row again.
   */
  table(
    columns: Column[],
    rows: string[][],
    options: { continued?: () => void; boldRows?: Set<number>; maxRowHeight?: number } = {},
  ): void {
    const fixed = columns.reduce((sum, c) => sum + (c.width ?? 0), 0);
    const widths = columns.map((c) => c.width ?? this.width - fixed);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const pad = 4;
    const header = () => {
      const height =
        Math.max(
          ...columns.map((c, i) => this.measure(c.header, widths[i]! - 2 * pad, headerStyle)),
        ) +
        2 * pad;
      this.box(this.left, this.y, this.width, height, COLORS.shade);
      columns.forEach((c, i) =>
        this.text(c.header, xs[i]! + pad, this.y + pad, widths[i]! - 2 * pad, {
          ...headerStyle,
          align: c.align ?? 'left',
        }),
      );
      this.y += height;
    };
    const headerStyle: TextStyle = { size: 8, bold: true, color: COLORS.muted };
    this.ensureSpace(40);
    header();
    rows.forEach((row, r) => {
      const style: TextStyle = {
        size: 9,
        bold: options.boldRows?.has(r) ?? false,
        maxHeight: options.maxRowHeight ?? 120,
      };
      const height =
        Math.max(...row.map((cell, i) => this.measure(cell, widths[i]! - 2 * pad, style))) +
        2 * pad;
      this.ensureSpace(height, () => {
        options.continued?.();
        header();
      });
      row.forEach((cell, i) =>
        this.text(cell, xs[i]! + pad, this.y + pad, widths[i]! - 2 * pad, {
          ...style,
          align: columns[i]!.align ?? 'left',
        }),
      );
      this.y += height;
      this.rule(this.y);
    });
  }

  /**
   * Label/value pairs, right-aligned in a column of `width` ending at `right`, e.g. the
   * totals block. Returns the height used.
   */
  pairs(
    entries: Array<{ label: string; value: string; strong?: boolean; shade?: boolean }>,
    x: number,
    y: number,
    width: number,
    options: { labelWidth?: number; size?: number; rowPad?: number } = {},
  ): number {
    const labelWidth = options.labelWidth ?? width * 0.5;
    const size = options.size ?? 9;
    const rowPad = options.rowPad ?? 3;
    let cursor = y;
    for (const entry of entries) {
      const style: TextStyle = { size, bold: entry.strong ?? false };
      const height =
        Math.max(
          this.measure(entry.label, labelWidth - 6, style),
          this.measure(entry.value, width - labelWidth - 6, style),
        ) +
        2 * rowPad;
      if (entry.shade) this.box(x, cursor, width, height, COLORS.shade);
      this.text(entry.label, x + 6, cursor + rowPad, labelWidth - 6, {
        ...style,
        color: COLORS.muted,
      });
      this.text(entry.value, x + labelWidth, cursor + rowPad, width - labelWidth - 6, {
        ...style,
        align: 'right',
      });
      cursor += height;
    }
    return cursor - y;
  }

  /**
   * The letterhead at the top of the first page: the organization's name and remit-to block
   * on the left, the title, number and `meta` pairs on the right. Moves the cursor below it.
   */
  letterhead(args: {
    orgName: string;
    orgBlock: string | null;
    title: string;
    subtitle: string;
    meta: Array<{ label: string; value: string }>;
  }): void {
    const top = this.y;
    const leftWidth = this.width * 0.52;
    let left = top;
    left += this.text(args.orgName, this.left, left, leftWidth, { size: 15, bold: true });
    left += 4;
    if (args.orgBlock) {
      left += this.text(args.orgBlock, this.left, left, leftWidth, {
        size: 8.5,
        color: COLORS.muted,
        multiline: true,
        maxHeight: 80,
      });
    }
    const rightX = this.left + leftWidth + 10;
    const rightWidth = this.right - rightX;
    let right = top;
    right += this.text(args.title, rightX, right, rightWidth, {
      size: 20,
      bold: true,
      color: COLORS.accent,
      align: 'right',
    });
    right += this.text(args.subtitle, rightX, right + 1, rightWidth, {
      size: 11,
      bold: true,
      align: 'right',
    });
    right += 8;
    const meta = args.meta.filter((m) => m.value !== '');
    right += this.pairs(meta, rightX, right, rightWidth, {
      labelWidth: rightWidth * 0.45,
      rowPad: 1.5,
    });
    this.y = Math.max(left, right) + 14;
    this.rule(this.y - 7, COLORS.rule);
  }

  /** A smaller header on continuation pages. */
  continuationHeader(label: string): void {
    this.text(label, this.left, this.y, this.width, { size: 8.5, color: COLORS.muted });
    this.y += 16;
  }

  /** Stamps footer, page numbers and watermark on every page and returns the PDF bytes. */
  async finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      this.doc.on('end', resolve);
      this.doc.on('error', reject);
    });
    const { start, count } = this.doc.bufferedPageRange();
    for (let page = start; page < start + count; page++) {
      this.doc.switchToPage(page);
      this.stampFooter(page - start + 1, count);
      if (this.options.watermark) this.stampWatermark(this.options.watermark);
    }
    this.doc.end();
    await done;
    return Buffer.concat(chunks);
  }

  private stampFooter(page: number, pages: number): void {
    const pageHeight = this.doc.page.height;
    let y = pageHeight - MARGIN - this.footerHeight + FOOTER_GAP;
    this.rule(y - 4);
    if (this.footerText) {
      y += this.text(this.footerText, this.left, y, this.width, {
        size: 7.5,
        color: COLORS.muted,
        align: 'center',
        multiline: true,
        maxHeight: 40,
      });
      y += 3;
    }
    this.text(this.options.footerLabel, this.left, y, this.width * 0.75, {
      size: 7.5,
      color: COLORS.muted,
      maxHeight: 10,
    });
    this.text(`Page ${page} of ${pages}`, this.left + this.width * 0.75, y, this.width * 0.25, {
      size: 7.5,
      color: COLORS.muted,
      align: 'right',
    });
  }

  private stampWatermark(word: string): void {
    const { width, height } = this.doc.page;
    this.doc.save();
    this.doc.rotate(-35, { origin: [width / 2, height / 2] });
    this.doc.font('bold').fontSize(110).fillColor(COLORS.watermark).fillOpacity(0.13);
    const textWidth = this.doc.widthOfString(word);
    this.doc.text(word, width / 2 - textWidth / 2, height / 2 - 55, {
      lineBreak: false,
      width: textWidth + 10,
    });
    this.doc.restore();
    this.doc.fillOpacity(1);
  }
}

/** The embedded font's own glyph table; WinAnsi when pdfkit's internals are not as expected. */
function glyphTestOf(doc: PDFKit.PDFDocument): GlyphTest {
  const font = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: unknown } } })._font
    ?.font;
  const test = font?.hasGlyphForCodePoint;
  if (typeof test !== 'function') return winAnsiGlyphs;
  return (cp) => Boolean((test as (cp: number) => boolean).call(font, cp));
}
