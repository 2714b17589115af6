import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import {
  CUSTOMER_IMPORT_FIELDS,
  customerTemplateCsv,
  fieldForHeader,
  mapColumns,
  normalizeHeader,
} from './customer-columns.ts';
import { detectDelimiter, detectFormat, parseCsv, parseImportFile } from './import-parsers.ts';
import { cellText, numberText, plainDecimal } from './xlsx-cells.ts';

const csv = (text: string, maxRows = 100) => parseCsv(Buffer.from(text, 'utf8'), maxRows);
const lines = (text: string) => csv(text).rows.map((r) => r.line);

describe('parseCsv', () => {
  it('reports the line where a record starts, counting the header as line 1', () => {
    expect(lines('a,b\n1,2\n3,4\n')).toEqual([2, 3]);
    expect(lines('a,b\n1,"x\ny"\n3,4')).toEqual([2, 4]);
    expect(lines('a,b\r\n1,"x\r\ny\r\nz"\r\n3,4\r\n')).toEqual([2, 5]);
    expect(lines('a,b\r1,2\r3,4')).toEqual([2, 3]);
  });

  it('skips blank rows but keeps counting their lines', () => {
    expect(lines('a,b\n\n1,2\n , \n\n3,4\n\n')).toEqual([3, 6]);
  });

  it('strips a UTF-8 byte-order mark and keys values by header', () => {
    const sheet = csv('\uFEFFName,Currency\nAcme,USD\n');
    expect(sheet.headers).toEqual(['Name', 'Currency']);
    expect(sheet.rows[0]?.values).toEqual({ Name: 'Acme', Currency: 'USD' });
  });

  it.each([
    ['a,b;c\n', ','],
    ['a;b;c\n1,5;2\n', ';'],
    ['a\tb\tc\n', '\t'],
    ['"x;y;z",b\n', ','],
    ['single\n', ','],
  ])('detects the delimiter of %j', (text, delimiter) => {
    expect(detectDelimiter(Buffer.from(text))).toBe(delimiter);
  });

  it('reads semicolon and tab files with quoted delimiters', () => {
    expect(csv('a;b\n"1;5";2\n').rows[0]?.values).toEqual({ a: '1;5', b: '2' });
    expect(csv('a\tb\n"x\ty"\t2\n').rows[0]?.values).toEqual({ a: 'x\ty', b: '2' });
  });

  it('counts non-blank cells beyond the header and fills missing ones with ""', () => {
    const sheet = csv('a,b\n1\n1,2,3,\n');
    expect(sheet.rows.map((r) => [r.values, r.extraCells])).toEqual([
      [{ a: '1', b: '' }, 0],
      [{ a: '1', b: '2' }, 1],
    ]);
  });

  it('drops unnamed empty columns and refuses unnamed columns with data', () => {
    expect(csv('a,,b,\n1,,2,\n').headers).toEqual(['a', 'b']);
    expect(csv('a,,b\n1,,2\n3,x,4\n').problems).toEqual([
      { line: 1, message: expect.stringContaining('Column 2 (B) has no header name') },
    ]);
  });

  it('names the line of an unclosed quote and of invalid UTF-8', () => {
    expect(csv('a,b\n1,2\n3,"open\n4,5\n').problems).toEqual([
      { line: 3, message: expect.stringContaining('never closed') },
    ]);
    const latin1 = Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from('Caf\xe9,3\n', 'latin1')]);
    expect(parseCsv(latin1, 10).problems).toEqual([
      { line: 3, message: expect.stringContaining('not UTF-8') },
    ]);
  });

  it('reads UTF-16 text with a byte-order mark', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('a\tb\r\nü\t2\r\n', 'utf16le'),
    ]);
    expect(parseCsv(utf16, 10).rows).toEqual([
      { line: 2, values: { a: 'ü', b: '2' }, extraCells: 0 },
    ]);
  });

  it('refuses more data rows than the limit, naming the first line beyond it', () => {
    expect(csv('a\n1\n2\n\n3\n', 2).problems).toEqual([
      { line: 5, message: expect.stringContaining('more than 2 data rows') },
    ]);
    expect(csv('a\n1\n2\n\n', 2).problems).toEqual([]);
  });

  it('needs a header on line 1', () => {
    expect(csv('\na,b\n1,2\n').problems).toEqual([
      { line: 1, message: expect.stringContaining('header') },
    ]);
  });
});

