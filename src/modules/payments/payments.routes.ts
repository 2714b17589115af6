import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS, type Actor } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { requireManager } from '../billing/documents.service.ts';
import * as deposits from './deposits.service.ts';
import { getPaymentDetail, listDeductions, listPayments } from './payments.repository.ts';
import * as s from './payments.schemas.ts';
import * as svc from './payments.service.ts';

/** Payments, their applications and reversals, bank accounts, deposit batches, deductions. */
export function paymentsRoutes(app: App, deps: AppDeps) {
  const ctx = (db: Kysely<DB>, actor: Actor) => ({ db, actor, now: deps.clock.now() });
  const detail = (db: Kysely<DB>, actor: Actor, id: string) => getPaymentDetail(db, actor, id);
  const tags = ['payments'];

  app.get(
    '/api/v1/payments',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'List payments, newest first',
        querystring: s.listQuery,
        response: { 200: s.listSchema },
      },
    },
    async (request) => listPayments(deps.db, actorOf(request), request.query),
  );
  app.get(
    '/api/v1/payments/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, params: s.idParams, response: { 200: s.detailSchema } },
    },
    async (request) => detail(deps.db, actorOf(request), request.params.id),
  );
  app.post(
    '/api/v1/payments',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Record a receipt, optionally applied to invoices at once; over-application is refused (422)',
        body: s.paymentInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await svc.createPayment(ctx(db, actor), request.body);
        return { status: 201, body: await detail(db, actor, id) };
      }),
  );
  app.post(
    '/api/v1/payments/:id/applications',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Apply the payment to invoices: cash, discount, and a short pay as deduction or write-off',
        params: s.idParams,
        body: s.applyInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.applyPayment(ctx(db, actor), request.params.id, request.body);
        return { status: 201, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.post(
    '/api/v1/payments/:id/reverse',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Reverse a payment (returned check / NSF, chargeback): every balance it touched is restored',
        params: s.idParams,
        body: s.reverseInput,
        response: { 200: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.reversePayment(ctx(db, actor), request.params.id, request.body);
        return { status: 200, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.post(
    '/api/v1/payments/:id/assign-customer',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Name the customer of a receipt taken without one; its cash moves to their account',
        params: s.idParams,
        body: s.assignInput,
        response: { 200: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.assignCustomer(ctx(db, actor), request.params.id, request.body);
        return { status: 200, body: await detail(db, actor, request.params.id) };
      }),
  );
  app.post(
    '/api/v1/payments/:id/refund',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary: 'Refund unapplied cash of the payment to the customer (manager)',
        params: s.idParams,
        body: s.refundInput,
        response: { 201: s.detailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await svc.refundPayment(ctx(db, actor), request.params.id, request.body);
        return { status: 201, body: await detail(db, actor, request.params.id) };
      }),
  );

  // ---- deductions
  app.get(
    '/api/v1/deductions',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Short pays kept as deductions, for the dispute workflow',
        querystring: s.deductionsQuery,
        response: {
          200: z.object({ items: z.array(s.deductionSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => listDeductions(deps.db, actorOf(request), request.query),
  );

  // ---- cash settings
  const readSettings = async (db: Kysely<DB>, actor: Actor) => {
    const org = await db
      .selectFrom('organizations')
      .select(['short_pay_tolerance', 'auto_match_threshold'])
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    return {
      shortPayTolerance: trimDecimal(String(org.short_pay_tolerance)),
      autoMatchThreshold: trimDecimal(String(org.auto_match_threshold)),
    };
  };
  app.get(
    '/api/v1/cash-settings',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Short-pay tolerance and auto-match threshold',
        response: { 200: s.settingsSchema },
      },
    },
    async (request) => readSettings(deps.db, actorOf(request)),
  );
  app.patch(
    '/api/v1/cash-settings',
    {
      config: { access: ACCESS.manage },
      schema: { tags, body: s.settingsInput, response: { 200: s.settingsSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        requireManager(actor, 'change the cash settings');
        const before = await readSettings(db, actor);
        const { shortPayTolerance, autoMatchThreshold } = request.body;
        if (shortPayTolerance !== undefined && shortPayTolerance.startsWith('-')) {
          throw new ValidationError('The tolerance cannot be negative', [
            { path: 'shortPayTolerance', message: 'must be 0 or more' },
          ]);
        }
        if (autoMatchThreshold !== undefined && Number(autoMatchThreshold) === 0) {
          throw new ValidationError('The threshold must be above 0', [
            { path: 'autoMatchThreshold', message: 'must be above 0' },
          ]);
        }
        await db
          .updateTable('organizations')
          .set({
            ...(shortPayTolerance !== undefined ? { short_pay_tolerance: shortPayTolerance } : {}),
            ...(autoMatchThreshold !== undefined
              ? { auto_match_threshold: autoMatchThreshold }
              : {}),
          })
          .where('id', '=', actor.orgId)
          .execute();
        const after = await readSettings(db, actor);
        await recordAudit(db, actor, deps.clock.now(), [
          {
            entityType: 'organization',
            entityId: actor.orgId,
            action: 'cash_settings',
            before,
            after,
          },
        ]);
        return { status: 200, body: after };
      }),
  );

  // ---- bank accounts
  const bankTags = ['bank accounts'];
  app.get(
    '/api/v1/bank-accounts',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: bankTags,
        response: { 200: z.object({ items: z.array(s.bankAccountSchema) }) },
      },
    },
    async (request) => ({
      items: await deposits.listBankAccounts({ db: deps.db, actor: actorOf(request) }),
    }),
  );
  app.post(
    '/api/v1/bank-accounts',
    {
      config: { access: ACCESS.manage },
      schema: { tags: bankTags, body: s.bankAccountInput, response: { 201: s.bankAccountSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await deposits.createBankAccount(ctx(db, actor), request.body);
        const items = await deposits.listBankAccounts({ db, actor });
        return { status: 201, body: items.find((i) => i.id === id)! };
      }),
  );
  app.patch(
    '/api/v1/bank-accounts/:id',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags: bankTags,
        params: s.idParams,
        body: s.bankAccountPatch,
        response: { 200: s.bankAccountSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await deposits.updateBankAccount(ctx(db, actor), request.params.id, request.body);
        const items = await deposits.listBankAccounts({ db, actor });
        return { status: 200, body: items.find((i) => i.id === request.params.id)! };
      }),
  );

  // ---- deposit batches
  const batchTags = ['deposit batches'];
  const batch = async (db: Kysely<DB>, actor: Actor, id: string) => {
    const found = (await deposits.listDepositBatches({ db, actor }, undefined, id))[0];
    if (!found) throw new NotFoundError(`Deposit batch ${id} not found`);
    return found;
  };
  app.get(
    '/api/v1/deposit-batches',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: batchTags,
        querystring: z.object({ status: z.enum(['open', 'deposited']).optional() }),
        response: { 200: z.object({ items: z.array(s.batchSchema) }) },
      },
    },
    async (request) => ({
      items: await deposits.listDepositBatches(
        { db: deps.db, actor: actorOf(request) },
        request.query.status,
      ),
    }),
  );
  app.get(
    '/api/v1/deposit-batches/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags: batchTags, params: s.idParams, response: { 200: s.batchSchema } },
    },
    async (request) => batch(deps.db, actorOf(request), request.params.id),
  );
  app.post(
    '/api/v1/deposit-batches',
    {
      config: { access: ACCESS.write },
      schema: { tags: batchTags, body: s.batchInput, response: { 201: s.batchSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await deposits.createDepositBatch(ctx(db, actor), request.body);
        return { status: 201, body: await batch(db, actor, id) };
      }),
  );
  app.post(
    '/api/v1/deposit-batches/:id/deposit',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: batchTags,
        summary: 'Deposit the batch: its total moves from undeposited funds to cash',
        params: s.idParams,
        body: s.depositInput,
        response: { 200: s.batchSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await deposits.depositBatch(ctx(db, actor), request.params.id, request.body);
        return { status: 200, body: await batch(db, actor, request.params.id) };
      }),
  );
}

/** "5.0000" → "5.00", "0.900" → "0.90": at least two decimals, no trailing zeros beyond. */
function trimDecimal(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}
