import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import {
  importCustomers,
  MAX_IMPORT_ROWS,
  resolveImportActor,
  type CustomerImportResult,
} from '../src/modules/imports/index.ts';
import type { Actor } from '../src/shared/actor.ts';
import { createBenchOrganization, type BenchOrganization } from './dataset/organizations.ts';
import { BENCH_PASSWORD, DATASET_NOW, DEFAULT_SEED } from './generate.ts';
import { customerCsv, type ImportCsv } from './scenarios/import.ts';
import {
  benchTargets,
  serverInfo,
  type BenchTarget,
  type ServerInfo,
} from './support/databases.ts';
import { loadAverage, machineInfo } from './support/machine.ts';
import { QueryCounter, type StatementCount } from './support/query-counter.ts';
import { writeJson } from './support/report.ts';

/**
 * `npm run bench:import`: the customer import (`importCustomers`, as the API and the CLI call it)
 * on generated CSV files. On each database (PGlite in a fresh temporary data directory always;
 * PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, in a database
 * `dunwell_bench_import` that is dropped first and kept afterwards) it migrates, creates two
 * organizations (admin, manager and 4 collectors each), and times, as the manager:
 *
 *   1. a dry run of N rows of customer columns (all new),
 *   2. the import of that file (all created),
 *   3. the same file again (all unchanged),
 *   4. the file with every name changed (all updated),
 *   5. N "heavy" rows (collector e-mail, some parents, one contact and an address each) into a
 *      second, empty organization (all created).
 *
 * Every statement the import sends through Kysely is counted (by kind and table) and timed, so
 * the per-row statement count and the share of the time spent executing statements are known.
 *
 * Environment: BENCH_IMPORT_ROWS (10000), BENCH_SEED, BENCH_PGLITE=memory.
 */

export const IMPORT_DATABASE_NAME = 'dunwell_bench_import';
const DEFAULT_ROWS = 10_000;
const COLLECTORS = 4;

type Options = { rows: number; seed: number };
type Outcome = 'created' | 'updated' | 'unchanged';

type StepSpec = {
  name: string;
  org: BenchOrganization;
  csv: ImportCsv;
  dryRun: boolean;
  /** every row must come out this way */
  expect: Outcome;
};

type StepResult = {
  step: string;
  dryRun: boolean;
  rows: number;
  columns: number;
  created: number;
  updated: number;
  unchanged: number;
  seconds: number;
  rowsPerSecond: number;
  /** parse, lookups and per-row checks: until the service reports every row validated */
  validateSeconds: number;
  /** the rest: writing (or, in a dry run, writing and rolling back) */
  writeSeconds: number;
  statements: number;
  statementsPerRow: number;
  /** wall time with a statement in flight (handed to Kysely, result not yet back) */
  statementSeconds: number;
  statementShare: number;
  byStatement: Array<StatementCount & { perRow: number }>;
  /** 1, 5 and 15 minute load averages when the step ended: other work slows these figures */
  loadAverageAfter: string;
};

type TargetResult = {
  database: string;
  server: ServerInfo;
  setupSeconds: number;
  loadAverageBefore: string;
  loadAverageAfter: string;
  steps: StepResult[];
};

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** PGlite as `npm run bench` opens it; PostgreSQL in a database of its own, dropped first. */
function importTargets(env: NodeJS.ProcessEnv = process.env): BenchTarget[] {
  const targets = benchTargets(env).filter((t) => t.kind === 'pglite');
  const url = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL;
  if (url) targets.push(freshPostgres(url));
  return targets;
}

