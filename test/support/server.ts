import type { DatabaseKind } from '../../src/db/database.ts';
import { createRuntime, type Runtime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_USERS, seedDemo } from '../../src/modules/demo/index.ts';
import { FixedClock, systemClock, type Clock } from '../../src/shared/clock.ts';
import { createTestDatabase } from './db.ts';

export const TEST_PASSWORD = 'correct-horse-battery';

export type TestServer = {
  url: string;
  runtime: Runtime;
  demo: { email: string; password: string };
  close(): Promise<void>;
};

/**
 * A real server on a random loopback port over a fresh test database, optionally with the demo
 * organization (a small one by default, to keep suites fast).
 */
export async function startTestServer(
  options: {
    kind?: DatabaseKind;
    demo?: boolean;
    demoCustomers?: number;
    clock?: Clock;
    webDir?: string | null;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DUNWELL_DEMO_PASSWORD: TEST_PASSWORD,
    ...options.env,
  });
  const runtime = await createRuntime(config, {
    database,
    clock: options.clock ?? systemClock,
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
  });
  if (options.demo ?? true) {
    await seedDemo(database.db, runtime.clock, {
      password: TEST_PASSWORD,
      customers: options.demoCustomers ?? 60,
    });
  }
  const address = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    runtime,
    demo: { email: DEMO_USERS[0]!.email, password: TEST_PASSWORD },
    close: () => runtime.close(),
  };
}

export { FixedClock };
