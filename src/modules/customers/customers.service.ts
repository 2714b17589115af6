import type { Kysely } from 'kysely';
import type { CustomerStatus, DB, RiskClass } from '../../db/schema.ts';
import { ACCESS, hasRole, type Actor } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { todayIn } from '../../shared/dates.ts';
import {
  AppError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { parseAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import {
  addressDto,
  contactDto,
  customerDetail,
  customerSummary,
  type CustomerDetailDto,
  type CustomerSummaryDto,
} from './customers.dto.ts';
import * as repo from './customers.repository.ts';

export type ContactInput = {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  title?: string | null | undefined;
  roles?: Array<'billing' | 'ap' | 'decision_maker'> | undefined;
  preferredChannel?: 'email' | 'phone' | 'letter' | undefined;
  isPrimary?: boolean | undefined;
};
export type AddressInput = {
  kind: 'billing' | 'shipping' | 'remit_from';
  line1: string;
  line2?: string | null | undefined;
  city: string;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
  country: string;
};

/** Scalar customer fields as the API and the importer give them (amounts as decimal strings). */
export type CustomerFields = {
  accountNumber: string;
  name: string;
  legalName?: string | null | undefined;
  currency: string;
  creditLimit?: string | undefined;
  paymentTerms: string;
  riskClass?: RiskClass | null | undefined;
  collectorId?: string | null | undefined;
  salesRepId?: string | null | undefined;
  parentId?: string | null | undefined;
  externalId?: string | null | undefined;
  status?: CustomerStatus | undefined;
  statusReason?: string | null | undefined;
};
export type CustomerCreateInput = CustomerFields & {
  contacts?: ContactInput[] | undefined;
  addresses?: AddressInput[] | undefined;
};
export type CustomerPatch = Partial<CustomerFields> & { version?: number | undefined };

export const MAX_PAGE_SIZE = 200;

type Ctx = { db: Kysely<DB>; actor: Actor; now: Date };

// ---------------------------------------------------------------- reading

export async function listCustomers(
  db: Kysely<DB>,
  actor: Actor,
  query: repo.CustomerFilter & { sort: string; limit: number; cursor?: string | undefined },
): Promise<{ items: CustomerSummaryDto[]; nextCursor: string | null }> {
  const descending = query.sort.startsWith('-');
  const sort = (descending ? query.sort.slice(1) : query.sort) as repo.CustomerSort;
  const after = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
  const limit = Math.min(query.limit, MAX_PAGE_SIZE);
  const rows = await repo.listCustomers(db, actor.orgId, query, {
    sort,
    descending,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(query.sort, { value: repo.sortValueOf(last), id: last.id })
      : null;
  return { items: page.map(customerSummary), nextCursor };
}

export async function getCustomer(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  now: Date,
): Promise<CustomerDetailDto> {
  const row = await repo.findCustomer(db, actor.orgId, id);
  if (!row) throw new NotFoundError(`Customer ${id} not found`);
  const children = await repo.loadChildren(db, actor.orgId, id);
  const timeZone = await orgTimeZone(db, actor.orgId);
  return customerDetail(row, children, todayIn(timeZone, now));
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const INT8_MAX = 9_223_372_036_854_775_807n;

function isInt8(text: string): boolean {
  if (!/^-?\d{1,19}$/.test(text)) return false;
  const value = BigInt(text);
  return value <= INT8_MAX && value >= -INT8_MAX - 1n;
}

/** Opaque cursor: the sort it belongs to and the last row's key, base64url JSON. */
function encodeCursor(sort: string, key: repo.Keyset): string {
  return Buffer.from(JSON.stringify([sort, key.value, key.id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: string): repo.Keyset {
  const bad = () =>
    new ValidationError('The cursor is invalid or belongs to another sort order', [
      { path: 'querystring.cursor', message: 'is invalid' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== sort ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string' ||
    !/^[0-9a-f-]{36}$/i.test(parsed[2])
  ) {
    throw bad();
  }
  if (sort.endsWith('creditLimit') && !isInt8(parsed[1])) throw bad();
  if (sort.endsWith('createdAt') && !ISO_INSTANT.test(parsed[1])) throw bad();
  return { value: parsed[1], id: parsed[2] };
}

// ---------------------------------------------------------------- validation

/** Reference data a batch of customer writes is checked against (loaded once per batch). */
export type ReferenceData = { termsCodes: Set<string>; userIds: Set<string> };

export async function loadReferenceData(db: Kysely<DB>, orgId: string): Promise<ReferenceData> {
  const [terms, users] = await Promise.all([
    db
      .selectFrom('payment_terms')
      .select('code')
      .where('org_id', '=', orgId)
      .where('active', '=', true)
      .execute(),
    db.selectFrom('users').select('id').where('org_id', '=', orgId).execute(),
  ]);
  return {
    termsCodes: new Set(terms.map((t) => t.code)),
    userIds: new Set(users.map((u) => u.id)),
  };
}

/**
 * Checks the scalar fields of a customer (the merged result for an update) and returns field
 * errors named by field, so the API can prefix `body.` and the importer can report the line.
 */
export function checkCustomerFields(
  ref: ReferenceData,
  f: CustomerFields,
): { creditLimitMinor: bigint; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (!f.accountNumber.trim()) err('accountNumber', 'is required');
  else if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,39}$/.test(f.accountNumber))
    err('accountNumber', 'must be 1–40 letters, digits or . _ - /');
  if (!f.name.trim()) err('name', 'is required');
  let creditLimitMinor = 0n;
  if (!isCurrency(f.currency)) err('currency', `"${f.currency}" is not an ISO 4217 currency code`);
  else if (f.creditLimit !== undefined && f.creditLimit !== '') {
    try {
      creditLimitMinor = parseAmount(f.creditLimit, f.currency);
      if (creditLimitMinor < 0n) err('creditLimit', 'must not be negative');
    } catch (error) {
      err('creditLimit', error instanceof AppError ? error.message : 'is not a valid amount');
    }
  }
  if (!ref.termsCodes.has(f.paymentTerms))
    err('paymentTerms', `unknown payment terms code "${f.paymentTerms}"`);
  if (f.collectorId && !ref.userIds.has(f.collectorId))
    err('collectorId', 'is not a user of this organization');
  if (f.salesRepId && !ref.userIds.has(f.salesRepId))
    err('salesRepId', 'is not a user of this organization');
  return { creditLimitMinor, errors };
}

function throwIfErrors(errors: FieldError[], prefix = 'body.') {
  if (errors.length === 0) return;
  const named = errors.map((e) => ({ path: prefix + (e.field ?? ''), message: e.message }));
  throw new DomainError(
    'invalid_customer',
    named.map((e) => `${e.path}: ${e.message}`).join('; '),
    named,
  );
}

/** Only managers and admins change credit limits and credit status. */
function assertMayChangeCredit(actor: Actor, what: string) {
  if (!hasRole(actor, ACCESS.manage))
    throw new ForbiddenError(`Only a manager or admin may change ${what}`);
}

async function assertParentAllowed(
  db: Kysely<DB>,
  orgId: string,
  customerId: string,
  parentId: string,
) {
  if (parentId === customerId)
    throw new DomainError('invalid_parent', 'A customer cannot be its own parent', [
      { path: 'body.parentId', message: 'is the customer itself' },
    ]);
  const parent = await repo.findCustomer(db, orgId, parentId);
  if (!parent)
    throw new DomainError('invalid_parent', `Parent customer ${parentId} not found`, [
      { path: 'body.parentId', message: 'not found' },
    ]);
  const ancestors = await repo.ancestorIds(db, orgId, parentId);
  if (ancestors.includes(customerId)) {
    throw new DomainError(
      'invalid_parent',
      'That parent would make a cycle in the account hierarchy',
      [{ path: 'body.parentId', message: 'would create a cycle' }],
    );
  }
}

// ---------------------------------------------------------------- writing

export async function createCustomer(
  ctx: Ctx,
  input: CustomerCreateInput,
  ref?: ReferenceData,
): Promise<string> {
  const { db, actor, now } = ctx;
  const reference = ref ?? (await loadReferenceData(db, actor.orgId));
  const { creditLimitMinor, errors } = checkCustomerFields(reference, input);
  throwIfErrors(errors);
  if (creditLimitMinor > 0n || (input.status && input.status !== 'active'))
    assertMayChangeCredit(actor, 'credit limits or credit status');
  const existing = await repo.findCustomerIdBy(db, actor.orgId, {
    accountNumber: input.accountNumber,
  });
  if (existing)
    throw new ConflictError(
      'duplicate_account_number',
      `Account number ${input.accountNumber} is already used`,
    );
  if (
    input.externalId &&
    (await repo.findCustomerIdBy(db, actor.orgId, { externalId: input.externalId }))
  ) {
    throw new ConflictError(
      'duplicate_external_id',
      `External id ${input.externalId} is already used`,
    );
  }
  const id = newId(now.getTime());
  if (input.parentId) await assertParentAllowed(db, actor.orgId, id, input.parentId);
  const status = input.status ?? 'active';
  await db
    .insertInto('customers')
    .values({
      id,
      org_id: actor.orgId,
      account_number: input.accountNumber,
      name: input.name.trim(),
      legal_name: (input.legalName ?? input.name).trim(),
      parent_id: input.parentId ?? null,
      currency: input.currency,
      payment_terms_code: input.paymentTerms,
      credit_limit_minor: creditLimitMinor,
      risk_class: input.riskClass ?? null,
      collector_id: input.collectorId ?? null,
      sales_rep_id: input.salesRepId ?? null,
      status,
      external_id: input.externalId || null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await insertStatusHistory(ctx, id, null, status, input.statusReason ?? 'account opened');
  for (const contact of input.contacts ?? []) await insertContact(ctx, id, contact);
  for (const address of input.addresses ?? []) await insertAddress(ctx, id, address);
  const hasChildren = (input.contacts?.length ?? 0) + (input.addresses?.length ?? 0) > 0;
  const children = hasChildren
    ? await repo.loadContactsAndAddresses(db, actor.orgId, id)
    : undefined;
  const after = {
    ...(await snapshot(db, actor.orgId, id)),
    contacts: children?.contacts.map(contactDto) ?? [],
    addresses: children?.addresses.map(addressDto) ?? [],
  };
  await recordAudit(db, actor, now, [
    { entityType: 'customer', entityId: id, action: 'create', after },
  ]);
  return id;
}

/** Applies a partial update; returns whether anything changed. */
export async function updateCustomer(
  ctx: Ctx,
  id: string,
  patch: CustomerPatch,
  ref?: ReferenceData,
): Promise<boolean> {
  const { db, actor, now } = ctx;
  const row = await repo.findCustomer(db, actor.orgId, id, true);
  if (!row) throw new NotFoundError(`Customer ${id} not found`);
  if (patch.version !== undefined && patch.version !== row.version) {
    throw new ConflictError(
      'stale_version',
      `Customer ${row.account_number} was changed by someone else (version ${row.version}, you sent ${patch.version}); reload and retry`,
    );
  }
  const before = customerSummary(row);
  const merged: CustomerFields = {
    accountNumber: patch.accountNumber ?? row.account_number,
    name: patch.name ?? row.name,
    legalName: patch.legalName ?? row.legal_name,
    currency: patch.currency ?? row.currency,
    creditLimit: patch.creditLimit ?? before.creditLimit,
    paymentTerms: patch.paymentTerms ?? row.payment_terms_code,
    riskClass: patch.riskClass === undefined ? row.risk_class : patch.riskClass,
    collectorId: patch.collectorId === undefined ? row.collector_id : patch.collectorId,
    salesRepId: patch.salesRepId === undefined ? row.sales_rep_id : patch.salesRepId,
    parentId: patch.parentId === undefined ? row.parent_id : patch.parentId,
    externalId: patch.externalId === undefined ? row.external_id : patch.externalId,
    status: patch.status ?? row.status,
  };
  const currencyChanged = merged.currency !== row.currency;
  if (currencyChanged) {
    // the customer's documents, account and statements are in the billing currency
    const billed = await db
      .selectFrom('ar_documents')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('customer_id', '=', row.id)
      .limit(1)
      .executeTakeFirst();
    if (billed) {
      throw new DomainError(
        'currency_in_use',
        `Customer ${row.name} already has documents in ${row.currency}; the billing currency cannot change`,
        [{ path: 'body.currency', message: `documents exist in ${row.currency}` }],
      );
    }
  }
  if (currencyChanged && row.credit_limit_minor > 0n && patch.creditLimit === undefined) {
    // the stored limit is a number of minor units of the old currency: it must be restated
    throw new DomainError(
      'currency_change_needs_limit',
      'Changing the currency needs the credit limit restated in the new currency',
      [{ path: 'body.creditLimit', message: 'is required when the currency changes' }],
    );
  }
  const { creditLimitMinor, errors } = checkCustomerFields(
    ref ?? (await loadReferenceData(db, actor.orgId)),
    merged,
  );
  throwIfErrors(errors);
  const statusChanged = merged.status !== row.status;
  // a credit limit is an amount in a currency: changing either changes the exposure allowed
  if (creditLimitMinor !== row.credit_limit_minor || (currencyChanged && creditLimitMinor > 0n)) {
    assertMayChangeCredit(actor, 'the credit limit');
  }
  if (statusChanged) assertMayChangeCredit(actor, 'the account status');
  if (
    merged.accountNumber !== row.account_number &&
    (await repo.findCustomerIdBy(db, actor.orgId, { accountNumber: merged.accountNumber }))
  ) {
    throw new ConflictError(
      'duplicate_account_number',
      `Account number ${merged.accountNumber} is already used`,
    );
  }
  if (
    merged.externalId &&
    merged.externalId !== row.external_id &&
    (await repo.findCustomerIdBy(db, actor.orgId, { externalId: merged.externalId }))
  ) {
    throw new ConflictError(
      'duplicate_external_id',
      `External id ${merged.externalId} is already used`,
    );
  }
  if (merged.parentId && merged.parentId !== row.parent_id)
    await assertParentAllowed(db, actor.orgId, id, merged.parentId);

  const values = {
    account_number: merged.accountNumber,
    name: merged.name.trim(),
    legal_name: (merged.legalName ?? merged.name).trim(),
    currency: merged.currency,
    payment_terms_code: merged.paymentTerms,
    credit_limit_minor: creditLimitMinor,
    risk_class: merged.riskClass ?? null,
    collector_id: merged.collectorId ?? null,
    sales_rep_id: merged.salesRepId ?? null,
    parent_id: merged.parentId ?? null,
    external_id: merged.externalId || null,
    status: merged.status ?? row.status,
  };
  const changed = Object.entries(values).some(([k, v]) => row[k as keyof typeof row] !== v);
  if (!changed) return false;
  await db
    .updateTable('customers')
    .set({ ...values, version: row.version + 1, updated_at: now })
    .where('org_id', '=', actor.orgId)
    .where('id', '=', id)
    .execute();
  if (statusChanged)
    await insertStatusHistory(ctx, id, row.status, values.status, patch.statusReason ?? null);
  const after = await snapshot(db, actor.orgId, id);
  await recordAudit(db, actor, now, [
    {
      entityType: 'customer',
      entityId: id,
      action: statusChanged ? 'update_status' : 'update',
      before,
      after,
    },
  ]);
  return true;
}

async function snapshot(db: Kysely<DB>, orgId: string, id: string) {
  const row = await repo.findCustomer(db, orgId, id);
  if (!row) throw new NotFoundError(`Customer ${id} not found`);
  return customerSummary(row);
}

async function insertStatusHistory(
  ctx: Ctx,
  customerId: string,
  from: CustomerStatus | null,
  to: CustomerStatus,
  reason: string | null,
) {
  await ctx.db
    .insertInto('customer_status_history')
    .values({
      org_id: ctx.actor.orgId,
      customer_id: customerId,
      from_status: from,
      to_status: to,
      reason,
      changed_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
      changed_by_name: ctx.actor.name,
      changed_at: ctx.now,
    })
    .execute();
}

export async function insertContact(
  ctx: Ctx,
  customerId: string,
  c: ContactInput,
): Promise<string> {
  const id = newId();
  if (c.isPrimary) await clearPrimary(ctx, customerId);
  await ctx.db
    .insertInto('customer_contacts')
    .values({
      id,
      org_id: ctx.actor.orgId,
      customer_id: customerId,
      name: c.name.trim(),
      email: c.email || null,
      phone: c.phone || null,
      title: c.title || null,
      roles: uniqueRoles(c.roles),
      preferred_channel: c.preferredChannel ?? 'email',
      is_primary: c.isPrimary ?? false,
    })
    .execute();
  return id;
}

export async function insertAddress(
  ctx: Ctx,
  customerId: string,
  a: AddressInput,
): Promise<string> {
  const id = newId();
  await ctx.db
    .insertInto('customer_addresses')
    .values({
      id,
      org_id: ctx.actor.orgId,
      customer_id: customerId,
      kind: a.kind,
      line1: a.line1.trim(),
      line2: a.line2 || null,
      city: a.city.trim(),
      region: a.region || null,
      postal_code: a.postalCode || null,
      country: a.country.toUpperCase(),
    })
    .execute();
  return id;
}

/** Makes no contact of the customer primary (before marking a new one). */
export async function clearPrimary(ctx: Ctx, customerId: string) {
  await ctx.db
    .updateTable('customer_contacts')
    .set({ is_primary: false })
    .where('org_id', '=', ctx.actor.orgId)
    .where('customer_id', '=', customerId)
    .execute();
}

function uniqueRoles(roles: ContactInput['roles']): string[] {
  return [...new Set(roles ?? [])];
}

export async function orgTimeZone(db: Kysely<DB>, orgId: string): Promise<string> {
  const org = await db
    .selectFrom('organizations')
    .select('time_zone')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return org.time_zone;
}