function freshPostgres(url: string): BenchTarget {
  const target = new URL(url);
  target.pathname = `/${IMPORT_DATABASE_NAME}`;
  return {
    kind: 'postgres',
    label: `PostgreSQL ${target.hostname}:${target.port || 5432}/${IMPORT_DATABASE_NAME}`,
    open: async () => {
      const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${IMPORT_DATABASE_NAME} with (force)`);
        await admin.query(`create database ${IMPORT_DATABASE_NAME}`);
      } finally {
        await admin.end();
      }
      return openDatabase({ url: target.toString() });
    },
  };
}

async function collectorEmails(db: Kysely<DB>, org: BenchOrganization): Promise<string[]> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', 'in', org.collectorIds)
    .execute();
  const byId = new Map(users.map((u) => [u.id, u.email]));
  return org.collectorIds.map((id) => byId.get(id) ?? '');
}

async function managerActor(db: Kysely<DB>, org: BenchOrganization): Promise<Actor> {
  return resolveImportActor(db, { orgSlug: org.slug, userEmail: org.manager.email });
}

async function benchTarget(target: BenchTarget, options: Options): Promise<TargetResult> {
  console.log(`\n=== ${target.label}`);
  const loadAverageBefore = loadAverage();
  const database = await target.open();
  try {
    const server = await serverInfo(database);
    console.log(`server: ${server.version}`);
    const setupStarted = performance.now();
    await migrate(database.db);
    const organization = (slug: string, name: string) =>
      createBenchOrganization(database.db, {
        slug,
        name,
        collectors: COLLECTORS,
        salesReps: 0,
        password: BENCH_PASSWORD,
        now: DATASET_NOW,
      });
    const main = await organization('import', 'Import Bench Co.');
    const fresh = await organization('import-heavy', 'Heavy Import Ltd.');
    const common = { rows: options.rows, seed: options.seed };
    const plain = customerCsv({ ...common, shape: 'customer' });
    const renamed = customerCsv({ ...common, shape: 'customer', renameSuffix: ' (renamed)' });
    const heavy = customerCsv({
      ...common,
      shape: 'heavy',
      collectorEmails: await collectorEmails(database.db, fresh),
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(
      `  migrate, 2 organizations (admin, manager, ${COLLECTORS} collectors each) and the files: ${setupSeconds.toFixed(1)} s ` +
        `(customer columns ${kib(plain.bytes)} KiB, heavy ${kib(heavy.bytes)} KiB with ${heavy.rowsWithParent} rows naming a parent)`,
    );

    const n = options.rows.toLocaleString('en-US');
    const steps: StepSpec[] = [
      {
        name: `dry run, ${n} new (customer columns)`,
        org: main,
        csv: plain,
        dryRun: true,
        expect: 'created',
      },
      {
        name: `import, ${n} new (customer columns)`,
        org: main,
        csv: plain,
        dryRun: false,
        expect: 'created',
      },
      {
        name: `re-import, ${n} unchanged`,
        org: main,
        csv: plain,
        dryRun: false,
        expect: 'unchanged',
      },
      {
        name: `import, ${n} names changed (updates)`,
        org: main,
        csv: renamed,
        dryRun: false,
        expect: 'updated',
      },
      {
        name: `import, ${n} new heavy rows (fresh org)`,
        org: fresh,
        csv: heavy,
        dryRun: false,
        expect: 'created',
      },
    ];
    const results: StepResult[] = [];
    for (const step of steps) results.push(await runStep(database, step));
    const loadAverageAfter = loadAverage();
    console.log(`\n${target.label} (load average ${loadAverageAfter}):\n${formatTable(results)}`);
    return {
      database: target.label,
      server,
      setupSeconds,
      loadAverageBefore,
      loadAverageAfter,
      steps: results,
    };
  } finally {
    await database.close();
  }
}

async function runStep(database: Database, step: StepSpec): Promise<StepResult> {
  const counter = new QueryCounter();
  const db = database.db.withPlugin(counter);
  const actor = await managerActor(database.db, step.org);
  counter.take();
  let validatedAt = Number.NaN;
  const started = performance.now();
  const result = await importCustomers(
    db,
    actor,
    new Date(),
    { file: step.csv.bytes, filename: 'customers.csv', dryRun: step.dryRun },
    (done, total, phase) => {
      if (phase === 'validating' && done === total) validatedAt = performance.now();
    },
  );
  const ended = performance.now();
  const tally = counter.take();
  check(step, result);
  const rows = step.csv.rows;
  const seconds = (ended - started) / 1000;
  const validateSeconds = (validatedAt - started) / 1000;
  const outcome: StepResult = {
    step: step.name,
    dryRun: step.dryRun,
    rows,
    columns: step.csv.columns,
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    seconds,
    rowsPerSecond: rows / seconds,
    validateSeconds,
    writeSeconds: seconds - validateSeconds,
    statements: tally.statements,
    statementsPerRow: tally.statements / rows,
    statementSeconds: tally.busyMs / 1000,
    statementShare: tally.busyMs / 1000 / seconds,
    byStatement: tally.byStatement.map((s) => ({ ...s, perRow: s.count / rows })),
    loadAverageAfter: loadAverage(),
  };
  const perRow = outcome.byStatement
    .filter((s) => s.perRow >= 0.05)
    .map((s) => `${s.statement} ${s.perRow.toFixed(2)} (${((s.ms / rows) * 1000).toFixed(0)} µs)`)
    .join(', ');
  console.log(
    `  ${step.name}: ${seconds.toFixed(1)} s, ${Math.round(outcome.rowsPerSecond).toLocaleString('en-US')} rows/s ` +
      `(parse + checks ${validateSeconds.toFixed(1)} s); ${outcome.statementsPerRow.toFixed(2)} statements/row, ` +
      `${pct(outcome.statementShare)} of the time in them; load average ${outcome.loadAverageAfter}\n    per row: ${perRow}`,
  );
  return outcome;
}

/** Every row must have the expected outcome and nothing may be reported as an error. */
function check(step: StepSpec, result: CustomerImportResult) {
  const problems: string[] = [];
  if (result.errors.length > 0)
    problems.push(
      `${result.errors.length} errors, first: ${result.errors
        .slice(0, 5)
        .map((e) => `line ${e.line} ${e.field ?? ''}: ${e.message}`)
        .join('; ')}`,
    );
  if (result.rejected) problems.push('rejected');
  if (result[step.expect] !== step.csv.rows)
    problems.push(
      `expected ${step.csv.rows} ${step.expect}, got ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
    );
  if (problems.length) throw new Error(`step "${step.name}": ${problems.join('; ')}`);
}

function formatTable(results: readonly StepResult[]): string {
  const header = [
    'step',
    'outcome',
    's',
    'rows/s',
    'parse + checks s',
    'statements/row',
    'in statements',
  ];
  const lines = results.map((r) => [
    r.step,
    [
      r.created && `${count(r.created)} created`,
      r.updated && `${count(r.updated)} updated`,
      r.unchanged && `${count(r.unchanged)} unchanged`,
    ]
      .filter(Boolean)
      .join(', ') + (r.dryRun ? ' (rolled back)' : ''),
    r.seconds.toFixed(1),
    Math.round(r.rowsPerSecond).toLocaleString('en-US'),
    r.validateSeconds.toFixed(1),
    r.statementsPerRow.toFixed(2),
    pct(r.statementShare),
  ]);
  const widths = header.map((h, i) => Math.max(3, h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [row(header), rule, ...lines.map(row)].join('\n');
}

const count = (n: number) => n.toLocaleString('en-US');
const pct = (share: number) => `${Math.round(share * 100)}%`;
const kib = (bytes: Buffer) => Math.round(bytes.length / 1024).toLocaleString('en-US');

async function main() {
  const options: Options = {
    rows: intFromEnv('BENCH_IMPORT_ROWS', DEFAULT_ROWS, 100, MAX_IMPORT_ROWS),
    seed: intFromEnv('BENCH_SEED', DEFAULT_SEED, 0, 2 ** 31 - 1),
  };
  const machine = machineInfo();
  const started = new Date();
  console.log(`Dunwell customer import benchmark, ${started.toISOString()}`);
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}, load average ${machine.loadAverage}`,
  );
  console.log(
    `files: ${options.rows.toLocaleString('en-US')} rows each (seed ${options.seed}), imported as the organization's manager`,
  );
  const results: TargetResult[] = [];
  for (const target of importTargets()) results.push(await benchTarget(target, options));
  const seconds = (Date.now() - started.getTime()) / 1000;
  const file = writeJson('import', {
    startedAt: started.toISOString(),
    seconds,
    machine,
    options,
    results,
  });
  console.log(`\nwrote ${file} (total ${seconds.toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
