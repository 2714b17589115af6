import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { currencyExponent } from '../../shared/currencies.ts';
import { compareDates, parseIsoDate, todayIn, type IsoDate } from '../../shared/dates.ts';
import { ValidationError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { createAccount, listAccounts, updateAccount } from './accounts.ts';
import { glReconciliation, journalLines, trialBalance, type JournalExportRow } from './reports.ts';
import { verifyLedger } from './verify.ts';

const account = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  type: z.enum(['asset', 'liability', 'equity', 'revenue', 'expense']),
  role: z.string().nullable(),
  glCode: z.string().nullable(),
  active: z.boolean(),
});
const accountDto = (a: {
  id: string;
  code: string;
  name: string;
  type: 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';
  role: string | null;
  gl_code: string | null;
  active: boolean;
}) => ({
  id: a.id,
  code: a.code,
  name: a.name,
  type: a.type,
  role: a.role,
  glCode: a.gl_code,
  active: a.active,
});

const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');
const tags = ['ledger'];

/** The columns of the journal export, in order: header label and value. */
const EXPORT_COLUMNS: Array<[string, (r: JournalExportRow) => string | number | null]> = [
  ['Date', (r) => r.date],
  ['Entry', (r) => r.seq],
  ['Line', (r) => r.lineNo],
  ['GL account', (r) => r.glCode],
  ['Account', (r) => r.accountCode],
  ['Account name', (r) => r.accountName],
  ['Currency', (r) => r.currency],
  ['Debit', (r) => r.debit],
  ['Credit', (r) => r.credit],
  ['Kind', (r) => r.kind],
  ['Description', (r) => r.description],
  ['Document', (r) => r.documentNumber],
  ['Customer account', (r) => r.customerAccount],
  ['Customer', (r) => r.customerName],
  ['Entry id', (r) => r.entryId],
  ['Reverses entry', (r) => r.reversesEntryId],
  ['Recorded at', (r) => r.recordedAt],
];

const JSON_EXPORT_LIMIT = 50_000;

