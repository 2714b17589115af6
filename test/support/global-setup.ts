import pg from 'pg';

/** Fails fast, with a clear message, when the PostgreSQL the suites were told to use is down. */
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set');
    console.warn('TEST_DATABASE_URL is not set: database suites run on PGlite only');
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL (${url}) is not reachable: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
