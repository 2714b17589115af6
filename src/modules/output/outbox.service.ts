/**
 * E-mailing a document: the message, with the PDF attached, is written to the outbox in the
 * request's transaction; only after that commits is it handed to the SMTP server, so a
 * rolled-back request sends nothing and a replayed one (same Idempotency-Key) sends nothing
 * again. Without SMTP the message stays in the outbox.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { Clock } from '../../shared/clock.ts';
import { DomainError, InvariantError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatMoneyDisplay } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { discountText, documentName, pdfFileName, renderInvoicePdf } from './invoice-pdf.ts';
import type { Mailer } from './mailer.ts';
import {
  getDeliverable,
  getMessage,
  insertMessage,
  markDelivered,
  type DeliveryOutcome,
  type OutboxDetailDto,
} from './outbox.repository.ts';
import {
  loadCustomerPrint,
  loadDocumentPrint,
  loadOrgPrint,
  type CustomerPrint,
  type DocumentPrint,
  type OrgPrint,
} from './print-data.ts';

export type SendInput = {
  to?: string[] | undefined;
  cc?: string[] | undefined;
  message?: string | undefined;
};

export type SendResultDto = {
  id: string;
  status: 'outbox' | 'sending' | 'sent' | 'failed';
  to: string[];
  cc: string[];
  subject: string;
  sentAt: string | null;
  error: string | null;
};

const MAX_ERROR_LENGTH = 1000;

function unique(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  return addresses
    .map((a) => a.trim())
    .filter((a) => {
      const key = a.toLowerCase();
      if (!a || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The customer's billing contacts with an e-mail, else their primary contact's e-mail. */
async function defaultRecipients(db: Kysely<DB>, orgId: string, customerId: string) {
  const contacts = await db
    .selectFrom('customer_contacts')
    .select(['email', 'roles', 'is_primary'])
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId)
    .where('email', 'is not', null)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const billing = contacts.filter((c) => c.roles.includes('billing')).map((c) => c.email!);
  if (billing.length > 0) return billing;
  return contacts.filter((c) => c.is_primary).map((c) => c.email!);
}

/** Subject and plain-text body of the message that carries `doc`. */
export function composeMessage(
  org: OrgPrint,
  customer: CustomerPrint,
  doc: DocumentPrint,
  note: string | undefined,
): { subject: string; text: string } {
  const name = documentName(doc.kind, doc.number);
  const money = (minor: bigint) => formatMoneyDisplay(minor, doc.currency);
  const credit = doc.credit;
  const lines = [
    `Dear ${customer.legalName},`,
    '',
    `Please find attached ${name.charAt(0).toLowerCase()}${name.slice(1)} dated ${doc.issueDate} for ${money(doc.totalMinor)}.`,
    '',
  ];
  if (credit) {
    lines.push(`Unapplied credit: ${money(doc.balanceMinor)}`);
  } else {
    lines.push(`Amount due: ${money(doc.balanceMinor)}`);
    if (doc.dueDate) lines.push(`Due date: ${doc.dueDate}`);
    const offer = discountText(doc, org.today, money);
    if (offer) lines.push(offer);
  }
  if (note?.trim()) lines.push('', note.trim());
  if (!credit) {
    lines.push(
      '',
      'How to pay:',
      org.remitTo?.trim() || org.name,
      `Payment reference: ${doc.number ?? ''}`,
    );
  }
  lines.push('', 'Kind regards,', org.name);
  return {
    subject: `${name} from ${org.name}`.replace(/[\r\n]+/g, ' '),
    text: lines.join('\n'),
  };
}

/**
 * Writes the message for document `id` to the outbox, in the caller's transaction: 'sending'
 * when a mailer will deliver it after the commit, 'outbox' when there is none.
 */
