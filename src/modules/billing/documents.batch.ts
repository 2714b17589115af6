/**
 * Posting many documents at once — imports and onboarding — with the rules of the one-by-one
 * path (the same builders, the same postings) but a fixed number of statements per few
 * thousand documents: numbers are taken in one statement per series, and documents, lines,
 * journal entries, journal lines and audit records are written with multi-row INSERTs.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { IsoDate } from '../../shared/dates.ts';
import { AppError, DomainError, type FieldError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount } from '../../shared/money.ts';
import { recordAudit } from '../audit/index.ts';
import { accountsByRole, type AccountsByRole } from '../ledger/accounts.ts';
import { postEntries } from '../ledger/journal.ts';
import { advancePastImported, nextNumbers, type Series } from '../ledger/numbering.ts';
import type { Ctx } from './documents.service.ts';
import {
  buildInvoice,
  buildOpeningItem,
  loadInvoiceRefs,
  type InvoiceInput,
  type InvoiceRefs,
  type OpeningItemInput,
  type PreparedDocument,
} from './invoice-builder.ts';
import { documentPosting } from './posting.ts';

/** One item of a batch: built, or the error that refused it. */
export type Built =
  { index: number; document: PreparedDocument } | { index: number; error: AppError };

const ROWS_PER_INSERT = 2000;

/** Builds every invoice of a batch (nothing is written); each gets its document or its error. */
export async function buildInvoices(
  ctx: Ctx,
  inputs: readonly InvoiceInput[],
  refs?: InvoiceRefs,
): Promise<Built[]> {
  const r =
    refs ??
    (await loadBatchRefs(
      ctx,
      inputs.map((i) => i.customerId),
    ));
  return inputs.map((input, index) => attempt(index, () => buildInvoice(input, r, meta(ctx))));
}

/** Builds every opening item of a batch (nothing is written). */
export async function buildOpeningItems(
  ctx: Ctx,
  inputs: readonly OpeningItemInput[],
  refs?: InvoiceRefs,
): Promise<Built[]> {
  const r =
    refs ??
    (await loadBatchRefs(
      ctx,
      inputs.map((i) => i.customerId),
    ));
  return inputs.map((input, index) => attempt(index, () => buildOpeningItem(input, r, meta(ctx))));
}

export async function loadBatchRefs(
  ctx: Ctx,
  customerIds: readonly string[],
): Promise<InvoiceRefs> {
  const accounts = await accountsByRole(ctx.db, ctx.actor.orgId);
  return loadInvoiceRefs(ctx.db, ctx.actor.orgId, customerIds, accounts);
}

function meta(ctx: Ctx) {
  return { id: newId(), actorName: ctx.actor.name, now: ctx.now };
}

function attempt(index: number, build: () => PreparedDocument): Built {
  try {
    return { index, document: build() };
  } catch (error) {
    if (error instanceof AppError) return { index, error };
    throw error;
  }
}

/**
 * External ids and numbers already taken, in the database or earlier in the same batch:
 * the per-item errors an import reports.
 */
export async function findBatchConflicts(
  db: Kysely<DB>,
  orgId: string,
  documents: readonly PreparedDocument[],
): Promise<Map<PreparedDocument, FieldError>> {
  const conflicts = new Map<PreparedDocument, FieldError>();
  const seen = new Set<string>();
  const keyOf = (kind: string, what: string, value: string) => `${kind}\u0000${what}\u0000${value}`;
  const existing = new Set<string>();
  for (let i = 0; i < documents.length; i += ROWS_PER_INSERT) {
    const part = documents.slice(i, i + ROWS_PER_INSERT);
    const externalIds = part.map((d) => d.row.external_id).filter((v): v is string => !!v);
    const numbers = part.map((d) => d.row.number).filter((v): v is string => !!v);
    // only a document of the same kind can conflict; naming the kinds lets the unique indexes
    // (org_id, kind, …) find the values instead of reading every entry of the organization
    const kinds = [...new Set(part.map((d) => d.row.kind))];
    if (externalIds.length > 0) {
      const rows = await db
        .selectFrom('ar_documents')
        .select(['kind', 'external_id'])
        .where('org_id', '=', orgId)
        .where('kind', 'in', kinds)
        .where('external_id', 'in', externalIds)
        .execute();
      for (const r of rows) existing.add(keyOf(r.kind, 'externalId', r.external_id!));
    }
    if (numbers.length > 0) {
      const rows = await db
        .selectFrom('ar_documents')
        .select(['kind', 'number'])
        .where('org_id', '=', orgId)
        .where('kind', 'in', kinds)
        .where('number', 'in', numbers)
        .execute();
      for (const r of rows) existing.add(keyOf(r.kind, 'number', r.number!));
    }
  }
  for (const d of documents) {
    for (const [what, value] of [
      ['externalId', d.row.external_id],
      ['number', d.row.number],
    ] as const) {
      if (!value) continue;
      const key = keyOf(d.row.kind, what, value);
      if (existing.has(key)) {
        conflicts.set(d, { path: what, message: `${value} already exists` });
      } else if (seen.has(key)) {
        conflicts.set(d, { path: what, message: `${value} appears twice in this batch` });
      }
      seen.add(key);
    }
  }
  return conflicts;
}

