import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import { problem } from '../../http/problem.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { ValidationError } from '../../shared/errors.ts';
import { customerTemplateCsv } from './customer-columns.ts';
import { importCustomers, type CustomerImportResult } from './customer-import.service.ts';
import { openItemTemplateCsv } from './open-item-columns.ts';
import { importOpenItems, type OpenItemImportResult } from './open-item-import.service.ts';

const tags = ['imports'];
const MAX_MAPPING_ENTRIES = 500;

const importQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('false').describe('validate and count without saving'),
  mode: z
    .enum(['all_or_nothing', 'partial'])
    .default('all_or_nothing')
    .describe('partial saves the good rows and reports the bad ones'),
  defaultCurrency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code')
    .optional(),
  defaultTerms: z.string().trim().min(1).max(20).optional(),
});
const rowError = z.object({
  line: z.number().int(),
  field: z.string().nullable(),
  message: z.string(),
});
const importResult = z.object({
  dryRun: z.boolean(),
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.array(rowError),
});

const openItemResult = importResult.extend({ failed: z.number().int() });

type ImportRun<R> = (
  db: AppDeps['db'],
  actor: ReturnType<typeof actorOf>,
  now: Date,
  input: ImportInput,
) => Promise<R>;
type ImportInput = {
  file: Buffer;
  filename: string;
  mapping: Record<string, string> | undefined;
  dryRun: boolean;
  mode: 'all_or_nothing' | 'partial';
  defaultCurrency: string | undefined;
  defaultTerms: string | undefined;
};

/** Customer and open-item imports (CSV/XLSX upload) and their templates. */
export function importsRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/v1/imports/customers',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary:
          'Import customers from CSV or XLSX (multipart `file`, optional `mapping` JSON: file header → field or "ignore")',
        description:
          'Rows are matched by external id, else account number. All-or-nothing by default: any error → 422 `import_failed` ' +
          'listing every `{line, field, message}` and nothing saved. Line 1 is the header; a CSV record spanning several ' +
          'lines is reported at the line where it starts. A dry run answers 200 with the same counts an import would have.',
        consumes: ['multipart/form-data'],
        querystring: importQuery,
        response: { 200: importResult },
      },
    },
    async (request, reply) =>
      handleImport(deps, request, reply, request.query, importCustomers, resultBody),
  );

  app.post(
    '/api/v1/imports/open-items',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary:
          'Import opening balances: open invoices, credit memos and debit memos from an ERP (CSV or XLSX, multipart `file`, optional `mapping` JSON)',
        description:
          'Each row is posted against the opening-balance account with its own number and dates. Rows are matched by ' +
          'external id, else by number and document type: an item imported before is unchanged, or has its due date, PO ' +
          'number or memo updated; a different amount, customer, type or date is a row error. A negative open amount on ' +
          'an invoice row is imported as a credit memo. All-or-nothing by default: any error → 422 `import_failed` ' +
          'listing every `{line, field, message}` and nothing saved; `mode=partial` saves the good rows.',
        consumes: ['multipart/form-data'],
        querystring: importQuery,
        response: { 200: openItemResult },
      },
    },
    async (request, reply) =>
      handleImport(deps, request, reply, request.query, importOpenItems, (r) => ({
        ...resultBody(r),
        failed: r.failed,
      })),
  );

  app.get(
    '/api/v1/imports/customers/template.csv',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'A CSV template with every accepted column and one example row',
        produces: ['text/csv'],
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="customers-import-template.csv"')
        .send(customerTemplateCsv()),
  );

  app.get(
    '/api/v1/imports/open-items/template.csv',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary:
          'A CSV template for opening balances: every accepted column, an invoice and a credit memo',
        produces: ['text/csv'],
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="open-items-import-template.csv"')
        .send(openItemTemplateCsv()),
  );
}

type ImportOutcome = CustomerImportResult | OpenItemImportResult;

/**
 * One upload → one import: a dry run reads only; a real import is one idempotent write whose
 * rejection (all-or-nothing with errors) rolls back and answers 422 with the same body shape.
 */
