import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArDocumentKind, DB } from '../../db/schema.ts';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS, type Actor } from '../../shared/actor.ts';
import { parseIsoDate, todayIn, type IsoDate } from '../../shared/dates.ts';
import { NotFoundError } from '../../shared/errors.ts';
import * as s from './billing.schemas.ts';
import { customerAccount, windowStart } from './customer-account.ts';
import { getDocumentDetail, listDocuments } from './documents.repository.ts';
import * as svc from './documents.service.ts';

const idParams = z.object({ id: z.uuid() });

async function today(db: Kysely<DB>, actor: Actor, now: Date): Promise<IsoDate> {
  const org = await db
    .selectFrom('organizations')
    .select('time_zone')
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  return todayIn(org.time_zone, now);
}

/** Invoices, memos, adjustments, write-offs, refunds and applications. */
export function billingRoutes(app: App, deps: AppDeps) {
  const now = () => deps.clock.now();
  const ctx = (db: Kysely<DB>, actor: Actor) => ({ db, actor, now: now() });
  const detail = async (db: Kysely<DB>, actor: Actor, id: string, kind?: ArDocumentKind) => {
    const doc = await getDocumentDetail(db, actor, id, await today(db, actor, now()));
    if (kind && doc.kind !== kind)
      throw new NotFoundError(`${kind.replace('_', ' ')} ${id} not found`);
    return doc;
  };
  const list = (kind: ArDocumentKind | undefined, summary: string, tags: string[]) =>
    ({
      config: { access: ACCESS.read },
      schema: { tags, summary, querystring: s.listQuery, response: { 200: s.listSchema } },
      kind,
    }) as const;

  // ---- lists and reads
  for (const [path, kind, tags] of [
    ['/api/v1/invoices', 'invoice', ['invoices']],
    ['/api/v1/credit-memos', 'credit_memo', ['credit memos']],
    ['/api/v1/debit-memos', 'debit_memo', ['debit memos']],
    ['/api/v1/ar-documents', undefined, ['ar documents']],
  ] as const) {
    const opts = list(
      kind,
      `List ${kind ? kind.replace('_', ' ') + 's' : 'AR documents of every kind'}, newest first`,
      [...tags],
    );
    app.get(path, { config: opts.config, schema: opts.schema }, async (request) => {
      const actor = actorOf(request);
      return listDocuments(
        deps.db,
        actor,
        { ...request.query, kind: kind ?? request.query.kind },
        await today(deps.db, actor, now()),
      );
    });
    app.get(
      `${path}/:id`,
      {
        config: { access: ACCESS.read },
        schema: { tags: [...tags], params: idParams, response: { 200: s.detailSchema } },
      },
      async (request) => detail(deps.db, actorOf(request), request.params.id, kind),
    );
  }

  // ---- invoices
  app.post(
    '/api/v1/invoices',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['invoices'],
        summary: 'Create an invoice; it is numbered and posted unless `draft` is true',
        body: s.invoiceInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await svc.createInvoice(ctx(db, actor), request.body);
        return { status: 201, body: await detail(db, actor, id) };
      }),
  );
  app.put(
    '/api/v1/invoices/:id',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['invoices'],
        summary: 'Replace a draft invoice (posted invoices are corrected by memos or a void)',
        params: idParams,
        body: s.invoiceInput.omit({ draft: true }),
        response: { 200: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.updateDraftInvoice(ctx(db, actor), request.params.id, request.body);
        return { status: 200, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.delete(
    '/api/v1/invoices/:id',
    {
      config: { access: ACCESS.write },
      schema: { tags: ['invoices'], summary: 'Delete a draft invoice', params: idParams },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.deleteDraft(ctx(db, actor), request.params.id);
        return { status: 204 };
      }),
  );
  app.post(
    '/api/v1/invoices/:id/post',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['invoices'],
        summary: 'Number and post a draft invoice',
        params: idParams,
        response: { 200: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.postDocument(ctx(db, actor), request.params.id);
        return { status: 200, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.post(
    '/api/v1/invoices/:id/write-off',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags: ['invoices'],
        summary: 'Write off the open balance of an invoice to bad-debt expense (manager)',
        params: idParams,
        body: s.writeOffInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await svc.writeOff(ctx(db, actor), request.params.id, request.body);
        return { status: 201, body: await detail(db, actor, id) };
      }),
  );

  // ---- void, for every kind (adjustments, write-offs and refunds need a manager)
  for (const [path, tags] of [
    ['/api/v1/invoices/:id/void', ['invoices']],
    ['/api/v1/credit-memos/:id/void', ['credit memos']],
    ['/api/v1/debit-memos/:id/void', ['debit memos']],
    ['/api/v1/ar-documents/:id/void', ['ar documents']],
  ] as const) {
    app.post(
      path,
      {
        config: { access: ACCESS.write },
        schema: {
          tags: [...tags],
          summary: 'Void: unapply what was applied and post the reversing entry on the void date',
          params: idParams,
          body: s.voidInput,
          response: { 200: s.detailSchema },
        },
      },
      (request, reply) =>
        runWrite(deps, request, reply, async (db, actor) => {
          await svc.voidDocument(ctx(db, actor), request.params.id, request.body);
          return { status: 200, body: await detail(db, actor, request.params.id) };
        }),
    );
  }

  // ---- memos
  for (const [path, kind, tags] of [
    ['/api/v1/credit-memos', 'credit_memo', ['credit memos']],
    ['/api/v1/debit-memos', 'debit_memo', ['debit memos']],
  ] as const) {
    app.post(
      path,
      {
        config: { access: ACCESS.write },
        schema: {
          tags: [...tags],
          summary:
            kind === 'credit_memo'
              ? 'Create a credit memo from an amount or lines; linked to an invoice it is applied to it at once'
              : 'Create a debit memo from an amount or lines, optionally linked to the invoice it corrects',
          body: s.memoInput,
          response: { 201: s.detailSchema },
        },
      },
      (request, reply) =>
        runWrite(deps, request, reply, async (db, actor) => {
          const id = await svc.createMemo(ctx(db, actor), kind, request.body);
          return { status: 201, body: await detail(db, actor, id) };
        }),
    );
  }
  app.post(
    '/api/v1/credit-memos/:id/applications',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['credit memos'],
        summary: 'Apply an unapplied credit memo (or other credit) to an invoice or debit memo',
        params: idParams,
        body: s.applicationInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.applyCredit(ctx(db, actor), {
          creditDocumentId: request.params.id,
          debitDocumentId: request.body.invoiceId,
          amount: request.body.amount,
          date: request.body.date,
        });
        return { status: 201, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.post(
    '/api/v1/applications/:id/unapply',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['credit memos'],
        summary: 'Take an application back; both documents get their open balance back',
        params: idParams,
        body: s.unapplyInput,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: {
          id: await svc.unapply(ctx(db, actor), request.params.id, {
            reason: request.body.reason ?? undefined,
            date: request.body.date,
          }),
        },
      })),
  );

  // ---- adjustments and refunds (manager)
  app.post(
    '/api/v1/adjustments',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags: ['adjustments'],
        summary: 'Post an authorized adjustment with a reason against a document (manager)',
        body: s.adjustmentInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await svc.createAdjustment(ctx(db, actor), request.body);
        return { status: 201, body: await detail(db, actor, id) };
      }),
  );
  app.post(
    '/api/v1/refunds',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags: ['refunds'],
        summary: 'Refund part or all of an unapplied credit to the customer (manager)',
        body: s.refundInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await svc.createRefund(ctx(db, actor), request.body);
        return { status: 201, body: await detail(db, actor, id) };
      }),
  );

  // ---- the customer's account
  app.get(
    '/api/v1/customers/:id/account',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['customers'],
        summary: "The customer's account: opening balance, every posting and the running balance",
        params: idParams,
        querystring: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }),
        response: { 200: s.accountActivitySchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const to = request.query.to
        ? parseIsoDate(request.query.to)
        : await today(deps.db, actor, now());
      const from = request.query.from ? parseIsoDate(request.query.from) : windowStart(to, 366);
      return customerAccount(deps.db, actor, request.params.id, from, to);
    },
  );
}
