import type { OpeningItemInput, PreparedDocument } from '../billing/index.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { compareDates, parseIsoDate, type IsoDate } from '../../shared/dates.ts';
import { formatAmount, parseAmount } from '../../shared/money.ts';
import type { ImportRowError } from './customer-rows.ts';
import type { OpenItemField } from './open-item-columns.ts';
import type { ParsedRow } from './import-parsers.ts';
import type { ItemDetails, OpenItemKind, StoredItem } from './open-items.repository.ts';

/**
 * Turns each row of an open-items file into an opening item — or into errors naming the line
 * and the column — and recognizes the rows imported before.
 *
 * Rules a file's rows follow:
 * - The customer is found by account number, or by the customer's external id.
 * - The document type is invoice (INV), credit memo (CM, credit note) or debit memo (DM, debit
 *   note); without a type column every row is an invoice.
 * - The open amount is a strict decimal in the document's currency ("1200.00"; no thousands
 *   separators, no more decimals than the currency has). A NEGATIVE open amount on an invoice
 *   or debit memo row is a credit the customer holds, and is imported as a credit memo (ERP
 *   aging reports list credits as negative open items); a credit memo row may be signed either
 *   way. Zero is refused: a settled document is left out of an opening-balance file.
 * - The original amount, when given, is kept in the memo ("Original amount 1850.00").
 * - A row is the same item as a stored document with its external id (of any of the three
 *   kinds), or, without one, with its number and kind. An item imported before with the same
 *   customer, kind, currency, issue date, number and amount is unchanged; a new due date, PO
 *   number or memo updates it; any other difference is an error, since a posted amount is
 *   corrected with a memo, never edited.
 */

export type OpenItemPlan = {
  line: number;
  input: OpeningItemInput;
  /** the document this row was imported as before, if any */
  stored: StoredItem | undefined;
};

export type ImportCustomer = {
  id: string;
  account_number: string;
  currency: string;
  external_id: string | null;
};

export type OpenItemLookups = {
  readonly byAccount: ReadonlyMap<string, ImportCustomer>;
  readonly byExternal: ReadonlyMap<string, ImportCustomer>;
  /** lower-cased terms code → the code as stored */
  readonly termsByLower: ReadonlyMap<string, string>;
  readonly storedByExternal: ReadonlyMap<string, readonly StoredItem[]>;
  /** `kind␀number` → the stored document */
  readonly storedByNumber: ReadonlyMap<string, StoredItem>;
  /** the organization's today: nothing issued after it is an opening item */
  readonly today: IsoDate;
  readonly closedThrough: IsoDate | null;
  readonly baseCurrency: string;
};

export type OpenItemDefaults = { currency?: string | undefined; paymentTerms?: string | undefined };

type Cells = Partial<Record<OpenItemField, string>>;
type Fail = (field: OpenItemField | null, message: string) => void;

const KINDS: ReadonlyMap<string, OpenItemKind> = new Map(
  (
    [
      ['invoice', 'invoice'],
      ['inv', 'invoice'],
      ['in', 'invoice'],
      ['iv', 'invoice'],
      ['creditmemo', 'credit_memo'],
      ['credit', 'credit_memo'],
      ['creditnote', 'credit_memo'],
      ['cm', 'credit_memo'],
      ['cn', 'credit_memo'],
      ['cr', 'credit_memo'],
      ['debitmemo', 'debit_memo'],
      ['debit', 'debit_memo'],
      ['debitnote', 'debit_memo'],
      ['dm', 'debit_memo'],
      ['dn', 'debit_memo'],
    ] as const
  ).map(([k, v]) => [k, v] as const),
);

const LIMITS: Partial<Record<OpenItemField, number>> = {
  number: 100,
  externalId: 100,
  poNumber: 100,
  memo: 1900,
  customerAccount: 100,
  customerExternalId: 100,
};

const numberKey = (kind: string, number: string) => `${kind}\u0000${number}`;