/**
 * Numbers (where the document has none), posts and records a batch of built documents, dated
 * their issue dates. The caller has checked them (see {@link findBatchConflicts}); the period
 * lock is checked for the earliest date. Returns the documents with their numbers.
 */
export async function postBuiltDocuments(
  ctx: Ctx,
  documents: readonly PreparedDocument[],
  accounts?: AccountsByRole,
): Promise<Array<{ id: string; number: string }>> {
  if (documents.length === 0) return [];
  const orgId = ctx.actor.orgId;
  const chart = accounts ?? (await accountsByRole(ctx.db, orgId));
  const earliest = documents.reduce(
    (d, x) => (x.row.issue_date < d ? x.row.issue_date : d),
    documents[0]!.row.issue_date,
  );
  const org = await ctx.db
    .selectFrom('organizations')
    .select('closed_through')
    .where('id', '=', orgId)
    .forShare()
    .executeTakeFirstOrThrow();
  if (org.closed_through && earliest <= org.closed_through) {
    throw new DomainError(
      'period_closed',
      `The books are closed through ${org.closed_through}: a document dated ${earliest} cannot be posted`,
      [
        {
          path: 'issueDate',
          message: `is in a closed period (closed through ${org.closed_through})`,
        },
      ],
    );
  }
  // numbers, one statement per series
  const unnumbered = new Map<Series, PreparedDocument[]>();
  for (const d of documents) {
    if (d.row.number) continue;
    const list = unnumbered.get(d.row.kind) ?? [];
    list.push(d);
    unnumbered.set(d.row.kind, list);
  }
  const imported = new Map<Series, string[]>();
  for (const d of documents) {
    if (!d.row.number) continue;
    imported.set(d.row.kind, [...(imported.get(d.row.kind) ?? []), d.row.number]);
  }
  for (const [series, numbers] of imported)
    await advancePastImported(ctx.db, orgId, series, numbers);
  const numberOf = new Map<PreparedDocument, string>();
  for (const [series, list] of unnumbered) {
    const numbers = await nextNumbers(ctx.db, orgId, series, list.length);
    list.forEach((d, i) => numberOf.set(d, numbers[i]!));
  }
  const rows = documents.map((d) => ({
    ...d.row,
    number: d.row.number ?? numberOf.get(d)!,
    state: 'posted' as const,
    open_minor: d.row.amount_minor,
    posted_at: ctx.now,
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await ctx.db
      .insertInto('ar_documents')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  const lines = documents.flatMap((d) =>
    d.lines.map((l) => ({ ...l, org_id: orgId, document_id: d.row.id })),
  );
  for (let i = 0; i < lines.length; i += ROWS_PER_INSERT) {
    await ctx.db
      .insertInto('ar_document_lines')
      .values(lines.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  await postEntries(
    ctx.db,
    ctx.actor,
    ctx.now,
    rows.map((row, i) =>
      documentPosting(
        {
          id: row.id,
          kind: row.kind,
          number: row.number,
          customerId: row.customer_id,
          currency: row.currency,
          issueDate: row.issue_date as IsoDate,
          amountMinor: row.amount_minor,
          taxMinor: row.tax_minor,
          offsetAccountId: row.offset_account_id,
        },
        documents[i]!.lines.map((l) => ({ accountId: l.account_id, amountMinor: l.amount_minor })),
        chart,
      ),
    ),
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await recordAudit(
      ctx.db,
      ctx.actor,
      ctx.now,
      rows.slice(i, i + ROWS_PER_INSERT).map((row) => ({
        entityType: row.kind,
        entityId: row.id,
        action: row.opening_balance ? 'import_opening_balance' : 'create',
        after: {
          number: row.number,
          customerId: row.customer_id,
          issueDate: row.issue_date,
          dueDate: row.due_date,
          total: formatAmount(row.amount_minor, row.currency),
          externalId: row.external_id,
        },
      })),
    );
  }
  return rows.map((r) => ({ id: r.id, number: r.number }));
}

/**
 * Creates and posts many invoices, all or nothing: if any is invalid nothing is written and
 * the error lists every invalid one by its position (`line`, 1-based).
 */
export async function createInvoices(
  ctx: Ctx,
  inputs: readonly InvoiceInput[],
): Promise<Array<{ id: string; number: string }>> {
  const refs = await loadBatchRefs(
    ctx,
    inputs.map((i) => i.customerId),
  );
  const built = await buildInvoices(ctx, inputs, refs);
  const errors: FieldError[] = [];
  const documents: PreparedDocument[] = [];
  const position = new Map<PreparedDocument, number>();
  for (const b of built) {
    if ('error' in b) {
      for (const e of b.error.errors.length ? b.error.errors : [{ message: b.error.message }]) {
        errors.push({ ...e, line: b.index + 1 });
      }
    } else {
      documents.push(b.document);
      position.set(b.document, b.index + 1);
    }
  }
  const conflicts = await findBatchConflicts(ctx.db, ctx.actor.orgId, documents);
  for (const [d, e] of conflicts) errors.push({ ...e, line: position.get(d)! });
  if (errors.length > 0) {
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new DomainError(
      'invalid_batch',
      `${errors.length} invoice(s) of the batch are invalid; nothing was posted`,
      errors,
    );
  }
  return postBuiltDocuments(ctx, documents, refs.accounts);
}
