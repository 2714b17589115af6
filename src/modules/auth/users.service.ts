import { sql, type Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { newId, randomSecret, sha256Hex } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { API_KEY_PREFIX } from './auth.service.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';

export type UserDto = { id: string; email: string; name: string; role: Role; active: boolean };
export type ApiKeyDto = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export async function listUsers(db: Kysely<DB>, actor: Actor): Promise<UserDto[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'active'])
    .where('org_id', '=', actor.orgId)
    .orderBy('name')
    .limit(1000)
    .execute();
}

export async function createUser(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: { email: string; name: string; role: Role; password: string },
): Promise<UserDto> {
  checkPasswordStrength(input.password);
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where(sql<string>`lower(email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  if (taken)
    throw new ConflictError('email_taken', `A user with e-mail ${input.email} already exists`);
  return insertUser(db, actor, now, input);
}

/**
 * Inserts a user with an argon2 password hash and audits it. Callers check who may do it and
 * that the e-mail is free (the unique index refuses a duplicate either way).
 */
export async function insertUser(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: { email: string; name: string; role: Role; password: string },
): Promise<UserDto> {
  const user = {
    id: newId(),
    org_id: actor.orgId,
    email: input.email,
    name: input.name,
    role: input.role,
    password_hash: await hashPassword(input.password),
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('users').values(user).execute();
  const dto: UserDto = {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: true,
  };
  await recordAudit(db, actor, now, [
    { entityType: 'user', entityId: user.id, action: 'create', after: dto },
  ]);
  return dto;
}

export async function updateUser(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  userId: string,
  patch: {
    name?: string | undefined;
    role?: Role | undefined;
    active?: boolean | undefined;
    password?: string | undefined;
  },
): Promise<UserDto> {
  const before = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'active'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw new NotFoundError(`User ${userId} not found`);
  const { password, ...fields } = patch;
  const after: UserDto = { ...before, ...stripUndefined(fields) };
  if (before.role === 'admin' && before.active && (after.role !== 'admin' || !after.active)) {
    await assertAnotherActiveAdmin(db, actor.orgId, userId);
  }
  if (password !== undefined) {
    checkPasswordStrength(password);
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', userId)
      .execute();
  }
  await db
    .updateTable('users')
    .set({ name: after.name, role: after.role, active: after.active, updated_at: now })
    .where('org_id', '=', actor.orgId)
    .where('id', '=', userId)
    .execute();
  if (!after.active || password !== undefined) {
    // a deactivated user, or one whose password was reset, is signed out everywhere
    await db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
  await recordAudit(db, actor, now, [
    {
      entityType: 'user',
      entityId: userId,
      action: password !== undefined ? 'update_and_reset_password' : 'update',
      before,
      after,
    },
  ]);
  return after;
}

export async function listApiKeys(db: Kysely<DB>, actor: Actor): Promise<ApiKeyDto[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'role', 'created_at', 'last_used_at', 'revoked_at'])
    .where('org_id', '=', actor.orgId)
    .orderBy('created_at', 'desc')
    .limit(1000)
    .execute();
  return rows.map(apiKeyDto);
}

/** Creates an API key; the secret is returned once and only its hash is stored. */
export async function createApiKey(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: { name: string; role: Role },
): Promise<ApiKeyDto & { key: string }> {
  const key = API_KEY_PREFIX + randomSecret(32);
  const row = {
    id: newId(),
    org_id: actor.orgId,
    name: input.name,
    prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    key_hash: sha256Hex(key),
    role: input.role,
    created_by: actor.type === 'user' ? actor.id : null,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  const dto = apiKeyDto(row);
  await recordAudit(db, actor, now, [
    { entityType: 'api_key', entityId: row.id, action: 'create', after: dto },
  ]);
  return { ...dto, key };
}

export async function revokeApiKey(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  id: string,
): Promise<void> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('org_id', '=', actor.orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`Active API key ${id} not found`);
  await recordAudit(db, actor, now, [
    {
      entityType: 'api_key',
      entityId: id,
      action: 'revoke',
      before: { revokedAt: null },
      after: { revokedAt: now.toISOString() },
    },
  ]);
}

function apiKeyDto(r: {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyDto {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/** Refuses to leave an organization without an active admin (409 `last_admin`). */
async function assertAnotherActiveAdmin(db: Kysely<DB>, orgId: string, userId: string) {
  const admins = await db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .where('id', '<>', userId)
    .forUpdate()
    .execute();
  if (admins.length === 0) {
    throw new ConflictError(
      'last_admin',
      'The organization needs at least one active admin; appoint another first',
    );
  }
}

export function checkPasswordStrength(password: string, path = 'body.password') {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`, [
      { path, message: `must have at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The signed-in user changes their own password; their other sessions end. */
export async function changeOwnPassword(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: { sessionId: string; currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', actor.id ?? '')
    .forUpdate()
    .executeTakeFirst();
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new ValidationError('The current password is wrong', [
      { path: 'body.currentPassword', message: 'is wrong' },
    ]);
  }
  checkPasswordStrength(input.newPassword, 'body.newPassword');
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(input.newPassword), updated_at: now })
    .where('id', '=', user.id)
    .execute();
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', user.id)
    .where('id', '<>', input.sessionId)
    .where('revoked_at', 'is', null)
    .execute();
  await recordAudit(db, actor, now, [
    { entityType: 'user', entityId: user.id, action: 'change_password' },
  ]);
}
