import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import type { IsoDate } from '../src/shared/dates.ts';
import { DEFAULT_MIX, postCorrections, type CorrectionRun } from './dataset/corrections.ts';
import { insertCustomers } from './dataset/customers.ts';
import {
  INVOICES_PER_TRANSACTION,
  invoiceableCustomers,
  postInvoices,
  type PostingRun,
} from './dataset/invoices.ts';
import { createBenchOrganization, type BenchOrganization } from './dataset/organizations.ts';
import { ensurePostgresDatabase } from './support/ledger-databases.ts';

/**
 * The benchmark dataset: one large organization (the one measured) and a smaller second one in
 * the same tables, so every query has to filter by organization. Same seed → same rows.
 * With `invoices`, each organization then gets invoices posted through the batch service and
 * corrections (credit memos, applications, voids) through the documents service. Later
 * entities (payments…) get their own file in dataset/ and a step here.
 */

export const DEFAULT_CUSTOMERS = 100_000;
export const DEFAULT_SEED = 20261122;
export const BENCH_PASSWORD = 'bench-password-1';
/** Fixed "now" of the dataset so created_at values do not depend on the day it is generated. */
export const DATASET_NOW = new Date('2026-11-22T12:00:00Z');
const HISTORY_YEARS = 3;
/** The last invoice date of the dataset (the day before DATASET_NOW). */
export const LAST_INVOICE_DATE = '2026-11-21' as IsoDate;

export type DatasetOptions = {
  customers?: number;
  seed?: number;
  /** customers of the second organization; default a tenth of `customers` */
  otherCustomers?: number;
  /** invoices of the measured organization; default 0 (no ledger) */
  invoices?: number;
  /** invoices of the second organization; default a tenth of `invoices` */
  otherInvoices?: number;
  /** invoices per transaction; default INVOICES_PER_TRANSACTION */
  invoiceBatch?: number;
  /** false: invoices only, no credit memos, applications or voids */
  corrections?: boolean;
  /** ANALYZE while posting, as autovacuum would (default true; see `postInvoices`) */
  refreshStatistics?: boolean;
  /** wraps the handle the measured organization's invoices are posted through (a counter) */
  instrumentPosting?: (db: Kysely<DB>) => Kysely<DB>;
  /** called after each of the measured organization's invoice transactions */
  onPostingBatch?: (done: number) => void;
  log?: (line: string) => void;
};

export type LedgerRun = { posting: Omit<PostingRun, 'sample'>; corrections: CorrectionRun | null };

export type DatasetOrganization = BenchOrganization & { customerIds: string[] };
export type Dataset = {
  main: DatasetOrganization;
  other: DatasetOrganization;
  password: string;
  seed: number;
  rows: number;
  seconds: number;
  /** with `invoices`: how posting went in each organization */
  ledger: { main: LedgerRun; other: LedgerRun } | null;
};

/** The measured organization (slug `bench`). */
export const MAIN_ORGANIZATION = {
  slug: 'bench',
  name: 'Bench Wholesale Co.',
  collectors: 10,
  salesReps: 5,
  password: BENCH_PASSWORD,
  now: DATASET_NOW,
} as const;

/**
 * The measured organization and its customers alone, exactly as {@link generateDataset} makes
 * them for the same seed (the customer ids included): the raw-INSERT baseline starts from it.
 */
export async function generateMainOrganization(
  db: Kysely<DB>,
  options: { customers: number; seed: number; log: (line: string) => void },
): Promise<DatasetOrganization> {
  const org = await createBenchOrganization(db, MAIN_ORGANIZATION);
  const { ids } = await insertOrgCustomers(db, org, options.customers, options.seed, options.log);
  return { ...org, customerIds: ids };
}

export async function generateDataset(
  db: Kysely<DB>,
  options: DatasetOptions = {},
): Promise<Dataset> {
  const customers = options.customers ?? DEFAULT_CUSTOMERS;
  const otherCustomers = options.otherCustomers ?? Math.ceil(customers / 10);
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();

  const mainOrg = await createBenchOrganization(db, MAIN_ORGANIZATION);
  const otherOrg = await createBenchOrganization(db, {
    slug: 'bench-other',
    name: 'Other Tenant Ltd.',
    collectors: 2,
    salesReps: 1,
    password: BENCH_PASSWORD,
    now: DATASET_NOW,
  });
  log(`organizations and users: ${seconds(started)} s`);

  const main = await insertOrgCustomers(db, mainOrg, customers, seed, log);
  const other = await insertOrgCustomers(db, otherOrg, otherCustomers, seed + 1, log);
  const rows = main.rows + other.rows;
  const total = (performance.now() - started) / 1000;
  log(
    `dataset: ${rows.toLocaleString('en-US')} rows in ${total.toFixed(1)} s (${Math.round(rows / total).toLocaleString('en-US')} rows/s)`,
  );
  const invoices = options.invoices ?? 0;
  const ledgerOptions = { ...options, seed, log };
  const ledger =
    invoices > 0
      ? {
          main: await generateLedger(db, mainOrg, invoices, ledgerOptions, true),
          other: await generateLedger(
            db,
            otherOrg,
            options.otherInvoices ?? Math.ceil(invoices / 10),
            { ...ledgerOptions, seed: seed + 1 },
            false,
          ),
        }
      : null;
  return {
    main: { ...mainOrg, customerIds: main.ids },
    other: { ...otherOrg, customerIds: other.ids },
    password: BENCH_PASSWORD,
    seed,
    rows,
    seconds: (performance.now() - started) / 1000,
    ledger,
  };
}