describe('detectFormat', () => {
  it('tells XLSX, CSV and unsupported files apart by content', () => {
    expect(detectFormat(Buffer.from('a,b\n'))).toBe('csv');
    expect(detectFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('xlsx');
    for (const bytes of [
      Buffer.from('%PDF-1.7\n'),
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.from([1, 0, 2, 3]),
    ]) {
      expect(() => detectFormat(bytes)).toThrow(
        expect.objectContaining({ status: 415, code: 'unsupported_file_type' }),
      );
    }
    expect(() => detectFormat(Buffer.alloc(0))).toThrow(AppError);
  });

  it('refuses a ZIP archive that is not a workbook', async () => {
    const zip = Buffer.from(
      '504b0304140000000000000000000000000000000000000000000000000000',
      'hex',
    );
    await expect(parseImportFile(zip, { maxRows: 10, filename: 'x.xlsx' })).rejects.toMatchObject({
      status: 415,
    });
  });
});

describe('XLSX cells', () => {
  it.each([
    [0.1 + 0.2, '0.3'],
    [12500.5, '12500.5'],
    [1234.56, '1234.56'],
    [-0.07, '-0.07'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [12.345, '12.345'],
    [100, '100'],
    [Number.NaN, ''],
  ])('writes the number %d as %j', (value, text) => {
    expect(numberText(value)).toBe(text);
  });

  it('keeps leading zeros of a zero-padded format and never rounds to the display format', () => {
    expect(numberText(42, '00000')).toBe('00042');
    expect(numberText(12.345, '0.00')).toBe('12.345');
    expect(plainDecimal('-1.20000000000000e+2')).toBe('-120');
  });

  it('reads rich text, hyperlinks, formulas, booleans, errors and dates', () => {
    expect(cellText({ richText: [{ text: 'Ac' }, { text: 'me' }] })).toBe('Acme');
    expect(cellText({ text: 'a@b.example', hyperlink: 'mailto:a@b.example' })).toBe('a@b.example');
    expect(cellText({ formula: 'A1+A2', result: 0.30000000000000004 })).toBe('0.3');
    expect(cellText(true)).toBe('true');
    expect(cellText({ error: '#N/A' })).toBe('#N/A');
    expect(cellText(new Date(Date.UTC(2026, 2, 31)))).toBe('2026-03-31');
  });

  it('reads the first worksheet with sheet row numbers as lines', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Customers');
    workbook.addWorksheet('Other').addRow(['ignored']);
    sheet.addRow(['Account', 'Limit', 'Since']);
    sheet.addRow([7, 0.1 + 0.2, new Date(Date.UTC(2025, 0, 2))]);
    sheet.getCell('A2').numFmt = '0000';
    sheet.addRow([]);
    sheet.addRow(['X-1', { formula: 'B2*2', result: 0.6000000000000001 }, null]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const parsed = await parseImportFile(bytes, { maxRows: 10 });
    expect(parsed.format).toBe('xlsx');
    expect(parsed.rows).toEqual([
      { line: 2, values: { Account: '0007', Limit: '0.3', Since: '2025-01-02' }, extraCells: 0 },
      { line: 4, values: { Account: 'X-1', Limit: '0.6', Since: '' }, extraCells: 0 },
    ]);
  });
});

describe('cells that cannot be read exactly', () => {
  it('refuses a formula without its saved result and a number too long to be exact, naming line and column', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Customers');
    sheet.addRow(['accountNumber', 'creditLimit', 'externalId']);
    sheet.addRow(['A-1', { formula: '1000*2' }, 'ERP-1']);
    sheet.addRow(['A-2', '5.00', 123456789012345678]);
    sheet.addRow(['A-3', '5.00', 12345]);
    const parsed = await parseImportFile(Buffer.from(await workbook.xlsx.writeBuffer()), {
      maxRows: 10,
    });
    expect(parsed.problems).toEqual([
      {
        line: 2,
        message: expect.stringMatching(
          /^Column "creditLimit": a formula saved without its calculated value/,
        ),
      },
      {
        line: 3,
        message: expect.stringMatching(
          /^Column "externalId": the number 1\.23456789012346e\+17 has too many digits/,
        ),
      },
    ]);
  });

  it('reads a quote inside an unquoted CSV field as text, as Excel writes it', () => {
    const parsed = parseCsv(Buffer.from('accountNumber,name\nA-1,12" Pipe Co\n'), 10);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows[0]!.values).toEqual({ accountNumber: 'A-1', name: '12" Pipe Co' });
  });
});

describe('mapColumns', () => {
  it('matches headers ignoring case, spaces, underscores and punctuation, with aliases', () => {
    expect(
      ['Account No.', 'account_number', 'Customer Number', 'ACCOUNT NUMBER'].map(fieldForHeader),
    ).toEqual(Array(4).fill('accountNumber'));
    expect(
      [
        'display name',
        'Payment Terms',
        'State',
        'ZIP',
        'collectorEmail',
        'parentAccountNumber',
      ].map(fieldForHeader),
    ).toEqual(['name', 'paymentTerms', 'region', 'postalCode', 'collector', 'parentAccount']);
  });

  it('gives every alias to exactly one field', () => {
    const names = CUSTOMER_IMPORT_FIELDS.map((f) => normalizeHeader(f));
    expect(new Set(names).size).toBe(names.length);
    for (const field of CUSTOMER_IMPORT_FIELDS) expect(fieldForHeader(field)).toBe(field);
  });

  it('reports unknown, doubled and missing required columns', () => {
    const { problems } = mapColumns(['Account', 'Name', 'Shoe Size', 'Customer Name']);
    expect(problems).toEqual([
      { field: 'Shoe Size', message: expect.stringContaining('Unknown column "Shoe Size"') },
      { field: 'Customer Name', message: expect.stringContaining('both give name') },
      { field: null, message: expect.stringContaining('currency') },
      { field: null, message: expect.stringContaining('paymentTerms') },
    ]);
  });

  it('follows an explicit mapping, including "ignore", and lets defaults stand in for columns', () => {
    const map = mapColumns(['Kundennummer', 'Firma', 'Notiz'], {
      mapping: { kundennummer: 'accountNumber', Firma: 'name', Notiz: 'ignore' },
      defaulted: new Set(['currency', 'paymentTerms']),
    });
    expect(map.problems).toEqual([]);
    expect([...map.headerOf]).toEqual([
      ['accountNumber', 'Kundennummer'],
      ['name', 'Firma'],
    ]);
    expect(
      mapColumns(['a'], { mapping: { a: 'shoeSize', b: 'name' } }).problems.slice(0, 2),
    ).toEqual([
      { field: 'a', message: expect.stringContaining('not a field') },
      { field: null, message: expect.stringContaining('"b", which is not in the header row') },
    ]);
  });

  it('accepts its own template', () => {
    const [header] = customerTemplateCsv().split('\r\n');
    expect(mapColumns(header!.split(',')).problems).toEqual([]);
  });
});
