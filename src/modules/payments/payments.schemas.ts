import { z } from 'zod';
import { PAYMENT_STATUSES } from './payments.repository.ts';
import { DEDUCTION_REASONS, PAYMENT_METHODS, REVERSAL_KINDS } from './payments.service.ts';

const text = (max: number) => z.string().trim().max(max);
/** Text that must be given (not only spaces). */
const required = (max: number) => text(max).min(1, 'is required');
const optText = (max: number) => text(max).nullable().optional();
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string like "1234.50"');
const isoDate = z.iso.date();
export const idParams = z.object({ id: z.uuid() });

export const paymentMethod = z.enum(PAYMENT_METHODS);
const paymentStatus = z.enum(PAYMENT_STATUSES);
/** open; settled when later applications closed what it held; resolved by a decision */
const deductionStatus = z.enum(['open', 'settled', 'resolved']);

export const applicationLine = z.object({
  invoiceId: z.uuid(),
  amount: decimal.describe('cash applied to the invoice'),
  discount: decimal.optional().describe('early-payment discount taken'),
  discountReason: text(500).optional().describe('needed outside the discount window'),
  shortPay: z
    .object({
      action: z.enum(['deduction', 'write_off']),
      reasonCode: z.enum(DEDUCTION_REASONS).optional(),
      note: optText(500),
    })
    .optional()
    .describe('what happens to what stays open on the invoice'),
});

export const paymentInput = z.object({
  customerId: z.uuid().nullable().optional(),
  kind: z.enum(['receipt', 'prepayment']).optional(),
  method: paymentMethod,
  amount: decimal,
  currency: z.string().length(3),
  receivedDate: isoDate,
  reference: optText(200),
  payerName: optText(200),
  payerAccount: optText(64),
  memo: optText(1000),
  externalId: optText(100),
  bankAccountId: z.uuid().nullable().optional(),
  depositBatchId: z.uuid().nullable().optional(),
  applications: z.array(applicationLine).max(500).optional(),
});

export const applyInput = z.object({
  date: isoDate.optional(),
  applications: z.array(applicationLine).min(1).max(500),
});

export const reverseInput = z.object({
  reason: required(500),
  kind: z.enum(REVERSAL_KINDS).optional(),
  date: isoDate.optional(),
  fee: decimal.optional(),
  feeAccountCode: text(40).optional(),
});

export const assignInput = z.object({ customerId: z.uuid(), date: isoDate.optional() });

export const refundInput = z.object({
  amount: decimal,
  reason: required(500),
  method: required(40),
  reference: optText(200),
  date: isoDate.optional(),
});

export const listQuery = z.object({
  customerId: z.uuid().optional(),
  status: paymentStatus.optional(),
  method: paymentMethod.optional(),
  depositBatchId: z.uuid().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: text(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
});

export const summarySchema = z.object({
  id: z.uuid(),
  number: z.string(),
  kind: z.enum(['receipt', 'prepayment']),
  method: paymentMethod,
  status: paymentStatus,
  customerId: z.uuid().nullable(),
  customerName: z.string().nullable(),
  currency: z.string(),
  amount: z.string(),
  unappliedAmount: z.string(),
  receivedDate: z.string(),
  reference: z.string().nullable(),
  payerName: z.string().nullable(),
  depositBatchId: z.uuid().nullable(),
  bankAccountId: z.uuid().nullable(),
});

export const detailSchema = summarySchema.extend({
  heldAmount: z.string(),
  appliedAmount: z.string(),
  payerAccount: z.string().nullable(),
  memo: z.string().nullable(),
  externalId: z.string().nullable(),
  depositBatchNumber: z.string().nullable(),
  bankAccountName: z.string().nullable(),
  reversedDate: z.string().nullable(),
  reversalKind: z.string().nullable(),
  reversalReason: z.string().nullable(),
  feeDocumentId: z.uuid().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  applications: z.array(
    z.object({
      id: z.uuid(),
      documentId: z.uuid(),
      documentKind: z.string(),
      documentNumber: z.string().nullable(),
      via: z.enum(['cash', 'discount', 'write_off']),
      sourceDocumentId: z.uuid(),
      sourceNumber: z.string().nullable(),
      amount: z.string(),
      date: z.string(),
      reason: z.string().nullable(),
      reversesApplicationId: z.uuid().nullable(),
      reversed: z.boolean(),
    }),
  ),
  documents: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      number: z.string().nullable(),
      state: z.string(),
      amount: z.string(),
      open: z.string(),
      date: z.string(),
    }),
  ),
  deductions: z.array(
    z.object({
      id: z.uuid(),
      documentId: z.uuid(),
      documentNumber: z.string().nullable(),
      amount: z.string(),
      openAmount: z.string(),
      reasonCode: z.string(),
      note: z.string().nullable(),
      status: deductionStatus,
      resolution: z.string().nullable(),
    }),
  ),
  statementLine: z
    .object({
      id: z.uuid(),
      statementId: z.uuid(),
      lineNo: z.number(),
      bookingDate: z.string().nullable(),
      amount: z.string(),
      counterpartyName: z.string().nullable(),
      remittanceInfo: z.string().nullable(),
    })
    .nullable(),
});