/** Invoices through `createInvoices`, then corrections through the documents service. */
async function generateLedger(
  db: Kysely<DB>,
  org: BenchOrganization,
  count: number,
  options: DatasetOptions & { seed: number; log: (line: string) => void },
  measured: boolean,
): Promise<LedgerRun> {
  const { log, seed } = options;
  const withCorrections = options.corrections ?? true;
  const customers = await invoiceableCustomers(db, org.orgId);
  const step = Math.max(10_000, Math.ceil(count / 10 / 10_000) * 10_000);
  let reported = 0;
  const posting = await postInvoices(
    measured && options.instrumentPosting ? options.instrumentPosting(db) : db,
    org,
    {
      count,
      seed,
      lastDate: LAST_INVOICE_DATE,
      customers,
      now: DATASET_NOW,
      batchSize: options.invoiceBatch ?? INVOICES_PER_TRANSACTION,
      analyzeWith: (options.refreshStatistics ?? true) ? db : undefined,
      sampleShare: withCorrections
        ? DEFAULT_MIX.creditMemo + DEFAULT_MIX.onAccount + DEFAULT_MIX.void
        : 0,
      onProgress: (done, s) => {
        if (measured) options.onPostingBatch?.(done);
        if (done - reported < step && done < count) return;
        reported = done;
        log(
          `  ${org.slug}: ${done.toLocaleString('en-US')}/${count.toLocaleString('en-US')} invoices posted, ${s.toFixed(1)} s in the service (${Math.round(done / s).toLocaleString('en-US')} invoices/s)`,
        );
      },
    },
  );
  const { sample, ...summary } = posting;
  if (!withCorrections) return { posting: summary, corrections: null };
  const corrections = await postCorrections(db, org, {
    sample,
    seed,
    lastDate: LAST_INVOICE_DATE,
    now: DATASET_NOW,
  });
  const c = corrections;
  log(
    `  ${org.slug}: ${c.creditMemos} credit memos applied (${c.seconds.creditMemos.toFixed(1)} s), ${c.onAccountCredits} credits on account applied (${c.seconds.onAccountCredits.toFixed(1)} s), ${c.voids} voids, ${c.voidsAfterCredit} of them after a credit (${c.seconds.voids.toFixed(1)} s)`,
  );
  return { posting: summary, corrections };
}

async function insertOrgCustomers(
  db: Kysely<DB>,
  org: BenchOrganization,
  count: number,
  seed: number,
  log: (line: string) => void,
) {
  const started = performance.now();
  const step = Math.max(1_000, Math.ceil(count / 10 / 1_000) * 1_000);
  let reported = 0;
  const result = await insertCustomers(db, org, {
    count,
    seed,
    createdFrom: new Date(DATASET_NOW.getTime() - HISTORY_YEARS * 365 * 86_400_000),
    createdTo: DATASET_NOW,
    onProgress: (done, rows) => {
      if (done - reported < step && done < count) return;
      reported = done;
      const s = (performance.now() - started) / 1000;
      log(
        `  ${org.slug}: ${done.toLocaleString('en-US')}/${count.toLocaleString('en-US')} customers, ${rows.toLocaleString('en-US')} rows, ${s.toFixed(1)} s (${Math.round(rows / s).toLocaleString('en-US')} rows/s)`,
      );
    },
  });
  return result;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/**
 * `node --import ./bin/ts-register.mjs bench/generate.ts [--customers N] [--invoices N] [--seed S] [--data-dir DIR]`;
 * BENCH_DATABASE_URL or DATABASE_URL (a database that is created if missing, and must not hold
 * the bench organizations yet) selects PostgreSQL.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: String(DEFAULT_CUSTOMERS) },
      invoices: { type: 'string', default: '0' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      'data-dir': { type: 'string', default: 'data/bench' },
    },
  });
  const customers = Number(values.customers);
  const invoices = Number(values.invoices.replace(/_/g, ''));
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(customers) || customers < 0)
    throw new Error(`--customers must be a non-negative integer, got ${values.customers}`);
  if (!Number.isSafeInteger(invoices) || invoices < 0)
    throw new Error(`--invoices must be a non-negative integer, got ${values.invoices}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
  if (url) await ensurePostgresDatabase(url);
  const database = await openDatabase({
    url,
    dataDir: url ? undefined : path.resolve(values['data-dir']),
  });
  console.log(
    `generating ${customers.toLocaleString('en-US')} customers and ${invoices.toLocaleString('en-US')} invoices (seed ${seed}) into ${database.description}`,
  );
  try {
    await migrate(database.db);
    await generateDataset(database.db, { customers, invoices, seed });
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
