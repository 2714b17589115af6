import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { resolveImportActor } from '../modules/imports/index.ts';
import { verifyLedger } from '../modules/ledger/index.ts';
import { systemClock } from '../shared/clock.ts';
import { addDays, parseIsoDate, todayIn, type IsoDate } from '../shared/dates.ts';

/** The month-ends of the twelve months before `asOf`, and `asOf` itself. */
export function verificationDates(asOf: IsoDate): IsoDate[] {
  const dates: IsoDate[] = [];
  let monthEnd = addDays(`${asOf.slice(0, 7)}-01` as IsoDate, -1);
  for (let i = 0; i < 12; i++) {
    dates.unshift(monthEnd);
    monthEnd = addDays(`${monthEnd.slice(0, 7)}-01` as IsoDate, -1);
  }
  dates.push(asOf);
  return dates;
}

export function ledgerCommand(): Command {
  const ledger = new Command('ledger').description('ledger maintenance');
  ledger
    .command('verify')
    .description(
      'check the ledger invariants: balanced entries, open balances, sub-ledger = AR control at each month-end',
    )
    .option('--org <slug>', 'organization (default: the only one)')
    .option('--as-of <date>', 'last date to check (default: today)')
    .action(async (options: { org?: string; asOf?: string }) => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database.db);
        const actor = await resolveImportActor(database.db, { orgSlug: options.org });
        const org = await database.db
          .selectFrom('organizations')
          .select('time_zone')
          .where('id', '=', actor.orgId)
          .executeTakeFirstOrThrow();
        const asOf = options.asOf
          ? parseIsoDate(options.asOf)
          : todayIn(org.time_zone, systemClock.now());
        const dates = verificationDates(asOf);
        const problems = await verifyLedger(database.db, actor, dates);
        if (problems.length === 0) {
          console.log(
            `Ledger OK: every entry balances, every open balance matches its applications, and the sub-ledger equals AR control at ${dates.length} dates through ${asOf}.`,
          );
          return;
        }
        for (const p of problems) console.error(`${p.check}: ${p.detail}`);
        process.exitCode = 1;
      } finally {
        await database.close();
      }
    });
  return ledger;
}
