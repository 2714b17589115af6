import type { CustomerStatus, RiskClass } from '../../db/schema.ts';
import {
  checkCustomerFields,
  customerCreateSchema,
  type AddressInput,
  type ContactInput,
  type CustomerCreateInput,
  type CustomerFields,
  type CustomerPatch,
} from '../customers/index.ts';
import {
  addressChange,
  contactChange,
  differs,
  storedFields,
  type AddressChange,
  type ContactChange,
} from './customer-changes.ts';
import type { CustomerImportField } from './customer-columns.ts';
import type { ImportLookups } from './import-lookups.ts';
import type { ParsedRow } from './import-parsers.ts';
import type { ExistingCustomer } from './imports.repository.ts';

/**
 * Turns each row into a plan — create, update or unchanged — or into errors, checked with the
 * same rules as the API (the customers module's zod schema and `checkCustomerFields`) plus the
 * file's own: duplicates within the file, users by e-mail or name, parents by account number.
 */

export type ImportRowError = { line: number; field: string | null; message: string };
/** A parent that is itself a row of this file (earlier), resolved to an id when applying. */
export type ParentRef = { accountNumber: string; line: number };
export type RowPlan =
  | {
      kind: 'create';
      line: number;
      accountNumber: string;
      input: CustomerCreateInput;
      parent: ParentRef | null;
    }
  | {
      kind: 'update';
      line: number;
      accountNumber: string;
      customerId: string;
      /** null when the customer's own fields are unchanged (only a contact or address is new). */
      patch: CustomerPatch | null;
      parent: ParentRef | null;
      contact: ContactChange | null;
      address: AddressChange | null;
    }
  | { kind: 'unchanged'; line: number; accountNumber: string; customerId: string };

export type Defaults = { currency?: string | undefined; paymentTerms?: string | undefined };
type Cells = Partial<Record<CustomerImportField, string>>;
type Fail = (field: CustomerImportField | null, message: string) => void;

const RISK_CLASSES: readonly RiskClass[] = ['low', 'medium', 'high'];
const STATUSES: readonly CustomerStatus[] = ['active', 'credit_hold', 'agency', 'closed'];
/** Field names of the API (zod paths, `checkCustomerFields`) → import fields. */
const API_FIELD: Record<string, CustomerImportField> = {
  accountNumber: 'accountNumber',
  name: 'name',
  legalName: 'legalName',
  currency: 'currency',
  creditLimit: 'creditLimit',
  paymentTerms: 'paymentTerms',
  riskClass: 'riskClass',
  status: 'status',
  statusReason: 'statusReason',
  collectorId: 'collector',
  salesRepId: 'salesRep',
  parentId: 'parentAccount',
  externalId: 'externalId',
  'contacts.name': 'contactName',
  'contacts.email': 'contactEmail',
  'contacts.phone': 'contactPhone',
  'contacts.title': 'contactTitle',
  'addresses.line1': 'addressLine1',
  'addresses.line2': 'addressLine2',
  'addresses.city': 'city',
  'addresses.region': 'region',
  'addresses.postalCode': 'postalCode',
  'addresses.country': 'country',
};

export class RowPlanner {
  private readonly seenAccount = new Map<string, number>();
  private readonly seenExternal = new Map<string, number>();
  private readonly seenCustomer = new Map<string, number>();
  /** Account numbers of the rows planned so far: their line and whether they were valid. */
  private readonly planned = new Map<
    string,
    { line: number; ok: boolean; id: string | undefined }
  >();

  constructor(
    private readonly lookups: ImportLookups,
    private readonly headerOf: ReadonlyMap<CustomerImportField, string>,
    private readonly defaults: Defaults,
  ) {}

  plan(row: ParsedRow): { plan: RowPlan | null; errors: ImportRowError[] } {
    const errors: ImportRowError[] = [];
    const fail: Fail = (field, message) => {
      const column = field === null ? null : (this.headerOf.get(field) ?? field);
      if (!errors.some((e) => e.field === column && column !== null))
        errors.push({ line: row.line, field: column, message });
    };
    if (row.extraCells > 0)
      fail(null, `Has ${row.extraCells} value(s) to the right of the last named column`);
    const cells = this.readCells(row);
    // the database cannot store NUL in text: refuse the cell, naming it
    for (const [field, value] of Object.entries(cells)) {
      if (value?.includes('\u0000')) fail(field as CustomerImportField, 'Contains a NUL character');
    }
    if (errors.length > 0) return { plan: null, errors };
    const accountNumber = cells.accountNumber ?? '';
    const existing = this.match(row.line, cells, fail);
    const plan = this.build(row.line, cells, existing, fail);
    if (accountNumber && !this.planned.has(accountNumber))
      this.planned.set(accountNumber, {
        line: row.line,
        ok: errors.length === 0,
        id: existing?.id,
      });
    return { plan: errors.length === 0 ? plan : null, errors };
  }

