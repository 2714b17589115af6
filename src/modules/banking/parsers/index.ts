/**
 * Bank files in, {@link ParsedBankFile} out: decoding, format detection and dispatch to the
 * parser of each format. What the rest of Dunwell imports from the parsers.
 */
import { assert } from '../../../shared/assert.ts';
import { isPackedBankFile, unpackBankFile } from './archive.ts';
import { parseBai2 } from './bai2.ts';
import { parseCamt } from './camt.ts';
import {
  parseCsvStatement,
  type CsvStatementMapping,
  type CsvStatementOptions,
} from './csv-statement.ts';
import { parseLockbox, type LockboxOptions } from './lockbox.ts';
import { parseMt940 } from './mt940.ts';
import {
  BankFileError,
  type BankFileFormat,
  type ParsedBankFile,
  type ParsedStatement,
} from './statement.ts';

export {
  MAX_ARCHIVE_FILES,
  MAX_UNPACKED_BYTES,
  unpackBankFile,
  type BankFilePart,
} from './archive.ts';
export { balanceProblem } from './balance-check.ts';
export { parseBai2 } from './bai2.ts';
export {
  csvStatementMappingSchema,
  parseCsvStatement,
  type CsvStatementMapping,
  type CsvStatementOptions,
} from './csv-statement.ts';
export {
  DEFAULT_LOCKBOX_COLUMNS,
  lockboxMappingSchema,
  parseLockbox,
  parseLockboxRemittances,
  type LockboxColumns,
  type LockboxMapping,
  type LockboxOptions,
  type LockboxRemittance,
  type LockboxRemittanceLine,
} from './lockbox.ts';
export * from './statement.ts';

export const UNKNOWN_BANK_FILE_MESSAGE =
  'the file is not a bank statement Dunwell knows: camt.052/053/054, MT940/MT942, BAI2 ' +
  '(also inside a ZIP archive or a gzip file); CSV files need a saved column mapping';

/** Detection reads no further than this: every format names itself near the start. */
const DETECTION_WINDOW_CHARS = 64 * 1024;

const CAMT_NAMESPACE = /urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.[0-9]{2}/;
const CAMT_ROOTS: [RegExp, BankFileFormat][] = [
  [/<(?:[\w.-]+:)?BkToCstmrAcctRpt[\s>]/, 'camt.052'],
  [/<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/, 'camt.053'],
  [/<(?:[\w.-]+:)?BkToCstmrDbtCdtNtfctn[\s>]/, 'camt.054'],
];

/** Windows-1252 at 0x80–0x9F, in byte order; its five undefined bytes stay C1 controls. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function startsWith(bytes: Buffer, ...prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * Bytes → text: a UTF-8 BOM is dropped, a UTF-16 LE/BE BOM (or the zero bytes of BOM-less
 * UTF-16 text) selects UTF-16, valid UTF-8 is UTF-8, and anything else is read as Latin-1 (in its
 * Windows-1252 form, which banks' "ANSI" exports are).
 */
export function decodeBankFile(bytes: Buffer): string {
  if (startsWith(bytes, 0xff, 0xfe)) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, 0xfe, 0xff)) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const [b0, b1, b2, b3] = bytes;
  if (bytes.length >= 4 && b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) {
    return new TextDecoder('utf-16le').decode(bytes);
  }
  if (bytes.length >= 4 && b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) {
    return new TextDecoder('utf-16be').decode(bytes);
  }
  const body = startsWith(bytes, 0xef, 0xbb, 0xbf) ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    // Node's decoder gives C1 controls for 0x80–0x9F, where banks' "ANSI" files mean Windows-1252
    return body
      .toString('latin1')
      .replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
  }
}

