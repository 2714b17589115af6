import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { createTerms, listTerms } from './organizations.service.ts';

const termsSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(['net', 'eom']),
  netDays: z.number(),
  discountPercent: z.string(),
  discountDays: z.number(),
});

export function organizationsRoutes(app: App, deps: AppDeps) {
  app.get(
    '/api/v1/payment-terms',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['payment terms'],
        response: { 200: z.object({ items: z.array(termsSchema) }) },
      },
    },
    async (request) => ({ items: await listTerms(deps.db, actorOf(request).orgId) }),
  );
  app.post(
    '/api/v1/payment-terms',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['payment terms'],
        summary:
          'Add payment terms, e.g. {code:"2/10NET45", type:"net", netDays:45, discountPercent:"2.00", discountDays:10}',
        body: z.object({
          code: z
            .string()
            .regex(/^[A-Z0-9/_-]{1,20}$/, 'must be 1–20 upper-case letters, digits, / _ -'),
          name: z.string().trim().min(1).max(100),
          type: z.enum(['net', 'eom']),
          netDays: z.number().int().min(0).max(3650),
          discountPercent: z
            .string()
            .regex(/^\d{1,3}(\.\d{1,2})?$/, 'must be a percentage like "2.00"')
            .optional(),
          discountDays: z.number().int().min(0).max(3650).optional(),
        }),
        response: { 201: termsSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const b = request.body;
        const [whole, frac = ''] = (b.discountPercent ?? '0').split('.');
        const discountBp = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
        if (discountBp > 10000)
          throw new DomainError('invalid_terms', 'The discount cannot exceed 100%', [
            { path: 'body.discountPercent', message: 'exceeds 100' },
          ]);
        return {
          status: 201,
          body: await createTerms(db, actor, deps.clock.now(), {
            code: b.code,
            name: b.name,
            type: b.type,
            netDays: b.netDays,
            discountBp,
            discountDays: b.discountDays ?? 0,
          }),
        };
      }),
  );
}