  private readCells(row: ParsedRow): Cells {
    const cells: Cells = {};
    for (const [field, header] of this.headerOf) {
      const value = (row.values[header] ?? '').trim();
      if (value !== '') cells[field] = value;
    }
    return cells;
  }

  /** By external id when the row has one, else by account number; duplicates in the file fail. */
  private match(line: number, c: Cells, fail: Fail): ExistingCustomer | undefined {
    const { byAccount, byExternal } = this.lookups;
    const account = c.accountNumber ?? '';
    const duplicateOf = (seen: Map<string, number>, key: string | undefined) => {
      if (!key) return undefined;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, line);
      return first;
    };
    const accountLine = duplicateOf(this.seenAccount, c.accountNumber);
    if (accountLine !== undefined)
      fail('accountNumber', `Account number ${account} is also on line ${accountLine}`);
    const externalLine = duplicateOf(this.seenExternal, c.externalId);
    if (externalLine !== undefined)
      fail('externalId', `External id ${c.externalId} is also on line ${externalLine}`);

    let existing = c.externalId ? byExternal.get(c.externalId) : byAccount.get(account);
    if (c.externalId && !existing) {
      const sameAccount = byAccount.get(account);
      if (sameAccount?.external_id)
        fail(
          'accountNumber',
          `Account number ${account} belongs to the customer with external id ${sameAccount.external_id}`,
        );
      else existing = sameAccount;
    }
    if (existing) {
      const sameCustomerLine = duplicateOf(this.seenCustomer, existing.id);
      if (
        sameCustomerLine !== undefined &&
        accountLine === undefined &&
        externalLine === undefined
      ) {
        fail(
          c.externalId ? 'externalId' : 'accountNumber',
          `Matches the same customer as line ${sameCustomerLine}`,
        );
      }
    }
    return existing;
  }

  private build(
    line: number,
    c: Cells,
    existing: ExistingCustomer | undefined,
    fail: Fail,
  ): RowPlan | null {
    const parent = this.parent(line, c, fail);
    const given = this.given(c, parent.id, fail);
    const contact = this.contact(c);
    const address = this.address(c);
    const { currency = '', paymentTerms = '' } = this.defaults;
    const merged: CustomerFields = existing
      ? { ...storedFields(existing), ...given }
      : { name: '', currency, paymentTerms, ...given, accountNumber: c.accountNumber ?? '' };
    requireFields(merged, contact, address, fail);
    const creditLimitMinor = this.checkApiRules(merged, contact, address, fail);
    if (creditLimitMinor === null) return null;

    const accountNumber = merged.accountNumber;
    if (!existing) {
      const input = {
        ...merged,
        contacts: contact ? [{ ...contact, isPrimary: true }] : undefined,
        addresses: address ? [address] : undefined,
      };
      return { kind: 'create', line, accountNumber, parent: parent.ref, input };
    }
    const changed = parent.ref !== null || differs(existing, merged, creditLimitMinor);
    const newContact = contact
      ? contactChange(this.lookups.contacts.get(existing.id), contact)
      : null;
    const addressPlan = address
      ? addressChange(this.lookups.addresses.get(existing.id), address)
      : null;
    if (addressPlan === 'ambiguous') {
      fail(
        'addressLine1',
        `The customer has several ${address?.kind ?? ''} addresses; edit them in the app`,
      );
      return null;
    }
    const newAddress = addressPlan;
    if (!changed && !newContact && !newAddress)
      return { kind: 'unchanged', line, accountNumber, customerId: existing.id };
    const patch = changed ? given : null;
    return {
      kind: 'update',
      line,
      accountNumber,
      customerId: existing.id,
      patch,
      parent: parent.ref,
      contact: newContact,
      address: newAddress,
    };
  }

  /** The row's own values, normalized (codes to canonical case, users to ids): blank = keep. */
  private given(c: Cells, parentId: string | undefined, fail: Fail): CustomerPatch {
    const riskClass = this.choice('riskClass', c.riskClass, RISK_CLASSES, fail);
    const status = this.choice('status', c.status?.replace(/[\s-]+/g, '_'), STATUSES, fail);
    const collectorId = this.user('collector', c.collector, fail);
    const salesRepId = this.user('salesRep', c.salesRep, fail);
    const terms =
      c.paymentTerms &&
      (this.lookups.termsByLower.get(c.paymentTerms.toLowerCase()) ?? c.paymentTerms);
    const optional = {
      name: c.name,
      legalName: c.legalName,
      currency: c.currency?.toUpperCase(),
      creditLimit: c.creditLimit,
      paymentTerms: terms,
      riskClass,
      collectorId,
      salesRepId,
      parentId,
      externalId: c.externalId,
      status,
      statusReason: c.statusReason,
    };
    return { accountNumber: c.accountNumber ?? '', ...definedOnly(optional) };
  }

  /** The API's zod schema and `checkCustomerFields`; returns the credit limit, or null on errors. */
  private checkApiRules(
    merged: CustomerFields,
    contact: ContactInput | null,
    address: AddressInput | null,
    fail: Fail,
  ): bigint | null {
    // business rules first: their messages are the more specific ones ("has more than 2 decimals")
    const checked = checkCustomerFields(this.lookups.ref, merged);
    for (const e of checked.errors) fail(API_FIELD[e.field ?? ''] ?? null, e.message);
    const shape = customerCreateSchema.safeParse({
      ...merged,
      contacts: contact ? [contact] : undefined,
      addresses: address ? [address] : undefined,
    });
    if (!shape.success) {
      for (const issue of shape.error.issues)
        fail(
          API_FIELD[issue.path.filter((p) => typeof p === 'string').join('.')] ?? null,
          issue.message,
        );
    }
    return shape.success && checked.errors.length === 0 ? checked.creditLimitMinor : null;
  }

  private choice<T extends string>(
    field: CustomerImportField,
    raw: string | undefined,
    allowed: readonly T[],
    fail: Fail,
  ): T | undefined {
    if (raw === undefined) return undefined;
    const value = raw.toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    fail(field, `Must be one of ${allowed.join(', ')} (got "${raw}")`);
    return undefined;
  }

  /** A user of the organization by e-mail, else by a name no other user has. */
  private user(
    field: CustomerImportField,
    raw: string | undefined,
    fail: Fail,
  ): string | undefined {
    if (raw === undefined) return undefined;
    const byEmail = this.lookups.usersByEmail.get(raw.toLowerCase());
    if (byEmail) return byEmail;
    const byName = this.lookups.usersByName.get(raw.toLowerCase()) ?? [];
    if (byName.length === 1) return byName[0];
    fail(
      field,
      byName.length > 1
        ? `"${raw}" is the name of ${byName.length} users; use the e-mail address`
        : `No user with the e-mail or name "${raw}" in this organization`,
    );
    return undefined;
  }

  /** An existing customer, or a valid row earlier in this file. */
  private parent(line: number, c: Cells, fail: Fail): { id?: string; ref: ParentRef | null } {
    const account = c.parentAccount;
    if (account === undefined) return { ref: null };
    if (account === c.accountNumber) {
      fail('parentAccount', 'A customer cannot be its own parent');
      return { ref: null };
    }
    const earlier = this.planned.get(account);
    if (earlier) {
      if (!earlier.ok)
        fail('parentAccount', `Parent account ${account} (line ${earlier.line}) has errors`);
      // an existing customer is known by id already; a new one gets its id when applied
      return earlier.id
        ? { id: earlier.id, ref: null }
        : { ref: { accountNumber: account, line: earlier.line } };
    }
    const stored = this.lookups.byAccount.get(account);
    if (stored) return { id: stored.id, ref: null };
    const later = this.lookups.firstLineOfAccount.get(account);
    if (later !== undefined && later > line)
      fail(
        'parentAccount',
        `Parent account ${account} is defined later in the file (line ${later}); put parents before their children`,
      );
    else fail('parentAccount', `Parent account ${account} not found`);
    return { ref: null };
  }

  private contact(c: Cells): ContactInput | null {
    if (
      [c.contactName, c.contactEmail, c.contactPhone, c.contactTitle].every((v) => v === undefined)
    )
      return null;
    return {
      name: c.contactName ?? '',
      email: c.contactEmail ?? null,
      phone: c.contactPhone ?? null,
      title: c.contactTitle ?? null,
    };
  }

  private address(c: Cells): AddressInput | null {
    if (
      [c.addressLine1, c.addressLine2, c.city, c.region, c.postalCode, c.country].every(
        (v) => v === undefined,
      )
    )
      return null;
    return {
      kind: 'billing',
      line1: c.addressLine1 ?? '',
      line2: c.addressLine2 ?? null,
      city: c.city ?? '',
      region: c.region ?? null,
      postalCode: c.postalCode ?? null,
      country: (c.country ?? '').toUpperCase(),
    };
  }
}

function requireFields(
  merged: CustomerFields,
  contact: ContactInput | null,
  address: AddressInput | null,
  fail: Fail,
) {
  for (const field of ['accountNumber', 'name', 'currency', 'paymentTerms'] as const) {
    if (!merged[field]) fail(field, 'Is required');
  }
  if (contact && !contact.name) fail('contactName', 'Is required when the row has contact details');
  if (!address) return;
  for (const [field, value] of [
    ['addressLine1', address.line1],
    ['city', address.city],
    ['country', address.country],
  ] as const) {
    if (!value) fail(field, 'Is required when the row has an address');
  }
}

function definedOnly<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
