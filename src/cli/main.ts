import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_USERS, seedDemo } from '../modules/demo/index.ts';
import { systemClock } from '../shared/clock.ts';
import { importCommand } from './import.command.ts';
import { ledgerCommand } from './ledger.command.ts';
import { serve } from './serve.ts';

export async function runCli(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('dunwell')
    .description('Dunwell — accounts receivable and collections')
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the web app and API')
    .option('--demo', 'create the demo organization if the database has none')
    .action(async (opts: { demo?: boolean }) => serve({ demo: opts.demo ?? false }));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrate(database.db);
        console.log(
          applied.length
            ? `Applied ${applied.join(', ')} on ${database.description}`
            : `Up to date (${database.description})`,
        );
      } finally {
        await database.close();
      }
    });

  program
    .command('demo')
    .description('load the demo organization (once)')
    .addOption(new Option('--customers <n>', 'number of demo customers').default('300'))
    .action(async (opts: { customers: string }) => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database.db);
        const created = await seedDemo(database.db, systemClock, {
          password: config.demoPassword,
          customers: Number(opts.customers),
        });
        console.log(
          created ? 'Demo organization created.' : 'The demo organization exists already.',
        );
        for (const u of DEMO_USERS.slice(0, 3)) console.log(`  ${u.role.padEnd(9)} ${u.email}`);
        console.log(`  password  ${config.demoPassword}`);
      } finally {
        await database.close();
      }
    });

  program.addCommand(importCommand());
  program.addCommand(ledgerCommand());
  await program.parseAsync(argv);
}
