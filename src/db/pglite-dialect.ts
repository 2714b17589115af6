import type { PGlite } from '@electric-sql/pglite';
import { AppError } from '../shared/errors.ts';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Kysely dialect over an embedded PGlite instance.
 *
 * PGlite is one Postgres backend with one session, so the driver hands out a single connection
 * at a time: a transaction holds it until commit or rollback and every other query waits. A
 * query issued on the root instance while a transaction is open would wait forever, so waiting
 * is bounded and fails loudly (that is always a bug: use the transaction handle).
 */
export class PGliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly acquireTimeoutMs = 60_000,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.acquireTimeoutMs);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/**
 * The embedded database stayed busy (a long import holds it) for longer than a request may
 * wait: 503 with Retry-After, never a 500. Waiting forever instead would hide a query issued
 * outside its own transaction, which is a bug.
 */
export class DatabaseBusyError extends AppError {
  readonly retryAfterSeconds = 30;
  constructor(waitedMs: number) {
    super(
      503,
      'database_busy',
      `The database is busy with a long operation (waited ${Math.round(waitedMs / 1000)} s); try again shortly`,
    );
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Array<() => void> = [];
  private busy = false;

  constructor(
    private readonly pglite: PGlite,
    private readonly acquireTimeoutMs: number,
  ) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(this.connection);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.connection);
      };
      const timer = setTimeout(() => {
        this.queue = this.queue.filter((g) => g !== grant);
        reject(new DatabaseBusyError(this.acquireTimeoutMs));
      }, this.acquireTimeoutMs);
      this.queue.push(grant);
    });
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const next = this.queue.shift();
    if (next) next();
    else this.busy = false;
  }

  async destroy(): Promise<void> {
    await this.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Statements without parameters go through the simple protocol, which also runs
    // multi-statement scripts (migrations), as node-postgres does.
    const result =
      query.parameters.length === 0
        ? lastResult(await this.pglite.exec(query.sql))
        : await this.pglite.query<R>(query.sql, query.parameters as unknown[]);
    return {
      rows: result.rows as R[],
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on PGlite');
  }
}

function lastResult(results: Array<{ rows: unknown[]; affectedRows?: number }>) {
  return results[results.length - 1] ?? { rows: [], affectedRows: 0 };
}
