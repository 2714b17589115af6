import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { todayIn } from '../../shared/dates.ts';
import * as records from './customer-records.service.ts';
import * as s from './customers.schemas.ts';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  orgTimeZone,
  updateCustomer,
} from './customers.service.ts';

const idParams = z.object({ id: z.uuid() });
const childParams = z.object({ id: z.uuid(), childId: z.uuid() });
const tags = ['customers'];

/** Customer master: thin handlers — schema in, one service call, schema out. */
export function customersRoutes(app: App, deps: AppDeps) {
  const now = () => deps.clock.now();

  app.get(
    '/api/v1/customers',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'List customers with search, filters, sort and cursor pagination',
        querystring: s.customerListQuery,
        response: {
          200: z.object({
            items: z.array(s.customerSummarySchema),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => listCustomers(deps.db, actorOf(request), request.query),
  );

  app.post(
    '/api/v1/customers',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary: 'Create a customer',
        body: s.customerCreate,
        response: { 201: s.customerDetailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const id = await createCustomer({ db, actor, now: now() }, request.body);
        return { status: 201, body: await getCustomer(db, actor, id, now()) };
      }),
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, params: idParams, response: { 200: s.customerDetailSchema } },
    },
    async (request) => getCustomer(deps.db, actorOf(request), request.params.id, now()),
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Change a customer; credit limit and status need a manager. Send `version` to refuse a stale edit.',
        params: idParams,
        body: s.customerPatch,
        response: { 200: s.customerDetailSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        await updateCustomer({ db, actor, now: now() }, request.params.id, request.body);
        return { status: 200, body: await getCustomer(db, actor, request.params.id, now()) };
      }),
  );

  // ---- contacts, addresses, certificates, credit references
  app.post(
    '/api/v1/customers/:id/contacts',
    {
      config: { access: ACCESS.write },
      schema: { tags, params: idParams, body: s.contactInput, response: { 201: s.contactSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: await records.addContact({ db, actor, now: now() }, request.params.id, request.body),
      })),
  );
  app.patch(
    '/api/v1/customers/:id/contacts/:childId',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: childParams,
        body: s.contactInput.partial(),
        response: { 200: s.contactSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await records.updateContact(
          { db, actor, now: now() },
          request.params.id,
          request.params.childId,
          request.body,
        ),
      })),
  );
  app.post(
    '/api/v1/customers/:id/addresses',
    {
      config: { access: ACCESS.write },
      schema: { tags, params: idParams, body: s.addressInput, response: { 201: s.addressSchema } },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: await records.addAddress({ db, actor, now: now() }, request.params.id, request.body),
      })),
  );
  app.patch(
    '/api/v1/customers/:id/addresses/:childId',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: childParams,
        body: s.addressInput.partial(),
        response: { 200: s.addressSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await records.updateAddress(
          { db, actor, now: now() },
          request.params.id,
          request.params.childId,
          request.body,
        ),
      })),
  );
  app.post(
    '/api/v1/customers/:id/tax-certificates',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: idParams,
        body: s.certificateInput,
        response: { 201: s.certificateSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const today = todayIn(await orgTimeZone(db, actor.orgId), now());
        return {
          status: 201,
          body: await records.addCertificate(
            { db, actor, now: now() },
            request.params.id,
            request.body,
            today,
          ),
        };
      }),
  );
  app.post(
    '/api/v1/customers/:id/credit-references',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: idParams,
        body: s.creditReferenceInput,
        response: { 201: s.creditReferenceSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: await records.addCreditReference(
          { db, actor, now: now() },
          request.params.id,
          request.body,
        ),
      })),
  );

  app.patch(
    '/api/v1/customers/:id/tax-certificates/:childId',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: childParams,
        body: s.certificateInput.partial(),
        response: { 200: s.certificateSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const today = todayIn(await orgTimeZone(db, actor.orgId), now());
        const { id, childId } = request.params;
        return {
          status: 200,
          body: await records.updateCertificate(
            { db, actor, now: now() },
            id,
            childId,
            request.body,
            today,
          ),
        };
      }),
  );
  app.patch(
    '/api/v1/customers/:id/credit-references/:childId',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: childParams,
        body: s.creditReferenceInput.partial(),
        response: { 200: s.creditReferenceSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await records.updateCreditReference(
          { db, actor, now: now() },
          request.params.id,
          request.params.childId,
          request.body,
        ),
      })),
  );

  const removable = {
    contacts: 'customer_contacts',
    addresses: 'customer_addresses',
    'tax-certificates': 'tax_certificates',
    'credit-references': 'credit_references',
  } as const;
  for (const [segment, table] of Object.entries(removable)) {
    app.delete(
      `/api/v1/customers/:id/${segment}/:childId`,
      { config: { access: ACCESS.write }, schema: { tags, params: childParams } },
      (request, reply) =>
        runWrite(deps, request, reply, async (db, actor) => {
          await records.removeChild(
            { db, actor, now: now() },
            request.params.id,
            table,
            request.params.childId,
          );
          return { status: 204 };
        }),
    );
  }

  // ---- notes
  app.get(
    '/api/v1/customers/:id/notes',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        params: idParams,
        response: { 200: z.object({ items: z.array(s.noteSchema) }) },
      },
    },
    async (request) => ({
      items: await records.listNotes(deps.db, actorOf(request), request.params.id),
    }),
  );
  app.post(
    '/api/v1/customers/:id/notes',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        params: idParams,
        body: z.object({ body: z.string().trim().min(1).max(10_000) }),
        response: { 201: s.noteSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: await records.addNote(
          { db, actor, now: now() },
          request.params.id,
          request.body.body,
        ),
      })),
  );
}
