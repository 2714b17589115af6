import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../shared/actor.ts';
import { ConflictError, ValidationError } from '../shared/errors.ts';
import { sha256Hex } from '../shared/ids.ts';
import { actorOf } from './auth.ts';
import type { AppDeps } from './types.ts';

export type WriteResult<T> = { status: number; body?: T };
export type WriteOptions = {
  /** Extra request content to hash, e.g. an uploaded file (the JSON body is hashed already). */
  hashMaterial?: string | Buffer;
  /**
   * The answer holds a secret shown once (an API key): it is not stored, and a replay of the
   * same key answers 409 instead of handing the secret out again.
   */
  secretResponse?: boolean;
};

const MAX_KEY_LENGTH = 255;
/** How long a key is remembered; afterwards the same key starts a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/** Expired keys removed per write, so the table stays small without a separate job. */
const PRUNE_BATCH = 100;

/**
 * Runs a write in one transaction with its audit records, honouring `Idempotency-Key`: the key
 * and a hash of the request are stored in the same transaction as the effect, so a retry with
 * the same key and body gets the first answer, the same key with another body gets 409, and a
 * failed attempt leaves no key behind. Two concurrent requests with one key are serialized by
 * the primary key: the second waits for the first to commit and then replays its answer.
 */
export async function runWrite<T>(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  effect: (trx: Kysely<DB>, actor: Actor) => Promise<WriteResult<T>>,
  options: WriteOptions = {},
): Promise<T> {
  const actor = actorOf(request);
  const key = idempotencyKey(request);
  const now = deps.clock.now();
  const path = request.url;
  const requestHash = key ? hashRequest(request, actor, options.hashMaterial) : '';
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);

  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (key) {
      await pruneExpiredKeys(trx, actor.orgId, key, expiredBefore);
      const claimed = await trx
        .insertInto('idempotency_keys')
        .values({
          org_id: actor.orgId,
          key,
          method: request.method,
          path,
          request_hash: requestHash,
          status_code: 0,
          response: null,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['org_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (!claimed) {
        const previous = await trx
          .selectFrom('idempotency_keys')
          .select(['request_hash', 'status_code', 'response', 'method', 'path'])
          .where('org_id', '=', actor.orgId)
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        if (previous.request_hash !== requestHash) {
          throw new ConflictError(
            'idempotency_key_reused',
            `Idempotency-Key "${key}" was already used for a different request (${previous.method} ${previous.path})`,
          );
        }
        if (options.secretResponse) {
          throw new ConflictError(
            'secret_not_replayable',
            `The request with Idempotency-Key "${key}" already succeeded; its secret is shown only once`,
          );
        }
        return { replayed: true, status: previous.status_code, body: previous.response };
      }
    }
    const result = await effect(trx, actor);
    const body = result.body === undefined ? null : jsonSafe(result.body);
    if (key) {
      await trx
        .updateTable('idempotency_keys')
        .set({
          status_code: result.status,
          response: body === null || options.secretResponse ? null : JSON.stringify(body),
        })
        .where('org_id', '=', actor.orgId)
        .where('key', '=', key)
        .execute();
    }
    return { replayed: false, status: result.status, body };
  });

  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(outcome.status);
  // a replayed body is the JSON of the first answer, of the same shape T
  return (outcome.body === null ? reply.send() : outcome.body) as T;
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ValidationError(
      `Idempotency-Key must be 1–${MAX_KEY_LENGTH} visible ASCII characters`,
      [{ path: 'headers.idempotency-key', message: 'is invalid' }],
    );
  }
  return key;
}

async function pruneExpiredKeys(trx: Kysely<DB>, orgId: string, key: string, expiredBefore: Date) {
  await trx
    .deleteFrom('idempotency_keys')
    .where('org_id', '=', orgId)
    .where('key', '=', key)
    .where('created_at', '<', expiredBefore)
    .execute();
  await sql`
    delete from idempotency_keys where (org_id, key) in (
      select org_id, key from idempotency_keys
      where org_id = ${orgId} and created_at < ${expiredBefore}
      limit ${PRUNE_BATCH}
    )`.execute(trx);
}

/** The caller is part of the request: one user's key never replays another user's answer. */
function hashRequest(
  request: FastifyRequest,
  actor: Actor,
  material: string | Buffer | undefined,
): string {
  const parts = [
    actor.type,
    actor.id ?? '',
    request.method,
    request.url,
    canonicalJson(request.body ?? null),
  ];
  if (material !== undefined) parts.push(sha256Hex(material));
  return sha256Hex(parts.join('\n'));
}

/** JSON with object keys sorted, so the same body in another key order hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });
}

function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}