export const listSchema = z.object({
  items: z.array(summarySchema),
  nextCursor: z.string().nullable(),
});

export const bankAccountInput = z.object({
  name: text(200),
  identifier: required(64),
  bankIdentifier: optText(64),
  currency: z.string().length(3),
});
export const bankAccountPatch = z.object({
  name: required(200).optional(),
  active: z.boolean().optional(),
});
export const bankAccountSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  identifier: z.string(),
  bankIdentifier: z.string().nullable(),
  currency: z.string(),
  active: z.boolean(),
});

export const batchInput = z.object({ bankAccountId: z.uuid(), memo: optText(500) });
export const depositInput = z.object({ date: isoDate.optional() });
export const batchSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.enum(['open', 'deposited']),
  currency: z.string(),
  depositDate: z.string().nullable(),
  memo: z.string().nullable(),
  bankAccountId: z.uuid(),
  bankAccountName: z.string(),
  total: z.string(),
  paymentCount: z.number(),
  createdAt: z.string(),
});

export const settingsSchema = z.object({
  baseCurrency: z.string(),
  /** in the base currency */
  shortPayTolerance: z.string(),
  /** each other currency's own; a currency not listed has none (only a manager writes off) */
  shortPayTolerances: z.array(z.object({ currency: z.string(), amount: z.string() })),
  autoMatchThreshold: z.string(),
});
export const settingsInput = z.object({
  shortPayTolerance: decimal.optional(),
  /** replaces the whole list */
  shortPayTolerances: z
    .array(z.object({ currency: z.string().trim().max(3), amount: decimal }))
    .max(200)
    .optional(),
  autoMatchThreshold: z
    .string()
    .regex(/^(0(\.\d{1,3})?|1(\.0{1,3})?)$/, 'a number between 0 and 1, e.g. "0.90"')
    .optional(),
});

export const deductionsQuery = z.object({
  status: deductionStatus.optional(),
  customerId: z.uuid().optional(),
  /** page size, newest first (default 100) */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** `nextCursor` of the previous page */
  cursor: z.string().max(200).optional(),
});
export const deductionSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  customerName: z.string(),
  documentId: z.uuid(),
  documentNumber: z.string().nullable(),
  paymentId: z.uuid().nullable(),
  paymentNumber: z.string().nullable(),
  currency: z.string(),
  /** what was disputed when the short pay came in */
  amount: z.string(),
  /** what the invoice still holds of it: later cash or credits bring it down */
  openAmount: z.string(),
  reasonCode: z.string(),
  note: z.string().nullable(),
  status: deductionStatus,
  resolution: z.string().nullable(),
  createdAt: z.string(),
});
