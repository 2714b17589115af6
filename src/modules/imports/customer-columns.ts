/**
 * The columns a customer import understands, the header names accepted for each, and the
 * mapping of a file's header row onto them. Header names match ignoring case, spaces,
 * underscores and punctuation: "Account No.", "account_number" and "ACCOUNT NUMBER" are one.
 */

export const CUSTOMER_IMPORT_FIELDS = [
  'accountNumber',
  'name',
  'legalName',
  'currency',
  'creditLimit',
  'paymentTerms',
  'riskClass',
  'status',
  'statusReason',
  'collector',
  'salesRep',
  'parentAccount',
  'externalId',
  'contactName',
  'contactEmail',
  'contactPhone',
  'contactTitle',
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'country',
] as const;
export type CustomerImportField = (typeof CUSTOMER_IMPORT_FIELDS)[number];
/** What a column may be mapped to explicitly: a field, or `ignore` to skip the column. */
export const IGNORE = 'ignore';

const ALIASES: Record<CustomerImportField, readonly string[]> = {
  accountNumber: [
    'account number',
    'account no',
    'account num',
    'account nr',
    'account',
    'acct no',
    'acct number',
    'customer number',
    'customer no',
    'customer num',
    'cust no',
  ],
  name: ['name', 'customer name', 'display name', 'customer', 'company', 'company name'],
  legalName: ['legal name', 'legal entity', 'legal entity name', 'registered name'],
  currency: ['currency', 'currency code', 'ccy'],
  creditLimit: ['credit limit', 'limit'],
  paymentTerms: ['payment terms', 'terms', 'terms code', 'payment terms code'],
  riskClass: ['risk class', 'risk', 'risk rating', 'risk category'],
  status: ['status', 'account status', 'credit status'],
  statusReason: ['status reason'],
  collector: ['collector', 'collector email', 'collector name', 'assigned collector'],
  salesRep: [
    'sales rep',
    'sales rep email',
    'sales rep name',
    'sales representative',
    'salesperson',
    'account manager',
  ],
  parentAccount: [
    'parent account',
    'parent account number',
    'parent account no',
    'parent',
    'parent customer',
    'parent number',
  ],
  externalId: ['external id', 'external reference', 'ext id', 'erp id'],
  contactName: ['contact name', 'contact'],
  contactEmail: ['contact email', 'email', 'e-mail', 'email address'],
  contactPhone: ['contact phone', 'phone', 'telephone', 'phone number'],
  contactTitle: ['contact title', 'title', 'job title'],
  addressLine1: ['address line 1', 'address 1', 'address', 'street', 'street address'],
  addressLine2: ['address line 2', 'address 2'],
  city: ['city', 'town'],
  region: ['region', 'state', 'province', 'state province'],
  postalCode: ['postal code', 'zip', 'zip code', 'postcode'],
  country: ['country', 'country code'],
};

/** Lower case, letters and digits only. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const BY_ALIAS: ReadonlyMap<string, CustomerImportField> = new Map(
  CUSTOMER_IMPORT_FIELDS.flatMap((field) =>
    [field, ...ALIASES[field]].map((alias) => [normalizeHeader(alias), field] as const),
  ),
);

/** The field a header (or a mapping target) names, if any. */
export function fieldForHeader(header: string): CustomerImportField | undefined {
  return BY_ALIAS.get(normalizeHeader(header));
}

export type HeaderProblem = { field: string | null; message: string };
export type ColumnMap = {
  /** For each field the file provides: the header it comes from. */
  readonly headerOf: ReadonlyMap<CustomerImportField, string>;
  readonly problems: readonly HeaderProblem[];
};
export type MapOptions = {
  /** File header → field name (or `ignore`); wins over the automatic match. */
  mapping?: Readonly<Record<string, string>> | undefined;
  /** Required columns that may be absent because a default value was given. */
  defaulted?: ReadonlySet<CustomerImportField>;
};

