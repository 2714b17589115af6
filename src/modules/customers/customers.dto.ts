import { formatAmount } from '../../shared/money.ts';
import type { CustomerRow, loadChildren } from './customers.repository.ts';

/** Row → API shapes. Amounts leave as decimal strings in the customer's currency. */

export function customerSummary(r: CustomerRow) {
  return {
    id: r.id,
    accountNumber: r.account_number,
    name: r.name,
    legalName: r.legal_name,
    status: r.status,
    currency: r.currency,
    creditLimit: formatAmount(r.credit_limit_minor, r.currency),
    paymentTerms: r.payment_terms_code,
    riskClass: r.risk_class,
    collector: r.collector_id ? { id: r.collector_id, name: r.collector_name ?? '' } : null,
    salesRep: r.sales_rep_id ? { id: r.sales_rep_id, name: r.sales_rep_name ?? '' } : null,
    parentId: r.parent_id,
    externalId: r.external_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type CustomerSummaryDto = ReturnType<typeof customerSummary>;

type Children = Awaited<ReturnType<typeof loadChildren>>;

export function contactDto(c: Children['contacts'][number]) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    title: c.title,
    roles: c.roles as Array<'billing' | 'ap' | 'decision_maker'>,
    preferredChannel: c.preferred_channel,
    isPrimary: c.is_primary,
  };
}

export function addressDto(a: Children['addresses'][number]) {
  return {
    id: a.id,
    kind: a.kind,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    postalCode: a.postal_code,
    country: a.country,
  };
}

export function certificateDto(t: Children['certificates'][number], today: string) {
  return {
    id: t.id,
    jurisdiction: t.jurisdiction,
    certificateNumber: t.certificate_number,
    expiresOn: t.expires_on,
    documentId: t.document_id,
    document: t.document_id ? { id: t.document_id, filename: t.document_filename ?? '' } : null,
    expired: t.expires_on !== null && t.expires_on < today,
  };
}

export function creditReferenceDto(c: Children['references'][number]) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    contactName: c.contact_name,
    phone: c.phone,
    email: c.email,
    notes: c.notes,
  };
}

export function customerDetail(r: CustomerRow, children: Children, today: string) {
  return {
    ...customerSummary(r),
    version: r.version,
    parent: children.parent
      ? {
          id: children.parent.id,
          accountNumber: children.parent.account_number,
          name: children.parent.name,
        }
      : null,
    contacts: children.contacts.map(contactDto),
    addresses: children.addresses.map(addressDto),
    taxCertificates: children.certificates.map((t) => certificateDto(t, today)),
    creditReferences: children.references.map(creditReferenceDto),
    statusHistory: children.history.map((h) => ({
      fromStatus: h.from_status,
      toStatus: h.to_status,
      reason: h.reason,
      changedBy: h.changed_by ? { id: h.changed_by, name: h.changed_by_name ?? '' } : null,
      changedAt: h.changed_at.toISOString(),
    })),
  };
}
export type CustomerDetailDto = ReturnType<typeof customerDetail>;
