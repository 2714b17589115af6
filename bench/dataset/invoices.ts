import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { createInvoices } from '../../src/modules/billing/documents.batch.ts';
import type { InvoiceInput } from '../../src/modules/billing/invoice-builder.ts';
import { priceLines } from '../../src/modules/billing/pricing.ts';
import { Random } from '../../src/modules/demo/index.ts';
import { systemActor, type Actor } from '../../src/shared/actor.ts';
import { assert } from '../../src/shared/assert.ts';
import { addDays, type IsoDate } from '../../src/shared/dates.ts';
import type { BenchOrganization } from './organizations.ts';

/**
 * Invoices of the benchmark dataset, posted through the batch service (`createInvoices`: the
 * refs, the builder, the conflict check, numbering, postings, audit) one transaction per
 * batch, as an import would. Same seed and same customers → same invoices, in the same order,
 * so the raw-INSERT baseline (bench/scenarios/ledger-raw.ts) can write exactly these rows.
 */

/** Invoices per transaction (and per `createInvoices` call). */
export const INVOICES_PER_TRANSACTION = 2_000;
/** Days of invoice history before the dataset's last date. */
export const INVOICE_HISTORY_DAYS = 730;

export type LedgerCustomer = { id: string; currency: string };

export type InvoiceSpec = {
  count: number;
  seed: number;
  /** the last issue date; issue dates rise evenly over INVOICE_HISTORY_DAYS up to it */
  lastDate: IsoDate;
  /** the customers invoices may go to (not closed), in a stable order */
  customers: readonly LedgerCustomer[];
};

/** One posted invoice, as much as the corrections need. */
export type PostedInvoice = {
  id: string;
  customerId: string;
  currency: string;
  issueDate: IsoDate;
  amountMinor: bigint;
};

export type BatchTiming = {
  invoices: number;
  /** the whole transaction, BEGIN to COMMIT */
  ms: number;
  /** BEGIN and COMMIT: the deferred balance trigger runs in the commit */
  commitMs: number;
};

export type PostingRun = {
  invoices: number;
  /** time in the service's transactions (the throughput figure) */
  serviceSeconds: number;
  /** wall time, including generating the inputs between transactions */
  wallSeconds: number;
  batches: BatchTiming[];
  /** service seconds of each successive slice of `sliceSize` invoices */
  slices: Array<{ upTo: number; seconds: number }>;
  /** a random sample of the posted invoices (`sampleShare` of them), for the corrections */
  sample: PostedInvoice[];
  /** ANALYZEs run between transactions (`analyzeWith`), outside the service time */
  analyzes: number;
  analyzeSeconds: number;
};

/**
 * What autovacuum's auto-analyze would do while invoices are posted, for databases where it
 * does not run (PGlite has no autovacuum; the CI PostgreSQL server runs with autovacuum off):
 * ANALYZE everything at the start, then the tables posting writes whenever more than
 * 50 + 10% of the documents the last ANALYZE counted have been added (autovacuum's default
 * threshold and scale factor). Without statistics the planner takes the conflict check's
 * external-id lookup for a scan of every invoice of the organization.
 */
class AutoAnalyze {
  analyzes = 0;
  ms = 0;
  private counted = 0;
  private added = 0;

  constructor(private readonly db: Kysely<DB>) {}

  async start(): Promise<void> {
    await this.timed(sql`analyze`);
  }

  async inserted(documents: number): Promise<void> {
    this.added += documents;
    if (this.added <= 50 + 0.1 * this.counted) return;
    await this.timed(
      sql`analyze ar_documents, ar_document_lines, journal_entries, journal_lines, audit_log`,
    );
  }

  private async timed(statement: RawBuilder<unknown>): Promise<void> {
    const t0 = performance.now();
    await statement.execute(this.db);
    const { rows } = await sql<{ tuples: number }>`
      select reltuples::float8 as tuples from pg_class where oid = 'ar_documents'::regclass`.execute(
      this.db,
    );
    this.counted = Math.max(0, rows[0]?.tuples ?? 0);
    this.added = 0;
    this.analyzes++;
    this.ms += performance.now() - t0;
  }
}

const PRODUCTS = [
  ['Hex bolts M8 x 40, box of 100', 4, 60],
  ['Deep-groove bearing 6204-2RS', 3, 45],
  ['Hydraulic hose 3/8", per metre', 2, 25],
  ['Safety gloves, case of 12', 15, 90],
  ['Cutting discs 125 mm, pack of 25', 20, 140],
  ['Pallet of shrink wrap', 60, 300],
  ['V-belt A42', 8, 40],
  ['Pneumatic fitting kit', 25, 220],
  ['Service call, per hour', 75, 160],
  ['Welding wire 0.9 mm, 15 kg spool', 45, 180],
] as const;
const TAX_RATES = ['5.3', '6.25', '7', '8.25', '8.875'] as const;

/** The organization's customers that can be invoiced (not closed), by account number. */
export async function invoiceableCustomers(
  db: Kysely<DB>,
  orgId: string,
): Promise<LedgerCustomer[]> {
  return db
    .selectFrom('customers')
    .select(['id', 'currency'])
    .where('org_id', '=', orgId)
    .where('status', '<>', 'closed')
    .orderBy('account_number')
    .execute();
}

