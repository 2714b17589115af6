import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { parseIsoDate } from '../../shared/dates.ts';
import { DomainError, NotFoundError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { addressDto, certificateDto, contactDto, creditReferenceDto } from './customers.dto.ts';
import * as repo from './customers.repository.ts';
import {
  clearPrimary,
  insertAddress,
  insertContact,
  type AddressInput,
  type ContactInput,
} from './customers.service.ts';

type Ctx = { db: Kysely<DB>; actor: Actor; now: Date };

/** Child tables of a customer that are added, changed and removed one record at a time. */
type ChildTable =
  'customer_contacts' | 'customer_addresses' | 'tax_certificates' | 'credit_references';
const ENTITY: Record<ChildTable, string> = {
  customer_contacts: 'customer_contact',
  customer_addresses: 'customer_address',
  tax_certificates: 'tax_certificate',
  credit_references: 'credit_reference',
};

async function requireCustomer(ctx: Ctx, customerId: string) {
  const row = await repo.findCustomer(ctx.db, ctx.actor.orgId, customerId);
  if (!row) throw new NotFoundError(`Customer ${customerId} not found`);
  return row;
}

/** One child record of the customer, read with its own list's query (404 when absent). */
async function loadChild(ctx: Ctx, customerId: string, table: ChildTable, id: string) {
  const { db, actor } = ctx;
  const query = {
    customer_contacts: repo.contactsOf,
    customer_addresses: repo.addressesOf,
    tax_certificates: repo.certificatesOf,
    credit_references: repo.referencesOf,
  }[table];
  const [found] = await query(db, actor.orgId, customerId, id);
  if (!found)
    throw new NotFoundError(
      `${ENTITY[table].replace('_', ' ')} ${id} not found on customer ${customerId}`,
    );
  return { found };
}

async function audit(
  ctx: Ctx,
  table: ChildTable,
  id: string,
  action: string,
  customerId: string,
  before?: unknown,
  after?: unknown,
) {
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    { entityType: ENTITY[table], entityId: id, action, before, after },
    // also on the customer, so the customer's history shows every change to its records
    {
      entityType: 'customer',
      entityId: customerId,
      action: `${action}_${ENTITY[table].replace('customer_', '')}`,
      before,
      after,
    },
  ]);
}

export async function removeChild(ctx: Ctx, customerId: string, table: ChildTable, id: string) {
  await requireCustomer(ctx, customerId);
  const { found } = await loadChild(ctx, customerId, table, id);
  await ctx.db
    .deleteFrom(table)
    .where('org_id', '=', ctx.actor.orgId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .execute();
  await audit(ctx, table, id, 'delete', customerId, found, undefined);
}

export async function addContact(ctx: Ctx, customerId: string, input: ContactInput) {
  await requireCustomer(ctx, customerId);
  const id = await insertContact(ctx, customerId, input);
  const { found } = await loadChild(ctx, customerId, 'customer_contacts', id);
  const dto = contactDto(found as Parameters<typeof contactDto>[0]);
  await audit(ctx, 'customer_contacts', id, 'create', customerId, undefined, dto);
  return dto;
}

export async function updateContact(
  ctx: Ctx,
  customerId: string,
  id: string,
  patch: Partial<ContactInput>,
) {
  await requireCustomer(ctx, customerId);
  const { found } = await loadChild(ctx, customerId, 'customer_contacts', id);
  const before = contactDto(found as Parameters<typeof contactDto>[0]);
  if (patch.isPrimary) await clearPrimary(ctx, customerId);
  await ctx.db
    .updateTable('customer_contacts')
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.email !== undefined ? { email: patch.email || null } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone || null } : {}),
      ...(patch.title !== undefined ? { title: patch.title || null } : {}),
      ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
      ...(patch.preferredChannel !== undefined
        ? { preferred_channel: patch.preferredChannel }
        : {}),
      ...(patch.isPrimary !== undefined ? { is_primary: patch.isPrimary } : {}),
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  const after = contactDto(
    (await loadChild(ctx, customerId, 'customer_contacts', id)).found as Parameters<
      typeof contactDto
    >[0],
  );
  await audit(ctx, 'customer_contacts', id, 'update', customerId, before, after);
  return after;
}

