/**
 * Property test of deductions through the API: random sequences of payments (some keeping the
 * rest as a deduction), credit memos, unapplications of cash and payment reversals on one
 * invoice. After every step, what the invoice's deductions hold follows its open balance:
 *
 * - the open deductions together hold at most what the invoice has open;
 * - the open and settled ones hold exactly min(what they claimed, what is open), the newest
 *   claims first (so the oldest is settled first);
 * - a resolved one holds nothing, and a payment's deductions are resolved once it is reversed;
 * - and the ledger still ties.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed>; FC_RUNS sets the runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/shared/actor.ts';
import { parseIsoDate, type IsoDate } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';
import type { ApiClient } from '../support/api.ts';
import { databaseKinds } from '../support/db.ts';
import { createTestOrg } from '../support/orgs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectLedgerTies } from '../ledger/support/ledger-checks.ts';
import { createCustomer, createInvoice } from '../support/ar.ts';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 20);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const DAY = '2026-11-21';
const REASONS = ['pricing', 'shortage', 'damaged'] as const;

type Op =
  | { kind: 'pay'; cents: number; deduction: boolean; reason: number }
  | { kind: 'credit'; cents: number }
  | { kind: 'unapply'; pick: number }
  | { kind: 'reverse'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      cents: fc.integer({ min: 1, max: 8_000 }),
      deduction: fc.constantFrom(true, true, false),
      reason: fc.nat({ max: REASONS.length - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      cents: fc.integer({ min: 1, max: 4_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unapply' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }) },
);

type Payment = {
  id: string;
  status: string;
  applications: Array<{ id: string; via: string; amount: string; reversed: boolean }>;
};

describe.each(databaseKinds())('deductions follow their invoice on %s', (kind) => {
  let server: TestServer;
  let manager: ApiClient;
  let collector: ApiClient;
  let actor: Actor;
  let customerId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, demo: false });
    const org = await createTestOrg(server, 'dedprop');
    manager = org.clients.manager;
    collector = org.clients.collector;
    actor = org.actor;
    customerId = await createCustomer(manager, {
      accountNumber: 'DED-1',
      name: 'Deducting Retail Ltd',
    });
  });
  afterAll(() => server?.close());

  /** The invoice's open balance and its deductions, oldest first, from the database. */
  const state = async (invoiceId: string) => {
    const db = server.runtime.database.db;
    const invoice = await db
      .selectFrom('ar_documents')
      .select('open_minor')
      .where('org_id', '=', actor.orgId)
      .where('id', '=', invoiceId)
      .executeTakeFirstOrThrow();
    const deductions = await db
      .selectFrom('deductions')
      .select(['id', 'payment_id', 'amount_minor', 'open_minor', 'status'])
      .where('org_id', '=', actor.orgId)
      .where('document_id', '=', invoiceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return { open: invoice.open_minor, deductions };
  };

  const expectFollows = async (invoiceId: string, reversed: ReadonlySet<string>, step: string) => {
    const { open, deductions } = await state(invoiceId);
    const openHeld = deductions
      .filter((d) => d.status === 'open')
      .reduce((s, d) => s + d.open_minor, 0n);
    expect(openHeld <= open, `${step}: open deductions hold ${openHeld} of ${open}`).toBe(true);
    // the live ones share what is open, newest claim first
    let left = open;
    for (const d of [...deductions].reverse()) {
      if (d.status === 'resolved') {
        expect(d.open_minor, `${step}: a resolved deduction holds nothing`).toBe(0n);
        continue;
      }
      const want = d.amount_minor < left ? d.amount_minor : left;
      expect([d.open_minor, d.status], step).toEqual([want, want > 0n ? 'open' : 'settled']);
      left -= want;
    }
    for (const d of deductions) {
      if (d.payment_id && reversed.has(d.payment_id)) {
        expect(d.status, `${step}: a reversed payment's deduction`).toBe('resolved');
      }
    }
  };

  it('open deductions always hold what the rule says, and the ledger ties', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 10 }), async (ops) => {
        run += 1;
        const { id: invoiceId } = await createInvoice(manager, {
          customerId,
          amount: '100.00',
          description: `Goods, run ${run}`,
        });
        const payments: string[] = [];
        const reversed = new Set<string>();
        for (const [i, o] of ops.entries()) {
          const step = `step ${i + 1} ${JSON.stringify(o)}`;
          const { open } = await state(invoiceId);
          if (o.kind === 'pay' || o.kind === 'credit') {
            if (open === 0n) continue;
            const cents = BigInt(o.cents) < open ? BigInt(o.cents) : open;
            const amount = formatAmount(cents, 'EUR');
            if (o.kind === 'credit') {
              const res = await collector.post('/api/v1/credit-memos', {
                customerId,
                invoiceId,
                amount,
                reason: 'Agreed credit',
                issueDate: DAY,
              });
              expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(201);
            } else {
              const shortPay =
                o.deduction && cents < open
                  ? { action: 'deduction', reasonCode: REASONS[o.reason] }
                  : undefined;
              const res = await collector.post<Payment>('/api/v1/payments', {
                customerId,
                method: 'check',
                amount,
                currency: 'EUR',
                receivedDate: DAY,
                applications: [{ invoiceId, amount, ...(shortPay ? { shortPay } : {}) }],
              });
              expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(201);
              payments.push(res.body.id);
            }
          } else {
            const live = payments.filter((p) => !reversed.has(p));
            if (live.length === 0) continue;
            const paymentId = live[o.pick % live.length]!;
            if (o.kind === 'reverse') {
              const res = await collector.post(`/api/v1/payments/${paymentId}/reverse`, {
                reason: 'Returned unpaid',
                kind: 'nsf',
                date: DAY,
              });
              expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
              reversed.add(paymentId);
            } else {
              const p = await manager.get<Payment>(`/api/v1/payments/${paymentId}`);
              // an application still in force (an unapplication is listed too, negative)
              const cash = p.body.applications.find(
                (a) => a.via === 'cash' && !a.reversed && !a.amount.startsWith('-'),
              );
              if (!cash) continue;
              const res = await manager.post(`/api/v1/applications/${cash.id}/unapply`, {
                reason: 'Applied in error',
                date: DAY,
              });
              expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(201);
            }
          }
          await expectFollows(invoiceId, reversed, step);
        }
      }),
      { numRuns: NUM_RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    await expectLedgerTies(server.runtime.database.db, actor, [
      parseIsoDate('2026-11-30') as IsoDate,
    ]);
  });
});