/**
 * The invoice inputs, in batches of `batchSize`: 2–3 lines each (a freight line on some),
 * 40% taxed at a state rate, a PO number on a third, an ERP external id on every one.
 */
export function* invoiceBatches(spec: InvoiceSpec, batchSize: number): Generator<InvoiceInput[]> {
  assert(spec.customers.length > 0, 'invoices need at least one customer that is not closed');
  const rng = new Random(spec.seed ^ 0x1e06e);
  const firstDate = addDays(spec.lastDate, -INVOICE_HISTORY_DAYS);
  let batch: InvoiceInput[] = [];
  for (let index = 0; index < spec.count; index++) {
    const customer = spec.customers[rng.int(0, spec.customers.length - 1)]!;
    const taxRate = rng.chance(0.4) ? rng.pick(TAX_RATES) : undefined;
    const lines: InvoiceInput['lines'] = [];
    const products = rng.chance(0.5) ? 2 : 1;
    for (let p = 0; p < products; p++) {
      const [description, low, high] = rng.pick(PRODUCTS);
      lines.push({
        description,
        quantity: rng.chance(0.1) ? `${rng.int(1, 40)}.5` : String(rng.int(1, 48)),
        unitPrice: `${rng.int(low, high)}.${String(rng.int(0, 9999)).padStart(4, '0')}`,
        taxRate,
      });
    }
    lines.push(
      rng.chance(0.5)
        ? { description: 'Freight', quantity: '1', unitPrice: `${rng.int(15, 250)}.00` }
        : { description: 'Handling', quantity: '1', unitPrice: '12.50', taxRate },
    );
    batch.push({
      customerId: customer.id,
      issueDate: addDays(firstDate, Math.floor((INVOICE_HISTORY_DAYS * index) / spec.count)),
      currency: customer.currency,
      lines,
      poNumber: rng.chance(0.33) ? `PO-${rng.int(10000, 999999)}` : null,
      externalId: `ERP-INV-${String(index + 1).padStart(8, '0')}`,
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Posts the invoices through `createInvoices`, one transaction per `batchSize` invoices, as
 * `actor` (default: the system, "bench import"). Times each transaction and the commit in it,
 * and keeps a sample of the posted invoices for the corrections step.
 */
export async function postInvoices(
  db: Kysely<DB>,
  org: BenchOrganization,
  spec: InvoiceSpec & {
    now: Date;
    batchSize?: number;
    sliceSize?: number;
    /** share of the posted invoices returned in `sample` */
    sampleShare?: number;
    /** ANALYZE between transactions through this handle, as autovacuum would ({@link AutoAnalyze}) */
    analyzeWith?: Kysely<DB>;
    actor?: Actor;
    onProgress?: (done: number, serviceSeconds: number) => void;
  },
): Promise<PostingRun> {
  const batchSize = spec.batchSize ?? INVOICES_PER_TRANSACTION;
  const sliceSize = spec.sliceSize ?? 100_000;
  const actor = spec.actor ?? systemActor(org.orgId, 'bench import');
  const sampler = new Random(spec.seed ^ 0x5a3b1e);
  const run: PostingRun = {
    invoices: 0,
    serviceSeconds: 0,
    wallSeconds: 0,
    batches: [],
    slices: [],
    sample: [],
    analyzes: 0,
    analyzeSeconds: 0,
  };
  const statistics = spec.analyzeWith ? new AutoAnalyze(spec.analyzeWith) : null;
  const started = performance.now();
  await statistics?.start();
  let serviceMs = 0;
  let sliceMs = 0;
  for (const inputs of invoiceBatches(spec, batchSize)) {
    const t0 = performance.now();
    let insideMs = 0;
    const posted = await db.transaction().execute(async (trx) => {
      const t1 = performance.now();
      const result = await createInvoices({ db: trx, actor, now: spec.now }, inputs);
      insideMs = performance.now() - t1;
      return result;
    });
    const ms = performance.now() - t0;
    run.batches.push({ invoices: inputs.length, ms, commitMs: ms - insideMs });
    serviceMs += ms;
    sliceMs += ms;
    posted.forEach((p, i) => {
      if (!sampler.chance(spec.sampleShare ?? 0)) return;
      const input = inputs[i]!;
      run.sample.push({
        id: p.id,
        customerId: input.customerId,
        currency: input.currency,
        issueDate: input.issueDate as IsoDate,
        amountMinor: priceLines(input.lines, input.currency).totalMinor,
      });
    });
    run.invoices += inputs.length;
    if (run.invoices % sliceSize === 0 || run.invoices === spec.count) {
      run.slices.push({ upTo: run.invoices, seconds: sliceMs / 1000 });
      sliceMs = 0;
    }
    spec.onProgress?.(run.invoices, serviceMs / 1000);
    await statistics?.inserted(inputs.length);
  }
  run.analyzes = statistics?.analyzes ?? 0;
  run.analyzeSeconds = (statistics?.ms ?? 0) / 1000;
  run.serviceSeconds = serviceMs / 1000;
  run.wallSeconds = (performance.now() - started) / 1000;
  return run;
}