function detectText(text: string, fileName?: string): BankFileFormat | null {
  const head = text
    .slice(0, DETECTION_WINDOW_CHARS)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<')) {
    const namespace = CAMT_NAMESPACE.exec(head);
    if (namespace) return `camt.${namespace[1]}` as BankFileFormat;
    for (const [root, format] of CAMT_ROOTS) if (root.test(head)) return format;
    // a Document without the camt namespace: trust a file name that says which message it is
    const named = fileName ? /camt[._-]?(05[234])/i.exec(fileName) : null;
    if (named && /<(?:[\w.-]+:)?Document[\s>]/.test(head))
      return `camt.${named[1]}` as BankFileFormat;
    return null;
  }
  if (head.startsWith('01,')) return 'bai2';
  const swiftBlock = /^\s*\{1:/m.test(head);
  const reference = /^\s*:20:/m.test(head);
  const account = /^\s*:25[A-Z]?:/m.test(head);
  const statementNumber = /^\s*:28C?:/m.test(head);
  if ((swiftBlock || reference) && account && statementNumber) return 'mt940';
  return null;
}

/**
 * Names the format of a bank file from its content: camt.052/053/054 by namespace or root
 * element, MT940 by its `:20:`/`{1:` with `:25:` and `:28C:` (the MT940 parser tells MT942 apart),
 * BAI2 by its first record `01,`. CSV and lockbox files are never guessed: null.
 */
export function detectBankFormat(bytes: Buffer, fileName?: string): BankFileFormat | null {
  // a window of bytes is enough; UTF-16 needs twice as many bytes per character
  return detectText(decodeBankFile(bytes.subarray(0, DETECTION_WINDOW_CHARS * 2)), fileName);
}

export type ParseBankFileOptions = {
  /** used to recognise a camt Document that lacks its namespace */
  fileName?: string;
  /** the file is a CSV statement read with this saved mapping */
  csv?: CsvStatementOptions & { mapping: CsvStatementMapping };
  /** the file is a lockbox CSV */
  lockbox?: LockboxOptions;
};

/**
 * Decodes and parses a bank file. With `csv` or `lockbox` options the file is read as that
 * (CSV cannot be recognised from its content); otherwise its format is detected. A ZIP archive
 * or a gzip file is unpacked first and each file inside read as above (the same options for
 * every one): the result holds the statements of them all, in file-name order, each with the
 * name of the file it came from, and has the first file's format.
 * @throws BankFileError for an unknown format or a file its parser cannot read; inside an
 * archive the message starts with the name of the file at fault.
 */
export function parseBankFile(bytes: Buffer, options: ParseBankFileOptions = {}): ParsedBankFile {
  assert(
    !(options.csv && options.lockbox),
    'parseBankFile takes a csv or a lockbox mapping, not both',
  );
  if (!isPackedBankFile(bytes)) return parseUnpacked(bytes, options);
  const parts = unpackBankFile(bytes, options.fileName);
  let format: BankFileFormat | undefined;
  const statements: ParsedStatement[] = [];
  for (const part of parts) {
    let parsed: ParsedBankFile;
    try {
      parsed = parseUnpacked(part.bytes, { ...options, fileName: part.name });
    } catch (error) {
      if (!(error instanceof BankFileError) || !part.member) throw error;
      throw new BankFileError(`${part.name}: ${error.message}`, {
        line: error.line,
        element: error.element,
      });
    }
    format ??= parsed.format;
    for (const statement of parsed.statements) {
      const sourceFile = options.fileName ? `${options.fileName}/${part.name}` : part.name;
      statements.push(part.member ? { ...statement, sourceFile } : statement);
    }
  }
  return { format: format!, statements };
}

/** One bank file, not packed. */
function parseUnpacked(bytes: Buffer, options: ParseBankFileOptions): ParsedBankFile {
  const text = decodeBankFile(bytes);
  if (options.csv) {
    const { mapping, ...statement } = options.csv;
    return parseCsvStatement(text, mapping, statement);
  }
  if (options.lockbox) return parseLockbox(text, options.lockbox);
  const format = detectText(text, options.fileName);
  switch (format) {
    case 'camt.052':
    case 'camt.053':
    case 'camt.054':
      return parseCamt(text);
    case 'mt940':
    case 'mt942':
      return parseMt940(text);
    case 'bai2':
      return parseBai2(text);
    default:
      throw new BankFileError(UNKNOWN_BANK_FILE_MESSAGE);
  }
}
