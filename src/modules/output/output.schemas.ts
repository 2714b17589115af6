import { z } from 'zod';
import { documentKind } from '../billing/billing.schemas.ts';
import { FOOTER_MAX, REMIT_TO_MAX } from './invoice-settings.ts';

export const idParams = z.object({ id: z.uuid() });

const emailStatus = z.enum(['outbox', 'sending', 'sent', 'failed']);

export const statementQuery = z.object({
  asOf: z.iso.date().optional().describe('default: today in the organization’s time zone'),
});

export const statementSchema = z.object({
  customerId: z.uuid(),
  asOf: z.string(),
  currency: z.string(),
  items: z.array(
    z.object({
      documentId: z.uuid(),
      kind: documentKind,
      number: z.string(),
      issueDate: z.string(),
      dueDate: z.string().nullable(),
      daysOverdue: z.number().int(),
      total: z.string().describe('signed: credits are negative'),
      open: z.string().describe('signed: what is open at asOf'),
    }),
  ),
  aging: z.object({
    current: z.string(),
    days1to30: z.string(),
    days31to60: z.string(),
    days61to90: z.string(),
    over90: z.string(),
  }),
  balance: z.string(),
});

const emails = z.array(z.email().max(254)).max(20);

export const sendInput = z
  .object({
    to: emails
      .min(1)
      .optional()
      .describe("default: the customer's billing contacts, else the primary contact"),
    cc: emails.optional(),
    message: z.string().max(5000).optional().describe('added to the e-mail text'),
  })
  .nullish()
  .describe('may be left out: everything has a default');

export const sendResultSchema = z.object({
  id: z.uuid(),
  status: emailStatus.describe(
    "'sent', 'outbox' (no SMTP configured) or 'failed' (error says why); 'sending' only on a replay while the first request is still delivering",
  ),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  sentAt: z.string().nullable(),
  error: z.string().nullable(),
});

export const outboxQuery = z.object({
  status: emailStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const outboxItemSchema = z.object({
  id: z.uuid(),
  status: emailStatus,
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  documentId: z.uuid().nullable(),
  documentNumber: z.string().nullable(),
  customerId: z.uuid().nullable(),
  customerName: z.string().nullable(),
  error: z.string().nullable(),
  createdBy: z.string(),
});

export const outboxListSchema = z.object({
  items: z.array(outboxItemSchema),
  nextCursor: z.string().nullable(),
});

export const outboxDetailSchema = outboxItemSchema.extend({
  bodyText: z.string(),
  attachmentName: z.string().nullable(),
});

export const invoiceSettingsSchema = z.object({
  remitTo: z.string().nullable(),
  invoiceFooter: z.string().nullable(),
});

export const invoiceSettingsInput = z.object({
  remitTo: z
    .string()
    .max(REMIT_TO_MAX)
    .refine((t) => t.split(/\r\n?|\n/).length <= 15, 'must be at most 15 lines')
    .nullable()
    .optional()
    .describe('address, bank and remittance instructions; null clears; left out keeps'),
  invoiceFooter: z
    .string()
    .max(FOOTER_MAX)
    .refine((t) => t.split(/\r\n?|\n/).length <= 4, 'must be at most 4 lines')
    .nullable()
    .optional()
    .describe('printed at the bottom of every page; null clears; left out keeps'),
});
