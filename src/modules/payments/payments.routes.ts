import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS, type Actor } from '../../shared/actor.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { readCashSettings, updateCashSettings } from './cash-settings.ts';
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
  app.get(
    '/api/v1/cash-settings',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Short-pay tolerances (base currency and others) and auto-match threshold',
        response: { 200: s.settingsSchema },
      },
    },
    async (request) => readCashSettings(deps.db, actorOf(request).orgId),
  );
  app.patch(
    '/api/v1/cash-settings',
    {
      config: { access: ACCESS.manage },
      schema: { tags, body: s.settingsInput, response: { 200: s.settingsSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await updateCashSettings(db, actor, deps.clock.now(), request.body),
      })),
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
