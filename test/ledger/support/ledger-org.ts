/**
 * A fresh organization with customers for ledger tests that call the billing service directly,
 * the way billing.routes.ts does: one transaction per call, a ctx of `{ db, actor, now }`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../src/db/schema.ts';
import type { Ctx } from '../../../src/modules/billing/documents.service.ts';
import { createCustomer } from '../../../src/modules/customers/index.ts';
import { createOrganization } from '../../../src/modules/organizations/index.ts';
import type { Actor } from '../../../src/shared/actor.ts';
import { newId } from '../../../src/shared/ids.ts';

/** The instant the services see as "now"; ledger tests name their own dates anyway. */
export const LEDGER_NOW = new Date('2026-04-15T12:00:00Z');

export type LedgerOrg = {
  orgId: string;
  actor: Actor;
  /** customer ids, one per currency given */
  customers: string[];
  currencyOf: Map<string, { currency: string; label: string }>;
  /** runs one service call in its own transaction, as a route does */
  run<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
};

let counter = 0;

/** An organization (base currency = the first given) with one manager and a customer per currency. */
export async function createLedgerOrg(
  db: Kysely<DB>,
  customerCurrencies: readonly string[],
  paymentTerms = 'NET30',
): Promise<LedgerOrg> {
  counter += 1;
  const orgId = await createOrganization(db, LEDGER_NOW, {
    name: `Ledger test ${counter}`,
    slug: `ledger-${newId().slice(-12)}-${counter}`,
    timeZone: 'UTC',
    baseCurrency: customerCurrencies[0] ?? 'USD',
  });
  const actor: Actor = {
    orgId,
    type: 'user',
    id: newId(),
    name: 'Ledger Tester',
    role: 'manager',
    requestId: null,
  };
  const run = <T>(fn: (ctx: Ctx) => Promise<T>) =>
    db.transaction().execute((trx) => fn({ db: trx, actor, now: LEDGER_NOW }));
  const customers: string[] = [];
  const currencyOf = new Map<string, { currency: string; label: string }>();
  for (const [i, currency] of customerCurrencies.entries()) {
    const id = await run((ctx) =>
      createCustomer(ctx, {
        accountNumber: `L-${i}`,
        name: `Customer ${i}`,
        currency,
        paymentTerms,
      }),
    );
    customers.push(id);
    currencyOf.set(id, { currency, label: `C${i}` });
  }
  return { orgId, actor, customers, currencyOf, run };
}
