import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);
const optText = (max: number) => text(max).nullable().optional();
export const contactRole = z.enum(['billing', 'ap', 'decision_maker']);
export const customerStatus = z.enum(['active', 'credit_hold', 'agency', 'closed']);
export const riskClass = z.enum(['low', 'medium', 'high']);
/** A decimal string; its scale is checked against the currency in the service. */
export const amountString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string like "12500.00"');

export const contactInput = z.object({
  name: text(200).min(1),
  email: z.email().max(320).nullable().optional(),
  phone: optText(50),
  title: optText(200),
  roles: z.array(contactRole).max(3).optional(),
  preferredChannel: z.enum(['email', 'phone', 'letter']).optional(),
  isPrimary: z.boolean().optional(),
});
export const addressInput = z.object({
  kind: z.enum(['billing', 'shipping', 'remit_from']),
  line1: text(200).min(1),
  line2: optText(200),
  city: text(100).min(1),
  region: optText(100),
  postalCode: optText(20),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 two-letter country code'),
});
export const certificateInput = z.object({
  jurisdiction: text(50).min(1),
  certificateNumber: text(100).min(1),
  expiresOn: z.iso.date().nullable().optional(),
  documentId: z.uuid().nullable().optional(),
});
export const creditReferenceInput = z.object({
  kind: z.enum(['trade', 'bank']),
  name: text(200).min(1),
  contactName: optText(200),
  phone: optText(50),
  email: z.email().max(320).nullable().optional(),
  notes: optText(2000),
});

const customerFields = {
  accountNumber: text(40).min(1),
  name: text(200).min(1),
  legalName: optText(200),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code'),
  creditLimit: amountString.optional(),
  paymentTerms: text(20).min(1),
  riskClass: riskClass.nullable().optional(),
  collectorId: z.uuid().nullable().optional(),
  salesRepId: z.uuid().nullable().optional(),
  parentId: z.uuid().nullable().optional(),
  externalId: optText(100),
};

export const customerCreate = z.object({
  ...customerFields,
  status: customerStatus.optional(),
  statusReason: optText(500),
  contacts: z.array(contactInput).max(50).optional(),
  addresses: z.array(addressInput).max(20).optional(),
});

export const customerPatch = z
  .object({
    ...customerFields,
    status: customerStatus,
    statusReason: optText(500),
  })
  .partial()
  .extend({ version: z.number().int().positive().optional() });

export const customerListQuery = z.object({
  search: z.string().max(100).optional(),
  status: customerStatus.optional(),
  riskClass: riskClass.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  collectorId: z.uuid().optional(),
  salesRepId: z.uuid().optional(),
  parentId: z.uuid().optional(),
  sort: z
    .enum([
      'name',
      '-name',
      'accountNumber',
      '-accountNumber',
      'creditLimit',
      '-creditLimit',
      'createdAt',
      '-createdAt',
    ])
    .default('name'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

const ref = z.object({ id: z.string(), name: z.string() });
export const customerSummarySchema = z.object({
  id: z.string(),
  accountNumber: z.string(),
  name: z.string(),
  legalName: z.string(),
  status: customerStatus,
  currency: z.string(),
  creditLimit: z.string(),
  paymentTerms: z.string(),
  riskClass: riskClass.nullable(),
  collector: ref.nullable(),
  salesRep: ref.nullable(),
  parentId: z.string().nullable(),
  externalId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  roles: z.array(contactRole),
  preferredChannel: z.enum(['email', 'phone', 'letter']),
  isPrimary: z.boolean(),
});
export const addressSchema = z.object({
  id: z.string(),
  kind: z.enum(['billing', 'shipping', 'remit_from']),
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string(),
});
export const certificateSchema = z.object({
  id: z.string(),
  jurisdiction: z.string(),
  certificateNumber: z.string(),
  expiresOn: z.string().nullable(),
  documentId: z.string().nullable(),
  document: z.object({ id: z.string(), filename: z.string() }).nullable(),
  expired: z.boolean(),
});
export const creditReferenceSchema = z.object({
  id: z.string(),
  kind: z.enum(['trade', 'bank']),
  name: z.string(),
  contactName: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
});
export const noteSchema = z.object({
  id: z.string(),
  body: z.string(),
  author: z.object({ id: z.string().nullable(), name: z.string() }),
  createdAt: z.string(),
});
export const customerDetailSchema = customerSummarySchema.extend({
  version: z.number(),
  parent: z.object({ id: z.string(), accountNumber: z.string(), name: z.string() }).nullable(),
  contacts: z.array(contactSchema),
  addresses: z.array(addressSchema),
  taxCertificates: z.array(certificateSchema),
  creditReferences: z.array(creditReferenceSchema),
  statusHistory: z.array(
    z.object({
      fromStatus: customerStatus.nullable(),
      toStatus: customerStatus,
      reason: z.string().nullable(),
      changedBy: ref.nullable(),
      changedAt: z.string(),
    }),
  ),
});
