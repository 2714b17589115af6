import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import { billing } from '../src/modules/billing/index.ts';
import { systemActor } from '../src/shared/actor.ts';
import { invoiceableCustomers, invoiceBatches, type PostingRun } from './dataset/invoices.ts';
import {
  DATASET_NOW,
  DEFAULT_CUSTOMERS,
  DEFAULT_SEED,
  generateDataset,
  generateMainOrganization,
  LAST_INVOICE_DATE,
  type LedgerRun,
} from './generate.ts';
import { ledgerReportScenarios, explainReads, type QueryPlan } from './scenarios/ledger.ts';
import { rawInsertInvoices, type RawRun } from './scenarios/ledger-raw.ts';
import { serverInfo, type ServerInfo } from './support/databases.ts';
import { ledgerTargets, type LedgerTarget } from './support/ledger-databases.ts';
import { loadAverage, machineInfo } from './support/machine.ts';
import { QueryCounter, type StatementTally } from './support/query-counter.ts';
import { writeJson } from './support/report.ts';
import { measure, type LatencySummary, type MeasureOptions } from './support/stats.ts';

/**
 * `npm run bench:ledger`: posting throughput and the ledger reports at 100k customers and 1M
 * invoices, on PostgreSQL (databases `dunwell_bench_ledger` and `dunwell_bench_ledger_raw` on
 * the server of BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one) and PGlite
 * (data directories under BENCH_LEDGER_PGLITE_DIR, default $TMPDIR/dunwell-bench-ledger).
 * Steps (BENCH_LEDGER_STEPS, default all, in this order):
 *
 *   post     fresh database; the dataset with its invoices posted through `createInvoices` in
 *            batches (the posting benchmark), then credit memos, applications and voids
 *            through the documents service; VACUUM ANALYZE. Without it the kept database is used.
 *   single   `createInvoice` one by one (BENCH_LEDGER_SINGLE invoices, second organization)
 *   reports  trial balance and GL reconciliation (with and without explain), timed, with plans
 *   raw      the same invoices' rows with plain multi-row INSERTs into a fresh database
 *
 * Environment: BENCH_CUSTOMERS (100000), BENCH_LEDGER_INVOICES (1000000),
 * BENCH_LEDGER_PGLITE_INVOICES (default BENCH_LEDGER_INVOICES), BENCH_LEDGER_BATCH (2000),
 * BENCH_LEDGER_SINGLE (1000), BENCH_LEDGER_TARGETS (postgres,pglite), BENCH_LEDGER_ANALYZE
 * (1: ANALYZE while posting as autovacuum would; 0: never, as PGlite and an autovacuum-off
 * server do), BENCH_SEED, BENCH_ITERATIONS (5), BENCH_WARMUP (1).
 */

const STEPS = ['post', 'single', 'reports', 'raw'] as const;
type Step = (typeof STEPS)[number];

/** Targets (BENCHMARKS.md): posting at most 3× the raw INSERT; reconciliation under 1 s on PostgreSQL. */
const POSTING_TARGET_RATIO = 3;
const RECONCILIATION_TARGET_MS = 1000;
const SINGLE_PER_TRANSACTION = 100;
/** Posting figures are reported per this many invoices. */
const SLICE = 100_000;

type Options = {
  customers: number;
  invoices: number;
  pgliteInvoices: number;
  batch: number;
  single: number;
  seed: number;
  /** ANALYZE while posting, as autovacuum would (BENCH_LEDGER_ANALYZE=0 turns it off) */
  refreshStatistics: boolean;
  steps: Set<Step>;
  measure: MeasureOptions;
};

type InvoiceRows = {
  documents: number;
  amountMinor: string;
  lines: number;
  entries: number;
  journalLines: number;
};

type PostingResult = {
  invoices: number;
  batches: number;
  serviceSeconds: number;
  wallSeconds: number;
  invoicesPerSecond: number;
  rowsPerSecond: number;
  commitSeconds: number;
  /** ANALYZEs between transactions (BENCH_LEDGER_ANALYZE), not in serviceSeconds */
  analyzes: number;
  analyzeSeconds: number;
  slices: Array<{
    upTo: number;
    seconds: number;
    invoicesPerSecond: number;
    conflictCheckSeconds: number;
    insertSeconds: number;
    commitSeconds: number;
  }>;
  statements: StatementTally;
  corrections: LedgerRun['corrections'];
  otherOrganization: { invoices: number; serviceSeconds: number; invoicesPerSecond: number };
  vacuumAnalyzeSeconds: number;
  loadAverageAfter: string;
};

