import type { FastifyReply } from 'fastify';
import type { ArDocumentKind } from '../../db/schema.ts';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { isIsoDate, type IsoDate } from '../../shared/dates.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { pdfFileName, renderInvoicePdf } from './invoice-pdf.ts';
import { getInvoiceSettings, updateInvoiceSettings } from './invoice-settings.ts';
import { smtpMailer } from './mailer.ts';
import { getAttachment, getMessage, listMessages } from './outbox.repository.ts';
import { currentResult, deliver, queueDocumentEmail } from './outbox.service.ts';
import * as s from './output.schemas.ts';
import { loadCustomerPrint, loadDocumentPrint, loadOrgPrint } from './print-data.ts';
import { renderStatementPdf, statementFileName } from './statement-pdf.ts';
import { buildStatement, statementDto } from './statement.ts';

function sendPdf(reply: FastifyReply, bytes: Buffer, filename: string, disposition = 'inline') {
  return reply
    .type('application/pdf')
    .header('content-disposition', `${disposition}; filename="${filename}"`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}

function asOfDate(text: string | undefined, today: IsoDate): IsoDate {
  if (text === undefined) return today;
  if (!isIsoDate(text)) {
    throw new ValidationError('asOf must be a calendar date YYYY-MM-DD', [
      { path: 'querystring.asOf', message: 'is not a valid date' },
    ]);
  }
  return text;
}

/**
 * Printed documents and e-mail: invoice and memo PDFs, customer statements (JSON and PDF),
 * sending a document by e-mail, the outbox, and the organization's invoice settings.
 *
 * A send answers 201 whatever the delivery outcome: `status` is 'sent', 'outbox' (no SMTP
 * configured) or 'failed' with the server's reason in `error`; the message is kept either way.
 */
export function outputRoutes(app: App, deps: AppDeps) {
  const mailer = smtpMailer(deps.config.smtpUrl);
  const now = () => deps.clock.now();

  // ---- document PDFs
  for (const [path, kind, tags] of [
    ['/api/v1/invoices/:id/pdf', undefined, ['invoices']],
    ['/api/v1/credit-memos/:id/pdf', 'credit_memo', ['credit memos']],
    ['/api/v1/debit-memos/:id/pdf', 'debit_memo', ['debit memos']],
  ] as const) {
    app.get(
      path,
      {
        config: { access: ACCESS.read },
        schema: {
          tags: [...tags],
          summary: kind
            ? `The ${kind.replace('_', ' ')} as a PDF`
            : 'The document as a PDF (any AR document kind; drafts are marked DRAFT)',
          params: s.idParams,
          produces: ['application/pdf'],
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { document, customerId } = await loadDocumentPrint(
          deps.db,
          actor,
          request.params.id,
          kind as ArDocumentKind | undefined,
        );
        const [org, customer] = await Promise.all([
          loadOrgPrint(deps.db, actor, now()),
          loadCustomerPrint(deps.db, actor, customerId),
        ]);
        const pdf = await renderInvoicePdf({ org, customer, document });
        return sendPdf(reply, pdf, pdfFileName(document));
      },
    );
  }

  // ---- statements
  app.get(
    '/api/v1/customers/:id/statement',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['customers'],
        summary:
          'Open-item statement as of a date: open documents (credits negative), aging and balance',
        params: s.idParams,
        querystring: s.statementQuery,
        response: { 200: s.statementSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const org = await loadOrgPrint(deps.db, actor, now());
      const asOf = asOfDate(request.query.asOf, org.today);
      return statementDto(await buildStatement(deps.db, actor, request.params.id, asOf));
    },
  );
  app.get(
    '/api/v1/customers/:id/statement.pdf',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['customers'],
        summary: 'The open-item statement as a PDF',
        params: s.idParams,
        querystring: s.statementQuery,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const org = await loadOrgPrint(deps.db, actor, now());
      const asOf = asOfDate(request.query.asOf, org.today);
      const statement = await buildStatement(deps.db, actor, request.params.id, asOf);
      const pdf = await renderStatementPdf({ org, statement });
      return sendPdf(reply, pdf, statementFileName(statement.customer.accountNumber, asOf));
    },
  );

  // ---- e-mail
  app.post(
    '/api/v1/invoices/:id/send',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['invoices'],
        summary:
          "E-mail the document as a PDF (to the customer's billing contacts unless `to` is given); " +
          'kept in the outbox when no SMTP server is configured',
        params: s.idParams,
        body: s.sendInput,
        response: { 201: s.sendResultSchema },
      },
    },
    async (request, reply) => {
      const queued = await runWrite(deps, request, reply, async (db, actor) => ({
        status: 201,
        body: await queueDocumentEmail(
          db,
          actor,
          now(),
          request.params.id,
          request.body ?? {},
          mailer !== null,
        ),
      }));
      const actor = actorOf(request);
      if (reply.getHeader('idempotent-replayed') === 'true') {
        // the first request sent it (or is sending it): answer with where it stands now
        return (await currentResult(deps.db, actor.orgId, queued.id)) ?? queued;
      }
      if (mailer && queued.status === 'sending') return deliver(deps, mailer, actor, queued.id);
      return queued;
    },
  );

  // ---- the outbox
  app.get(
    '/api/v1/outbox',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['outbox'],
        summary: 'E-mail messages, sent and waiting, newest first',
        querystring: s.outboxQuery,
        response: { 200: s.outboxListSchema },
      },
    },
    async (request) => listMessages(deps.db, actorOf(request).orgId, request.query),
  );
  app.get(
    '/api/v1/outbox/:id',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['outbox'],
        summary: 'One e-mail message with its text',
        params: s.idParams,
        response: { 200: s.outboxDetailSchema },
      },
    },
    async (request) => {
      const message = await getMessage(deps.db, actorOf(request).orgId, request.params.id);
      if (!message) throw new NotFoundError(`E-mail message ${request.params.id} not found`);
      return message;
    },
  );
  app.get(
    '/api/v1/outbox/:id/attachment',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['outbox'],
        summary: 'The PDF attached to an e-mail message',
        params: s.idParams,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const row = await getAttachment(deps.db, actorOf(request).orgId, id);
      if (!row) throw new NotFoundError(`E-mail message ${id} not found`);
      if (!row.attachment || !row.attachment_name)
        throw new NotFoundError(`E-mail message ${id} has no attachment`);
      return sendPdf(reply, Buffer.from(row.attachment), row.attachment_name);
    },
  );

  // ---- invoice settings
  app.get(
    '/api/v1/organization/invoice-settings',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['organization'],
        summary: 'The remit-to block and footer printed on invoices and statements',
        response: { 200: s.invoiceSettingsSchema },
      },
    },
    async (request) => getInvoiceSettings(deps.db, actorOf(request).orgId),
  );
  app.put(
    '/api/v1/organization/invoice-settings',
    {
      config: { access: ACCESS.manage },
      schema: {
        tags: ['organization'],
        summary: 'Change the remit-to block and footer (manager)',
        body: s.invoiceSettingsInput,
        response: { 200: s.invoiceSettingsSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (db, actor) => ({
        status: 200,
        body: await updateInvoiceSettings(db, actor, now(), request.body),
      })),
  );
}
