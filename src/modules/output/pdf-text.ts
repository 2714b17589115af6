/**
 * Text for PDFs: which font to print with, and how customer-supplied text becomes something
 * that font can show. A PDF has no markup, so nothing needs escaping; the danger is glyphs the
 * font does not have, which print as boxes or garbage. Every string is passed through
 * {@link printable} first: characters the font lacks are folded to a plain form ("ś" → "s")
 * or replaced with "?", and control and invisible characters are dropped.
 */
import fs from 'node:fs';
import { formatMoneyDisplay } from '../../shared/money.ts';

/** Whether the chosen font can draw a code point. */
export type GlyphTest = (codePoint: number) => boolean;

export type PdfFonts = {
  regular: string | Buffer;
  bold: string | Buffer;
  /** true for a TrueType font embedded in the file, false for the built-in Helvetica */
  embedded: boolean;
};

/**
 * TrueType fonts tried in order. Debian's fonts-liberation and fonts-dejavu-core (both pulled
 * in by Chromium and fontconfig) cover Latin, Greek and Cyrillic; a machine without them gets
 * the built-in Helvetica, which only has the WinAnsi characters.
 */
const FONT_CANDIDATES: ReadonlyArray<{ regular: string; bold: string }> = [
  {
    regular: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    bold: '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  },
  {
    regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  },
];

export const BUILT_IN_FONTS: PdfFonts = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  embedded: false,
};

let systemFonts: PdfFonts | undefined;

/** The best fonts on this machine, read once per process. */
export function defaultFonts(): PdfFonts {
  if (systemFonts) return systemFonts;
  systemFonts = BUILT_IN_FONTS;
  for (const candidate of FONT_CANDIDATES) {
    try {
      systemFonts = {
        regular: fs.readFileSync(candidate.regular),
        bold: fs.readFileSync(candidate.bold),
        embedded: true,
      };
      break;
    } catch {
      // not installed here: try the next one
    }
  }
  return systemFonts;
}

/** The characters of Windows-1252 (WinAnsiEncoding) above ASCII, what Helvetica can print. */
const WIN_ANSI_EXTRA = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x017e, 0x0178,
]);

export const winAnsiGlyphs: GlyphTest = (cp) =>
  (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff && cp !== 0xad) || WIN_ANSI_EXTRA.has(cp);

/** Look-alikes for characters fonts often lack and Unicode does not decompose. */
const SUBSTITUTES: Record<string, string> = {
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2043': '-',
  '\u2032': "'",
  '\u2033': '"',
  '\u00ad': '',
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u0131': 'i',
  '\u00d8': 'O',
  '\u00f8': 'o',
};

const REPLACEMENT = '?';

/** C0/C1 controls, lone surrogates and characters that draw nothing (zero-width, bidi marks). */
function invisible(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

function fits(text: string, has: GlyphTest): boolean {
  for (const ch of text) if (!has(ch.codePointAt(0)!)) return false;
  return true;
}

/** "é" → "e", "ﬁ" → "fi", "①" → "1": the compatibility decomposition without accents. */
function folded(ch: string): string {
  return ch.normalize('NFKD').replace(/\p{M}/gu, '');
}

/**
 * `text` as the font can print it. Single-line fields (`multiline` false) turn line breaks
 * into spaces; multi-line ones keep them. Never throws, whatever the input.
 */
export function printable(text: string, has: GlyphTest, multiline = false): string {
  let out = '';
  for (const ch of text.replace(/\r\n?/g, '\n').normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || ch === '\u2028' || ch === '\u2029') {
      out += multiline ? '\n' : ' ';
    } else if (ch === '\t') {
      out += ' ';
    } else if (invisible(cp)) {
      continue;
    } else if (has(cp)) {
      out += ch;
    } else {
      const substitute = SUBSTITUTES[ch] ?? folded(ch);
      out += substitute !== ch && fits(substitute, has) ? substitute : REPLACEMENT;
    }
  }
  return out;
}

/**
 * An amount for print: `formatMoneyDisplay` ("$1,234.50", "€1,234.50", "¥1,500,000"), or the
 * ISO code before the number when the font lacks the currency's symbol ("INR 1,234.50"),
 * joined by a no-break space as Intl does.
 */
export function moneyText(amountMinor: bigint, currency: string, has: GlyphTest): string {
  const display = formatMoneyDisplay(amountMinor, currency);
  if (fits(display, has)) return display;
  const number = display.replace(/[^\d.,\-\s]/gu, '').trim();
  return `${currency}\u00a0${number}`;
}

/** "1234.5" → "1,234.50" with at least `minDecimals` decimals and no needless trailing zeros. */
export function groupedDecimal(text: string, minDecimals: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign, whole, fraction = ''] = match;
  const trimmed = fraction.replace(/0+$/, '');
  const decimals = trimmed.padEnd(minDecimals, '0');
  const grouped = whole!.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${decimals ? `.${decimals}` : ''}`;
}
