import { yieldToEventLoop } from '../../shared/yield.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ACCESS, hasRole, type Actor } from '../../shared/actor.ts';
import { isCurrency } from '../../shared/currencies.ts';
import { ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { applyPlans, zero, type Counts } from './customer-apply.ts';
import { mapColumns, type CustomerImportField } from './customer-columns.ts';
import { RowPlanner, type Defaults, type ImportRowError, type RowPlan } from './customer-rows.ts';
import { loadLookups } from './import-lookups.ts';
import { parseImportFile, type ParsedRow } from './import-parsers.ts';
import { withRollbackPoint } from './import-transaction.ts';

/**
 * Customer import: parse → map headers → check every row → create/update in ONE transaction.
 *
 * - All-or-nothing by default: one bad row and nothing is written; every error is reported.
 *   `partial` writes the good rows and reports the bad ones.
 * - A dry run does the real work inside a savepoint that is rolled back, so its counts are
 *   exactly what the import would do (with errors in all-or-nothing mode: nothing). The few
 *   refusals only writing can find (an account number another customer holds) are reported
 *   once the row checks pass, since all-or-nothing stops after them.
 * - Rows are matched by external id, else by account number. A row equal to the stored customer
 *   writes nothing (no audit entry, no version bump), so importing a file twice changes nothing.
 * - Writes go through the customers module (`createCustomer`, `updateCustomer`, `addContact`,
 *   `addAddress`), so validation, role rules and the audit trail are the API's.
 */

export const MAX_IMPORT_ROWS = 100_000;
/** Errors listed in one answer; the rest are counted in a last entry. */
export const MAX_LISTED_ERRORS = 10_000;

export type ImportMode = 'all_or_nothing' | 'partial';
export type CustomerImportInput = {
  file: Buffer;
  filename?: string | undefined;
  /** File header → field name or `ignore`. */
  mapping?: Readonly<Record<string, string>> | undefined;
  dryRun?: boolean | undefined;
  mode?: ImportMode | undefined;
  defaultCurrency?: string | undefined;
  defaultTerms?: string | undefined;
};
export type ImportPhase = 'validating' | 'importing';
export type ImportProgress = (done: number, total: number, phase: ImportPhase) => void;
export type CustomerImportResult = {
  dryRun: boolean;
  /** Data rows in the file (blank rows not counted). */
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  /** A real import that wrote nothing because of errors (all-or-nothing, or an unreadable file). */
  rejected: boolean;
};

export async function importCustomers(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  input: CustomerImportInput,
  onProgress?: ImportProgress,
): Promise<CustomerImportResult> {
  if (!hasRole(actor, ACCESS.manage))
    throw new ForbiddenError('Only a manager or admin may import customers');
  const dryRun = input.dryRun ?? false;
  const mode = input.mode ?? 'all_or_nothing';
  const defaults = checkDefaultCurrency(input);
  const sheet = await parseImportFile(input.file, {
    maxRows: MAX_IMPORT_ROWS,
    filename: input.filename,
  });
  const fileProblem = (errors: ImportRowError[]) =>
    finish({ dryRun, mode, total: sheet.rows.length, counts: zero(), errors, fileLevel: true });
  if (sheet.problems.length)
    return fileProblem(
      sheet.problems.map((p) => ({ line: p.line, field: null, message: p.message })),
    );
  const defaulted = new Set<CustomerImportField>([
    ...(defaults.currency ? ['currency' as const] : []),
    ...(defaults.paymentTerms ? ['paymentTerms' as const] : []),
  ]);
  const columns = mapColumns(sheet.headers, { mapping: input.mapping, defaulted });
  if (columns.problems.length) return fileProblem(columns.problems.map((p) => ({ line: 1, ...p })));

  return withRollbackPoint(db, 'customer_import', async (trx) => {
    const keyOf = (row: ParsedRow, field: CustomerImportField) => {
      const header = columns.headerOf.get(field);
      return header === undefined ? undefined : row.values[header]?.trim();
    };
    const lookups = await loadLookups(
      trx,
      actor.orgId,
      sheet.rows.map((r) => ({
        line: r.line,
        accountNumber: keyOf(r, 'accountNumber'),
        externalId: keyOf(r, 'externalId'),
        parentAccount: keyOf(r, 'parentAccount'),
      })),
    );
    const terms =
      defaults.paymentTerms && lookups.termsByLower.get(defaults.paymentTerms.toLowerCase());
    if (defaults.paymentTerms && !terms)
      throw badQuery('defaultTerms', `Unknown payment terms code "${defaults.paymentTerms}"`);
    const planner = new RowPlanner(lookups, columns.headerOf, {
      ...defaults,
      paymentTerms: terms || undefined,
    });
    const plans: RowPlan[] = [];
    const errors: ImportRowError[] = [];
    for (const [i, row] of sheet.rows.entries()) {
      const { plan, errors: rowErrors } = planner.plan(row);
      if (plan) plans.push(plan);
      errors.push(...rowErrors);
      if (i % 500 === 499) {
        onProgress?.(i + 1, sheet.rows.length, 'validating');
        await yieldToEventLoop();
      }
    }
    onProgress?.(sheet.rows.length, sheet.rows.length, 'validating');
    // all-or-nothing with errors is rejected whatever the writes would say: skip the minute
    // they take (refusals found only while writing show up once the listed errors are fixed)
    if (mode === 'all_or_nothing' && errors.length > 0) {
      return {
        value: finish({
          dryRun,
          mode,
          total: sheet.rows.length,
          counts: zero(),
          errors,
          fileLevel: false,
        }),
        keep: false,
      };
    }
    const counts = await applyPlans(
      { db: trx, actor, now },
      plans,
      { ref: lookups.ref, headerOf: columns.headerOf },
      errors,
      (done) => onProgress?.(done, plans.length, 'importing'),
    );
    const result = finish({
      dryRun,
      mode,
      total: sheet.rows.length,
      counts,
      errors,
      fileLevel: false,
    });
    return { value: result, keep: !dryRun && !result.rejected };
  });
}

function finish(r: {
  dryRun: boolean;
  mode: ImportMode;
  total: number;
  counts: Counts;
  errors: ImportRowError[];
  fileLevel: boolean;
}): CustomerImportResult {
  const failed = r.errors.length > 0 && (r.mode === 'all_or_nothing' || r.fileLevel);
  return {
    dryRun: r.dryRun,
    total: r.total,
    ...(failed ? zero() : r.counts),
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

function checkDefaultCurrency(input: CustomerImportInput): Defaults {
  const currency = input.defaultCurrency?.trim().toUpperCase() || undefined;
  if (currency && !isCurrency(currency))
    throw badQuery(
      'defaultCurrency',
      `"${input.defaultCurrency}" is not an ISO 4217 currency code`,
    );
  return { currency, paymentTerms: input.defaultTerms?.trim() || undefined };
}

function badQuery(param: string, message: string): ValidationError {
  return new ValidationError(`${param}: ${message}`, [{ path: `querystring.${param}`, message }]);
}
