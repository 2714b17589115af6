import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import { insertCustomers } from './dataset/customers.ts';
import { createBenchOrganization, type BenchOrganization } from './dataset/organizations.ts';

/**
 * The benchmark dataset: one large organization (the one measured) and a smaller second one in
 * the same tables, so every query has to filter by organization. Same seed → same rows.
 * Later entities (invoices, payments…) get their own file in dataset/ and a step here.
 */

export const DEFAULT_CUSTOMERS = 100_000;
export const DEFAULT_SEED = 20261122;
export const BENCH_PASSWORD = 'bench-password-1';
/** Fixed "now" of the dataset so created_at values do not depend on the day it is generated. */
export const DATASET_NOW = new Date('2026-11-22T12:00:00Z');
const HISTORY_YEARS = 3;

export type DatasetOptions = {
  customers?: number;
  seed?: number;
  /** customers of the second organization; default a tenth of `customers` */
  otherCustomers?: number;
  log?: (line: string) => void;
};

export type DatasetOrganization = BenchOrganization & { customerIds: string[] };
export type Dataset = {
  main: DatasetOrganization;
  other: DatasetOrganization;
  password: string;
  seed: number;
  rows: number;
  seconds: number;
};

export async function generateDataset(
  db: Kysely<DB>,
  options: DatasetOptions = {},
): Promise<Dataset> {
  const customers = options.customers ?? DEFAULT_CUSTOMERS;
  const otherCustomers = options.otherCustomers ?? Math.ceil(customers / 10);
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();

  const mainOrg = await createBenchOrganization(db, {
    slug: 'bench',
    name: 'Bench Wholesale Co.',
    collectors: 10,
    salesReps: 5,
    password: BENCH_PASSWORD,
    now: DATASET_NOW,
  });
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
  return {
    main: { ...mainOrg, customerIds: main.ids },
    other: { ...otherOrg, customerIds: other.ids },
    password: BENCH_PASSWORD,
    seed,
    rows,
    seconds: total,
  };
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

/** `node --import tsx bench/generate.ts [--customers N] [--seed S] [--data-dir DIR]`; DATABASE_URL selects PostgreSQL. */
async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: String(DEFAULT_CUSTOMERS) },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      'data-dir': { type: 'string', default: 'data/bench' },
    },
  });
  const customers = Number(values.customers);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(customers) || customers < 0)
    throw new Error(`--customers must be a non-negative integer, got ${values.customers}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const url = process.env.DATABASE_URL || undefined;
  const database = await openDatabase({
    url,
    dataDir: url ? undefined : path.resolve(values['data-dir']),
  });
  console.log(
    `generating ${customers.toLocaleString('en-US')} customers (seed ${seed}) into ${database.description}`,
  );
  try {
    await migrate(database.db);
    await generateDataset(database.db, { customers, seed });
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
