/**
 * The columns an open-items (opening balances) import understands, the header names an ERP's
 * aged-receivables export uses for each, and the mapping of a file's header row onto them.
 * Header names match ignoring case, spaces and punctuation, as for customers: "Invoice No.",
 * "invoice_number" and "INVOICE NUMBER" are one.
 */
import { IGNORE, normalizeHeader, type HeaderProblem } from './customer-columns.ts';

export const OPEN_ITEM_FIELDS = [
  'documentType',
  'number',
  'customerAccount',
  'customerExternalId',
  'customerName',
  'issueDate',
  'dueDate',
  'openAmount',
  'originalAmount',
  'currency',
  'paymentTerms',
  'poNumber',
  'externalId',
  'memo',
] as const;
export type OpenItemField = (typeof OPEN_ITEM_FIELDS)[number];

const ALIASES: Record<OpenItemField, readonly string[]> = {
  documentType: [
    'doc type',
    'document type',
    'type',
    'kind',
    'transaction type',
    'trans type',
    'trx type',
    'doc kind',
  ],
  number: [
    'invoice number',
    'invoice no',
    'invoice num',
    'invoice nr',
    'invoice #',
    'invoice',
    'document number',
    'document no',
    'doc number',
    'doc no',
    'doc #',
    'number',
    'no',
    'transaction number',
    'reference number',
  ],
  customerAccount: [
    'customer account',
    'customer account number',
    'customer account no',
    'account number',
    'account no',
    'account',
    'acct no',
    'customer number',
    'customer no',
    'customer num',
    'cust no',
    'cust account',
    'customer id',
    'customer code',
  ],
  customerExternalId: ['customer external id', 'customer erp id', 'customer ext id'],
  customerName: ['customer name', 'name', 'customer'],
  issueDate: [
    'invoice date',
    'issue date',
    'document date',
    'doc date',
    'date',
    'posting date',
    'transaction date',
  ],
  dueDate: ['due date', 'due', 'net due date', 'payment due date', 'due on'],
  openAmount: [
    'open amount',
    'open balance',
    'balance',
    'balance due',
    'amount open',
    'amount due',
    'amount remaining',
    'remaining amount',
    'outstanding',
    'amount outstanding',
    'outstanding amount',
    'open',
  ],
  originalAmount: [
    'original amount',
    'original',
    'amount',
    'invoice amount',
    'invoice total',
    'document amount',
    'document total',
    'total',
    'gross amount',
  ],
  currency: ['currency', 'currency code', 'ccy', 'cur'],
  paymentTerms: ['payment terms', 'terms', 'terms code', 'payment terms code'],
  poNumber: [
    'po',
    'po number',
    'po no',
    'po #',
    'purchase order',
    'purchase order number',
    'customer po',
  ],
  externalId: [
    'external id',
    'ext id',
    'erp id',
    'external reference',
    'document id',
    'transaction id',
  ],
  memo: ['memo', 'note', 'notes', 'description', 'comment', 'comments'],
};

const BY_ALIAS: ReadonlyMap<string, OpenItemField> = new Map(
  OPEN_ITEM_FIELDS.flatMap((field) =>
    [field, ...ALIASES[field]].map((alias) => [normalizeHeader(alias), field] as const),
  ),
);

/** The field a header (or a mapping target) names, if any. */
export function openItemFieldForHeader(header: string): OpenItemField | undefined {
  return BY_ALIAS.get(normalizeHeader(header));
}

export type OpenItemColumnMap = {
  /** For each field the file provides: the header it comes from. */
  readonly headerOf: ReadonlyMap<OpenItemField, string>;
  readonly problems: readonly HeaderProblem[];
};

/** Maps a header row onto fields; every problem is reported (at line 1 by the caller). */
export function mapOpenItemColumns(
  headers: readonly string[],
  mapping: Readonly<Record<string, string>> = {},
): OpenItemColumnMap {
  const problems: HeaderProblem[] = [];
  const explicit = explicitMapping(headers, mapping, problems);
  const headerOf = new Map<OpenItemField, string>();
  for (const header of headers) {
    const target = explicit.has(header) ? explicit.get(header) : openItemFieldForHeader(header);
    if (target === IGNORE) continue;
    if (target === undefined) {
      problems.push({
        field: header,
        message: `Unknown column "${header}"; rename it, or map it to a field or to "ignore"`,
      });
      continue;
    }
    const previous = headerOf.get(target);
    if (previous !== undefined) {
      problems.push({
        field: header,
        message: `Columns "${previous}" and "${header}" both give ${target}; keep one or map the other to "ignore"`,
      });
      continue;
    }
    headerOf.set(target, header);
  }
  const requireOne = (fields: readonly OpenItemField[], why: string) => {
    if (!fields.some((f) => headerOf.has(f)))
      problems.push({
        field: null,
        message: `Required column ${fields.join(' or ')} is missing (${why})`,
      });
  };
  requireOne(['customerAccount', 'customerExternalId'], "the customer's account number");
  requireOne(['issueDate'], 'the date the document was issued');
  requireOne(['openAmount'], 'the amount still open');
  requireOne(['number', 'externalId'], 'so that importing the file again finds the same items');
  return { headerOf, problems };
}

/** Mapping keys match a header exactly, else ignoring case and punctuation. */
function explicitMapping(
  headers: readonly string[],
  mapping: Readonly<Record<string, string>>,
  problems: HeaderProblem[],
) {
  const result = new Map<string, OpenItemField | typeof IGNORE>();
  for (const [from, to] of Object.entries(mapping)) {
    const header = headers.includes(from)
      ? from
      : headers.find((h) => normalizeHeader(h) === normalizeHeader(from));
    if (header === undefined) {
      problems.push({
        field: null,
        message: `The mapping names column "${from}", which is not in the header row`,
      });
      continue;
    }
    const target = normalizeHeader(to) === IGNORE ? IGNORE : openItemFieldForHeader(to);
    if (target === undefined) {
      problems.push({
        field: header,
        message: `The mapping sends "${header}" to "${to}", which is not a field (${OPEN_ITEM_FIELDS.join(', ')} or ignore)`,
      });
      continue;
    }
    result.set(header, target);
  }
  return result;
}

/** Header names of the template file and two example rows (an invoice and a credit memo). */
const TEMPLATE: ReadonlyArray<readonly [string, string, string]> = [
  ['documentType', 'invoice', 'credit memo'],
  ['number', 'INV-88121', 'CM-4410'],
  ['customerAccount', 'C-10001', 'C-10001'],
  ['issueDate', '2026-05-14', '2026-06-02'],
  ['dueDate', '2026-06-13', ''],
  ['openAmount', '1200.00', '150.00'],
  ['originalAmount', '1850.00', '150.00'],
  ['currency', 'USD', 'USD'],
  ['paymentTerms', 'NET30', ''],
  ['poNumber', 'PO-5521', ''],
  ['externalId', 'ERP-AR-88121', 'ERP-AR-4410'],
  ['memo', '', 'Returned pallets'],
];

export function openItemTemplateCsv(): string {
  const line = (cells: readonly string[]) => cells.map(csvCell).join(',');
  return [
    line(TEMPLATE.map(([h]) => h)),
    line(TEMPLATE.map(([, v]) => v)),
    line(TEMPLATE.map(([, , v]) => v)),
  ]
    .map((l) => `${l}\r\n`)
    .join('');
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