/** A spreadsheet number format with the currency's own decimals (JPY none, KWD three). */
function amountFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`;
}

/** Defuses spreadsheet formulas in exported text (CSV injection). */
function cellText(value: string | number | null): string | number {
  if (value === null) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

/**
 * An amount for a spreadsheet cell: a number when the decimal string has at most 15
 * significant digits (a double holds those exactly, so the cell shows the same figure and
 * sums work), otherwise the exact text.
 */
function spreadsheetAmount(decimal: string): number | string {
  return decimal.replace(/[^0-9]/g, '').replace(/^0+/, '').length <= 15 ? Number(decimal) : decimal;
}

/** Chart of accounts, period lock, trial balance, journal export, GL reconciliation. */
export function ledgerRoutes(app: App, deps: AppDeps) {
  const now = () => deps.clock.now();
  const today = async (orgId: string): Promise<IsoDate> => {
    const org = await deps.db
      .selectFrom('organizations')
      .select('time_zone')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    return todayIn(org.time_zone, now());
  };

  app.get(
    '/api/v1/ledger/accounts',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'The chart of accounts',
        response: { 200: z.object({ items: z.array(account) }) },
      },
    },
    async (request) => ({ items: (await listAccounts(deps.db, actorOf(request))).map(accountDto) }),
  );
  app.post(
    '/api/v1/ledger/accounts',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary: 'Add an account (e.g. another revenue account for invoice lines)',
        body: z.object({
          code,
          name: z.string().trim().min(1).max(200),
          type: z.enum(['asset', 'liability', 'equity', 'revenue', 'expense']),
          glCode: z.string().trim().max(40).nullable().optional(),
        }),
        response: { 201: account },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: accountDto(await createAccount(db, actor, now(), request.body)),
      })),
  );
  app.patch(
    '/api/v1/ledger/accounts/:code',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary: "Rename an account, map it to the company's GL code, or retire it",
        params: z.object({ code }),
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          glCode: z.string().trim().max(40).nullable().optional(),
          active: z.boolean().optional(),
        }),
        response: { 200: account },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: accountDto(await updateAccount(db, actor, now(), request.params.code, request.body)),
      })),
  );

  const lockSchema = z.object({ closedThrough: z.string().nullable() });
  app.get(
    '/api/v1/ledger/period-lock',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'The date the books are closed through',
        response: { 200: lockSchema },
      },
    },
    async (request) => {
      const org = await deps.db
        .selectFrom('organizations')
        .select('closed_through')
        .where('id', '=', actorOf(request).orgId)
        .executeTakeFirstOrThrow();
      return { closedThrough: org.closed_through };
    },
  );
  app.put(
    '/api/v1/ledger/period-lock',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary:
          'Close the books through a date (nothing can be posted on or before it); null reopens',
        body: z.object({ closedThrough: z.iso.date().nullable() }),
        response: { 200: lockSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => {
        const before = await db
          .selectFrom('organizations')
          .select('closed_through')
          .where('id', '=', actor.orgId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        await db
          .updateTable('organizations')
          .set({ closed_through: request.body.closedThrough })
          .where('id', '=', actor.orgId)
          .execute();
        await recordAudit(db, actor, now(), [
          {
            entityType: 'period_lock',
            entityId: actor.orgId,
            action: 'update',
            before: { closedThrough: before.closed_through },
            after: { closedThrough: request.body.closedThrough },
          },
        ]);
        return { status: 200, body: { closedThrough: request.body.closedThrough } };
      }),
  );

  app.get(
    '/api/v1/ledger/trial-balance',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Trial balance at the end of a date (default today), per account and currency',
        querystring: z.object({ asOf: z.iso.date().optional() }),
        response: {
          200: z.object({
            asOf: z.string(),
            accounts: z.array(
              z.object({
                code: z.string(),
                name: z.string(),
                glCode: z.string().nullable(),
                type: z.string(),
                currency: z.string(),
                debit: z.string(),
                credit: z.string(),
              }),
            ),
            totals: z.array(
              z.object({ currency: z.string(), debit: z.string(), credit: z.string() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const asOf = request.query.asOf ? parseIsoDate(request.query.asOf) : await today(actor.orgId);
      return trialBalance(deps.db, actor, asOf);
    },
  );

  app.get(
    '/api/v1/reports/gl-reconciliation',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['reports'],
        summary: 'AR sub-ledger (open items) against the AR control account at the end of a date',
        querystring: z.object({
          asOf: z.iso.date().optional(),
          explain: z
            .enum(['true', 'false'])
            .optional()
            .describe('list per-document differences even when the totals agree'),
        }),
        response: {
          200: z.object({
            asOf: z.string(),
            currency: z.string(),
            subledgerBalance: z.string(),
            controlBalance: z.string(),
            difference: z.string(),
            byCurrency: z.array(
              z.object({
                currency: z.string(),
                subledgerBalance: z.string(),
                controlBalance: z.string(),
                difference: z.string(),
                documents: z.number(),
              }),
            ),
            explanations: z.array(
              z.object({
                documentId: z.string().nullable(),
                kind: z.string().nullable(),
                number: z.string().nullable(),
                customerId: z.string().nullable(),
                currency: z.string(),
                documentBalance: z.string(),
                ledgerBalance: z.string(),
                difference: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const asOf = request.query.asOf ? parseIsoDate(request.query.asOf) : await today(actor.orgId);
      return glReconciliation(deps.db, actor, asOf, { explain: request.query.explain === 'true' });
    },
  );

  app.get(
    '/api/v1/ledger/verify',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags,
        summary:
          'Check the ledger invariants: balanced entries, open balances against applications, sub-ledger = AR control at a date',
        querystring: z.object({ asOf: z.iso.date().optional() }),
        response: {
          200: z.object({
            ok: z.boolean(),
            problems: z.array(z.object({ check: z.string(), detail: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const asOf = request.query.asOf ? parseIsoDate(request.query.asOf) : await today(actor.orgId);
      const problems = await verifyLedger(deps.db, actor, [asOf]);
      return { ok: problems.length === 0, problems };
    },
  );

  app.get(
    '/api/v1/ledger/journal',
    {
      config: { access: ACCESS.read },
      schema: {
        tags,
        summary: 'Journal lines dated from..to with mapped GL codes, as JSON, CSV or XLSX',
        querystring: z.object({
          from: z.iso.date(),
          to: z.iso.date(),
          format: z.enum(['json', 'csv', 'xlsx']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const from = parseIsoDate(request.query.from);
      const to = parseIsoDate(request.query.to);
      if (compareDates(from, to) > 0) {
        throw new ValidationError('from is after to', [
          { path: 'querystring.from', message: 'is after to' },
        ]);
      }
      const pages = journalLines(deps.db, actor, from, to);
      const name = `journal-${from}-to-${to}`;
      if (request.query.format === 'json') {
        // JSON is answered whole: bounded, and CSV/XLSX (streamed) take any range
        const items: JournalExportRow[] = [];
        for await (const page of pages) {
          items.push(...page);
          if (items.length > JSON_EXPORT_LIMIT) {
            throw new ValidationError(
              `More than ${JSON_EXPORT_LIMIT} journal lines in ${from}..${to}: narrow the range or use format=csv or xlsx`,
              [{ path: 'querystring.to', message: 'the range has too many lines for JSON' }],
            );
          }
        }
        return { from, to, items };
      }
      if (request.query.format === 'csv') {
        const out = new PassThrough();
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`);
        void (async () => {
          try {
            out.write(stringify([EXPORT_COLUMNS.map(([h]) => h)]));
            for await (const page of pages) {
              out.write(stringify(page.map((r) => EXPORT_COLUMNS.map(([, f]) => cellText(f(r))))));
            }
            out.end();
          } catch (error) {
            out.destroy(error as Error);
          }
        })();
        return reply.send(out);
      }
      const out = new PassThrough();
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`);
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
      const sheet = workbook.addWorksheet('Journal', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = EXPORT_COLUMNS.map(([header]) => ({
        header,
        width:
          header === 'Description' || header === 'Account name' || header === 'Customer' ? 36 : 14,
      }));
      sheet.getRow(1).font = { bold: true };
      void (async () => {
        try {
          for await (const page of pages) {
            for (const r of page) {
              const row = EXPORT_COLUMNS.map(([header, f]) => {
                const v = f(r);
                // amounts as numbers so the sheet can sum them; the decimal string is exact
                if (header === 'Debit' || header === 'Credit') return spreadsheetAmount(String(v));
                // XLSX text cells are never formulas: the CSV guard would only alter the data
                return v ?? '';
              });
              const added = sheet.addRow(row);
              const format = amountFormat(r.currency);
              added.getCell(8).numFmt = format;
              added.getCell(9).numFmt = format;
              added.commit();
            }
          }
          sheet.commit();
          await workbook.commit();
        } catch (error) {
          out.destroy(error as Error);
        }
      })();
      return reply.send(out);
    },
  );
}