export async function addAddress(ctx: Ctx, customerId: string, input: AddressInput) {
  await requireCustomer(ctx, customerId);
  const id = await insertAddress(ctx, customerId, input);
  const dto = addressDto(
    (await loadChild(ctx, customerId, 'customer_addresses', id)).found as Parameters<
      typeof addressDto
    >[0],
  );
  await audit(ctx, 'customer_addresses', id, 'create', customerId, undefined, dto);
  return dto;
}

export async function updateAddress(
  ctx: Ctx,
  customerId: string,
  id: string,
  patch: Partial<AddressInput>,
) {
  await requireCustomer(ctx, customerId);
  const before = addressDto(
    (await loadChild(ctx, customerId, 'customer_addresses', id)).found as Parameters<
      typeof addressDto
    >[0],
  );
  await ctx.db
    .updateTable('customer_addresses')
    .set({
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.line1 !== undefined ? { line1: patch.line1.trim() } : {}),
      ...(patch.line2 !== undefined ? { line2: patch.line2 || null } : {}),
      ...(patch.city !== undefined ? { city: patch.city.trim() } : {}),
      ...(patch.region !== undefined ? { region: patch.region || null } : {}),
      ...(patch.postalCode !== undefined ? { postal_code: patch.postalCode || null } : {}),
      ...(patch.country !== undefined ? { country: patch.country.toUpperCase() } : {}),
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  const after = addressDto(
    (await loadChild(ctx, customerId, 'customer_addresses', id)).found as Parameters<
      typeof addressDto
    >[0],
  );
  await audit(ctx, 'customer_addresses', id, 'update', customerId, before, after);
  return after;
}

export type CertificateInput = {
  jurisdiction: string;
  certificateNumber: string;
  expiresOn?: string | null | undefined;
  documentId?: string | null | undefined;
};

export async function addCertificate(
  ctx: Ctx,
  customerId: string,
  input: CertificateInput,
  today: string,
) {
  await requireCustomer(ctx, customerId);
  const expiresOn = input.expiresOn ? parseIsoDate(input.expiresOn) : null;
  if (input.documentId) await assertDocument(ctx, input.documentId);
  const id = newId();
  await ctx.db
    .insertInto('tax_certificates')
    .values({
      id,
      org_id: ctx.actor.orgId,
      customer_id: customerId,
      jurisdiction: input.jurisdiction.trim().toUpperCase(),
      certificate_number: input.certificateNumber.trim(),
      expires_on: expiresOn,
      document_id: input.documentId ?? null,
    })
    .execute();
  const dto = certificateDto(
    (await loadChild(ctx, customerId, 'tax_certificates', id)).found as Parameters<
      typeof certificateDto
    >[0],
    today,
  );
  await audit(ctx, 'tax_certificates', id, 'create', customerId, undefined, dto);
  return dto;
}

async function assertDocument(ctx: Ctx, documentId: string) {
  const doc = await ctx.db
    .selectFrom('documents')
    .select('id')
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!doc) {
    throw new DomainError('invalid_document', `Document ${documentId} not found`, [
      { path: 'body.documentId', message: 'not found' },
    ]);
  }
}

