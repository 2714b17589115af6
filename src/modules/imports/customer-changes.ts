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

export type KnownContact = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
};
export type KnownContacts = {
  byEmail: Map<string, KnownContact>;
  byName: Map<string, KnownContact>;
};
export type KnownAddress = AddressInput & { id: string };

export type ContactChange =
  | { kind: 'add'; contact: ContactInput }
  | { kind: 'update'; id: string; patch: Partial<ContactInput> };
export type AddressChange =
  { kind: 'add'; address: AddressInput } | { kind: 'update'; id: string; patch: AddressInput };

/**
 * A row's contact is the stored one with the same e-mail (or, without e-mail, the same name):
 * its non-blank values that differ update it; otherwise it is added.
 */
export function contactChange(
  known: KnownContacts | undefined,
  contact: ContactInput,
): ContactChange | null {
  const match = contact.email
    ? known?.byEmail.get(contact.email.toLowerCase())
    : known?.byName.get(contact.name.toLowerCase());
  if (!match) return { kind: 'add', contact: { ...contact, isPrimary: !known } };
  const patch: Partial<ContactInput> = {};
  if (contact.name && contact.name !== match.name) patch.name = contact.name;
  if (contact.phone && contact.phone !== match.phone) patch.phone = contact.phone;
  if (contact.title && contact.title !== match.title) patch.title = contact.title;
  return Object.keys(patch).length > 0 ? { kind: 'update', id: match.id, patch } : null;
}

/**
 * A row's address replaces the customer's one address of the same kind, is added when there
 * is none, and is refused (`ambiguous`) when there are several: which one it means is unknown.
 */
export function addressChange(
  known: readonly KnownAddress[] | undefined,
  address: AddressInput,
): AddressChange | 'ambiguous' | null {
  const sameKind = (known ?? []).filter((a) => a.kind === address.kind);
  if (sameKind.some((a) => addressKey(a) === addressKey(address))) return null;
  if (sameKind.length === 0) return { kind: 'add', address };
  if (sameKind.length > 1) return 'ambiguous';
  return { kind: 'update', id: sameKind[0]!.id, patch: address };
}

/** Identity of an address for "already there?", ignoring case and surrounding spaces. */
export function addressKey(a: AddressInput): string {
  return [a.kind, a.line1, a.line2, a.city, a.region, a.postalCode, a.country]
    .map((v) => (v ?? '').trim().toLowerCase())
    .join('\u0000');
}
