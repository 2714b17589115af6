import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { buildInvoice, loadInvoiceRefs } from '../../src/modules/billing/invoice-builder.ts';
import { documentPosting } from '../../src/modules/billing/posting.ts';
import { accountsByRole } from '../../src/modules/ledger/accounts.ts';
import type { IsoDate } from '../../src/shared/dates.ts';
import { newId } from '../../src/shared/ids.ts';
import { invoiceBatches, type InvoiceSpec } from '../dataset/invoices.ts';
import type { BenchOrganization } from '../dataset/organizations.ts';

/**
 * The floor the batch service is compared with: the rows `createInvoices` writes for the same
 * invoices (ar_documents, ar_document_lines, journal_entries, journal_lines; same columns and
 * values, numbers included), computed before the clock starts and written with hand-written
 * multi-row INSERT statements of the service's sizes, one transaction per batch of the same
 * size. Nothing is read, numbered, checked or audited while the clock runs; the schema's
 * indexes, foreign keys and triggers (period lock, the deferred balance check) still apply.
 */

/** Rows per statement, as the service writes them (documents.batch.ts and journal.ts). */
const ROWS_PER_STATEMENT = {
  ar_documents: 2000,
  ar_document_lines: 2000,
  journal_entries: 2000,
  journal_lines: 4000,
} as const;
type RawTable = keyof typeof ROWS_PER_STATEMENT;
type Row = Record<string, unknown>;

export type RawRun = {
  invoices: number;
  rows: Record<RawTable, number>;
  statements: number;
  /** time in the transactions (the throughput figure) */
  seconds: number;
  /** time spent building the rows and statements, outside the clock */
  prepareSeconds: number;
  commitSeconds: number;
  slices: Array<{ upTo: number; seconds: number }>;
};

/** INSERT statements of `rows` (all with the same keys), `size` rows each. */
function insertStatements(table: RawTable, rows: readonly Row[]): CompiledQuery[] {
  const size = ROWS_PER_STATEMENT[table];
  const statements: CompiledQuery[] = [];
  if (rows.length === 0) return statements;
  const columns = Object.keys(rows[0]!);
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = columns.map((c) => {
        params.push(row[c] ?? null);
        return `$${params.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    statements.push(
      CompiledQuery.raw(
        `insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`,
        params,
      ),
    );
  }
  return statements;
}

/**
 * Writes the invoices of `spec` (the generator's, for an organization with the same customers)
 * with plain INSERTs. The numbers continue from `firstNumber`.
 */
export async function rawInsertInvoices(
  db: Kysely<DB>,
  org: BenchOrganization,
  spec: InvoiceSpec & {
    batchSize: number;
    now: Date;
    actorName: string;
    sliceSize?: number;
    onProgress?: (done: number, seconds: number) => void;
  },
): Promise<RawRun> {
  const sliceSize = spec.sliceSize ?? 100_000;
  const accounts = await accountsByRole(db, org.orgId);
  const refs = await loadInvoiceRefs(
    db,
    org.orgId,
    spec.customers.map((c) => c.id),
    accounts,
  );
  const run: RawRun = {
    invoices: 0,
    rows: { ar_documents: 0, ar_document_lines: 0, journal_entries: 0, journal_lines: 0 },
    statements: 0,
    seconds: 0,
    prepareSeconds: 0,
    commitSeconds: 0,
    slices: [],
  };
  let number = 0;
  let sliceMs = 0;
  for (const inputs of invoiceBatches(spec, spec.batchSize)) {
    const prepared = performance.now();
    const tables: Record<RawTable, Row[]> = {
      ar_documents: [],
      ar_document_lines: [],
      journal_entries: [],
      journal_lines: [],
    };
    for (const input of inputs) {
      const built = buildInvoice(input, refs, {
        id: newId(),
        actorName: spec.actorName,
        now: spec.now,
      });
      const row = {
        ...built.row,
        number: `INV-${String(++number).padStart(6, '0')}`,
        state: 'posted' as const,
        open_minor: built.row.amount_minor,
        posted_at: spec.now,
      };
      tables.ar_documents.push(row);
      for (const l of built.lines)
        tables.ar_document_lines.push({ ...l, org_id: org.orgId, document_id: row.id });
      const posting = documentPosting(
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
        built.lines.map((l) => ({ accountId: l.account_id, amountMinor: l.amount_minor })),
        accounts,
      );
      const entryId = newId();
      tables.journal_entries.push({
        id: entryId,
        org_id: org.orgId,
        effective_date: posting.effectiveDate,
        recorded_at: spec.now,
        currency: posting.currency,
        kind: posting.kind,
        description: posting.description,
        document_id: posting.documentId ?? null,
        application_id: null,
        reverses_entry_id: null,
        actor_name: spec.actorName,
      });
      posting.lines
        .filter((l) => (l.debitMinor ?? 0n) !== 0n || (l.creditMinor ?? 0n) !== 0n)
        .forEach((l, i) =>
          tables.journal_lines.push({
            org_id: org.orgId,
            entry_id: entryId,
            line_no: i + 1,
            effective_date: posting.effectiveDate,
            currency: posting.currency,
            account_id: l.accountId,
            debit_minor: l.debitMinor ?? 0n,
            credit_minor: l.creditMinor ?? 0n,
            customer_id: l.customerId ?? null,
            document_id: l.documentId ?? null,
            memo: l.memo ?? null,
          }),
        );
    }
    const statements = (Object.keys(tables) as RawTable[]).flatMap((t) =>
      insertStatements(t, tables[t]),
    );
    run.prepareSeconds += (performance.now() - prepared) / 1000;

    const t0 = performance.now();
    let insideMs = 0;
    await db.transaction().execute(async (trx) => {
      const t1 = performance.now();
      for (const statement of statements) await trx.executeQuery(statement);
      insideMs = performance.now() - t1;
    });
    const ms = performance.now() - t0;
    run.seconds += ms / 1000;
    run.commitSeconds += (ms - insideMs) / 1000;
    sliceMs += ms;
    run.statements += statements.length;
    for (const t of Object.keys(tables) as RawTable[]) run.rows[t] += tables[t].length;
    run.invoices += inputs.length;
    if (run.invoices % sliceSize === 0 || run.invoices === spec.count) {
      run.slices.push({ upTo: run.invoices, seconds: sliceMs / 1000 });
      sliceMs = 0;
    }
    spec.onProgress?.(run.invoices, run.seconds);
  }
  // later documents of the series continue after the ones written here
  await db
    .insertInto('number_sequences')
    .values({
      org_id: org.orgId,
      series: 'invoice',
      prefix: 'INV-',
      next_value: BigInt(number + 1),
    })
    .execute();
  return run;
}