type SingleResult = {
  invoices: number;
  seconds: number;
  invoicesPerSecond: number;
  statementsPerInvoice: number;
  statements: StatementTally;
};

type ReportResult = {
  name: string;
  answer: string;
  latency: LatencySummary;
  plans: QueryPlan[];
};

type RawResult = RawRun & {
  invoicesPerSecond: number;
  rowsPerSecond: number;
  rowsMatchService: boolean;
  databaseBytes: number;
  loadAverageAfter: string;
};

type TargetResult = {
  database: string;
  server: ServerInfo;
  /** settings that matter for bulk writes (the CI server runs with autovacuum off) */
  writeSettings: Record<string, string>;
  customers: number;
  invoices: number;
  /** rows of the measured organization's invoices (without corrections) */
  invoiceRows: InvoiceRows;
  /** every AR document of the measured organization, by kind */
  documentsByKind: Record<string, number>;
  applications: number;
  databaseBytes: number;
  posting: PostingResult | null;
  single: SingleResult | null;
  reports: ReportResult[];
  raw: RawResult | null;
  /** service seconds / raw seconds for the same rows */
  ratio: number | null;
};

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function readOptions(): Options {
  const invoices = intFromEnv('BENCH_LEDGER_INVOICES', 1_000_000, 1, 10_000_000);
  const steps = (process.env.BENCH_LEDGER_STEPS || STEPS.join(',')).split(',').map((s) => s.trim());
  for (const s of steps)
    if (!(STEPS as readonly string[]).includes(s))
      throw new Error(`BENCH_LEDGER_STEPS: unknown step "${s}" (${STEPS.join(', ')})`);
  return {
    customers: intFromEnv('BENCH_CUSTOMERS', DEFAULT_CUSTOMERS, 100, 5_000_000),
    invoices,
    pgliteInvoices: intFromEnv('BENCH_LEDGER_PGLITE_INVOICES', invoices, 1, 10_000_000),
    batch: intFromEnv('BENCH_LEDGER_BATCH', 2_000, 1, 5_000),
    single: intFromEnv('BENCH_LEDGER_SINGLE', 1_000, 0, 100_000),
    seed: intFromEnv('BENCH_SEED', DEFAULT_SEED, 0, 2 ** 31 - 1),
    refreshStatistics: intFromEnv('BENCH_LEDGER_ANALYZE', 1, 0, 1) === 1,
    steps: new Set(steps as Step[]),
    measure: {
      iterations: intFromEnv('BENCH_ITERATIONS', 5, 1, 1_000),
      warmup: intFromEnv('BENCH_WARMUP', 1, 0, 100),
      maxMs: 3_600_000,
      minIterations: 1,
    },
  };
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');

async function orgId(db: Kysely<DB>, slug: string): Promise<string> {
  const org = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!org) throw new Error(`no organization "${slug}" in this database: run the "post" step`);
  return org.id;
}

/** The rows the measured organization's invoices (kind invoice) wrote, and their total. */
async function invoiceRows(db: Kysely<DB>, org: string): Promise<InvoiceRows> {
  const { rows } = await sql<{
    documents: string;
    amount: string;
    lines: string;
    entries: string;
    journal_lines: string;
  }>`
    select
      (select count(*) from ar_documents where org_id = ${org} and kind = 'invoice') as documents,
      (select coalesce(sum(amount_minor), 0) from ar_documents where org_id = ${org} and kind = 'invoice')::text as amount,
      (select count(*) from ar_document_lines l join ar_documents d on d.org_id = l.org_id and d.id = l.document_id
        where l.org_id = ${org} and d.kind = 'invoice') as lines,
      (select count(*) from journal_entries where org_id = ${org} and kind = 'invoice') as entries,
      (select count(*) from journal_lines l join journal_entries e on e.org_id = l.org_id and e.id = l.entry_id
        where l.org_id = ${org} and e.kind = 'invoice') as journal_lines`.execute(db);
  const r = rows[0]!;
  return {
    documents: Number(r.documents),
    amountMinor: r.amount,
    lines: Number(r.lines),
    entries: Number(r.entries),
    journalLines: Number(r.journal_lines),
  };
}

