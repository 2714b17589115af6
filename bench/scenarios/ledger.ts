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
import { glReconciliation, trialBalance } from '../../src/modules/ledger/index.ts';
import type { Actor } from '../../src/shared/actor.ts';
import type { IsoDate } from '../../src/shared/dates.ts';

/**
 * The ledger reports at the dataset's size, through the service functions the API calls:
 * the trial balance, and the GL reconciliation with and without the per-document explanation.
 * Each scenario checks its answer (debits = credits; sub-ledger = control, nothing to explain),
 * so a fast wrong answer fails the run instead of being reported.
 */

export type LedgerScenario = {
  name: string;
  run(db: Kysely<DB>): Promise<string>;
};

export function ledgerReportScenarios(actor: Actor, asOf: IsoDate): LedgerScenario[] {
  return [
    {
      name: 'trial balance',
      run: async (db) => {
        const tb = await trialBalance(db, actor, asOf);
        for (const t of tb.totals)
          if (t.debit !== t.credit)
            throw new Error(`trial balance ${t.currency}: debits ${t.debit} ≠ credits ${t.credit}`);
        return `${tb.accounts.length} account rows, ${tb.totals.map((t) => `${t.currency} ${t.debit}`).join(', ')}`;
      },
    },
    {
      name: 'GL reconciliation',
      run: async (db) => {
        const rec = await glReconciliation(db, actor, asOf);
        assertTies(rec);
        return `AR ${rec.currency} ${rec.controlBalance}, ${rec.byCurrency.reduce((s, c) => s + c.documents, 0).toLocaleString('en-US')} documents`;
      },
    },
    {
      name: 'GL reconciliation with explain',
      run: async (db) => {
        const rec = await glReconciliation(db, actor, asOf, { explain: true });
        assertTies(rec);
        return `${rec.explanations.length} explanations`;
      },
    },
  ];
}

function assertTies(rec: Awaited<ReturnType<typeof glReconciliation>>) {
  for (const c of rec.byCurrency)
    if (c.subledgerBalance !== c.controlBalance)
      throw new Error(
        `reconciliation ${c.currency}: sub-ledger ${c.subledgerBalance} ≠ control ${c.controlBalance}`,
      );
  if (rec.explanations.length > 0)
    throw new Error(
      `reconciliation explains ${rec.explanations.length} differences, first ${JSON.stringify(rec.explanations[0])}`,
    );
}

/** Records every query a call issues (query builder and raw `sql` alike). */
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

export type QueryPlan = { sql: string; plan: string[] };

/**
 * Runs `call` once, then `EXPLAIN (ANALYZE, BUFFERS)` of every read it issued (SELECT or WITH),
 * with the same parameters, one after the other (the call itself may run them concurrently).
 */
export async function explainReads(
  db: Kysely<DB>,
  call: (db: Kysely<DB>) => Promise<unknown>,
): Promise<QueryPlan[]> {
  const capture = new CaptureQueries();
  await call(db.withPlugin(capture));
  const plans: QueryPlan[] = [];
  for (const { node, queryId } of capture.queries) {
    const compiled = db.getExecutor().compileQuery(node, queryId);
    if (!/^\s*(select|with)\b/i.test(compiled.sql)) continue;
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]),
    );
    plans.push({
      sql: compiled.sql.replace(/\s+/g, ' ').trim(),
      plan: result.rows.map((r) => r['QUERY PLAN']),
    });
  }
  return plans;
}
