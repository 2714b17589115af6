import { isUtf8 } from 'node:buffer';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { AppError, ValidationError } from '../../shared/errors.ts';
import { readXlsxRecords } from './xlsx-cells.ts';

/**
 * CSV and XLSX files → header + rows of strings, with the real 1-based line numbers of the
 * file (the header is line 1). A CSV record that spans several physical lines (a quoted field
 * with a line break) is reported at the line where it starts. Blank rows are dropped here.
 */

/** One data row: the file's line number and each header's cell text (untrimmed). */
export type ParsedRow = {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
  /** Non-blank cells to the right of the last header column. */
  readonly extraCells: number;
};
/** A problem that stops the whole file from being read. */
export type FileProblem = { line: number; message: string };
export type ParsedSheet = {
  readonly format: ImportFormat;
  readonly headers: readonly string[];
  readonly rows: readonly ParsedRow[];
  readonly problems: readonly FileProblem[];
};
export type ImportFormat = 'csv' | 'xlsx';
export type ParseOptions = { maxRows: number };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);
const DELIMITERS = [',', ';', '\t'] as const;

function unsupported(message: string): AppError {
  return new AppError(415, 'unsupported_file_type', message, [{ path: 'body.file', message }]);
}

/** Decides by content, not by name or MIME type (browsers send anything for .csv). */
export function detectFormat(bytes: Buffer, filename = 'the file'): ImportFormat {
  if (bytes.length === 0)
    throw new ValidationError(
      `${filename} is empty`,
      [{ path: 'body.file', message: 'is empty' }],
      'empty_file',
    );
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    throw unsupported(
      `${filename} is a legacy Excel 97–2003 (.xls) workbook; save it as .xlsx or as CSV UTF-8`,
    );
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-')
    throw unsupported(`${filename} is a PDF; upload a CSV or XLSX file`);
  if (hasUtf16Bom(bytes)) return 'csv';
  if (bytes.subarray(0, 64 * 1024).includes(0))
    throw unsupported(`${filename} is a binary file, not CSV text or an XLSX workbook`);
  return 'csv';
}

function hasUtf16Bom(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 2);
  return head.equals(UTF16LE_BOM) || head.equals(UTF16BE_BOM);
}

export async function parseImportFile(
  bytes: Buffer,
  options: ParseOptions & { filename?: string },
): Promise<ParsedSheet> {
  const format = detectFormat(bytes, options.filename);
  if (format === 'xlsx') {
    const { records, problems } = await readXlsxRecords(bytes).catch(() => {
      throw unsupported(
        `${options.filename ?? 'The file'} is a ZIP archive but not a readable XLSX workbook`,
      );
    });
    const sheet = toSheet(records, options.maxRows);
    return { format, ...sheet, problems: [...sheet.problems, ...problems] };
  }
  return { format, ...parseCsv(bytes, options.maxRows) };
}

// ---------------------------------------------------------------- CSV

export function parseCsv(input: Buffer, maxRows: number): Omit<ParsedSheet, 'format'> {
  const bytes = toUtf8(input);
  if (!isUtf8(bytes)) {
    const line = lineOfFirstInvalidUtf8(bytes);
    return emptySheet({
      line,
      message: `Line ${line} is not UTF-8 text; save the file as "CSV UTF-8"`,
    });
  }
  const lines = new LineCounter(bytes);
  const records: Array<{ line: number; cells: string[] }> = [];
  let lastEnd = 0;
  try {
    parseCsvSync(bytes, {
      bom: true,
      delimiter: detectDelimiter(bytes),
      relax_column_count: true,
      // a quote inside an unquoted field is literal text, as Excel writes it: 12" Pipe Co
      relax_quotes: true,
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (cells: string[], context: { bytes: number }) => {
        records.push({ line: lines.lineAt(lastEnd), cells });
        lastEnd = context.bytes;
        return null;
      },
    });
  } catch (error) {
    const line = lines.lineAt(lastEnd);
    const code = (error as { code?: string }).code;
    const column = (error as { index?: number }).index;
    const header = column === undefined ? undefined : records[0]?.cells[column];
    const where = header
      ? ` (column "${header}")`
      : column !== undefined
        ? ` (column ${column + 1})`
        : '';
    const reason =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed'
        : code === 'CSV_INVALID_CLOSING_QUOTE'
          ? `a quoted field${where} has text after its closing quote; double the quote ("") to write one`
          : `${(error as Error).message}${where}`;
    return emptySheet({
      line,
      message: `The CSV record starting on line ${line} cannot be read: ${reason}`,
    });
  }
  return toSheet(records, maxRows);
}

