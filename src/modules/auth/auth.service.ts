import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB, Role } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, UnauthorizedError } from '../../shared/errors.ts';
import { newId, randomSecret, sha256Hex } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import {
  countRecentFailures,
  findApiKeyByHash,
  findSessionByTokenHash,
  findUserByEmail,
} from './auth.repository.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';

export type AuthDeps = { db: Kysely<DB>; clock: Clock; config: Config };

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization: { id: string; name: string; timeZone: string; baseCurrency: string };
};

export type Principal = {
  actor: Actor;
  /** present for cookie/bearer sessions, absent for API keys */
  session?: { id: string; csrfToken: string };
};

export const API_KEY_PREFIX = 'dwk_';
const RATE_WINDOW_MS = 15 * 60_000;
const ATTEMPT_RETENTION_MS = 24 * 3_600_000;
const MAX_FAILURES_PER_EMAIL = 10;
const MAX_FAILURES_PER_IP = 50;
/** last_seen_at is refreshed at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 60_000;

export class TooManyAttemptsError extends AppError {
  readonly retryAfterSeconds = RATE_WINDOW_MS / 1000;
  constructor() {
    super(429, 'too_many_attempts', 'Too many failed sign-in attempts; try again in 15 minutes');
  }
}

export async function login(
  deps: AuthDeps,
  input: {
    email: string;
    password: string;
    ip: string;
    userAgent: string | null;
    requestId: string;
  },
) {
  const now = deps.clock.now();
  // The attempt is recorded as failed before the password is checked, so parallel guesses all
  // count: once more than the limit are in the window, every further one is refused.
  const attempt = await deps.db
    .insertInto('login_attempts')
    .values({ email: input.email, ip: input.ip, succeeded: false, at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const since = new Date(now.getTime() - RATE_WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    countRecentFailures(deps.db, { email: input.email }, since),
    countRecentFailures(deps.db, { ip: input.ip }, since),
  ]);
  if (byEmail > MAX_FAILURES_PER_EMAIL || byIp > MAX_FAILURES_PER_IP) {
    throw new TooManyAttemptsError();
  }

  const user = await findUserByEmail(deps.db, input.email);
  // exactly one argon2 check whatever the account's state, so timing tells nothing
  const passwordOk = user?.password_hash
    ? await verifyPassword(user.password_hash, input.password)
    : (await burnPasswordCheck(input.password), false);
  const ok = passwordOk && user?.active === true;
  if (ok) {
    await deps.db
      .updateTable('login_attempts')
      .set({ succeeded: true })
      .where('id', '=', attempt.id)
      .execute();
  }
  // attempts older than a day no longer count for anything
  await deps.db
    .deleteFrom('login_attempts')
    .where(sql<string>`lower(email)`, '=', input.email.toLowerCase())
    .where('at', '<', new Date(now.getTime() - ATTEMPT_RETENTION_MS))
    .execute();
  if (!ok || !user) throw new UnauthorizedError('Wrong e-mail or password', 'invalid_credentials');

  const token = randomSecret();
  const csrfToken = randomSecret(24);
  const sessionId = newId();
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteHours * 3_600_000);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        org_id: user.org_id,
        user_id: user.id,
        token_hash: sha256Hex(token),
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: input.ip,
        user_agent: input.userAgent,
      })
      .execute();
    const actor: Actor = {
      orgId: user.org_id,
      type: 'user',
      id: user.id,
      name: user.name,
      role: user.role,
      requestId: input.requestId,
    };
    await recordAudit(trx, actor, now, [
      { entityType: 'session', entityId: sessionId, action: 'login', after: { ip: input.ip } },
    ]);
  });
  return { token, csrfToken, expiresAt, user: await sessionUser(deps.db, user.id) };
}

export async function sessionUser(db: Kysely<DB>, userId: string): Promise<SessionUser> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.org_id')
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'o.id as orgId',
      'o.name as orgName',
      'o.time_zone',
      'o.base_currency',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organization: {
      id: row.orgId,
      name: row.orgName,
      timeZone: row.time_zone,
      baseCurrency: row.base_currency,
    },
  };
}

/**
 * Resolves a bearer token or session cookie to a principal. Sessions end after the idle timeout
 * without use and after the absolute timeout whatever happens.
 */
export async function authenticate(
  deps: AuthDeps,
  token: string,
  requestId: string,
): Promise<Principal | null> {
  const now = deps.clock.now();
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await findApiKeyByHash(deps.db, sha256Hex(token));
    if (!key) return null;
    if (!key.last_used_at || now.getTime() - key.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await deps.db
        .updateTable('api_keys')
        .set({ last_used_at: now })
        .where('id', '=', key.id)
        .execute();
    }
    return {
      actor: {
        orgId: key.org_id,
        type: 'api_key',
        id: key.id,
        name: `API key ${key.name}`,
        role: key.role,
        requestId,
      },
    };
  }
  const session = await findSessionByTokenHash(deps.db, sha256Hex(token));
  if (!session) return null;
  const idleLimit = deps.config.sessionIdleMinutes * 60_000;
  if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > idleLimit)
    return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await deps.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', session.id)
      .execute();
  }
  return {
    actor: {
      orgId: session.orgId,
      type: 'user',
      id: session.userId,
      name: session.userName,
      role: session.role,
      requestId,
    },
    session: { id: session.id, csrfToken: session.csrfToken },
  };
}

export async function logout(deps: AuthDeps, actor: Actor, sessionId: string) {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('org_id', '=', actor.orgId)
      .execute();
    await recordAudit(trx, actor, now, [
      {
        entityType: 'session',
        entityId: sessionId,
        action: 'logout',
        before: { revokedAt: null },
        after: { revokedAt: now.toISOString() },
      },
    ]);
  });
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