export async function updateCertificate(
  ctx: Ctx,
  customerId: string,
  id: string,
  patch: Partial<CertificateInput>,
  today: string,
) {
  await requireCustomer(ctx, customerId);
  type Row = Parameters<typeof certificateDto>[0];
  const load = async () =>
    certificateDto((await loadChild(ctx, customerId, 'tax_certificates', id)).found as Row, today);
  const before = await load();
  if (patch.documentId) await assertDocument(ctx, patch.documentId);
  await ctx.db
    .updateTable('tax_certificates')
    .set({
      ...(patch.jurisdiction !== undefined
        ? { jurisdiction: patch.jurisdiction.trim().toUpperCase() }
        : {}),
      ...(patch.certificateNumber !== undefined
        ? { certificate_number: patch.certificateNumber.trim() }
        : {}),
      ...(patch.expiresOn !== undefined
        ? { expires_on: patch.expiresOn ? parseIsoDate(patch.expiresOn) : null }
        : {}),
      ...(patch.documentId !== undefined ? { document_id: patch.documentId } : {}),
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  const after = await load();
  await audit(ctx, 'tax_certificates', id, 'update', customerId, before, after);
  return after;
}

export async function updateCreditReference(
  ctx: Ctx,
  customerId: string,
  id: string,
  patch: Partial<CreditReferenceInput>,
) {
  await requireCustomer(ctx, customerId);
  type Row = Parameters<typeof creditReferenceDto>[0];
  const load = async () =>
    creditReferenceDto((await loadChild(ctx, customerId, 'credit_references', id)).found as Row);
  const before = await load();
  await ctx.db
    .updateTable('credit_references')
    .set({
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.contactName !== undefined ? { contact_name: patch.contactName || null } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone || null } : {}),
      ...(patch.email !== undefined ? { email: patch.email || null } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes || null } : {}),
    })
    .where('org_id', '=', ctx.actor.orgId)
    .where('id', '=', id)
    .execute();
  const after = await load();
  await audit(ctx, 'credit_references', id, 'update', customerId, before, after);
  return after;
}

export type CreditReferenceInput = {
  kind: 'trade' | 'bank';
  name: string;
  contactName?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  notes?: string | null | undefined;
};

export async function addCreditReference(
  ctx: Ctx,
  customerId: string,
  input: CreditReferenceInput,
) {
  await requireCustomer(ctx, customerId);
  const id = newId();
  await ctx.db
    .insertInto('credit_references')
    .values({
      id,
      org_id: ctx.actor.orgId,
      customer_id: customerId,
      kind: input.kind,
      name: input.name.trim(),
      contact_name: input.contactName || null,
      phone: input.phone || null,
      email: input.email || null,
      notes: input.notes || null,
    })
    .execute();
  const dto = creditReferenceDto(
    (await loadChild(ctx, customerId, 'credit_references', id)).found as Parameters<
      typeof creditReferenceDto
    >[0],
  );
  await audit(ctx, 'credit_references', id, 'create', customerId, undefined, dto);
  return dto;
}

export async function listNotes(db: Kysely<DB>, actor: Actor, customerId: string) {
  const customer = await repo.findCustomer(db, actor.orgId, customerId);
  if (!customer) throw new NotFoundError(`Customer ${customerId} not found`);
  const rows = await db
    .selectFrom('customer_notes')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map(noteDto);
}

export async function addNote(ctx: Ctx, customerId: string, body: string) {
  await requireCustomer(ctx, customerId);
  const row = {
    id: newId(),
    org_id: ctx.actor.orgId,
    customer_id: customerId,
    body: body.trim(),
    author_id: ctx.actor.type === 'user' ? ctx.actor.id : null,
    author_name: ctx.actor.name,
    created_at: ctx.now,
  };
  await ctx.db.insertInto('customer_notes').values(row).execute();
  const dto = noteDto(row);
  await recordAudit(ctx.db, ctx.actor, ctx.now, [
    { entityType: 'customer', entityId: customerId, action: 'add_note', after: dto },
  ]);
  return dto;
}

function noteDto(r: {
  id: string;
  body: string;
  author_id: string | null;
  author_name: string;
  created_at: Date;
}) {
  return {
    id: r.id,
    body: r.body,
    author: { id: r.author_id, name: r.author_name },
    createdAt: r.created_at.toISOString(),
  };
}