const REQUIRED: readonly CustomerImportField[] = [
  'accountNumber',
  'name',
  'currency',
  'paymentTerms',
];
const CONTACT_FIELDS: readonly CustomerImportField[] = [
  'contactName',
  'contactEmail',
  'contactPhone',
  'contactTitle',
];
const ADDRESS_FIELDS: readonly CustomerImportField[] = [
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'country',
];

/** Maps a header row onto fields; every problem is reported (at line 1 by the caller). */
export function mapColumns(headers: readonly string[], options: MapOptions = {}): ColumnMap {
  const problems: HeaderProblem[] = [];
  const explicit = explicitMapping(headers, options.mapping ?? {}, problems);
  const headerOf = new Map<CustomerImportField, string>();
  for (const header of headers) {
    const target = explicit.has(header) ? explicit.get(header) : fieldForHeader(header);
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
  const needs = (
    group: readonly CustomerImportField[],
    required: readonly CustomerImportField[],
    what: string,
  ) => {
    if (!group.some((f) => headerOf.has(f))) return;
    const missing = required.filter((f) => !headerOf.has(f));
    if (missing.length)
      problems.push({
        field: null,
        message: `${what} columns need the column(s) ${missing.join(', ')} as well`,
      });
  };
  needs(CONTACT_FIELDS, ['contactName'], 'Contact');
  needs(ADDRESS_FIELDS, ['addressLine1', 'city', 'country'], 'Address');
  for (const field of REQUIRED) {
    if (headerOf.has(field) || options.defaulted?.has(field)) continue;
    const hint =
      field === 'currency'
        ? ' (or send defaultCurrency)'
        : field === 'paymentTerms'
          ? ' (or send defaultTerms)'
          : '';
    problems.push({ field: null, message: `Required column ${field} is missing${hint}` });
  }
  return { headerOf, problems };
}

/** Mapping keys match a header exactly, else ignoring case and punctuation. */
function explicitMapping(
  headers: readonly string[],
  mapping: Readonly<Record<string, string>>,
  problems: HeaderProblem[],
) {
  const result = new Map<string, CustomerImportField | typeof IGNORE>();
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
    const target = normalizeHeader(to) === IGNORE ? IGNORE : fieldForHeader(to);
    if (target === undefined) {
      problems.push({
        field: header,
        message: `The mapping sends "${header}" to "${to}", which is not a field (${CUSTOMER_IMPORT_FIELDS.join(', ')} or ignore)`,
      });
      continue;
    }
    result.set(header, target);
  }
  return result;
}

/** Header names of the template file (the names the web page documents) and one example row. */
const TEMPLATE: ReadonlyArray<readonly [string, string]> = [
  ['accountNumber', 'C-10001'],
  ['name', 'Acme Tools'],
  ['legalName', 'Acme Tools Ltd.'],
  ['currency', 'USD'],
  ['creditLimit', '25000.00'],
  ['paymentTerms', 'NET30'],
  ['riskClass', 'low'],
  ['status', 'active'],
  ['collectorEmail', ''],
  ['salesRepEmail', ''],
  ['parentAccountNumber', ''],
  ['externalId', 'ERP-10001'],
  ['contactName', 'Jamie Doe'],
  ['contactEmail', 'ap@acme.example'],
  ['contactPhone', '+1 555 0100'],
  ['contactTitle', 'AP Manager'],
  ['addressLine1', '1 Main Street'],
  ['addressLine2', 'Suite 200'],
  ['city', 'Springfield'],
  ['region', 'IL'],
  ['postalCode', '62701'],
  ['country', 'US'],
];

export function customerTemplateCsv(): string {
  const line = (cells: readonly string[]) => cells.map(csvCell).join(',');
  return `${line(TEMPLATE.map(([h]) => h))}\r\n${line(TEMPLATE.map(([, v]) => v))}\r\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
