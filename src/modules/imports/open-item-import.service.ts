import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ACCESS, hasRole, type Actor } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { todayIn, type IsoDate } from '../../shared/dates.ts';
import { ForbiddenError, ValidationError, type AppError } from '../../shared/errors.ts';
import { yieldToEventLoop } from '../../shared/yield.ts';
import { recordAudit } from '../audit/index.ts';
import {
  buildOpeningItems,
  findBatchConflicts,
  loadBatchRefs,
  postBuiltDocuments,
} from '../billing/index.ts';
import type { PreparedDocument } from '../billing/index.ts';
import { loadReferenceData } from '../customers/index.ts';
import {
  MAX_IMPORT_ROWS,
  MAX_LISTED_ERRORS,
  type ImportMode,
  type ImportProgress,
} from './customer-import.service.ts';
import type { ImportRowError } from './customer-rows.ts';
import { mapOpenItemColumns, type OpenItemField } from './open-item-columns.ts';
import {
  compareWithStored,
  OpenItemPlanner,
  type OpenItemDefaults,
  type OpenItemLookups,
  type OpenItemPlan,
} from './open-item-rows.ts';
import { parseImportFile, type ParsedRow } from './import-parsers.ts';
import { withRollbackPoint } from './import-transaction.ts';
import * as customersRepo from './imports.repository.ts';
import * as repo from './open-items.repository.ts';

/**
 * Opening balances: the invoices, credit memos and debit memos still open in the previous
 * system at go-live, brought over with their own numbers, dates and references. Each is posted
 * against the opening-balance offset account (3900) through the billing module's batch
 * functions (`buildOpeningItems`, `findBatchConflicts`, `postBuiltDocuments`), so the AR
 * sub-ledger and the AR control account tie after an import.
 *
 * Like the customer import: parse → map headers → check every row → write in ONE
 * transaction; all-or-nothing by default (one bad row and nothing is written, every error is
 * reported), `partial` writes the good rows and reports the bad ones; a dry run does the real
 * work inside a savepoint that is rolled back. Row rules are in `open-item-rows.ts`.
 */

export type OpenItemImportInput = {
  file: Buffer;
  filename?: string | undefined;
  /** File header → field name or `ignore`. */
  mapping?: Readonly<Record<string, string>> | undefined;
  dryRun?: boolean | undefined;
  mode?: ImportMode | undefined;
  /** Currency for rows without one (else the customer's). */
  defaultCurrency?: string | undefined;
  /** Payment terms for rows without them (else the customer's). */
  defaultTerms?: string | undefined;
};

export type OpenItemImportResult = {
  dryRun: boolean;
  /** Data rows in the file (blank rows not counted). */
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows with errors (in all-or-nothing mode, nothing was written for any row). */
  failed: number;
  errors: ImportRowError[];
  /** A real import that wrote nothing because of errors (all-or-nothing, or an unreadable file). */
  rejected: boolean;
};

type Counts = { created: number; updated: number; unchanged: number };
type Ctx = { db: Kysely<DB>; actor: Actor; now: Date };

/** Billing's error paths → import fields. */
const FIELD_OF_PATH: Record<string, OpenItemField> = {
  customerId: 'customerAccount',
  currency: 'currency',
  amount: 'openAmount',
  issueDate: 'issueDate',
  dueDate: 'dueDate',
  paymentTerms: 'paymentTerms',
  externalId: 'externalId',
  number: 'number',
};