async function handleImport<R extends ImportOutcome, B extends RejectedBody>(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  q: z.infer<typeof importQuery>,
  run: ImportRun<R>,
  body: (result: R) => B,
): Promise<B | FastifyReply> {
  const upload = await readUpload(request);
  const input: ImportInput = {
    file: upload.file,
    filename: upload.filename,
    mapping: parseMapping(upload.mappingText),
    dryRun: q.dryRun === 'true',
    mode: q.mode,
    defaultCurrency: q.defaultCurrency,
    defaultTerms: q.defaultTerms,
  };
  if (input.dryRun) return body(await run(deps.db, actorOf(request), deps.clock.now(), input));
  try {
    return await runWrite(
      deps,
      request,
      reply,
      async (db, actor) => {
        const result = await run(db, actor, deps.clock.now(), input);
        // throwing rolls back the idempotency key too: a rejected file can be fixed and re-sent
        if (result.rejected) throw new Rejected(body(result));
        return { status: 200, body: body(result) };
      },
      {
        hashMaterial: uploadHashMaterial(upload),
      },
    );
  } catch (error) {
    if (error instanceof Rejected) return sendRejected(reply, error.body);
    throw error;
  }
}

class Rejected extends Error {
  constructor(readonly body: RejectedBody) {
    super('import rejected');
  }
}

type RejectedBody = { errors: Array<z.infer<typeof rowError>> };

function resultBody(r: ImportOutcome): z.infer<typeof importResult> {
  return {
    dryRun: r.dryRun,
    total: r.total,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    errors: r.errors,
  };
}

/** 422 problem+json that also carries the import result, so a client reads one shape. */
function sendRejected(reply: FastifyReply, result: RejectedBody) {
  const n = result.errors.length;
  const first = result.errors
    .slice(0, 3)
    .map((e) => `line ${e.line}${e.field ? ` (${e.field})` : ''}: ${e.message}`)
    .join('; ');
  const detail = `The import was rejected with ${n} error${n === 1 ? '' : 's'}; nothing was saved. ${first}${n > 3 ? '; …' : ''}`;
  const base = problem(422, 'import_failed', detail);
  return reply
    .code(422)
    .type('application/problem+json')
    .send({ ...base, ...result, requestId: reply.request.id });
}

/** The multipart upload: field "file" and the text fields beside it. */
/**
 * What of an upload its Idempotency-Key answers for: the file, its mapping and every other
 * field (the same file sent again with another account or mapping is another request).
 */
export function uploadHashMaterial(upload: {
  file: Buffer;
  mappingText: string | undefined;
  fields: Record<string, string>;
}): Buffer {
  const fields = Object.entries(upload.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([
    upload.file,
    Buffer.from(`\0mapping:${upload.mappingText ?? ''}\0fields:${JSON.stringify(fields)}`),
  ]);
}

export async function readUpload(request: FastifyRequest): Promise<{
  file: Buffer;
  filename: string;
  mappingText: string | undefined;
  fields: Record<string, string>;
}> {
  let file: { content: Buffer; filename: string } | undefined;
  let mappingText: string | undefined;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname !== 'file')
        throw new ValidationError(
          `Send the file as multipart field "file", not "${part.fieldname}"`,
          [{ path: 'body.file', message: 'is required' }],
        );
      file = { content, filename: part.filename };
    } else if (part.fieldname === 'mapping') {
      mappingText = String(part.value);
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!file)
    throw new ValidationError('Send the file as multipart field "file"', [
      { path: 'body.file', message: 'is required' },
    ]);
  return { file: file.content, filename: file.filename, mappingText, fields };
}

function parseMapping(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const bad = (message: string) =>
    new ValidationError(`mapping: ${message}`, [{ path: 'body.mapping', message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(
      'must be a JSON object from file header to field name, e.g. {"Kundennummer":"accountNumber","Notes":"ignore"}',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw bad('must be a JSON object');
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_MAPPING_ENTRIES)
    throw bad(`has more than ${MAX_MAPPING_ENTRIES} entries`);
  const nonString = entries.find(([, v]) => typeof v !== 'string');
  if (nonString)
    throw bad(`the value for "${nonString[0]}" must be a string (a field name or "ignore")`);
  return Object.fromEntries(entries) as Record<string, string>;
}
