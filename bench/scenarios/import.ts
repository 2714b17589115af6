import { generateCustomer, Random } from '../../src/modules/demo/index.ts';

/**
 * CSV files for the customer import benchmark, built in memory from the demo generator: the same
 * seed and row count give the same bytes. Both shapes draw the same customers (the generator's
 * random draws do not depend on which columns are written), so "heavy" differs from "customer
 * columns" only by its extra columns.
 */

export type CsvShape = 'customer' | 'heavy';

export type ImportCsvOptions = {
  rows: number;
  seed: number;
  shape: CsvShape;
  /** heavy: collector e-mail addresses, one picked per row by the generator */
  collectorEmails?: readonly string[];
  /** appended to every name, to turn a re-import into one update per row */
  renameSuffix?: string;
};

const CUSTOMER_COLUMNS = [
  'accountNumber',
  'name',
  'legalName',
  'currency',
  'creditLimit',
  'paymentTerms',
  'riskClass',
  'status',
  'externalId',
] as const;
/** Header names as in the import template (`customerTemplateCsv`). */
const HEAVY_COLUMNS = [
  ...CUSTOMER_COLUMNS,
  'collectorEmail',
  'parentAccountNumber',
  'contactName',
  'contactEmail',
  'contactPhone',
  'contactTitle',
  'addressLine1',
  'city',
  'region',
  'postalCode',
  'country',
] as const;
type Column = (typeof HEAVY_COLUMNS)[number];

export type ImportCsv = {
  bytes: Buffer;
  rows: number;
  columns: number;
  /** heavy: rows naming a parent account (an earlier row of the file) */
  rowsWithParent: number;
};

export function customerCsv(options: ImportCsvOptions): ImportCsv {
  const columns: readonly Column[] = options.shape === 'heavy' ? HEAVY_COLUMNS : CUSTOMER_COLUMNS;
  const collectors = options.collectorEmails ?? [];
  if (options.shape === 'heavy' && collectors.length === 0)
    throw new Error('heavy rows need at least one collector e-mail');
  const rng = new Random(options.seed);
  const accountNumbers: string[] = [];
  const lines = [columns.join(',')];
  let rowsWithParent = 0;
  for (let index = 0; index < options.rows; index++) {
    const c = generateCustomer(rng, index, {
      collectors: Math.max(1, collectors.length),
      salesReps: 1,
    });
    accountNumbers.push(c.accountNumber);
    const contact = c.contacts[0];
    const parent = c.parentIndex === null ? '' : (accountNumbers[c.parentIndex] ?? '');
    if (parent) rowsWithParent++;
    const cells: Record<Column, string> = {
      accountNumber: c.accountNumber,
      name: c.name + (options.renameSuffix ?? ''),
      legalName: c.legalName,
      currency: c.currency,
      creditLimit: decimal(c.creditLimitMinor),
      paymentTerms: c.paymentTerms,
      riskClass: c.riskClass,
      status: c.status,
      externalId: c.externalId,
      collectorEmail: collectors[c.collectorIndex] ?? '',
      parentAccountNumber: parent,
      contactName: contact?.name ?? '',
      contactEmail: contact?.email ?? '',
      contactPhone: contact?.phone ?? '',
      contactTitle: contact?.title ?? '',
      addressLine1: c.address.line1,
      city: c.address.city,
      region: c.address.region,
      postalCode: c.address.postalCode,
      country: c.address.country,
    };
    lines.push(columns.map((column) => csvCell(cells[column])).join(','));
  }
  return {
    bytes: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'),
    rows: options.rows,
    columns: columns.length,
    rowsWithParent,
  };
}

/** Minor units (both generated currencies have 2 decimals) as "12500.00". */
function decimal(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
