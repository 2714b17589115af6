import { createRuntime } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_USERS, seedDemo } from '../modules/demo/index.ts';

/** `dunwell serve`: migrate, optionally seed the demo, listen, and shut down cleanly. */
export async function serve(options: { demo: boolean }): Promise<void> {
  const config = loadConfig();
  const runtime = await createRuntime(config, { logger: { level: config.logLevel } });
  const { app, database } = runtime;
  if (options.demo) {
    const hasOrg = await database.db
      .selectFrom('organizations')
      .select('id')
      .limit(1)
      .executeTakeFirst();
    if (!hasOrg) {
      app.log.info('creating the demo organization (first start)…');
      await seedDemo(database.db, runtime.clock, { password: config.demoPassword });
    }
  }
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const lines = [
    '',
    `  Dunwell is running at http://${host}:${port}/`,
    `  API docs:  http://${host}:${port}/api/docs`,
    `  Database:  ${database.description}`,
  ];
  if (options.demo) {
    lines.push('  Demo login (password for all: ' + config.demoPassword + '):');
    for (const u of DEMO_USERS.slice(0, 3)) lines.push(`    ${u.role.padEnd(9)} ${u.email}`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
