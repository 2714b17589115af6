/**
 * Cash application end to end on a real database (`npm run bench:match`): a seeded scenario of
 * customers, open items and bank lines with real-world noise (bench/dataset/remittances.ts) is
 * written as camt.053 files, imported through the statement service (parse, check, store), the
 * lines are matched against the open book (index built from the database, suggestions stored)
 * and auto-applied through the batched posting path. The applied payments are then compared
 * with the scenario's ground truth: the auto-match rate counts lines with a true match whose
 * payment went to exactly the right documents; the false-match rate counts lines applied to
 * anything else, over all lines.
 *
 * Settings: BENCH_MATCH_LINES (100000), BENCH_MATCH_CUSTOMERS (20000), BENCH_MATCH_ITEMS
 * (200000), BENCH_SEED (42), BENCH_DATABASE_URL / TEST_DATABASE_URL (the PostgreSQL server;
 * the database `dunwell_bench_match` on it is dropped and created), BENCH_MATCH_TARGET
 * (postgres | pglite; PGlite lives in a temporary directory), BENCH_MATCH_REUSE=1 (keep the
 * seeded book as a template database and start later runs from a copy of it),
 * BENCH_MATCH_STOP=apply (stop before the auto-apply and leave the database imported and
 * matched, to profile the posting alone on copies of it), BENCH_PROFILE=import,apply (V8 CPU
 * profiles of those steps, in bench/out/). The import and the auto-apply also print the CPU
 * this process and the database backend spent on them (the backend's from /proc, on a local
 * PostgreSQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import { importBankFile } from '../src/modules/banking/bank-statements.service.ts';
import { writeCamt053, type CamtEntryInput } from '../src/modules/banking/camt-writer.ts';
import {
  autoApply,
  buildMatchIndex,
  lineClassifier,
  matchStatement,
} from '../src/modules/banking/cash-application.service.ts';
import { parseBankFile } from '../src/modules/banking/parsers/index.ts';
import { documentPosting } from '../src/modules/billing/posting.ts';
import { accountsByRole, ensureChartOfAccounts } from '../src/modules/ledger/accounts.ts';
import { postEntries } from '../src/modules/ledger/journal.ts';
import { createOrganization } from '../src/modules/organizations/index.ts';
import { systemActor } from '../src/shared/actor.ts';
import type { IsoDate } from '../src/shared/dates.ts';
import { formatAmount } from '../src/shared/money.ts';
import { generateRemittanceScenario, type ScenarioLine } from './dataset/remittances.ts';
import {
  DEFAULT_SERVER_URL,
  ensurePostgresDatabase,
  postgresDatabaseExists,
} from './support/ledger-databases.ts';
import { machineInfo } from './support/machine.ts';
import { backendPid, measureStep } from './support/profile.ts';
import { QueryCounter, type StatementTally } from './support/query-counter.ts';
import { writeJson } from './support/report.ts';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const LINES = setting('BENCH_MATCH_LINES', 100_000);
const CUSTOMERS = setting('BENCH_MATCH_CUSTOMERS', 20_000);
const ITEMS = setting('BENCH_MATCH_ITEMS', 200_000);
const SEED = setting('BENCH_SEED', 42);
const TARGET = process.env.BENCH_MATCH_TARGET ?? 'postgres';
const AS_OF = '2026-03-16' as IsoDate;
const ACCOUNT = 'DE12500105170648489890';
const CURRENCY = 'EUR';

const ms = (t0: number) => performance.now() - t0;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

const SERVER_URL =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL;
const SEEDED_TEMPLATE = `dunwell_bench_match_seed_${CUSTOMERS}_${ITEMS}_${LINES}_${SEED}`;
const ORG_SLUG = 'bench-match';

/** The organization with the scenario's book: customers, open items and payer hints. */
async function seed(
  db: Kysely<DB>,
  scenario: ReturnType<typeof generateRemittanceScenario>,
): Promise<string> {
  await migrate(db);
  const orgId = await createOrganization(db, new Date(), {
    name: 'Bench Match',
    slug: ORG_SLUG,
    timeZone: 'Europe/Berlin',
    baseCurrency: CURRENCY,
  });
  await ensureChartOfAccounts(db, orgId);
  await seedBook(db, orgId, scenario);
  return orgId;
}

