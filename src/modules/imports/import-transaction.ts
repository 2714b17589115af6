import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** Thrown to roll a transaction back on purpose, carrying the answer out. */
class Discarded extends Error {
  constructor(readonly value: unknown) {
    super('discarded on purpose');
  }
}

/**
 * Runs `work` so that it can be undone: inside the caller's transaction through a savepoint,
 * else in a transaction of its own. `keep: false` (a dry run, a rejected import) or an error
 * rolls back to where it started; the caller's transaction stays usable either way.
 */
export async function withRollbackPoint<T>(
  db: Kysely<DB>,
  name: string,
  work: (trx: Kysely<DB>) => Promise<{ value: T; keep: boolean }>,
): Promise<T> {
  if (!db.isTransaction) {
    try {
      return await db.transaction().execute(async (trx) => {
        const outcome = await work(trx);
        if (!outcome.keep) throw new Discarded(outcome.value);
        return outcome.value;
      });
    } catch (error) {
      if (error instanceof Discarded) return error.value as T;
      throw error;
    }
  }
  await sql.raw(`savepoint ${name}`).execute(db);
  let outcome: { value: T; keep: boolean };
  try {
    outcome = await work(db);
  } catch (error) {
    await sql.raw(`rollback to savepoint ${name}`).execute(db);
    await sql.raw(`release savepoint ${name}`).execute(db);
    throw error;
  }
  if (!outcome.keep) await sql.raw(`rollback to savepoint ${name}`).execute(db);
  await sql.raw(`release savepoint ${name}`).execute(db);
  return outcome.value;
}

const ESTIMATED_CUSTOMERS = sql<{ tuples: number }>`
  select reltuples::float8 as tuples from pg_class where oid = 'customers'::regclass`;
const LOCK_TIMEOUT = sql<{ value: string }>`select current_setting('lock_timeout') as value`;

/**
 * A large import into a young table outgrows the planner's statistics inside its own
 * transaction, and the customers module's per-row queries then switch to plans that scan the
 * whole organization (measured: 6 ms/row growing past 20 ms/row at 10,000 rows on PGlite).
 * ANALYZE inside the transaction counts its own rows; it runs only when the statistics describe
 * a smaller table than this import has created, at doubling row counts, and gives up quickly
 * (statistics are an optimisation) when autovacuum or another import holds the tables.
 */
export class StatisticsRefresher {
  private next = 64;
  constructor(private readonly db: Kysely<DB>) {}

  async refreshIfStale(created: number): Promise<void> {
    if (created < this.next) return;
    this.next = created * 2;
    const stats = await ESTIMATED_CUSTOMERS.execute(this.db);
    if ((stats.rows[0]?.tuples ?? -1) >= created) return;
    await withRollbackPoint(this.db, 'import_analyze', async (trx) => {
      const previous = await LOCK_TIMEOUT.execute(trx);
      await sql`select set_config('lock_timeout', '200ms', true)`.execute(trx);
      await sql`analyze customers, customer_contacts, customer_addresses`.execute(trx);
      const restore = previous.rows[0]?.value ?? '0';
      await sql`select set_config('lock_timeout', ${restore}, true)`.execute(trx);
      return { value: undefined, keep: true };
    }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '55P03') throw error; // lock_not_available
    });
  }
}
