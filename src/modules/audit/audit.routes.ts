import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { ACCESS } from '../../shared/actor.ts';
import { listAudit } from './audit.repository.ts';

const record = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});

export function auditRoutes(app: App, deps: AppDeps) {
  app.get(
    '/api/v1/audit',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first, optionally for one entity',
        querystring: z.object({
          entityType: z.string().max(64).optional(),
          entityId: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().regex(/^\d+$/).optional(),
        }),
        response: { 200: z.object({ items: z.array(record), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await listAudit(deps.db, actorOf(request).orgId, {
        entityType: q.entityType,
        entityId: q.entityId,
        beforeId: q.cursor ? BigInt(q.cursor) : undefined,
        limit: q.limit,
      });
      return { items, nextCursor: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );
}
