import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS, type Actor } from '../../shared/actor.ts';
import { parseIsoDate, type IsoDate } from '../../shared/dates.ts';
import { ValidationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { readUpload, uploadHashMaterial } from '../imports/imports.routes.ts';
import { getPaymentDetail } from '../payments/payments.repository.ts';
import { applicationLine } from '../payments/payments.schemas.ts';
import { loadBankAccount } from '../payments/payments.service.ts';
import { getStatement, importBankFile, listStatements } from './bank-statements.service.ts';
import * as cash from './cash-application.service.ts';
import { cashReconciliation } from './cash-reconciliation.ts';
import { csvStatementMappingSchema, lockboxMappingSchema } from './parsers/index.ts';

const idParams = z.object({ id: z.uuid() });
const lineStatus = z.enum([
  'unmatched',
  'suggested',
  'applied',
  'reconciled',
  'ignored',
  'duplicate',
  'debit',
]);
const counts = z.object({
  unmatched: z.number(),
  suggested: z.number(),
  applied: z.number(),
  reconciled: z.number(),
  ignored: z.number(),
  duplicate: z.number(),
  debit: z.number(),
});
const statementSchema = z.object({
  id: z.uuid(),
  format: z.string(),
  bankAccountId: z.uuid(),
  bankAccountName: z.string(),
  accountIdentifier: z.string(),
  currency: z.string(),
  statementRef: z.string().nullable(),
  fromDate: z.string().nullable(),
  toDate: z.string().nullable(),
  openingBalance: z.string().nullable(),
  closingBalance: z.string().nullable(),
  lineCount: z.number(),
  creditTotal: z.string(),
  debitTotal: z.string(),
  balanceProblem: z.string().nullable(),
  controlProblems: z.array(z.string()),
  fileName: z.string().nullable(),
  createdAt: z.string(),
  counts,
});
const importSchema = statementSchema.extend({
  created: z.boolean(),
  /** every statement of the file (the top level is the first), each new or seen before */
  statements: z.array(statementSchema.extend({ created: z.boolean() })),
  match: z.object({ reconciled: z.number(), suggested: z.number(), unmatched: z.number() }),
});
const lineSchema = z.object({
  id: z.uuid(),
  lineNo: z.number(),
  bookingDate: z.string().nullable(),
  valueDate: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  typeCode: z.string().nullable(),
  counterpartyName: z.string().nullable(),
  counterpartyAccount: z.string().nullable(),
  remittanceInfo: z.string().nullable(),
  endToEndId: z.string().nullable(),
  bankReference: z.string().nullable(),
  status: lineStatus,
  statusNote: z.string().nullable(),
  paymentId: z.uuid().nullable(),
  paymentNumber: z.string().nullable(),
  suggestions: z.array(
    z.object({
      customerId: z.uuid(),
      customerName: z.string(),
      score: z.number(),
      evidence: z.array(z.string()),
      unapplied: z.string(),
      shortPay: z.string(),
      allocations: z.array(
        z.object({
          documentId: z.uuid(),
          number: z.string().nullable(),
          dueDate: z.string().nullable(),
          amount: z.string(),
          discount: z.string(),
          open: z.string(),
        }),
      ),
    }),
  ),
});
const mappingSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['csv', 'lockbox']),
  bankAccountId: z.uuid(),
  mapping: z.record(z.string(), z.unknown()),
});

