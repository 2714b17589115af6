import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** Statements of one kind ("insert customers", "savepoint"…) and the time they took. */
export type StatementCount = { statement: string; count: number; ms: number };
export type StatementTally = {
  /** statements sent through Kysely (BEGIN/COMMIT of `db.transaction()` are not among them) */
  statements: number;
  /**
   * wall time with at least one statement in flight (compiled, not yet answered): driver,
   * wire and server, as the caller waits for them. Statements issued together (`Promise.all`)
   * count once, so this never exceeds the elapsed time.
   */
  busyMs: number;
  /**
   * per kind; `ms` counts each statement from when it was issued or, if it queued behind
   * another one (`Promise.all` on one connection), from when that one's result came back
   */
  byStatement: StatementCount[];
};

/**
 * A Kysely plugin (`db.withPlugin(counter)`) that counts the statements a service call issues,
 * by kind and table, and adds up how long the caller waited for them. Transactions opened on the
 * returned handle keep the plugin, and raw `sql` statements go through it too. The bookkeeping
 * is a Map update per statement, so it does not move the timings it is used in.
 * Meant for calls whose statements succeed: a failed statement is counted, but its result never
 * comes back, so the busy time would run on from it.
 */
export class QueryCounter implements KyselyPlugin {
  private readonly started = new Map<QueryId, { label: string; at: number }>();
  private counts = new Map<string, { count: number; ms: number }>();
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;
  private lastDoneAt = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const label = describe(args.node);
    const entry = this.counts.get(label);
    if (entry) entry.count++;
    else this.counts.set(label, { count: 1, ms: 0 });
    const at = performance.now();
    this.started.set(args.queryId, { label, at });
    if (this.inFlight++ === 0) this.busySince = at;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    if (start) {
      const at = performance.now();
      this.started.delete(args.queryId);
      const entry = this.counts.get(start.label);
      if (entry) entry.ms += at - Math.max(start.at, this.lastDoneAt);
      this.lastDoneAt = at;
      if (--this.inFlight === 0) this.busyMs += at - this.busySince;
    }
    return args.result;
  }

  /** Returns what was counted since the last call and starts again from zero. */
  take(): StatementTally {
    const byStatement = [...this.counts]
      .map(([statement, { count, ms }]) => ({ statement, count, ms }))
      .sort((a, b) => b.count - a.count || a.statement.localeCompare(b.statement));
    const busyMs = this.busyMs;
    this.counts = new Map();
    this.started.clear();
    this.inFlight = 0;
    this.busyMs = 0;
    return {
      statements: byStatement.reduce((s, c) => s + c.count, 0),
      busyMs,
      byStatement,
    };
  }
}

type Node = OperationNode & Record<string, unknown>;

/** "select customers", "select customers join users", "insert audit_log", "raw savepoint"… */
function describe(root: RootOperationNode): string {
  const node = root as Node;
  switch (node.kind) {
    case 'SelectQueryNode': {
      const joined = ((node.joins as readonly Node[] | undefined) ?? []).map(
        (j) => ` join ${tableOf(j.table) ?? '(subquery)'}`,
      );
      return `select ${tableOf(node.from) ?? '(subquery)'}${joined.join('')}`;
    }
    case 'InsertQueryNode':
      return `insert ${tableOf(node.into) ?? '?'}`;
    case 'UpdateQueryNode':
      return `update ${tableOf(node.table) ?? '?'}`;
    case 'DeleteQueryNode':
      return `delete ${tableOf(node.from) ?? '?'}`;
    case 'RawNode': {
      // table names passed as sql.table() read as themselves, other parameters as $
      const fragments = (node.sqlFragments as readonly string[] | undefined) ?? [];
      const parameters = (node.parameters as readonly Node[] | undefined) ?? [];
      const text = fragments
        .map((f, i) => f + (i < parameters.length ? (tableOf(parameters[i]) ?? '$') : ''))
        .join('')
        .trim();
      // savepoints carry a name; keep the verb (and the table for analyze, the setting for set_config)
      const words = text.toLowerCase().split(/\s+/);
      if (['savepoint', 'release', 'rollback'].includes(words[0] ?? ''))
        return `raw ${words[0] === 'rollback' ? 'rollback to savepoint' : words[0]}`;
      return `raw ${text.replace(/\s+/g, ' ').slice(0, 40)}`;
    }
    default:
      return node.kind;
  }
}

/** The first table a FROM, INTO or UPDATE target names, through aliases. */
function tableOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const node = value as Node;
  switch (node.kind) {
    case 'FromNode':
      return tableOf((node.froms as readonly unknown[] | undefined)?.[0]);
    case 'AliasNode':
      return tableOf(node.node);
    case 'TableNode':
      return tableOf(node.table);
    case 'SchemableIdentifierNode':
      return (node.identifier as { name?: string } | undefined)?.name;
    default:
      return undefined;
  }
}