/**
 * The database with the scenario's book in it. With BENCH_MATCH_REUSE=1 on PostgreSQL the
 * seeded book is kept as a template database (SEEDED_TEMPLATE, one per scenario size and seed)
 * and later runs start from a copy of it: seconds instead of the minute that seeding takes.
 */
async function open(
  scenario: ReturnType<typeof generateRemittanceScenario>,
): Promise<{ database: Database; orgId: string }> {
  if (TARGET === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunwell-bench-match-'));
    const database = await openDatabase({ dataDir: dir });
    return { database, orgId: await seed(database.db, scenario) };
  }
  const url = new URL(SERVER_URL);
  url.pathname = '/dunwell_bench_match';
  const template = new URL(SERVER_URL);
  template.pathname = `/${SEEDED_TEMPLATE}`;
  const reuse = process.env.BENCH_MATCH_REUSE === '1';
  if (reuse && (await postgresDatabaseExists(template.toString()))) {
    await ensurePostgresDatabase(url.toString(), { fresh: true, template: SEEDED_TEMPLATE });
    const database = await openDatabase({ url: url.toString() });
    await migrate(database.db); // migrations added since the template was kept
    const org = await database.db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', ORG_SLUG)
      .executeTakeFirstOrThrow();
    console.log(`(the seeded book is a copy of ${SEEDED_TEMPLATE})`);
    return { database, orgId: org.id };
  }
  await ensurePostgresDatabase(url.toString(), { fresh: true });
  let database = await openDatabase({ url: url.toString() });
  const orgId = await seed(database.db, scenario);
  if (reuse) {
    // a template must have no connection while it is copied
    await database.close();
    await ensurePostgresDatabase(template.toString(), { template: 'dunwell_bench_match' });
    database = await openDatabase({ url: url.toString() });
    console.log(`(the seeded book is kept as ${SEEDED_TEMPLATE} for later runs)`);
  }
  return { database, orgId };
}