export async function importOpenItems(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: OpenItemImportInput,
  onProgress?: ImportProgress,
): Promise<OpenItemImportResult> {
  if (!hasRole(actor, ACCESS.manage))
    throw new ForbiddenError('Only a manager or admin may import open items');
  const dryRun = input.dryRun ?? false;
  const mode = input.mode ?? 'all_or_nothing';
  const defaultCurrency = checkDefaultCurrency(input.defaultCurrency);
  const sheet = await parseImportFile(input.file, {
    maxRows: MAX_IMPORT_ROWS,
    filename: input.filename,
  });
  const total = sheet.rows.length;
  const fileProblem = (errors: ImportRowError[]) =>
    finish({ dryRun, mode, total, counts: zero(), errors, fileLevel: true });
  if (sheet.problems.length)
    return fileProblem(
      sheet.problems.map((p) => ({ line: p.line, field: null, message: p.message })),
    );
  const columns = mapOpenItemColumns(sheet.headers, input.mapping);
  if (columns.problems.length) return fileProblem(columns.problems.map((p) => ({ line: 1, ...p })));

  return withRollbackPoint(db, 'open_item_import', async (trx) => {
    const ctx: Ctx = { db: trx, actor, now };
    const lookups = await loadLookups(trx, actor.orgId, now, sheet.rows, columns.headerOf);
    const defaults: OpenItemDefaults = { currency: defaultCurrency };
    if (input.defaultTerms?.trim()) {
      defaults.paymentTerms = lookups.termsByLower.get(input.defaultTerms.trim().toLowerCase());
      if (!defaults.paymentTerms)
        throw badQuery('defaultTerms', `Unknown payment terms code "${input.defaultTerms}"`);
    }
    const planner = new OpenItemPlanner(lookups, columns.headerOf, defaults);
    const plans: OpenItemPlan[] = [];
    const errors: ImportRowError[] = [];
    for (const [i, row] of sheet.rows.entries()) {
      const { plan, errors: rowErrors } = planner.plan(row);
      if (plan) plans.push(plan);
      errors.push(...rowErrors);
      if (i % 1000 === 999) {
        onProgress?.(i + 1, total, 'validating');
        await yieldToEventLoop();
      }
    }
    const outcome = await classify(ctx, plans, planner, errors);
    onProgress?.(total, total, 'validating');
    if (mode === 'all_or_nothing' && errors.length > 0)
      return {
        value: finish({ dryRun, mode, total, counts: zero(), errors, fileLevel: false }),
        keep: false,
      };
    onProgress?.(0, outcome.creates.length + outcome.updates.length, 'importing');
    await postBuiltDocuments(ctx, outcome.creates);
    for (const [i, u] of outcome.updates.entries()) {
      await repo.updateItemDetails(trx, actor.orgId, u.id, u.after, now);
      if (i % 500 === 499) await yieldToEventLoop();
    }
    await recordAudit(
      trx,
      actor,
      now,
      outcome.updates.map((u) => ({
        entityType: u.kind,
        entityId: u.id,
        action: 'update_from_import',
        before: detailsView(u.before),
        after: detailsView(u.after),
      })),
    );
    const done = outcome.creates.length + outcome.updates.length;
    onProgress?.(done, done, 'importing');
    const counts = {
      created: outcome.creates.length,
      updated: outcome.updates.length,
      unchanged: outcome.unchanged,
    };
    const result = finish({ dryRun, mode, total, counts, errors, fileLevel: false });
    return { value: result, keep: !dryRun && !result.rejected };
  });
}

type Update = {
  id: string;
  kind: string;
  before: repo.ItemDetails;
  after: repo.ItemDetails;
};

/**
 * Builds every planned row with the billing module's builder and sorts it: new (checked for
 * numbers and external ids already taken), the same as before, or an update of its details.
 * Refused rows add their errors.
 */
async function classify(
  ctx: Ctx,
  plans: readonly OpenItemPlan[],
  planner: OpenItemPlanner,
  errors: ImportRowError[],
): Promise<{ creates: PreparedDocument[]; updates: Update[]; unchanged: number }> {
  const refs = await loadBatchRefs(
    ctx,
    plans.map((p) => p.input.customerId),
  );
  const built = await buildOpeningItems(
    ctx,
    plans.map((p) => p.input),
    refs,
  );
  const fail = (line: number, field: OpenItemField | null, message: string) =>
    errors.push({ line, field: planner.column(field), message });
  const creates: PreparedDocument[] = [];
  const lineOf = new Map<PreparedDocument, number>();
  const updates: Update[] = [];
  let unchanged = 0;
  for (const b of built) {
    const plan = plans[b.index]!;
    if ('error' in b) {
      for (const e of buildErrors(b.error)) fail(plan.line, e.field, e.message);
      continue;
    }
    if (!plan.stored) {
      creates.push(b.document);
      lineOf.set(b.document, plan.line);
      continue;
    }
    const comparison = compareWithStored(b.document.row, plan.stored);
    if (comparison.kind === 'error') fail(plan.line, comparison.field, comparison.message);
    else if (comparison.kind === 'unchanged') unchanged++;
    else
      updates.push({
        id: plan.stored.id,
        kind: plan.stored.kind,
        before: comparison.before,
        after: comparison.after,
      });
  }
  const conflicts = await findBatchConflicts(ctx.db, ctx.actor.orgId, creates);
  for (const [document, e] of conflicts) {
    const what = e.path === 'number' ? 'Number' : 'External id';
    fail(lineOf.get(document)!, FIELD_OF_PATH[e.path ?? ''] ?? null, `${what} ${e.message}`);
  }
  return { creates: creates.filter((d) => !conflicts.has(d)), updates, unchanged };
}

