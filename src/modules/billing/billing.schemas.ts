import { z } from 'zod';
import { DOCUMENT_STATUSES } from './documents.repository.ts';

const text = (max: number) => z.string().trim().max(max);
const optText = (max: number) => text(max).nullable().optional();
/** A decimal string; its scale is checked against the currency in the service. */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string like "12500.00"');
const isoDate = z.iso.date();
export const documentKind = z.enum([
  'invoice',
  'credit_memo',
  'debit_memo',
  'adjustment',
  'write_off',
  'refund',
  'payment',
  'discount',
]);
export const documentStatus = z.enum(DOCUMENT_STATUSES);

export const lineInput = z.object({
  description: text(500).min(1),
  quantity: decimal,
  unitPrice: decimal,
  taxRate: decimal.optional().describe('percent, e.g. "8.25"'),
  accountCode: text(40).optional().describe('revenue account; default the revenue account'),
});

export const invoiceInput = z.object({
  customerId: z.uuid(),
  issueDate: isoDate,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code'),
  paymentTerms: text(20).min(1).optional(),
  dueDate: isoDate.optional(),
  lines: z.array(lineInput).min(1).max(500),
  taxJurisdiction: optText(50),
  poNumber: optText(100),
  salesOrderRef: optText(100),
  externalId: optText(100),
  memo: optText(2000),
  draft: z.boolean().optional().describe('true keeps the invoice a draft (no number, no posting)'),
});

export const memoInput = z.object({
  customerId: z.uuid(),
  invoiceId: z.uuid().nullable().optional(),
  amount: decimal.optional(),
  lines: z.array(lineInput).min(1).max(500).optional(),
  reason: text(500).min(1),
  issueDate: isoDate.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  accountCode: text(40).optional(),
  externalId: optText(100),
  memo: optText(2000),
});

export const adjustmentInput = z.object({
  documentId: z.uuid(),
  amount: decimal.describe('signed: negative lowers what the customer owes on the document'),
  reason: text(500).min(1),
  date: isoDate.optional(),
  accountCode: text(40).optional(),
});

export const writeOffInput = z.object({
  reason: text(500).min(1),
  date: isoDate.optional(),
  accountCode: text(40).optional(),
});

export const voidInput = z.object({ reason: text(500).min(1), date: isoDate.optional() });

export const refundInput = z.object({
  creditDocumentId: z.uuid(),
  amount: decimal,
  reason: text(500).min(1),
  date: isoDate.optional(),
  method: z.enum(['check', 'ach', 'wire', 'card', 'cash', 'other']),
  reference: optText(100),
});

export const applicationInput = z.object({
  invoiceId: z.uuid().describe('the invoice or debit memo the credit pays'),
  amount: decimal,
  date: isoDate.optional(),
});

export const unapplyInput = z.object({ reason: optText(500), date: isoDate.optional() });

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item));

export const listQuery = z.object({
  kind: csv(documentKind).optional(),
  customerId: z.uuid().optional(),
  status: csv(documentStatus).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  dueFrom: isoDate.optional(),
  dueTo: isoDate.optional(),
  q: text(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
});

export const summarySchema = z.object({
  id: z.uuid(),
  kind: documentKind,
  number: z.string().nullable(),
  status: documentStatus,
  customerId: z.uuid(),
  customerName: z.string(),
  customerAccountNumber: z.string(),
  currency: z.string(),
  issueDate: z.string(),
  dueDate: z.string().nullable(),
  total: z.string(),
  openBalance: z.string(),
  direction: z.union([z.literal(1), z.literal(-1)]),
  daysOverdue: z.number(),
  overdue: z.boolean(),
  poNumber: z.string().nullable(),
  externalId: z.string().nullable(),
  discountDate: z.string().nullable(),
  discountAmount: z.string(),
});

export const detailSchema = summarySchema.extend({
  state: z.enum(['draft', 'posted', 'voided']),
  termsCode: z.string().nullable(),
  discountDate: z.string().nullable(),
  discountAmount: z.string(),
  subtotal: z.string(),
  tax: z.string(),
  taxJurisdiction: z.string().nullable(),
  taxExemptCertificate: z.string().nullable(),
  salesOrderRef: z.string().nullable(),
  reason: z.string().nullable(),
  memo: z.string().nullable(),
  relatedDocument: z
    .object({ id: z.uuid(), kind: documentKind, number: z.string().nullable() })
    .nullable(),
  offsetAccountCode: z.string().nullable(),
  refundMethod: z.string().nullable(),
  refundReference: z.string().nullable(),
  writtenOff: z.boolean(),
  openingBalance: z.boolean(),
  voidedDate: z.string().nullable(),
  voidReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  lines: z.array(
    z.object({
      lineNo: z.number(),
      description: z.string(),
      quantity: z.string(),
      unitPrice: z.string(),
      taxRate: z.string(),
      amount: z.string(),
      tax: z.string(),
      accountCode: z.string(),
    }),
  ),
  applications: z.array(
    z.object({
      id: z.uuid(),
      date: z.string(),
      amount: z.string(),
      documentId: z.uuid(),
      documentKind: documentKind,
      documentNumber: z.string().nullable(),
      reversesApplicationId: z.uuid().nullable(),
      reversed: z.boolean(),
      reason: z.string().nullable(),
      by: z.string(),
    }),
  ),
  journalEntries: z.array(
    z.object({
      id: z.uuid(),
      date: z.string(),
      recordedAt: z.string(),
      kind: z.string(),
      description: z.string(),
      reversesEntryId: z.uuid().nullable(),
      lines: z.array(
        z.object({
          accountCode: z.string(),
          accountName: z.string(),
          debit: z.string(),
          credit: z.string(),
        }),
      ),
    }),
  ),
  relatedDocuments: z.array(
    z.object({
      id: z.uuid(),
      kind: documentKind,
      number: z.string().nullable(),
      total: z.string(),
      status: documentStatus,
    }),
  ),
});

export const listSchema = z.object({
  items: z.array(summarySchema),
  nextCursor: z.string().nullable(),
});

export const accountActivitySchema = z.object({
  customerId: z.uuid(),
  currency: z.string(),
  from: z.string(),
  to: z.string(),
  openingBalance: z.string(),
  closingBalance: z.string(),
  activity: z.array(
    z.object({
      entryId: z.uuid(),
      date: z.string(),
      kind: z.string(),
      description: z.string(),
      documentId: z.uuid().nullable(),
      documentNumber: z.string().nullable(),
      debit: z.string(),
      credit: z.string(),
      balance: z.string(),
    }),
  ),
});