/** Customers and open items with the scenario's own ids, posted against the opening-balance account. */
async function seedBook(
  db: Kysely<DB>,
  orgId: string,
  scenario: ReturnType<typeof generateRemittanceScenario>,
) {
  const actor = systemActor(orgId, 'bench');
  const now = new Date();
  const customerRows = scenario.customers.map((c, i) => ({
    id: c.id,
    org_id: orgId,
    account_number: c.accountNumber ?? `B${i}`,
    name: c.name,
    legal_name: c.otherNames?.[0] ?? c.name,
    currency: scenario.openItems.find((x) => x.customerId === c.id)?.currency ?? CURRENCY,
    payment_terms_code: 'NET30',
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < customerRows.length; i += 2000)
    await db
      .insertInto('customers')
      .values(customerRows.slice(i, i + 2000))
      .execute();
  const accounts = await accountsByRole(db, orgId);
  for (let i = 0; i < scenario.openItems.length; i += 2500) {
    const chunk = scenario.openItems.slice(i, i + 2500);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ar_documents')
        .values(
          chunk.map((d) => ({
            id: d.id,
            org_id: orgId,
            customer_id: d.customerId,
            kind: 'invoice' as const,
            state: 'posted' as const,
            number: d.number,
            currency: d.currency,
            issue_date: d.issueDate,
            due_date: d.dueDate,
            discount_date: d.discountDate,
            discount_minor: d.discountMinor,
            subtotal_minor: d.openMinor,
            // the book as the matcher sees it: what is open (partly credited items keep their
            // original amount only in the matcher's input)
            amount_minor: d.openMinor,
            open_minor: d.openMinor,
            po_number: d.poNumber,
            opening_balance: true,
            offset_account_id: accounts.opening_balance.id,
            posted_at: now,
            created_by_name: 'bench',
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await postEntries(
        trx,
        actor,
        now,
        chunk.map((d) =>
          documentPosting(
            {
              id: d.id,
              kind: 'invoice',
              number: d.number,
              customerId: d.customerId,
              currency: d.currency,
              issueDate: d.issueDate,
              amountMinor: d.openMinor,
              taxMinor: 0n,
              offsetAccountId: accounts.opening_balance.id,
            },
            [],
            accounts,
          ),
        ),
      );
    });
  }
  const hints = scenario.payerHints.map((h, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    org_id: orgId,
    customer_id: h.customerId,
    account: h.account ?? '',
    name: h.name,
    created_at: now,
    last_used_at: now,
  }));
  for (let i = 0; i < hints.length; i += 5000)
    await db
      .insertInto('payer_hints')
      .values(hints.slice(i, i + 5000))
      .onConflict((oc) => oc.doNothing())
      .execute();
  // a steady state, as `npm run bench` has: the freshly written tables vacuumed and their pages
  // on disk, so that neither autovacuum nor a checkpoint works through them during the timed steps
  await sql`vacuum analyze`.execute(db);
  if (TARGET !== 'pglite') await sql`checkpoint`.execute(db);
}

/** The scenario's bank lines as daily camt.053 statements of one account, in one file. */
function camtFile(lines: readonly ScenarioLine[]): string {
  const byDay = new Map<string, CamtEntryInput[]>();
  lines.forEach((l, i) => {
    const day = (l.bookingDate ?? AS_OF) as string;
    const entries = byDay.get(day) ?? [];
    entries.push({
      amountMinor: l.amountMinor,
      bookingDate: day,
      valueDate: l.valueDate ?? day,
      counterpartyName: l.counterpartyName,
      counterpartyAccount: l.counterpartyAccount,
      remittance: l.remittanceInfo,
      endToEndId: l.endToEndId,
      bankReference: `BENCH-${i}`,
    });
    byDay.set(day, entries);
  });
  const days = [...byDay.keys()].sort();
  const entries = days.flatMap((day) => byDay.get(day)!);
  // one statement for the whole period, as a monthly statement would be
  return writeCamt053([
    {
      id: `BENCH-${days[0]}-${days.at(-1)}`,
      sequenceNumber: 1,
      createdAt: `${days.at(-1)}T20:00:00`,
      iban: ACCOUNT,
      currency: CURRENCY,
      fromDate: days[0]!,
      toDate: days.at(-1)!,
      openingMinor: 100_000_000n,
      entries,
    },
  ]);
}

async function main() {
  const machine = machineInfo();
  console.log(`Dunwell cash-application benchmark, ${new Date().toISOString()}`);
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}`,
  );
  console.log(
    `target: ${TARGET}; scenario: ${CUSTOMERS} customers, ${ITEMS} open items, ${LINES} bank lines, seed ${SEED}`,
  );
  const scenario = generateRemittanceScenario({
    customers: CUSTOMERS,
    openItems: ITEMS,
    lines: LINES,
    seed: SEED,
    asOf: AS_OF,
  });
  // only lines in the statement's currency go in the EUR account's file
  const lines = scenario.lines.filter((l) => l.currency === CURRENCY);
  let t0 = performance.now();
  const { database, orgId } = await open(scenario);
  const serverUrl = TARGET === 'pglite' ? null : SERVER_URL;
  console.log(`setup: customers, open items and hints in ${s(ms(t0))}`);
  const db = database.db;
  try {
    const ctx = { db, actor: systemActor(orgId, 'bench'), now: new Date() };
    const file = Buffer.from(camtFile(lines));
    console.log(
      `camt.053 file: ${(file.length / 1024 ** 2).toFixed(1)} MiB, ${lines.length} entries`,
    );

    // 1. parse alone
    const counter = new QueryCounter();
    const counted = db.withPlugin(counter);
    const tallies: Record<string, StatementTally> = {};

    t0 = performance.now();
    const parsed = parseBankFile(file);
    const parseMs = ms(t0);

    // the match index over the open book, as the import route builds it
    t0 = performance.now();
    const index = await buildMatchIndex({ ...ctx, db: counted }, CURRENCY);
    const indexMs = ms(t0);
    tallies.index = counter.take();

    // import: parse, check, de-duplicate, tie and match every line, store it once
    t0 = performance.now();
    let commitMs = 0;
    // in the import's transaction, as the route does (PGlite has one connection: a query
    // outside the transaction would wait for it)
    let classifier: ReturnType<typeof lineClassifier> | undefined;
    const { result: imported, cpu: importCpu } = await measureStep('import', (notePid) =>
      counted.transaction().execute(async (trx) => {
        notePid(await backendPid(trx as unknown as Kysely<never>, serverUrl));
        classifier = lineClassifier({ ...ctx, db: trx }, new Map([[CURRENCY, index]]));
        const result = await importBankFile({ ...ctx, db: trx }, file, {
          fileName: 'bench.xml',
          classify: classifier.classify,
        });
        commitMs = performance.now();
        return result;
      }),
    );
    commitMs = performance.now() - commitMs;
    const importMs = ms(t0);
    tallies.import = counter.take();
    const { suggested, reconciled, unmatched } = classifier!.counts;
    const statementId = imported.statements[0]!.id;

    // the workbench's "match again" over every open line (suggestions rewritten in place)
    t0 = performance.now();
    await counted
      .transaction()
      .execute((trx) => matchStatement({ ...ctx, db: trx }, statementId, index));
    const rematchMs = ms(t0);
    tallies.rematch = counter.take();

    console.log(
      `\nparse alone                   ${s(parseMs)} (${parsed.statements.length} statements)`,
    );
    console.log(`build match index from db     ${s(indexMs)}`);
    console.log(
      `import: parse, check, match, store ${s(importMs)} (commit ${s(commitMs)}): ${classifier!.counts.reconciled} tied, ${classifier!.counts.suggested} suggested, ${classifier!.counts.unmatched} unmatched`,
    );
    console.log(
      `  CPU: this process ${s(importCpu.nodeCpuMs)}, database backend ${importCpu.databaseCpuMs === null ? 'n/a' : s(importCpu.databaseCpuMs)}`,
    );
    console.log(
      `= parsed and matched          ${s(indexMs + importMs)}  (target ≤ 10 s for 100k lines on PostgreSQL)`,
    );
    console.log(`match again (workbench)       ${s(rematchMs)}`);

    if (process.env.BENCH_MATCH_STOP === 'apply') {
      console.log('stopped before the auto-apply (BENCH_MATCH_STOP=apply)');
      return;
    }
    // auto-apply of the lines as matched: the batched posting of payments and applications
    t0 = performance.now();
    let applyCommitMs = 0;
    const { result: applied, cpu: applyCpu } = await measureStep('apply', (notePid) =>
      counted.transaction().execute(async (trx) => {
        notePid(await backendPid(trx as unknown as Kysely<never>, serverUrl));
        const result = await autoApply({ ...ctx, db: trx }, statementId, { rematch: false });
        applyCommitMs = performance.now();
        return result.applied;
      }),
    );
    applyCommitMs = performance.now() - applyCommitMs;
    const applyMs = ms(t0);
    tallies.apply = counter.take();
    const applications = await db
      .selectFrom('ar_applications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();

    // 4. the outcome against the ground truth, read back from the database
    const rows = await db
      .selectFrom('bank_statement_lines as l')
      .leftJoin('payments as p', (j) =>
        j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.payment_id'),
      )
      .select(['l.bank_reference', 'l.status', 'p.customer_id', 'p.id as payment_id'])
      .where('l.org_id', '=', orgId)
      .execute();
    const appliedDocs = new Map<string, Set<string>>();
    const docsRows = await sql<{ payment_id: string; debit_document_id: string }>`
      select d.payment_id, a.debit_document_id from ar_applications a
      join ar_documents d on d.org_id = a.org_id and d.id = a.credit_document_id
      where a.org_id = ${orgId} and d.payment_id is not null`.execute(db);
    for (const r of docsRows.rows) {
      const set = appliedDocs.get(r.payment_id) ?? new Set<string>();
      set.add(r.debit_document_id);
      appliedDocs.set(r.payment_id, set);
    }
    const truthByRef = new Map(lines.map((l, i) => [`BENCH-${i}`, l]));
    let withTrue = 0;
    let autoCorrect = 0;
    let falseMatches = 0;
    const wrong: string[] = [];
    const numbers = new Map(scenario.openItems.map((it) => [it.id, it.number]));
    const number = (id: string) => numbers.get(id) ?? id;
    const perKind = new Map<string, { lines: number; correct: number; wrong: number }>();
    for (const r of rows) {
      const line = truthByRef.get(r.bank_reference ?? '');
      if (!line || line.amountMinor <= 0n) continue;
      const k = perKind.get(line.kind) ?? { lines: 0, correct: 0, wrong: 0 };
      k.lines++;
      if (line.truth) withTrue++;
      if (r.status === 'applied' && r.payment_id) {
        const docs = appliedDocs.get(r.payment_id) ?? new Set();
        const correct =
          line.truth !== null &&
          r.customer_id === line.truth.customerId &&
          docs.size === line.truth.documentIds.length &&
          line.truth.documentIds.every((d) => docs.has(d));
        if (correct) {
          autoCorrect++;
          k.correct++;
        } else {
          falseMatches++;
          k.wrong++;
          if (wrong.length < 10) {
            wrong.push(
              `  ${line.kind}: ${formatAmount(line.amountMinor, CURRENCY)} "${line.remittanceInfo ?? ''}" from ${line.counterpartyName ?? '?'} — applied to ${[...docs].map(number).join(', ')}${line.truth?.customerId === r.customer_id ? '' : ' of another customer'}, true: ${line.truth ? line.truth.documentIds.map(number).join(', ') : 'none'}`,
            );
          }
        }
      }
      perKind.set(line.kind, k);
    }
    const credits = rows.length;
    const parseAndMatchMs = indexMs + importMs;
    const summary = {
      lines: lines.length,
      statements: imported.statements.length,
      parseMs,
      indexMs,
      importMs,
      importCommitMs: commitMs,
      importCpu,
      rematchMs,
      applyCommitMs,
      applyCpu,
      parseAndMatchMs,
      applyMs,
      applied,
      applications: Number(applications.n),
      applicationsPerSecond: Number(applications.n) / (applyMs / 1000),
      suggested,
      reconciled,
      unmatched,
      withTrueMatch: withTrue,
      autoMatchRate: autoCorrect / withTrue,
      falseMatchRate: falseMatches / credits,
      falseMatches,
      perKind: Object.fromEntries(perKind),
    };
    console.log(
      `auto-apply (post as matched)  ${s(applyMs)} (commit ${s(applyCommitMs)}): ${applied} payments, ${summary.applications} applications, ${summary.applicationsPerSecond.toFixed(0)} applications/s (target ≥ 10,000/s)`,
    );
    console.log(
      `  CPU: this process ${s(applyCpu.nodeCpuMs)}, database backend ${applyCpu.databaseCpuMs === null ? 'n/a' : s(applyCpu.databaseCpuMs)}`,
    );
    console.log('\nstatements per step (count, ms waiting for the database):');
    for (const [step, tally] of Object.entries(tallies)) {
      console.log(`  ${step}: ${tally.statements} statements, ${s(tally.busyMs)} in the database`);
      for (const st of [...tally.byStatement].sort((a, b) => b.ms - a.ms).slice(0, 6))
        console.log(`    ${st.statement.padEnd(44)} ${String(st.count).padStart(6)} ${s(st.ms)}`);
    }
    console.log(`\nlines with a true match     ${withTrue} of ${credits}`);
    console.log(`auto-match rate             ${pct(summary.autoMatchRate)}  (target ≥ 95 %)`);
    console.log(
      `false-match rate            ${pct(summary.falseMatchRate)}  (${falseMatches} lines; target ≤ 0.1 %)`,
    );
    if (wrong.length > 0) console.log(`the false matches (up to 10):\n${wrong.join('\n')}`);
    console.log('\nper kind of line: lines, auto-applied correctly, applied wrongly');
    for (const [kind, k] of [...perKind].sort())
      console.log(
        `  ${kind.padEnd(22)} ${String(k.lines).padStart(7)} ${String(k.correct).padStart(7)} ${String(k.wrong).padStart(5)}`,
      );
    const out = writeJson('match', {
      startedAt: new Date().toISOString(),
      machine,
      target: TARGET,
      seed: SEED,
      customers: CUSTOMERS,
      items: ITEMS,
      ...summary,
      statementTallies: tallies,
    });
    console.log(`\nwrote ${out}`);
  } finally {
    await database.close();
  }
}

await main();