/** UTF-16 (Excel's "Unicode text") is re-encoded as UTF-8; everything else is read as UTF-8. */
function toUtf8(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM))
    return Buffer.from(new TextDecoder('utf-16le').decode(bytes.subarray(2)), 'utf8');
  if (bytes.subarray(0, 2).equals(UTF16BE_BOM))
    return Buffer.from(new TextDecoder('utf-16be').decode(bytes.subarray(2)), 'utf8');
  return bytes;
}

function lineOfFirstInvalidUtf8(bytes: Buffer): number {
  // shrink the valid prefix by halving: isUtf8 is linear, so this stays O(n log n)
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    // a prefix cut inside a multi-byte character looks invalid; allow 3 bytes of slack
    if (
      isUtf8(bytes.subarray(0, mid)) ||
      isUtf8(bytes.subarray(0, Math.min(bytes.length, mid + 3)))
    )
      good = mid;
    else bad = mid;
  }
  return new LineCounter(bytes).lineAt(good);
}

/** The delimiter that occurs most often outside quotes on the header line (`,` on a tie). */
export function detectDelimiter(bytes: Buffer): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  const head = bytes.subarray(0, 64 * 1024).toString('utf8');
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Maps byte offsets to 1-based line numbers; CRLF, LF and lone CR each end one line. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly bytes: Buffer) {}

  /** Offsets must not decrease between calls (records arrive in file order). */
  lineAt(target: number): number {
    const b = this.bytes;
    for (; this.offset < target && this.offset < b.length; this.offset++) {
      const c = b[this.offset];
      if (c === 0x0a || (c === 0x0d && b[this.offset + 1] !== 0x0a)) this.line++;
    }
    return this.line;
  }
}

// ---------------------------------------------------------------- shared

function emptySheet(problem: FileProblem): Omit<ParsedSheet, 'format'> {
  return { headers: [], rows: [], problems: [problem] };
}

/**
 * The first record is the header; blank records are dropped; rows beyond `maxRows` are refused
 * (the whole file, so a cut-off import never looks complete).
 */
export function toSheet(
  records: ReadonlyArray<{ line: number; cells: readonly string[] }>,
  maxRows: number,
): Omit<ParsedSheet, 'format'> {
  const [header, ...body] = records;
  if (!header || header.line !== 1 || isBlank(header.cells)) {
    return emptySheet({ line: 1, message: 'Line 1 must be the header row with the column names' });
  }
  const named = header.cells
    .map((h, index) => ({ name: h.trim(), index }))
    .filter((h) => h.name !== '');
  const unnamed = new Set(
    header.cells.map((h, i) => (h.trim() === '' ? i : -1)).filter((i) => i >= 0),
  );
  const width = header.cells.length;
  const rows: ParsedRow[] = [];
  for (const record of body) {
    if (isBlank(record.cells)) continue;
    if (rows.length === maxRows) {
      return emptySheet({
        line: record.line,
        message: `The file has more than ${maxRows.toLocaleString('en-US')} data rows (the limit per import); split it into smaller files`,
      });
    }
    const unnamedWithData = [...unnamed].find((i) => (record.cells[i] ?? '').trim() !== '');
    if (unnamedWithData !== undefined) {
      return emptySheet({
        line: 1,
        message: `Column ${columnLabel(unnamedWithData)} has no header name but has data (first on line ${record.line})`,
      });
    }
    const values: Record<string, string> = Object.create(null);
    for (const h of named) values[h.name] = record.cells[h.index] ?? '';
    const extraCells = record.cells.slice(width).filter((c) => c.trim() !== '').length;
    rows.push({ line: record.line, values, extraCells });
  }
  return { headers: named.map((h) => h.name), rows, problems: [] };
}

/** 0 → "1 (A)", 27 → "28 (AB)": spreadsheet users think in letters, CSV users in numbers. */
function columnLabel(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${index + 1} (${letters})`;
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}
