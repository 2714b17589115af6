/** The e-mail outbox (email_messages): every message Dunwell sent or holds. */
import type { Kysely } from 'kysely';
import type { DB, EmailStatus } from '../../db/schema.ts';
import { ValidationError } from '../../shared/errors.ts';

export type OutboxItemDto = {
  id: string;
  status: EmailStatus;
  to: string[];
  cc: string[];
  subject: string;
  createdAt: string;
  sentAt: string | null;
  documentId: string | null;
  documentNumber: string | null;
  customerId: string | null;
  customerName: string | null;
  error: string | null;
  createdBy: string;
};

export type OutboxDetailDto = OutboxItemDto & {
  bodyText: string;
  attachmentName: string | null;
};

export type NewMessage = {
  id: string;
  orgId: string;
  status: EmailStatus;
  to: string[];
  cc: string[];
  subject: string;
  bodyText: string;
  attachmentName: string;
  attachment: Buffer;
  documentId: string;
  customerId: string;
  createdBy: string;
  createdAt: Date;
};

export async function insertMessage(db: Kysely<DB>, m: NewMessage): Promise<void> {
  await db
    .insertInto('email_messages')
    .values({
      id: m.id,
      org_id: m.orgId,
      status: m.status,
      to_addresses: m.to,
      cc_addresses: m.cc,
      subject: m.subject,
      body_text: m.bodyText,
      attachment_name: m.attachmentName,
      attachment: m.attachment,
      document_id: m.documentId,
      customer_id: m.customerId,
      error: null,
      created_by_name: m.createdBy,
      created_at: m.createdAt,
      sent_at: null,
    })
    .execute();
}

function itemSelect(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('email_messages as m')
    .leftJoin('ar_documents as d', (j) =>
      j.onRef('d.org_id', '=', 'm.org_id').onRef('d.id', '=', 'm.document_id'),
    )
    .leftJoin('customers as c', (j) =>
      j.onRef('c.org_id', '=', 'm.org_id').onRef('c.id', '=', 'm.customer_id'),
    )
    .select([
      'm.id',
      'm.status',
      'm.to_addresses',
      'm.cc_addresses',
      'm.subject',
      'm.created_at',
      'm.sent_at',
      'm.document_id',
      'd.number as document_number',
      'm.customer_id',
      'c.name as customer_name',
      'm.error',
      'm.created_by_name',
    ])
    .where('m.org_id', '=', orgId);
}

type ItemRow = {
  id: string;
  status: EmailStatus;
  to_addresses: string[];
  cc_addresses: string[];
  subject: string;
  created_at: Date;
  sent_at: Date | null;
  document_id: string | null;
  document_number: string | null;
  customer_id: string | null;
  customer_name: string | null;
  error: string | null;
  created_by_name: string;
};

function itemDto(r: ItemRow): OutboxItemDto {
  return {
    id: r.id,
    status: r.status,
    to: r.to_addresses,
    cc: r.cc_addresses,
    subject: r.subject,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    documentId: r.document_id,
    documentNumber: r.document_number,
    customerId: r.customer_id,
    customerName: r.customer_name,
    error: r.error,
    createdBy: r.created_by_name,
  };
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listMessages(
  db: Kysely<DB>,
  orgId: string,
  query: { status?: EmailStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: OutboxItemDto[]; nextCursor: string | null }> {
  let q = itemSelect(db, orgId);
  if (query.status) q = q.where('m.status', '=', query.status);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('m.created_at', '<', at),
        eb.and([eb('m.created_at', '=', at), eb('m.id', '<', id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(itemDto),
    nextCursor:
      rows.length > query.limit && last
        ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString(
            'base64url',
          )
        : null,
  };
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(value[1])
    ) {
      const at = new Date(value[0]);
      if (!Number.isNaN(at.getTime())) return [at, value[1]];
    }
  } catch {
    // falls through
  }
  throw new ValidationError('The cursor is invalid', [
    { path: 'querystring.cursor', message: 'is invalid' },
  ]);
}

export async function getMessage(
  db: Kysely<DB>,
  orgId: string,
  id: string,
): Promise<OutboxDetailDto | undefined> {
  const row = await itemSelect(db, orgId)
    .select(['m.body_text', 'm.attachment_name'])
    .where('m.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...itemDto(row), bodyText: row.body_text, attachmentName: row.attachment_name };
}

/** What a sender needs: the addresses, the text, the attachment bytes and the sender's name. */
export async function getDeliverable(db: Kysely<DB>, orgId: string, id: string) {
  return db
    .selectFrom('email_messages as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select([
      'm.status',
      'm.to_addresses',
      'm.cc_addresses',
      'm.subject',
      'm.body_text',
      'm.attachment_name',
      'm.attachment',
      'o.name as org_name',
    ])
    .where('m.org_id', '=', orgId)
    .where('m.id', '=', id)
    .executeTakeFirst();
}

export async function getAttachment(db: Kysely<DB>, orgId: string, id: string) {
  return db
    .selectFrom('email_messages')
    .select(['attachment_name', 'attachment'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** 'sent' may carry an error naming recipients the server refused while taking the rest. */
export type DeliveryOutcome =
  { status: 'sent'; sentAt: Date; error: string | null } | { status: 'failed'; error: string };

/** Records the outcome of a delivery; only a message still being sent changes. */
export async function markDelivered(
  db: Kysely<DB>,
  orgId: string,
  id: string,
  outcome: DeliveryOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('email_messages')
    .set(
      outcome.status === 'sent'
        ? { status: 'sent', sent_at: outcome.sentAt, error: outcome.error }
        : { status: 'failed', error: outcome.error },
    )
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Messages left 'sending' by a process that stopped mid-delivery (run at start-up, when no
 * delivery of this process can be under way). They become 'failed' with a warning rather than
 * being sent again: the SMTP server may already have accepted them, and a customer must never
 * get the same e-mail twice.
 */
export async function failInterruptedDeliveries(
  db: Kysely<DB>,
  startedBefore: Date,
): Promise<number> {
  const result = await db
    .updateTable('email_messages')
    .set({
      status: 'failed',
      error:
        'Delivery was interrupted when the server stopped; the message may or may not have reached the recipient. Check before sending it again.',
    })
    .where('status', '=', 'sending')
    .where('created_at', '<', startedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
