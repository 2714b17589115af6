import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { isValidTimeZone } from '../../shared/dates.ts';
import { ConflictError, DomainError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { insertUser } from '../auth/index.ts';
import { ensureChartOfAccounts } from '../ledger/accounts.ts';

export type TermsDefinition = {
  code: string;
  name: string;
  type: 'net' | 'eom';
  netDays: number;
  discountBp?: number;
  discountDays?: number;
};

/** The payment terms every new organization starts with (editable afterwards). */
export const DEFAULT_TERMS: TermsDefinition[] = [
  { code: 'DUE', name: 'Due on receipt', type: 'net', netDays: 0 },
  { code: 'NET15', name: 'Net 15', type: 'net', netDays: 15 },
  { code: 'NET30', name: 'Net 30', type: 'net', netDays: 30 },
  { code: 'NET45', name: 'Net 45', type: 'net', netDays: 45 },
  { code: 'NET60', name: 'Net 60', type: 'net', netDays: 60 },
  { code: 'NET90', name: 'Net 90', type: 'net', netDays: 90 },
  { code: 'EOM', name: 'End of month', type: 'eom', netDays: 0 },
  { code: 'EOM30', name: 'End of month + 30', type: 'eom', netDays: 30 },
  {
    code: '2/10NET30',
    name: '2% 10, net 30',
    type: 'net',
    netDays: 30,
    discountBp: 200,
    discountDays: 10,
  },
  {
    code: '1/10NET30',
    name: '1% 10, net 30',
    type: 'net',
    netDays: 30,
    discountBp: 100,
    discountDays: 10,
  },
];

export type NewOrganization = {
  name: string;
  slug: string;
  timeZone: string;
  baseCurrency: string;
};

export async function createOrganization(
  db: Kysely<DB>,
  now: Date,
  input: NewOrganization,
): Promise<string> {
  if (!isValidTimeZone(input.timeZone))
    throw new DomainError('invalid_time_zone', `Unknown time zone ${input.timeZone}`);
  if (!isCurrency(input.baseCurrency))
    throw new DomainError('unknown_currency', `Unknown currency ${input.baseCurrency}`);
  const taken = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', input.slug)
    .executeTakeFirst();
  if (taken) throw new ConflictError('slug_taken', `Organization ${input.slug} already exists`);
  const id = newId();
  await db
    .insertInto('organizations')
    .values({
      id,
      name: input.name,
      slug: input.slug,
      time_zone: input.timeZone,
      base_currency: input.baseCurrency,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('payment_terms')
    .values(
      DEFAULT_TERMS.map((t) => ({
        org_id: id,
        code: t.code,
        name: t.name,
        type: t.type,
        net_days: t.netDays,
        discount_bp: t.discountBp ?? 0,
        discount_days: t.discountDays ?? 0,
      })),
    )
    .execute();
  await ensureChartOfAccounts(db, id);
  await recordAudit(db, systemActor(id), now, [
    { entityType: 'organization', entityId: id, action: 'create', after: input },
  ]);
  return id;
}

/** Adds a user with a password directly (bootstrap, demo and tests; the API has its own route). */
export async function addUser(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: { email: string; name: string; role: Role; password: string },
): Promise<string> {
  return (await insertUser(db, actor, now, input)).id;
}

export function termsDto(t: {
  code: string;
  name: string;
  type: 'net' | 'eom';
  net_days: number;
  discount_bp: number;
  discount_days: number;
}) {
  return {
    code: t.code,
    name: t.name,
    type: t.type,
    netDays: t.net_days,
    discountPercent: (t.discount_bp / 100).toFixed(2),
    discountDays: t.discount_days,
  };
}

export async function listTerms(db: Kysely<DB>, orgId: string) {
  const rows = await db
    .selectFrom('payment_terms')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('active', '=', true)
    .orderBy('net_days')
    .orderBy('code')
    .execute();
  return rows.map(termsDto);
}

export async function createTerms(db: Kysely<DB>, actor: Actor, now: Date, t: TermsDefinition) {
  const exists = await db
    .selectFrom('payment_terms')
    .select('code')
    .where('org_id', '=', actor.orgId)
    .where('code', '=', t.code)
    .executeTakeFirst();
  if (exists) throw new ConflictError('duplicate_terms', `Payment terms ${t.code} already exist`);
  if ((t.discountDays ?? 0) > t.netDays)
    throw new DomainError(
      'invalid_terms',
      'The discount period cannot be longer than the net period',
      [{ path: 'body.discountDays', message: 'exceeds netDays' }],
    );
  const row = {
    org_id: actor.orgId,
    code: t.code,
    name: t.name,
    type: t.type,
    net_days: t.netDays,
    discount_bp: t.discountBp ?? 0,
    discount_days: t.discountDays ?? 0,
  };
  await db.insertInto('payment_terms').values(row).execute();
  const dto = termsDto(row);
  await recordAudit(db, actor, now, [
    { entityType: 'payment_terms', entityId: t.code, action: 'create', after: dto },
  ]);
  return dto;
}
