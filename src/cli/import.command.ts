import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import {
  importCustomers,
  importOpenItems,
  resolveImportActor,
  type CustomerImportResult,
  type ImportPhase,
  type OpenItemImportResult,
} from '../modules/imports/index.ts';
import { systemClock } from '../shared/clock.ts';

/** Where the command writes; tests pass their own. The progress bar always goes to stderr. */
export type CliOutput = { out: (text: string) => void };
const MAX_PRINTED_ERRORS = 50;

type CustomerOptions = {
  dryRun?: boolean;
  partial?: boolean;
  org?: string;
  as?: string;
  defaultCurrency?: string;
  defaultTerms?: string;
  mapping?: string;
};

type ImportFn = typeof importCustomers | typeof importOpenItems;

/**
 * `dunwell import customers FILE …` and `dunwell import open-items FILE …`: the same imports
 * as the API, run against the configured database.
 */
export function importCommand(
  output: CliOutput = { out: (text) => process.stdout.write(text) },
): Command {
  const command = new Command('import').description('import data from CSV or XLSX files');
  command
    .command('customers')
    .description(
      'create or update customers from a CSV or XLSX file (all-or-nothing unless --partial)',
    )
    .argument('<file>', 'CSV or XLSX file; line 1 is the header row')
    .option('--dry-run', 'check every row and report what would change, without saving')
    .option('--partial', 'save the good rows and report the bad ones')
    .option('--org <slug>', 'organization (default: the only one)')
    .option('--as <email>', 'act as this user (default: the organization’s first admin)')
    .option('--default-currency <code>', 'currency for rows without one')
    .option('--default-terms <code>', 'payment terms for rows without them')
    .option('--mapping <file.json>', 'JSON object: file header → field name or "ignore"')
    .action(async (file: string, options: CustomerOptions) => {
      const result = await importFromFile(importCustomers, file, options);
      output.out(summary(result));
      if (result.errors.length > 0) process.exitCode = 1;
    });
  command
    .command('open-items')
    .description(
      'opening balances: open invoices, credit memos and debit memos from a CSV or XLSX file, posted against the opening-balance account (all-or-nothing unless --partial)',
    )
    .argument('<file>', 'CSV or XLSX file; line 1 is the header row')
    .option('--dry-run', 'check every row and report what would change, without saving')
    .option('--partial', 'save the good rows and report the bad ones')
    .option('--org <slug>', 'organization (default: the only one)')
    .option('--as <email>', 'act as this user (default: the organization’s first admin)')
    .option('--default-currency <code>', 'currency for rows without one (default: the customer’s)')
    .option(
      '--default-terms <code>',
      'payment terms for rows without them (default: the customer’s)',
    )
    .option('--mapping <file.json>', 'JSON object: file header → field name or "ignore"')
    .action(async (file: string, options: CustomerOptions) => {
      const result = await importFromFile(importOpenItems, file, options);
      output.out(summary(result));
      if (result.errors.length > 0) process.exitCode = 1;
    });
  return command;
}

async function importFromFile<F extends ImportFn>(
  run: F,
  file: string,
  options: CustomerOptions,
): Promise<Awaited<ReturnType<F>>> {
  const config = loadConfig();
  const bytes = readLimited(file, config.maxUploadBytes);
  const mapping = options.mapping
    ? (JSON.parse(fs.readFileSync(options.mapping, 'utf8')) as Record<string, string>)
    : undefined;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const bar = new SingleBar({
    stream: process.stderr,
    format: ' {phase} [{bar}] {value}/{total} rows',
    hideCursor: true,
    clearOnComplete: true,
  });
  let phase: ImportPhase | null = null;
  try {
    await migrate(database.db);
    const actor = await resolveImportActor(database.db, {
      orgSlug: options.org,
      userEmail: options.as,
    });
    const input = {
      file: bytes,
      filename: path.basename(file),
      mapping,
      dryRun: options.dryRun ?? false,
      mode: options.partial ? ('partial' as const) : ('all_or_nothing' as const),
      defaultCurrency: options.defaultCurrency,
      defaultTerms: options.defaultTerms,
    };
    return (await run(database.db, actor, systemClock.now(), input, (done, total, current) => {
      if (current !== phase) {
        if (phase) bar.stop();
        phase = current;
        bar.start(total, done, { phase: current.padEnd(10) });
      } else bar.update(done);
    })) as Awaited<ReturnType<F>>;
  } finally {
    if (phase) bar.stop();
    await database.close();
  }
}

function readLimited(file: string, maxBytes: number): Buffer {
  const size = fs.statSync(file).size;
  if (size > maxBytes) {
    throw new Error(
      `${file} is ${(size / 1048576).toFixed(1)} MB; the upload limit is ${maxBytes / 1048576} MB (DUNWELL_MAX_UPLOAD_MB)`,
    );
  }
  return fs.readFileSync(file);
}

export function summary(r: CustomerImportResult | OpenItemImportResult): string {
  const failed = 'failed' in r ? `, ${r.failed} failed` : '';
  const counts = `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged${failed} of ${r.total} rows`;
  const headline = r.dryRun
    ? `Dry run (nothing saved): would be ${counts}`
    : r.rejected
      ? `Import rejected: nothing was saved`
      : `Imported: ${counts}`;
  const lines = [headline];
  if (r.errors.length > 0)
    lines.push(`${r.errors.length} error${r.errors.length === 1 ? '' : 's'}:`);
  for (const e of r.errors.slice(0, MAX_PRINTED_ERRORS))
    lines.push(`  line ${e.line}${e.field ? `, field ${e.field}` : ''}: ${e.message}`);
  if (r.errors.length > MAX_PRINTED_ERRORS)
    lines.push(`  …and ${r.errors.length - MAX_PRINTED_ERRORS} more`);
  return lines.join('\n') + '\n';
}
