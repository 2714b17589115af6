/**
 * BAI2 framing: physical lines → records → fields. Real files are framed loosely, so this layer
 * follows what banks write rather than the letter of the specification:
 *
 * - A record ends with `/`, but several records may share one physical line
 *   (`49,-1600,11/  03,1111111,...`), and records whose last field is free text (16, and 88s that
 *   continue a 16) often have no `/` at all: the next line that starts with a record code ends them.
 * - Free text may contain `/` (`AB/GS/RPFILERP0001`, `08/18/23 Invoice`), so inside a text-bearing
 *   record only a `/` followed by whitespace and a record code (`.../ 16,`) splits records.
 *   Text that itself contains "slash, space, record code, comma" would be split: a stated limit.
 * - A physical line that does not start with a record code continues the open record (one bank
 *   wraps a long 16 text onto the next line); anywhere else it is an error naming the line.
 * - An 88 continues the *field stream* of the record before it: a summary group may be split
 *   across the boundary, and a 16's fixed fields may run on into an 88.
 */
import { BankFileError } from './statement.ts';

export type Bai2RecordCode = '01' | '02' | '03' | '16' | '49' | '88' | '98' | '99';

/** One record as written, with `NN,` and the terminating `/` removed. */
export type Bai2PhysicalRecord = { code: Bai2RecordCode; content: string; line: number };

/** A record with the 88 continuations that follow it; `segments[0]` is the record itself. */
export type Bai2LogicalRecord = {
  code: Exclude<Bai2RecordCode, '88'>;
  line: number;
  segments: Bai2PhysicalRecord[];
};

const RECORD_START = /^(0[123]|16|49|88|98|99),/;
/** Inside a text-bearing record: a slash, whitespace, then the next record. */
const TEXT_RECORD_END = /\/\s+(?=(?:0[123]|16|49|88|98|99),)/;
const BLANK = /^[\s\u001a]*$/;
/** Fixed-block files may pad the last block after the 99 record with nines. */
const BLOCK_PADDING = /^9+$/;

type OpenRecord = {
  code: Bai2RecordCode;
  line: number;
  body: string;
  textBearing: boolean;
  /** a terminating `/` was seen */
  closed: boolean;
};

function preview(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed);
}

/**
 * Splits a BAI2 file into physical records (88s included, in file order).
 * @throws BankFileError for text that is not part of any record.
 */
export function splitBai2Records(text: string): Bai2PhysicalRecord[] {
  const records: Bai2PhysicalRecord[] = [];
  let open: OpenRecord | null = null;
  let lastBaseCode: Bai2RecordCode | null = null;

  const finish = () => {
    if (open) records.push({ code: open.code, content: open.body, line: open.line });
    open = null;
  };

  /** Adds `chunk` to the open record; returns what follows the record's end on this line. */
  const consume = (record: OpenRecord, chunk: string, lineNo: number): string => {
    if (record.textBearing) {
      const end = TEXT_RECORD_END.exec(chunk);
      if (end) {
        record.body += chunk.slice(0, end.index);
        record.closed = true;
        return chunk.slice(end.index + end[0].length);
      }
      const trimmed = chunk.trimEnd();
      record.closed = trimmed.endsWith('/');
      record.body += record.closed ? trimmed.slice(0, -1) : chunk;
      return '';
    }
    const slash = chunk.indexOf('/');
    if (slash < 0) {
      record.body += chunk;
      return '';
    }
    record.body += chunk.slice(0, slash);
    record.closed = true;
    const rest = chunk.slice(slash + 1).trimStart();
    if (rest === '' || RECORD_START.test(rest)) return rest;
    if (record.code === '99' && BLOCK_PADDING.test(rest.trimEnd())) return '';
    throw new BankFileError(
      `line ${lineNo}: unexpected text ${preview(rest)} after the end of the ${record.code} record`,
      { line: lineNo, element: record.code },
    );
  };

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    if (BLANK.test(rawLine)) return;
    let rest = rawLine.trimStart();
    let atLineStart = true;
    while (rest !== '') {
      const start = RECORD_START.exec(rest);
      let target: OpenRecord;
      let chunk: string;
      if (start) {
        finish();
        const code = start[1] as Bai2RecordCode;
        const textBearing = code === '16' || (code === '88' && lastBaseCode === '16');
        if (code !== '88') lastBaseCode = code;
        target = { code, line: lineNo, body: '', textBearing, closed: false };
        open = target;
        chunk = rest.slice(start[0].length);
      } else {
        const current = open as OpenRecord | null;
        const continues = current !== null && (current.textBearing || !current.closed);
        if (!atLineStart || !current || !continues) {
          if (current?.code === '99' && current.closed && BLOCK_PADDING.test(rest.trimEnd())) {
            return;
          }
          throw new BankFileError(
            `line ${lineNo}: ${preview(rest)} is not a BAI2 record ` +
              '(records start with 01, 02, 03, 16, 49, 88, 98 or 99 and a comma)',
            { line: lineNo },
          );
        }
        target = current;
        // a wrapped text line: keep a word boundary; a wrapped field list continues directly
        chunk = current.textBearing ? ` ${rest}` : rest;
      }
      rest = consume(target, chunk, lineNo);
      atLineStart = false;
    }
  });
  finish();
  return records;
}

/** Attaches each 88 to the record it continues. */
export function groupBai2Records(records: Bai2PhysicalRecord[]): Bai2LogicalRecord[] {
  const logical: Bai2LogicalRecord[] = [];
  for (const record of records) {
    if (record.code === '88') {
      const previous = logical.at(-1);
      if (!previous) {
        throw new BankFileError(
          `line ${record.line}: an 88 continuation record cannot start the file`,
          { line: record.line, element: '88' },
        );
      }
      previous.segments.push(record);
      continue;
    }
    logical.push({ code: record.code, line: record.line, segments: [record] });
  }
  return logical;
}

/**
 * Reads the fields of a logical record in order across its 88 continuations; the free-text field
 * of a 16 is the raw rest of the segment it starts in, and the segments after it are text lines.
 */
export class Bai2FieldCursor {
  private readonly fields: string[][];
  private segment = 0;
  private field = 0;

  constructor(private readonly record: Bai2LogicalRecord) {
    this.fields = record.segments.map((segment) => segment.content.split(','));
  }

  /** The line of the segment the next field is read from. */
  get line(): number {
    return this.record.segments[this.segment]?.line ?? this.record.line;
  }

  /** The next field, trimmed; `undefined` when the record and its continuations are exhausted. */
  next(): string | undefined {
    while (this.segment < this.fields.length) {
      const current = this.fields[this.segment] ?? [];
      if (this.field < current.length) {
        const value = current[this.field] ?? '';
        this.field += 1;
        return value.trim();
      }
      this.segment += 1;
      this.field = 0;
    }
    return undefined;
  }

  /**
   * The free-text field and the continuation lines after it: the raw rest of the current segment
   * (commas kept), then each following segment's whole content.
   */
  text(): { text: string; continuation: string[] } {
    const current = this.fields[this.segment];
    const text = current && this.field < current.length ? current.slice(this.field).join(',') : '';
    const continuation = this.record.segments.slice(this.segment + 1).map((s) => s.content);
    this.segment = this.fields.length;
    return { text: text.trim(), continuation: continuation.map((line) => line.trim()) };
  }
}