/** Bank statements, the cash-application workbench and daily cash reconciliation. */
export function bankingRoutes(app: App, deps: AppDeps) {
  const ctx = (db: Kysely<DB>, actor: Actor) => ({ db, actor, now: deps.clock.now() });
  const tags = ['bank statements'];
  const lineResult = async (db: Kysely<DB>, actor: Actor, lineId: string) => {
    const row = await db
      .selectFrom('bank_statement_lines')
      .select(['statement_id', 'payment_id'])
      .where('org_id', '=', actor.orgId)
      .where('id', '=', lineId)
      .executeTakeFirstOrThrow();
    const [line] = await cash.listLines({ db, actor }, row.statement_id, { lineId });
    return {
      line: line!,
      payment: row.payment_id ? await getPaymentDetail(db, actor, row.payment_id) : null,
    };
  };

  app.post(
    '/api/v1/bank-statements',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Import a bank file (multipart `file`): camt.052/053/054, MT940/MT942, BAI2 detected; CSV or lockbox with `mappingId`. The same statement again answers 200 with the same id.',
        consumes: ['multipart/form-data'],
        response: { 200: importSchema, 201: importSchema },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request);
      const bankAccountId = upload.fields.bankAccountId || undefined;
      const mappingId = upload.fields.mappingId || undefined;
      for (const [field, value] of Object.entries({ bankAccountId, mappingId })) {
        if (value !== undefined && !z.uuid().safeParse(value).success) {
          throw new ValidationError(`${field} must be an id`, [
            { path: field, message: 'is not an id' },
          ]);
        }
      }
      return runWrite(
        deps,
        request,
        reply,
        async (db, actor) => {
          const c = ctx(db, actor);
          // new lines are matched as they are stored
          const { classify, counts: match } = cash.lineClassifier(c);
          const result = await importBankFile(c, upload.file, {
            fileName: upload.filename,
            bankAccountId,
            mappingId,
            classify,
          });
          const statements = [];
          for (const s of result.statements) {
            statements.push({ ...(await getStatement({ db, actor }, s.id)), created: s.created });
          }
          const created = statements.some((s) => s.created);
          return {
            status: created ? 201 : 200,
            body: { ...statements[0]!, created, statements, match },
          };
        },
        { hashMaterial: uploadHashMaterial(upload) },
      );
    },
  );
  app.get(
    '/api/v1/bank-statements',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        querystring: z.object({
          bankAccountId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(statementSchema) }) },
      },
    },
    async (request) => ({
      items: await listStatements({ db: deps.db, actor: actorOf(request) }, request.query),
    }),
  );
  app.get(
    '/api/v1/bank-statements/:id',
    {
      config: { access: ACCESS.read },
      schema: { tags, params: idParams, response: { 200: statementSchema } },
    },
    async (request) => getStatement({ db: deps.db, actor: actorOf(request) }, request.params.id),
  );
  app.get(
    '/api/v1/bank-statements/:id/lines',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Lines of a statement with the matcher’s suggestions and their evidence',
        params: idParams,
        querystring: z.object({
          status: lineStatus.optional(),
          limit: z.coerce.number().int().min(1).max(5000).optional(),
          offset: z.coerce.number().int().min(0).optional(),
          /** one line by its id (a link to a line on another page) */
          lineId: z.uuid().optional(),
        }),
        response: { 200: z.object({ items: z.array(lineSchema) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await getStatement({ db: deps.db, actor }, request.params.id);
      return {
        items: await cash.listLines({ db: deps.db, actor }, request.params.id, request.query),
      };
    },
  );
  app.post(
    '/api/v1/bank-statements/:id/auto-apply',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary: 'Apply every line whose best suggestion reaches the organization’s threshold',
        params: idParams,
        response: {
          200: z.object({
            applied: z.number(),
            suggested: z.number(),
            unmatched: z.number(),
            reconciled: z.number(),
          }),
        },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await cash.autoApply(ctx(db, actor), request.params.id),
      })),
  );
  app.post(
    '/api/v1/bank-statements/:id/rematch',
    {
      config: { access: ACCESS.write },
      schema: {
        tags,
        summary:
          'Compute the suggestions of the open lines again (after invoices or payments changed)',
        params: idParams,
        response: {
          200: z.object({ suggested: z.number(), unmatched: z.number(), reconciled: z.number() }),
        },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await cash.matchStatement(ctx(db, actor), request.params.id),
      })),
  );

  // ---- one line
  const lineTags = ['bank statements'];
  const lineResultSchema = z.object({
    line: lineSchema,
    payment: z.unknown().nullable(),
  });
  const lineAction = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    effect: (c: ReturnType<typeof ctx>, id: string, body: z.infer<B>) => Promise<unknown>,
  ) =>
    app.post(
      `/api/v1/bank-statement-lines/:id/${path}`,
      {
        config: { access: ACCESS.write },
        schema: {
          tags: lineTags,
          summary,
          params: idParams,
          body,
          response: { 200: lineResultSchema },
        },
      },
      (request, reply) =>
        runWrite(deps, request, reply, async (db, actor) => {
          await effect(ctx(db, actor), request.params.id, request.body as z.infer<B>);
          return { status: 200, body: await lineResult(db, actor, request.params.id) };
        }),
    );
  lineAction(
    'apply',
    'Record the line as a receipt of a customer and apply it as given (teaches the payer)',
    z.object({
      customerId: z.uuid(),
      date: z.iso.date().optional(),
      applications: z.array(applicationLine).max(500),
    }),
    (c, id, body) => cash.applyLine(c, id, body),
  );
  lineAction(
    'accept',
    'Accept suggestion number `suggestion` (0 = the best)',
    z.object({ suggestion: z.number().int().min(0).max(20) }),
    (c, id, body) => cash.acceptSuggestion(c, id, body.suggestion),
  );
  lineAction(
    'ignore',
    'Not a customer receipt',
    z.object({ reason: z.string().trim().min(1, 'is required').max(500) }),
    (c, id, body) => cash.ignoreLine(c, id, body.reason),
  );
  lineAction(
    'reopen',
    'Take an ignored line back into the work',
    z.object({}).optional(),
    (c, id) => cash.reopenLine(c, id),
  );
  lineAction(
    'unidentified',
    'Record the line as a receipt whose customer is not known yet (suspense)',
    z.object({}).optional(),
    (c, id) => cash.applyLine(c, id, { customerId: null, applications: [] }),
  );
  lineAction(
    'link',
    'Tie the line to a receipt recorded by hand',
    z.object({ paymentId: z.uuid() }),
    (c, id, body) => cash.linkLine(c, id, body.paymentId),
  );

  // ---- saved mappings for CSV statements and lockbox files
  app.get(
    '/api/v1/bank-file-mappings',
    {
      config: { access: ACCESS.read },
      schema: { tags, response: { 200: z.object({ items: z.array(mappingSchema) }) } },
    },
    async (request) => {
      const rows = await deps.db
        .selectFrom('bank_file_mappings')
        .select(['id', 'name', 'kind', 'bank_account_id', 'mapping'])
        .where('org_id', '=', actorOf(request).orgId)
        .orderBy('name')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          bankAccountId: r.bank_account_id,
          mapping: r.mapping as Record<string, unknown>,
        })),
      };
    },
  );
  app.post(
    '/api/v1/bank-file-mappings',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary: 'Save a column mapping for CSV statements or lockbox files of one bank account',
        body: z.object({
          name: z.string().trim().min(1).max(100),
          kind: z.enum(['csv', 'lockbox']),
          bankAccountId: z.uuid(),
          mapping: z.record(z.string(), z.unknown()),
        }),
        response: { 201: mappingSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const body = request.body;
        const parsed = (
          body.kind === 'csv' ? csvStatementMappingSchema : lockboxMappingSchema
        ).safeParse(body.mapping);
        if (!parsed.success) {
          throw new ValidationError(
            'The mapping is not valid',
            parsed.error.issues.map((i) => ({
              path: ['mapping', ...i.path.map(String)].join('.'),
              message: i.message,
            })),
          );
        }
        await loadBankAccount(ctx(db, actor), body.bankAccountId, null, 'bankAccountId');
        const id = newId();
        await db
          .insertInto('bank_file_mappings')
          .values({
            id,
            org_id: actor.orgId,
            name: body.name,
            kind: body.kind,
            bank_account_id: body.bankAccountId,
            mapping: JSON.stringify(parsed.data),
            created_by_name: actor.name,
            created_at: deps.clock.now(),
          })
          .execute();
        await recordAudit(db, actor, deps.clock.now(), [
          { entityType: 'bank_file_mapping', entityId: id, action: 'create', after: body },
        ]);
        return {
          status: 201,
          body: {
            id,
            name: body.name,
            kind: body.kind,
            bankAccountId: body.bankAccountId,
            mapping: parsed.data as Record<string, unknown>,
          },
        };
      }),
  );

  // ---- daily cash reconciliation
  app.get(
    '/api/v1/cash-reconciliation',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['cash reconciliation'],
        summary: 'Bank lines against recorded receipts per day for one bank account',
        querystring: z.object({ bankAccountId: z.uuid(), from: z.iso.date(), to: z.iso.date() }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return cashReconciliation(
        { db: deps.db, actor, now: deps.clock.now() },
        {
          bankAccountId: request.query.bankAccountId,
          from: parseIsoDate(request.query.from) as IsoDate,
          to: parseIsoDate(request.query.to) as IsoDate,
        },
      );
    },
  );
}
