import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { DB } from '../../src/db/schema.ts';

/** Records the queries a service call issues, so the benchmark can EXPLAIN exactly those. */
class CaptureQueries implements KyselyPlugin {
  readonly queries: Array<{ node: RootOperationNode; queryId: QueryId }> = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push({ node: args.node, queryId: args.queryId });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/**
 * Runs `call` once against a capturing handle, then `EXPLAIN (ANALYZE, BUFFERS)` on each SELECT
 * it issued, with the same parameters. Returns the plan lines of every SELECT, in order.
 */
export async function explainCall(
  db: Kysely<DB>,
  call: (db: Kysely<DB>) => Promise<unknown>,
): Promise<string[][]> {
  const capture = new CaptureQueries();
  await call(db.withPlugin(capture));
  const plans: string[][] = [];
  for (const { node, queryId } of capture.queries) {
    if (node.kind !== 'SelectQueryNode') continue;
    const compiled = db.getExecutor().compileQuery(node, queryId);
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]),
    );
    plans.push(result.rows.map((r) => r['QUERY PLAN']));
  }
  return plans;
}
