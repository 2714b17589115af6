import { formatAmount } from '../../shared/money.ts';
import type { AddressInput, ContactInput, CustomerFields } from '../customers/index.ts';
import type { ExistingCustomer } from './imports.repository.ts';

/**
 * What a row would change on a stored customer. A row that changes nothing is not written at
 * all (no audit entry, no version bump): that is what makes importing a file twice a no-op.
 */

/** The stored customer in the shape of the API's fields (the base an import row is laid over). */
export function storedFields(row: ExistingCustomer): CustomerFields {
  return {
    accountNumber: row.account_number,
    name: row.name,
    legalName: row.legal_name,
    currency: row.currency,
    creditLimit: formatAmount(row.credit_limit_minor, row.currency),
    paymentTerms: row.payment_terms_code,
    riskClass: row.risk_class,
    collectorId: row.collector_id,
    salesRepId: row.sales_rep_id,
    parentId: row.parent_id,
    externalId: row.external_id,
    status: row.status,
  };
}

/** Whether `updateCustomer` would write anything: the comparison it makes, column by column. */
export function differs(
  row: ExistingCustomer,
  m: CustomerFields,
  creditLimitMinor: bigint,
): boolean {
  return (
    row.account_number !== m.accountNumber ||
    row.name !== m.name ||
    row.legal_name !== (m.legalName ?? m.name) ||
    row.currency !== m.currency ||
    row.payment_terms_code !== m.paymentTerms ||
    row.credit_limit_minor !== creditLimitMinor ||
    row.risk_class !== (m.riskClass ?? null) ||
    row.collector_id !== (m.collectorId ?? null) ||
    row.sales_rep_id !== (m.salesRepId ?? null) ||
    row.parent_id !== (m.parentId ?? null) ||
    row.external_id !== (m.externalId || null) ||
    row.status !== m.status
  );
}

export type KnownContacts = { emails: Set<string>; names: Set<string> };

/** New unless a contact with the same e-mail (or, without e-mail, the same name) exists. */
export function isNewContact(known: KnownContacts | undefined, contact: ContactInput): boolean {
  if (!known) return true;
  return contact.email
    ? !known.emails.has(contact.email.toLowerCase())
    : !known.names.has(contact.name.toLowerCase());
}

export function isNewAddress(
  known: ReadonlySet<string> | undefined,
  address: AddressInput,
): boolean {
  return !known?.has(addressKey(address));
}

/** Identity of an address for "already there?", ignoring case and surrounding spaces. */
export function addressKey(a: AddressInput): string {
  return [a.kind, a.line1, a.line2, a.city, a.region, a.postalCode, a.country]
    .map((v) => (v ?? '').trim().toLowerCase())
    .join('\u0000');
}