function buildErrors(error: AppError): Array<{ field: OpenItemField | null; message: string }> {
  if (error.errors.length === 0) return [{ field: null, message: error.message }];
  return error.errors.map((e) => {
    const field = FIELD_OF_PATH[e.path ?? ''] ?? null;
    // the field-level message alone reads oddly for a whole-document refusal
    return { field, message: field ? sentence(e.message) : error.message };
  });
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function detailsView(d: repo.ItemDetails) {
  return { dueDate: d.due_date, poNumber: d.po_number, memo: d.memo };
}

async function loadLookups(
  db: Kysely<DB>,
  orgId: string,
  now: Date,
  rows: readonly ParsedRow[],
  headerOf: ReadonlyMap<OpenItemField, string>,
): Promise<OpenItemLookups> {
  const values = (field: OpenItemField) => {
    const header = headerOf.get(field);
    if (header === undefined) return [];
    return rows.map((r) => (r.values[header] ?? '').trim()).filter((v) => v !== '');
  };
  const [org, ref, customers, stored] = await Promise.all([
    repo.findOrganization(db, orgId),
    loadReferenceData(db, orgId),
    customersRepo.findCustomersByKeys(db, orgId, {
      accountNumbers: values('customerAccount'),
      externalIds: values('customerExternalId'),
    }),
    repo.findStoredItems(db, orgId, {
      externalIds: values('externalId'),
      numbers: values('number'),
    }),
  ]);
  const storedByExternal = new Map<string, repo.StoredItem[]>();
  const storedByNumber = new Map<string, repo.StoredItem>();
  for (const d of stored) {
    if (d.external_id)
      storedByExternal.set(d.external_id, [...(storedByExternal.get(d.external_id) ?? []), d]);
    if (d.number) storedByNumber.set(`${d.kind}\u0000${d.number}`, d);
  }
  return {
    byAccount: new Map(customers.map((c) => [c.account_number, c])),
    byExternal: new Map(customers.filter((c) => c.external_id).map((c) => [c.external_id!, c])),
    termsByLower: new Map([...ref.termsCodes].map((code) => [code.toLowerCase(), code])),
    storedByExternal,
    storedByNumber,
    today: todayIn(org.time_zone, now),
    closedThrough: (org.closed_through as IsoDate | null) ?? null,
    baseCurrency: org.base_currency,
  };
}

function zero(): Counts {
  return { created: 0, updated: 0, unchanged: 0 };
}

function finish(r: {
  dryRun: boolean;
  mode: ImportMode;
  total: number;
  counts: Counts;
  errors: ImportRowError[];
  fileLevel: boolean;
}): OpenItemImportResult {
  const failed = r.errors.length > 0 && (r.mode === 'all_or_nothing' || r.fileLevel);
  const badLines = new Set(r.errors.filter((e) => e.line > 1).map((e) => e.line)).size;
  return {
    dryRun: r.dryRun,
    total: r.total,
    ...(failed ? zero() : r.counts),
    failed: r.fileLevel ? r.total : badLines,
    errors: listed(r.errors),
    rejected: failed && !r.dryRun,
  };
}

/** Errors in line order (stable within a line), cut at {@link MAX_LISTED_ERRORS}. */
function listed(errors: ImportRowError[]): ImportRowError[] {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  if (sorted.length <= MAX_LISTED_ERRORS) return sorted;
  const rest = sorted.length - MAX_LISTED_ERRORS + 1;
  const last = sorted[MAX_LISTED_ERRORS - 1]!;
  return [
    ...sorted.slice(0, MAX_LISTED_ERRORS - 1),
    {
      line: last.line,
      field: null,
      message: `…and ${rest.toLocaleString('en-US')} more errors from this line on`,
    },
  ];
}

function checkDefaultCurrency(text: string | undefined): string | undefined {
  const currency = text?.trim().toUpperCase() || undefined;
  if (currency && !isCurrency(currency))
    throw badQuery('defaultCurrency', `"${text}" is not an ISO 4217 currency code`);
  return currency;
}

function badQuery(param: string, message: string): ValidationError {
  return new ValidationError(`${param}: ${message}`, [{ path: `querystring.${param}`, message }]);
}
