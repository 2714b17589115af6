import { sql, type Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';

export type SessionRow = {
  id: string;
  orgId: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userName: string;
  userEmail: string;
  role: Role;
};

export async function findUserByEmail(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findSessionByTokenHash(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.org_id as orgId',
      's.user_id as userId',
      's.csrf_token as csrfToken',
      's.created_at as createdAt',
      's.last_seen_at as lastSeenAt',
      's.expires_at as expiresAt',
      'u.name as userName',
      'u.email as userEmail',
      'u.role',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function findApiKeyByHash(db: Kysely<DB>, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'org_id', 'name', 'role', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function countRecentFailures(
  db: Kysely<DB>,
  by: { email?: string; ip?: string },
  since: Date,
) {
  let q = db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('succeeded', '=', false)
    .where('at', '>', since);
  if (by.email !== undefined) q = q.where(sql<string>`lower(email)`, '=', by.email.toLowerCase());
  if (by.ip !== undefined) q = q.where('ip', '=', by.ip);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
