import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { Clock } from '../../shared/clock.ts';
import { addDays, todayIn, type IsoDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';
import { addCertificate, createCustomer, loadReferenceData } from '../customers/index.ts';
import { addUser, createOrganization } from '../organizations/index.ts';
import { generateCustomer } from './companies.ts';
import { seedDemoLedger, type DemoLedgerCustomer } from './demo-ledger.ts';
import { seedDemoStatements } from './demo-statements.ts';
import { Random } from './random.ts';

export const DEMO_SLUG = 'demo';
/** The demo organization's time zone: its "today" is the date there. */
export const DEMO_TIME_ZONE = 'America/Chicago';
export const DEMO_DOMAIN = 'demo.dunwell.test';

export type DemoUser = { email: string; name: string; role: Role };
export const DEMO_USERS: DemoUser[] = [
  { email: `admin@${DEMO_DOMAIN}`, name: 'Alex Admin', role: 'admin' },
  { email: `manager@${DEMO_DOMAIN}`, name: 'Morgan Reyes (AR Manager)', role: 'manager' },
  { email: `collector@${DEMO_DOMAIN}`, name: 'Casey Collector', role: 'collector' },
  { email: `jordan@${DEMO_DOMAIN}`, name: 'Jordan Blake', role: 'collector' },
  { email: `sam@${DEMO_DOMAIN}`, name: 'Sam Ortiz', role: 'collector' },
  { email: `viewer@${DEMO_DOMAIN}`, name: 'Vic Viewer (Sales)', role: 'viewer' },
  { email: `rita@${DEMO_DOMAIN}`, name: 'Rita Chen (Sales)', role: 'viewer' },
];

export type DemoOptions = { password: string; customers?: number; seed?: number };

/**
 * Creates the demo organization once: users, and customers with contacts, addresses, terms,
 * limits, collectors, sales reps, a parent/child hierarchy and tax certificates. Goes through
 * the customer service, so the demo has the same audit trail real data would. Returns false
 * when the demo organization exists already.
 */
export async function seedDemo(
  db: Kysely<DB>,
  clock: Clock,
  options: DemoOptions,
): Promise<boolean> {
  const exists = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', DEMO_SLUG)
    .executeTakeFirst();
  if (exists) return false;
  const now = clock.now();

  try {
    await db.transaction().execute((trx) => seedInTransaction(trx, now, options));
  } catch (error) {
    // another process seeded the demo at the same moment and committed first
    if ((error as { code?: string }).code === '23505') return false;
    throw error;
  }
  return true;
}

/** All of the demo in one transaction: a crash part-way leaves no half-built demo behind. */
async function seedInTransaction(trx: Kysely<DB>, now: Date, options: DemoOptions) {
  const count = options.customers ?? 300;
  const rng = new Random(options.seed ?? 20261122);
  const timeZone = DEMO_TIME_ZONE;
  const orgId = await createOrganization(trx, now, {
    name: 'Northwind Industrial Supply',
    slug: DEMO_SLUG,
    timeZone,
    baseCurrency: 'USD',
  });
  // what the demo's invoices and statements print under "How to pay"
  await trx
    .updateTable('organizations')
    .set({
      remit_to: [
        'Northwind Industrial Supply, Inc.',
        'Lockbox 4471, PO Box 8800',
        'Chicago, IL 60680-8800',
        'ACH: First Midwest Bank · Routing 071000013 · Account 5566778899',
      ].join('\n'),
      invoice_footer:
        'Thank you for your business. Questions about this invoice: ar@northwind.example · (312) 555-0142',
    })
    .where('id', '=', orgId)
    .execute();
  // a few customers are billed in Canadian dollars: their short pays have a tolerance of their
  // own (the base currency's 5.00 is in US dollars)
  await trx
    .insertInto('short_pay_tolerances')
    .values({ org_id: orgId, currency: 'CAD', amount_minor: 700n })
    .execute();
  const bootstrap: Actor = {
    orgId,
    type: 'system',
    id: null,
    name: 'demo setup',
    role: 'admin',
    requestId: null,
  };
  const userIds: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    userIds[u.email] = await addUser(trx, bootstrap, now, { ...u, password: options.password });
  }
  const collectors = DEMO_USERS.filter((u) => u.role === 'collector').map((u) => userIds[u.email]!);
  const salesReps = DEMO_USERS.filter((u) => u.role === 'viewer').map((u) => userIds[u.email]!);
  const manager = DEMO_USERS[1]!;
  const actor: Actor = {
    orgId,
    type: 'user',
    id: userIds[manager.email]!,
    name: manager.name,
    role: 'manager',
    requestId: null,
  };
  const ctx = { db: trx, actor, now };
  const today = todayIn(timeZone, now);
  const ref = await loadReferenceData(trx, orgId);
  const ids: string[] = [];
  const ledgerCustomers: DemoLedgerCustomer[] = [];

  for (let i = 0; i < count; i++) {
    const c = generateCustomer(rng, i, {
      collectors: collectors.length,
      salesReps: salesReps.length,
    });
    const id = await createCustomer(
      ctx,
      {
        accountNumber: c.accountNumber,
        name: c.name,
        legalName: c.legalName,
        currency: c.currency,
        creditLimit: formatAmount(c.creditLimitMinor, c.currency),
        paymentTerms: c.paymentTerms,
        riskClass: c.riskClass,
        status: c.status,
        statusReason: c.status === 'active' ? 'account opened' : 'migrated from ERP',
        collectorId: collectors[c.collectorIndex] ?? null,
        salesRepId: salesReps[c.salesRepIndex] ?? null,
        parentId: c.parentIndex !== null ? (ids[c.parentIndex] ?? null) : null,
        externalId: c.externalId,
        contacts: c.contacts,
        addresses: [{ kind: 'billing', ...c.address }],
      },
      ref,
    );
    ids.push(id);
    ledgerCustomers.push({ id, generated: c });
    if (c.exemptState) {
      const expiresOn: IsoDate = addDays(today, rng.int(-60, 700));
      await addCertificate(
        ctx,
        id,
        {
          jurisdiction: `US-${c.exemptState}`,
          certificateNumber: `${c.exemptState}-EX-${rng.int(100000, 999999)}`,
          expiresOn,
        },
        today,
      );
    }
  }
  await seedDemoLedger(ctx, today, rng, ledgerCustomers);
  await seedDemoStatements(ctx, today, rng);
}