export class OpenItemPlanner {
  private readonly seenExternal = new Map<string, number>();
  private readonly seenNumber = new Map<string, number>();
  private readonly seenStored = new Map<string, number>();

  constructor(
    private readonly lookups: OpenItemLookups,
    private readonly headerOf: ReadonlyMap<OpenItemField, string>,
    private readonly defaults: OpenItemDefaults,
  ) {}

  /** The column a field comes from, as errors name it (the customer: whichever column the file has). */
  column(field: OpenItemField | null): string | null {
    if (field === 'customerAccount' && !this.headerOf.has(field)) field = 'customerExternalId';
    return field === null ? null : (this.headerOf.get(field) ?? field);
  }

  plan(row: ParsedRow): { plan: OpenItemPlan | null; errors: ImportRowError[] } {
    const errors: ImportRowError[] = [];
    const fail: Fail = (field, message) => {
      const column = this.column(field);
      if (!errors.some((e) => e.field === column && column !== null))
        errors.push({ line: row.line, field: column, message });
    };
    if (row.extraCells > 0)
      fail(null, `Has ${row.extraCells} value(s) to the right of the last named column`);
    const cells = this.readCells(row);
    for (const [field, value] of Object.entries(cells)) {
      const f = field as OpenItemField;
      if (value.includes('\u0000')) fail(f, 'Contains a NUL character');
      else if (value.length > (LIMITS[f] ?? 10_000))
        fail(f, `Is longer than ${LIMITS[f] ?? 10_000} characters`);
    }
    if (errors.length > 0) return { plan: null, errors };

    const customer = this.customer(cells, fail);
    const currency = this.currency(cells, customer, fail);
    const amountCurrency = currency ?? customer?.currency ?? this.lookups.baseCurrency;
    let kind = this.kind(cells.documentType, fail);
    const open = this.amount('openAmount', cells.openAmount, amountCurrency, fail);
    if (open !== undefined && open < 0n && kind !== undefined) kind = 'credit_memo';
    const magnitude = open === undefined ? undefined : open < 0n ? -open : open;
    if (magnitude === 0n)
      fail('openAmount', 'Is 0: nothing is open; leave settled documents out of the file');
    const original = this.amount('originalAmount', cells.originalAmount, amountCurrency, fail);
    const originalMagnitude =
      original === undefined ? undefined : original < 0n ? -original : original;
    if (originalMagnitude !== undefined && magnitude !== undefined && originalMagnitude < magnitude)
      fail(
        'originalAmount',
        `Is less than the open amount ${formatAmount(magnitude, amountCurrency)}`,
      );
    const issueDate = this.issueDate(cells.issueDate, fail);
    const dueDate = this.date('dueDate', cells.dueDate, fail);
    const paymentTerms = this.terms(cells.paymentTerms, fail);
    if (!cells.number && !cells.externalId)
      fail(
        this.headerOf.has('number') ? 'number' : 'externalId',
        'Needs a document number or an external id, so that importing the file again finds it',
      );
    const stored = kind ? this.match(row.line, kind, cells, fail) : undefined;
    if (errors.length > 0 || !customer || !kind || magnitude === undefined || !issueDate)
      return { plan: null, errors };
    const memo = [
      cells.memo,
      originalMagnitude !== undefined
        ? `Original amount ${formatAmount(originalMagnitude, amountCurrency)}`
        : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    return {
      plan: {
        line: row.line,
        stored,
        input: {
          kind,
          customerId: customer.id,
          number: cells.number ?? null,
          issueDate,
          dueDate: dueDate ?? null,
          currency: currency ?? customer.currency,
          openAmountMinor: magnitude,
          paymentTerms,
          poNumber: cells.poNumber ?? null,
          externalId: cells.externalId ?? null,
          memo: memo || null,
        },
      },
      errors,
    };
  }

  private readCells(row: ParsedRow): Cells {
    const cells: Cells = {};
    for (const [field, header] of this.headerOf) {
      const value = (row.values[header] ?? '').trim();
      if (value !== '') cells[field] = value;
    }
    return cells;
  }

  private customer(c: Cells, fail: Fail): ImportCustomer | undefined {
    const { byAccount, byExternal } = this.lookups;
    const byNumber = c.customerAccount ? byAccount.get(c.customerAccount) : undefined;
    const byId = c.customerExternalId ? byExternal.get(c.customerExternalId) : undefined;
    if (c.customerAccount && !byNumber)
      fail('customerAccount', `No customer with account number ${c.customerAccount}`);
    if (c.customerExternalId && !byId)
      fail('customerExternalId', `No customer with external id ${c.customerExternalId}`);
    if (!c.customerAccount && !c.customerExternalId)
      fail(
        this.headerOf.has('customerAccount') ? 'customerAccount' : 'customerExternalId',
        'Is required',
      );
    if (byNumber && byId && byNumber.id !== byId.id) {
      fail(
        'customerExternalId',
        `Is customer ${byId.account_number}, but the account number is ${byNumber.account_number}`,
      );
      return undefined;
    }
    return byNumber ?? byId;
  }

  private currency(c: Cells, customer: ImportCustomer | undefined, fail: Fail) {
    const code = c.currency?.toUpperCase() ?? this.defaults.currency;
    if (code === undefined) return customer?.currency;
    if (!isCurrency(code)) {
      fail('currency', `"${c.currency ?? code}" is not an ISO 4217 currency code`);
      return undefined;
    }
    if (customer && code !== customer.currency) {
      fail(
        'currency',
        `Customer ${customer.account_number} is billed in ${customer.currency}, not ${code}`,
      );
      return undefined;
    }
    return code;
  }

  private kind(raw: string | undefined, fail: Fail): OpenItemKind | undefined {
    if (raw === undefined) return 'invoice';
    const kind = KINDS.get(raw.toLowerCase().replace(/[^a-z]/g, ''));
    if (!kind)
      fail(
        'documentType',
        `Must be invoice (INV), credit memo (CM, credit note) or debit memo (DM) (got "${raw}")`,
      );
    return kind;
  }

  private amount(
    field: 'openAmount' | 'originalAmount',
    raw: string | undefined,
    currency: string,
    fail: Fail,
  ): bigint | undefined {
    if (raw === undefined) {
      if (field === 'openAmount') fail(field, 'Is required');
      return undefined;
    }
    try {
      return parseAmount(raw, currency);
    } catch (error) {
      fail(field, (error as Error).message);
      return undefined;
    }
  }

  private date(field: 'issueDate' | 'dueDate', raw: string | undefined, fail: Fail) {
    if (raw === undefined) return undefined;
    try {
      return parseIsoDate(raw);
    } catch {
      fail(field, `Is not a date YYYY-MM-DD (got "${raw}")`);
      return undefined;
    }
  }

  private issueDate(raw: string | undefined, fail: Fail): IsoDate | undefined {
    if (raw === undefined) {
      fail('issueDate', 'Is required');
      return undefined;
    }
    const date = this.date('issueDate', raw, fail);
    if (!date) return undefined;
    const { today, closedThrough } = this.lookups;
    if (compareDates(date, today) > 0) {
      fail('issueDate', `Is after today (${today}); an open item was issued before go-live`);
      return undefined;
    }
    if (closedThrough && compareDates(date, closedThrough) <= 0) {
      fail('issueDate', `Is in a closed period (the books are closed through ${closedThrough})`);
      return undefined;
    }
    return date;
  }

  private terms(raw: string | undefined, fail: Fail): string | undefined {
    if (raw === undefined) return this.defaults.paymentTerms;
    const code = this.lookups.termsByLower.get(raw.toLowerCase());
    if (!code) fail('paymentTerms', `Unknown payment terms code "${raw}"`);
    return code;
  }

  /** The stored document this row was imported as before; duplicates within the file fail. */
  private match(line: number, kind: OpenItemKind, c: Cells, fail: Fail): StoredItem | undefined {
    const firstLine = (seen: Map<string, number>, key: string) => {
      const first = seen.get(key);
      if (first === undefined) seen.set(key, line);
      return first;
    };
    if (c.externalId) {
      const earlier = firstLine(this.seenExternal, c.externalId);
      if (earlier !== undefined)
        fail('externalId', `External id ${c.externalId} is also on line ${earlier}`);
    }
    if (c.number) {
      const earlier = firstLine(this.seenNumber, numberKey(kind, c.number));
      if (earlier !== undefined)
        fail('number', `Number ${c.number} is also on line ${earlier} (same document type)`);
    }
    let stored: StoredItem | undefined;
    if (c.externalId) {
      const candidates = this.lookups.storedByExternal.get(c.externalId) ?? [];
      stored = candidates.find((d) => d.kind === kind) ?? candidates[0];
    } else if (c.number) {
      stored = this.lookups.storedByNumber.get(numberKey(kind, c.number));
    }
    if (stored) {
      const earlier = firstLine(this.seenStored, stored.id);
      if (earlier !== undefined)
        fail(c.externalId ? 'externalId' : 'number', `Is the same document as line ${earlier}`);
    }
    return stored;
  }
}

export type StoredComparison =
  | { kind: 'unchanged' }
  | { kind: 'update'; before: ItemDetails; after: ItemDetails }
  | { kind: 'error'; field: OpenItemField; message: string };

const KIND_LABEL: Record<string, string> = {
  invoice: 'an invoice',
  credit_memo: 'a credit memo',
  debit_memo: 'a debit memo',
};

/**
 * A row built again against the document it was imported as: the same item, unchanged; new
 * mutable details (due date, PO number, memo); or a difference a posted document cannot take.
 */
export function compareWithStored(
  built: PreparedDocument['row'],
  stored: StoredItem,
): StoredComparison {
  const as = `Already imported as ${stored.number ?? 'a draft'}`;
  const fix = 'a posted document is corrected with a credit or debit memo, not re-imported';
  const frozen = (field: OpenItemField, what: string): StoredComparison => ({
    kind: 'error',
    field,
    message: `${as} ${what}; ${fix}`,
  });
  if (built.customer_id !== stored.customer_id)
    return frozen('customerAccount', `for customer ${stored.account_number}`);
  if (built.kind !== stored.kind) return frozen('documentType', `(${KIND_LABEL[stored.kind]})`);
  if (built.currency !== stored.currency) return frozen('currency', `in ${stored.currency}`);
  if (built.issue_date !== stored.issue_date)
    return frozen('issueDate', `dated ${stored.issue_date}`);
  if (built.amount_minor !== stored.amount_minor) {
    const amount = stored.amount_minor < 0n ? -stored.amount_minor : stored.amount_minor;
    return frozen('openAmount', `with amount ${formatAmount(amount, stored.currency)}`);
  }
  if (built.number && built.number !== stored.number)
    return frozen('number', `(its number cannot change)`);
  const before = { due_date: stored.due_date, po_number: stored.po_number, memo: stored.memo };
  const after = { due_date: built.due_date, po_number: built.po_number, memo: built.memo };
  if (
    before.due_date === after.due_date &&
    before.po_number === after.po_number &&
    before.memo === after.memo
  )
    return { kind: 'unchanged' };
  if (stored.state === 'voided')
    return {
      kind: 'error',
      field:
        before.due_date !== after.due_date
          ? 'dueDate'
          : before.po_number !== after.po_number
            ? 'poNumber'
            : 'memo',
      message: `${as}, which was voided on ${stored.voided_date}; a voided document is not updated`,
    };
  return { kind: 'update', before, after };
}
