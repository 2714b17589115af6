import ExcelJS from 'exceljs';

/**
 * XLSX cells → the text a person sees, exactly. Numbers never pass through a float format:
 * they are cut to the 15 significant digits Excel itself keeps (so a formula's 0.1 + 0.2 is
 * "0.3", not "0.30000000000000004") and written without exponent; they are never rounded to
 * the display format, so 12.345 shown as "12.35" is imported as "12.345" and an amount column
 * then reports it rather than silently changing money. Integers formatted with leading zeros
 * ("00042") keep them, as account numbers need. Dates become YYYY-MM-DD.
 */

export type SheetRecord = { line: number; cells: string[] };

/** A cell whose text cannot be read exactly: the import refuses the file rather than guess. */
export type CellProblem = { line: number; message: string };

/**
 * The first worksheet's non-empty rows, with their sheet row numbers as line numbers, and the
 * cells that cannot be read exactly (a formula saved without its result, a number too long to
 * be stored exactly), each named by line and column header.
 */
export async function readXlsxRecords(
  bytes: Buffer,
): Promise<{ records: SheetRecord[]; problems: CellProblem[] }> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type (an ArrayBuffer); hand it an exact copy of the bytes
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { records: [], problems: [] };
  const records: SheetRecord[] = [];
  const problems: CellProblem[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      cells.push(
        cellText(cell.value, cell.numFmt, (message) => {
          const header = records[0]?.cells[c - 1] || `column ${c}`;
          problems.push({ line: rowNumber, message: `Column "${header}": ${message}` });
        }),
      );
    }
    records.push({ line: rowNumber, cells });
  });
  return { records, problems };
}

export function cellText(
  value: ExcelJS.CellValue | undefined,
  numFmt?: string,
  onProblem: (message: string) => void = () => {},
): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value, numFmt, onProblem);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value)
    return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) {
    if (value.result === undefined || value.result === null) {
      onProblem('a formula saved without its calculated value; open and save the file in Excel');
      return '';
    }
    return cellText(value.result as ExcelJS.CellValue, numFmt, onProblem);
  }
  if ('error' in value) return value.error;
  return '';
}

/** Calendar date of an Excel date cell (stored as UTC midnight; rounded to absorb float ms). */
function dateText(value: Date): string {
  const millis = value.getTime();
  if (Number.isNaN(millis)) return '';
  return new Date(Math.round(millis / 60_000) * 60_000).toISOString().slice(0, 10);
}

export function numberText(
  value: number,
  numFmt?: string,
  onProblem: (message: string) => void = () => {},
): string {
  if (!Number.isFinite(value)) return '';
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    // Excel keeps 15 significant digits: a long id stored as a number has lost its tail
    onProblem(
      `the number ${value.toPrecision(15)} has too many digits to be exact; store the column as text`,
    );
  }
  if (Number.isSafeInteger(value)) {
    const digits = BigInt(value).toString();
    const zeros = numFmt && /^0+$/.test(numFmt) ? numFmt.length : 0;
    return value < 0 ? digits : digits.padStart(zeros, '0');
  }
  return plainDecimal(value.toPrecision(15));
}

/** "1.50000000000000e-7" → "0.00000015"; "-12.3400000000000" → "-12.34". */
export function plainDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return out === '0' ? '0' : sign + out;
}
