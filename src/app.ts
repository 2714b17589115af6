import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { buildServer, type RouteModule, type ServerOptions } from './http/server.ts';
import type { App } from './http/types.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { authRoutes } from './modules/auth/index.ts';
import { bankingRoutes } from './modules/banking/index.ts';
import { paymentsRoutes } from './modules/payments/index.ts';
import { billingRoutes } from './modules/billing/index.ts';
import { customersRoutes } from './modules/customers/index.ts';
import { documentsRoutes } from './modules/documents/index.ts';
import { importsRoutes } from './modules/imports/index.ts';
import { ensureAllChartsOfAccounts, ledgerRoutes } from './modules/ledger/index.ts';
import { organizationsRoutes } from './modules/organizations/index.ts';
import { failInterruptedDeliveries, outputRoutes } from './modules/output/index.ts';
import { systemClock, type Clock } from './shared/clock.ts';

/** Every module's routes; removing a module is removing its folder and its line here. */
export const ROUTE_MODULES: RouteModule[] = [
  authRoutes,
  organizationsRoutes,
  customersRoutes,
  documentsRoutes,
  importsRoutes,
  billingRoutes,
  paymentsRoutes,
  bankingRoutes,
  ledgerRoutes,
  outputRoutes,
  auditRoutes,
];

export type Runtime = {
  app: App;
  database: Database;
  clock: Clock;
  config: Config;
  close(): Promise<void>;
};

/** Opens the database, applies migrations and builds the server (not yet listening). */
export async function createRuntime(
  config: Config,
  options: ServerOptions & { clock?: Clock; database?: Database } = {},
): Promise<Runtime> {
  const database =
    options.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  const clock = options.clock ?? systemClock;
  try {
    await migrate(database.db);
    // organizations created before the ledger existed get their chart of accounts
    await ensureAllChartsOfAccounts(database.db);
    // with several API nodes on one PostgreSQL another node may be delivering right now, so
    // only messages older than any delivery's time limit count as interrupted
    await failInterruptedDeliveries(database.db, new Date(clock.now().getTime() - 10 * 60_000));
    const app = await buildServer({ db: database.db, clock, config }, ROUTE_MODULES, options);
    return {
      app,
      database,
      clock,
      config,
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
