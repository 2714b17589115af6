import crypto from 'node:crypto';
import { z } from 'zod';
import { actorOf } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';

const ALLOWED_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/tiff',
  'text/plain',
  'text/csv',
]);
const documentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
});

/** Uploaded files (tax-exempt certificates and, later, dispute attachments), stored in the database. */
export function documentsRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/v1/documents',
    {
      config: { access: ACCESS.write },
      schema: {
        tags: ['documents'],
        summary: 'Upload a document (multipart field `file`)',
        consumes: ['multipart/form-data'],
        response: { 201: documentSchema },
      },
    },
    async (request, reply) => {
      const file = await request.file();
      if (!file)
        throw new ValidationError('Send the document as multipart field "file"', [
          { path: 'body.file', message: 'is required' },
        ]);
      const content = await file.toBuffer();
      const contentType = file.mimetype.toLowerCase();
      if (!ALLOWED_TYPES.has(contentType)) {
        throw new ValidationError(
          `Files of type ${contentType} are not accepted (PDF, PNG, JPEG, TIFF, text)`,
          [{ path: 'body.file', message: 'unsupported type' }],
          'unsupported_file_type',
        );
      }
      if (content.length === 0)
        throw new ValidationError('The file is empty', [
          { path: 'body.file', message: 'is empty' },
        ]);
      const filename = sanitizeFilename(file.filename);
      const sha256 = crypto.createHash('sha256').update(content).digest('hex');
      return runWrite(
        deps,
        request,
        reply,
        async (db, actor) => {
          const id = newId();
          const now = deps.clock.now();
          await db
            .insertInto('documents')
            .values({
              id,
              org_id: actor.orgId,
              filename,
              content_type: contentType,
              size_bytes: content.length,
              sha256,
              content,
              uploaded_by: actor.type === 'user' ? actor.id : null,
              created_at: now,
            })
            .execute();
          const body = { id, filename, contentType, size: content.length, sha256 };
          await recordAudit(db, actor, now, [
            { entityType: 'document', entityId: id, action: 'upload', after: body },
          ]);
          return { status: 201, body };
        },
        { hashMaterial: Buffer.concat([Buffer.from(`${filename}\n${contentType}\n`), content]) },
      );
    },
  );

  app.get(
    '/api/v1/documents/:id',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['documents'],
        summary: 'Download a document',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request, reply) => {
      const doc = await deps.db
        .selectFrom('documents')
        .select(['filename', 'content_type', 'content'])
        .where('org_id', '=', actorOf(request).orgId)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!doc) throw new NotFoundError(`Document ${request.params.id} not found`);
      return reply
        .type(doc.content_type)
        .header('content-disposition', `attachment; filename="${doc.filename}"`)
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(doc.content));
    },
  );
}

/** Keeps a safe display name: no paths, quotes or control characters. */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  const clean = base.replace(/[^\w.\- ()]+/g, '_').slice(0, 150);
  return clean || 'file';
}