export async function queueDocumentEmail(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  id: string,
  input: SendInput,
  willSend: boolean,
): Promise<SendResultDto> {
  const { document: doc, customerId } = await loadDocumentPrint(db, actor, id);
  if (doc.state !== 'posted') {
    throw new DomainError(
      'cannot_send',
      `${documentName(doc.kind, doc.number)} is ${doc.state === 'draft' ? 'a draft: post it before sending it' : 'voided and cannot be sent'}`,
    );
  }
  const to = unique(input.to ?? (await defaultRecipients(db, actor.orgId, customerId)));
  if (to.length === 0) {
    throw new DomainError(
      'no_recipients',
      'The customer has no billing contact with an e-mail address; name the recipients in `to`',
      [{ path: 'body.to', message: 'no recipient' }],
    );
  }
  const cc = unique(input.cc ?? []).filter(
    (c) => !to.some((t) => t.toLowerCase() === c.toLowerCase()),
  );
  const [org, customer] = await Promise.all([
    loadOrgPrint(db, actor, now),
    loadCustomerPrint(db, actor, customerId),
  ]);
  const pdf = await renderInvoicePdf({ org, customer, document: doc });
  const { subject, text } = composeMessage(org, customer, doc, input.message);
  const messageId = newId(now.getTime());
  const status = willSend ? 'sending' : 'outbox';
  await insertMessage(db, {
    id: messageId,
    orgId: actor.orgId,
    status,
    to,
    cc,
    subject,
    bodyText: text,
    attachmentName: pdfFileName(doc),
    attachment: pdf,
    documentId: doc.id,
    customerId,
    createdBy: actor.name,
    createdAt: now,
  });
  await recordAudit(db, actor, now, [
    {
      entityType: doc.kind,
      entityId: doc.id,
      action: 'email',
      after: { messageId, status, to, cc, subject },
    },
  ]);
  return { id: messageId, status, to, cc, subject, sentAt: null, error: null };
}

function resultOf(message: OutboxDetailDto): SendResultDto {
  return {
    id: message.id,
    status: message.status,
    to: message.to,
    cc: message.cc,
    subject: message.subject,
    sentAt: message.sentAt,
    error: message.error,
  };
}

/** The message as it stands now (what a replayed send answers). */
export async function currentResult(
  db: Kysely<DB>,
  orgId: string,
  id: string,
): Promise<SendResultDto | undefined> {
  const message = await getMessage(db, orgId, id);
  return message ? resultOf(message) : undefined;
}

/**
 * Hands a committed 'sending' message to the SMTP server and records the outcome ('sent' or
 * 'failed' with the server's reason), audited. Never throws for a delivery failure.
 */
export async function deliver(
  deps: { db: Kysely<DB>; clock: Clock },
  mailer: Mailer,
  actor: Actor,
  messageId: string,
): Promise<SendResultDto> {
  const message = await getDeliverable(deps.db, actor.orgId, messageId);
  if (message?.status === 'sending') {
    let outcome: DeliveryOutcome;
    try {
      const { refused } = await mailer.send({
        fromName: message.org_name,
        to: message.to_addresses,
        cc: message.cc_addresses,
        subject: message.subject,
        text: message.body_text,
        attachment:
          message.attachment && message.attachment_name
            ? { filename: message.attachment_name, content: Buffer.from(message.attachment) }
            : null,
      });
      outcome = {
        status: 'sent',
        sentAt: deps.clock.now(),
        error: refused.length > 0 ? `The server refused ${refused.join(', ')}` : null,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcome = { status: 'failed', error: reason.slice(0, MAX_ERROR_LENGTH) || 'unknown error' };
    }
    await deps.db.transaction().execute(async (trx) => {
      const changed = await markDelivered(trx, actor.orgId, messageId, outcome);
      if (changed) {
        await recordAudit(trx, actor, deps.clock.now(), [
          {
            entityType: 'email_message',
            entityId: messageId,
            action: outcome.status === 'sent' ? 'sent' : 'send_failed',
            after: { status: outcome.status, error: outcome.error },
          },
        ]);
      }
    });
  }
  const result = await currentResult(deps.db, actor.orgId, messageId);
  if (!result) throw new InvariantError(`e-mail message ${messageId} vanished while being sent`);
  return result;
}