async function writeSettings(db: Kysely<DB>): Promise<Record<string, string>> {
  const { rows } = await sql<{ name: string; setting: string }>`
    select name, setting from pg_settings
    where name in ('autovacuum', 'fsync', 'synchronous_commit', 'max_wal_size', 'checkpoint_timeout')
    order by name`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

const rowCount = (r: InvoiceRows) => r.documents + r.lines + r.entries + r.journalLines;

async function benchTarget(target: LedgerTarget, options: Options): Promise<TargetResult> {
  const invoices = target.kind === 'pglite' ? options.pgliteInvoices : options.invoices;
  console.log(`\n=== ${target.label}: ${n(options.customers)} customers, ${n(invoices)} invoices`);
  const database = await target.open('service', options.steps.has('post'));
  try {
    const server = await serverInfo(database);
    console.log(`server: ${server.version}`);
    console.log(
      `settings: ${Object.entries({ ...server.settings, ...(await writeSettings(database.db)) })
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
    let posting: PostingResult | null = null;
    if (options.steps.has('post')) posting = await post(database, options, invoices);
    const mainId = await orgId(database.db, 'bench');
    const rows = await invoiceRows(database.db, mainId);
    if (posting) posting.rowsPerSecond = rowCount(rows) / posting.serviceSeconds;
    const kinds = await database.db
      .selectFrom('ar_documents')
      .select(['kind', (eb) => eb.fn.countAll<string>().as('count')])
      .where('org_id', '=', mainId)
      .groupBy('kind')
      .execute();
    const applications = await database.db
      .selectFrom('ar_applications')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('org_id', '=', mainId)
      .executeTakeFirstOrThrow();
    const result: TargetResult = {
      database: target.label,
      server,
      writeSettings: await writeSettings(database.db),
      customers: options.customers,
      invoices: rows.documents,
      invoiceRows: rows,
      documentsByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.count)])),
      applications: Number(applications.count),
      databaseBytes: await target.size('service', database),
      posting,
      single: null,
      reports: [],
      raw: null,
      ratio: null,
    };
    console.log(
      `  measured organization: ${Object.entries(result.documentsByKind)
        .map(([k, c]) => `${n(c)} ${k}`)
        .join(
          ', ',
        )}, ${n(result.applications)} applications; invoices wrote ${n(rowCount(rows))} rows; database ${(result.databaseBytes / 1024 ** 3).toFixed(2)} GiB`,
    );
    if (options.steps.has('single')) result.single = await oneByOne(database, options);
    if (options.steps.has('reports')) result.reports = await reports(database, mainId, options);
    if (options.steps.has('raw')) {
      result.raw = await raw(target, options, invoices, rows);
      if (posting) result.ratio = posting.serviceSeconds / result.raw.seconds;
    }
    printSummary(result);
    return result;
  } finally {
    await database.close();
  }
}

async function post(
  database: Database,
  options: Options,
  invoices: number,
): Promise<PostingResult> {
  await migrate(database.db);
  const counter = new QueryCounter();
  const sliceTallies: StatementTally[] = [];
  const dataset = await generateDataset(database.db, {
    customers: options.customers,
    seed: options.seed,
    invoices,
    invoiceBatch: options.batch,
    refreshStatistics: options.refreshStatistics,
    instrumentPosting: (db) => db.withPlugin(counter),
    onPostingBatch: (done) => {
      if (done % SLICE === 0 || done === invoices) sliceTallies.push(counter.take());
    },
    log: (line) => console.log(`  ${line}`),
  });
  const statements = mergeTallies(sliceTallies);
  const vacuumStarted = performance.now();
  await sql`vacuum analyze`.execute(database.db);
  const vacuumAnalyzeSeconds = (performance.now() - vacuumStarted) / 1000;
  console.log(`  vacuum analyze: ${vacuumAnalyzeSeconds.toFixed(1)} s`);
  const main = dataset.ledger!.main.posting;
  const other = dataset.ledger!.other.posting;
  return {
    invoices: main.invoices,
    batches: main.batches.length,
    serviceSeconds: main.serviceSeconds,
    wallSeconds: main.wallSeconds,
    invoicesPerSecond: main.invoices / main.serviceSeconds,
    rowsPerSecond: 0,
    commitSeconds: main.batches.reduce((s, b) => s + b.commitMs, 0) / 1000,
    analyzes: main.analyzes,
    analyzeSeconds: main.analyzeSeconds,
    slices: slicesOf(main, options.batch, sliceTallies),
    statements,
    corrections: dataset.ledger!.main.corrections,
    otherOrganization: {
      invoices: other.invoices,
      serviceSeconds: other.serviceSeconds,
      invoicesPerSecond: other.invoices / other.serviceSeconds,
    },
    vacuumAnalyzeSeconds,
    loadAverageAfter: loadAverage(),
  };
}

function mergeTallies(tallies: readonly StatementTally[]): StatementTally {
  const by = new Map<string, { count: number; ms: number }>();
  for (const t of tallies)
    for (const s of t.byStatement) {
      const e = by.get(s.statement) ?? { count: 0, ms: 0 };
      e.count += s.count;
      e.ms += s.ms;
      by.set(s.statement, e);
    }
  return {
    statements: tallies.reduce((a, t) => a + t.statements, 0),
    busyMs: tallies.reduce((a, t) => a + t.busyMs, 0),
    byStatement: [...by].map(([statement, e]) => ({ statement, ...e })).sort((a, b) => b.ms - a.ms),
  };
}

type Slice = PostingResult['slices'][number];

/** Each slice's rate, and (for the service) where its time went: conflict check, inserts, commit. */
function slicesOf(
  run: Pick<PostingRun, 'slices'> & { batches?: PostingRun['batches'] },
  batchSize: number,
  tallies: readonly StatementTally[] = [],
): Slice[] {
  let from = 0;
  return run.slices.map((s, i) => {
    const batches = (run.batches ?? []).slice(from / batchSize, s.upTo / batchSize);
    const tally = tallies[i];
    const ms = (pick: (statement: string) => boolean) =>
      (tally?.byStatement ?? []).filter((x) => pick(x.statement)).reduce((a, x) => a + x.ms, 0);
    const slice = {
      ...s,
      invoicesPerSecond: (s.upTo - from) / s.seconds,
      conflictCheckSeconds: ms((x) => x === 'select ar_documents') / 1000,
      insertSeconds: ms((x) => x.startsWith('insert ')) / 1000,
      commitSeconds: batches.reduce((a, b) => a + b.commitMs, 0) / 1000,
    };
    from = s.upTo;
    return slice;
  });
}

/** `createInvoice` one at a time, SINGLE_PER_TRANSACTION per transaction, in the second organization. */
async function oneByOne(database: Database, options: Options): Promise<SingleResult | null> {
  if (options.single === 0) return null;
  const counter = new QueryCounter();
  const db = database.db.withPlugin(counter);
  const other = await orgId(database.db, 'bench-other');
  const customers = await invoiceableCustomers(database.db, other);
  const actor = systemActor(other, 'bench one by one');
  const stamp = Date.now().toString(36);
  const inputs = [
    ...invoiceBatches(
      { count: options.single, seed: options.seed + 7, lastDate: LAST_INVOICE_DATE, customers },
      options.single,
    ),
  ]
    .flat()
    .map((input, i) => ({ ...input, externalId: `ONE-${stamp}-${i}` }));
  counter.take();
  const started = performance.now();
  for (let i = 0; i < inputs.length; i += SINGLE_PER_TRANSACTION) {
    await db.transaction().execute(async (trx) => {
      const ctx = { db: trx, actor, now: DATASET_NOW };
      for (const input of inputs.slice(i, i + SINGLE_PER_TRANSACTION))
        await billing.createInvoice(ctx, input);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const statements = counter.take();
  const result = {
    invoices: inputs.length,
    seconds,
    invoicesPerSecond: inputs.length / seconds,
    statementsPerInvoice: statements.statements / inputs.length,
    statements,
  };
  console.log(
    `  createInvoice one by one: ${n(result.invoices)} in ${seconds.toFixed(1)} s, ${n(result.invoicesPerSecond)} invoices/s, ${result.statementsPerInvoice.toFixed(1)} statements each`,
  );
  return result;
}

async function reports(
  database: Database,
  mainId: string,
  options: Options,
): Promise<ReportResult[]> {
  const actor = systemActor(mainId, 'bench reports');
  const results: ReportResult[] = [];
  for (const scenario of ledgerReportScenarios(actor, LAST_INVOICE_DATE)) {
    let answer = '';
    const latency = await measure(async () => {
      answer = await scenario.run(database.db);
    }, options.measure);
    const plans = await explainReads(database.db, (db) => scenario.run(db));
    results.push({ name: scenario.name, answer, latency, plans });
    console.log(
      `  ${scenario.name}: p50 ${latency.p50.toFixed(0)} ms, p95 ${latency.p95.toFixed(0)} ms (${latency.iterations} runs after ${options.measure.warmup} warm-up): ${answer}`,
    );
  }
  return results;
}

async function raw(
  target: LedgerTarget,
  options: Options,
  invoices: number,
  serviceRows: InvoiceRows,
): Promise<RawResult> {
  const database = await target.open('raw', true);
  try {
    await migrate(database.db);
    const org = await generateMainOrganization(database.db, {
      customers: options.customers,
      seed: options.seed,
      log: (line) => console.log(`  raw: ${line}`),
    });
    const customers = await invoiceableCustomers(database.db, org.orgId);
    const step = Math.max(10_000, Math.ceil(invoices / 10 / 10_000) * 10_000);
    let reported = 0;
    const run = await rawInsertInvoices(database.db, org, {
      count: invoices,
      seed: options.seed,
      lastDate: LAST_INVOICE_DATE,
      customers,
      batchSize: options.batch,
      now: DATASET_NOW,
      actorName: 'bench import',
      onProgress: (done, s) => {
        if (done - reported < step && done < invoices) return;
        reported = done;
        console.log(
          `  raw: ${n(done)}/${n(invoices)} invoices inserted, ${s.toFixed(1)} s (${n(done / s)} invoices/s)`,
        );
      },
    });
    const rows = await invoiceRows(database.db, org.orgId);
    const matches = JSON.stringify(rows) === JSON.stringify(serviceRows);
    if (!matches)
      console.log(
        `  raw rows differ from the service's: raw ${JSON.stringify(rows)}, service ${JSON.stringify(serviceRows)}`,
      );
    return {
      ...run,
      invoicesPerSecond: run.invoices / run.seconds,
      rowsPerSecond: rowCount(rows) / run.seconds,
      rowsMatchService: matches,
      databaseBytes: await target.size('raw', database),
      loadAverageAfter: loadAverage(),
    };
  } finally {
    await database.close();
  }
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [row(header), rule, ...lines.map(row)].join('\n');
}

function printSummary(r: TargetResult) {
  const out: string[] = [`\n${r.database} (load average ${loadAverage()}):`];
  const p = r.posting;
  if (p || r.raw) {
    const rows: string[][] = [];
    if (p)
      rows.push([
        'createInvoices (service, batched)',
        n(p.invoices),
        p.serviceSeconds.toFixed(1),
        n(p.invoicesPerSecond),
        n(p.rowsPerSecond),
        p.commitSeconds.toFixed(1),
      ]);
    if (r.raw)
      rows.push([
        'raw multi-row INSERT',
        n(r.raw.invoices),
        r.raw.seconds.toFixed(1),
        n(r.raw.invoicesPerSecond),
        n(r.raw.rowsPerSecond),
        r.raw.commitSeconds.toFixed(1),
      ]);
    out.push(table(['posting', 'invoices', 's', 'invoices/s', 'rows/s', 'commit s'], rows));
    if (p)
      out.push(
        `ANALYZE between transactions: ${p.analyzes} in ${p.analyzeSeconds.toFixed(1)} s (not in the figures above)`,
      );
    if (r.ratio !== null)
      out.push(
        `service / raw: ${r.ratio.toFixed(2)}× (target ≤ ${POSTING_TARGET_RATIO}×: ${r.ratio <= POSTING_TARGET_RATIO ? 'met' : 'MISSED'}); rows equal: ${r.raw?.rowsMatchService}`,
      );
  }
  if (p) {
    const raws = r.raw ? slicesOf(r.raw, p.invoices / p.batches) : [];
    out.push(
      table(
        [
          'invoices',
          'service s',
          'invoices/s',
          'conflict check s',
          'inserts s',
          'commit s',
          'raw s',
          'invoices/s',
          'ratio',
        ],
        p.slices.map((s, i) => {
          const w = raws[i];
          return [
            `${n(s.upTo - (p.slices[i - 1]?.upTo ?? 0))} up to ${n(s.upTo)}`,
            s.seconds.toFixed(1),
            n(s.invoicesPerSecond),
            s.conflictCheckSeconds.toFixed(1),
            s.insertSeconds.toFixed(1),
            s.commitSeconds.toFixed(1),
            w ? w.seconds.toFixed(1) : '',
            w ? n(w.invoicesPerSecond) : '',
            w ? (s.seconds / w.seconds).toFixed(2) : '',
          ];
        }),
      ),
    );
    const total = p.serviceSeconds * 1000;
    const busy = p.statements.busyMs;
    out.push(
      table(
        ['where the service time goes', 'count', 'per batch', 's', 'share'],
        [
          ...p.statements.byStatement.map((s) => [
            s.statement,
            n(s.count),
            (s.count / p.batches).toFixed(1),
            (s.ms / 1000).toFixed(1),
            `${((s.ms / total) * 100).toFixed(1)}%`,
          ]),
          [
            'BEGIN + COMMIT (deferred checks)',
            '',
            '',
            p.commitSeconds.toFixed(1),
            `${((p.commitSeconds * 100000) / total).toFixed(1)}%`,
          ],
          [
            'outside statements (build, pricing, JS)',
            '',
            '',
            ((total - busy - p.commitSeconds * 1000) / 1000).toFixed(1),
            `${(((total - busy - p.commitSeconds * 1000) / total) * 100).toFixed(1)}%`,
          ],
        ],
      ),
    );
  }
  if (r.reports.length)
    out.push(
      table(
        ['report', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        r.reports.map((x) => [
          x.name,
          String(x.latency.iterations),
          x.latency.p50.toFixed(0),
          x.latency.p95.toFixed(0),
          x.latency.max.toFixed(0),
        ]),
      ),
    );
  console.log(out.join('\n\n'));
  for (const x of r.reports) {
    if (x.latency.p50 <= RECONCILIATION_TARGET_MS) continue;
    for (const plan of x.plans)
      console.log(
        `\nEXPLAIN (ANALYZE, BUFFERS) of ${x.name}: ${plan.sql.slice(0, 160)}…\n${plan.plan.join('\n')}`,
      );
  }
}

async function main() {
  const options = readOptions();
  const machine = machineInfo();
  const started = new Date();
  console.log(`Dunwell ledger benchmark, ${started.toISOString()}`);
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}, load average ${machine.loadAverage}`,
  );
  console.log(
    `steps: ${[...options.steps].join(', ')}; ${n(options.customers)} customers, ${n(options.invoices)} invoices (PGlite ${n(options.pgliteInvoices)}), ${n(options.batch)} per transaction, seed ${options.seed}, statistics ${options.refreshStatistics ? 'refreshed while posting' : 'not refreshed'}`,
  );
  const results: TargetResult[] = [];
  const targets = ledgerTargets();
  let file = '';
  for (const [i, target] of targets.entries()) {
    results.push(await benchTarget(target, options));
    // after each target, so a long run that fails later keeps what it measured
    file = writeJson(i === targets.length - 1 ? 'ledger' : 'ledger-partial', {
      startedAt: started.toISOString(),
      seconds: (Date.now() - started.getTime()) / 1000,
      machine,
      options: { ...options, steps: [...options.steps] },
      results,
    });
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  console.log(`\nwrote ${file} (total ${seconds.toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
