import type { Kysely } from 'kysely';
import { insertRows } from '../../db/bulk.ts';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';

export type AuditEntry = {
  entityType: string;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
};

export type AuditRecord = {
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string };
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

const MAX_PAGE = 500;

/** Appends to the audit trail, in the caller's transaction so it commits with the change. */
export async function recordAudit(db: Kysely<DB>, actor: Actor, at: Date, entries: AuditEntry[]) {
  await insertRows(db, 'audit_log', auditRows(actor, at, entries));
}

/** The audit_log rows of `entries` (for callers that write them with other rows). */
export function auditRows(actor: Actor, at: Date, entries: readonly AuditEntry[]) {
  // before/after go in as JSON (bigint as decimal strings, dates as ISO 8601)
  return entries.map((e) => ({
    org_id: actor.orgId,
    at,
    actor_type: actor.type,
    actor_id: actor.id,
    actor_name: actor.name,
    entity_type: e.entityType,
    entity_id: e.entityId,
    action: e.action,
    before: (e.before ?? null) as never,
    after: (e.after ?? null) as never,
    request_id: actor.requestId,
  }));
}

export async function listAudit(
  db: Kysely<DB>,
  orgId: string,
  filter: {
    entityType?: string | undefined;
    entityId?: string | undefined;
    beforeId?: bigint | undefined;
    limit: number;
  },
): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (filter.entityType) q = q.where('entity_type', '=', filter.entityType);
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(Math.min(filter.limit, MAX_PAGE)).execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    requestId: r.request_id,
  }));
}
