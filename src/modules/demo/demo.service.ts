import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import type { Clock } from '../../shared/clock.ts';
import { addDays, todayIn, type IsoDate } from '../../shared/dates.ts';
import { formatAmount } from '../../shared/money.ts';
import { createCustomer, loadReferenceData } from '../customers/index.ts';
import { addUser, createOrganization } from '../organizations/index.ts';
import { generateCustomer } from './companies.ts';
import { Random } from './random.ts';

export const DEMO_SLUG = 'demo';
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
  const count = options.customers ?? 300;
  const rng = new Random(options.seed ?? 20261122);
  const now = clock.now();

  const { orgId, userIds } = await db.transaction().execute(async (trx) => {
    const orgId = await createOrganization(trx, now, {
      name: 'Northwind Industrial Supply',
      slug: DEMO_SLUG,
      timeZone: 'America/Chicago',
      baseCurrency: 'USD',
    });
    const bootstrap: Actor = {
      orgId,
      type: 'system',
      id: null,
      name: 'demo setup',
      role: 'admin',
      requestId: null,
    };
    const userIds: Record<string, string> = {};
    for (const u of DEMO_USERS)
      userIds[u.email] = await addUser(trx, bootstrap, now, { ...u, password: options.password });
    return { orgId, userIds };
  });

  const collectors = DEMO_USERS.filter((u) => u.role === 'collector').map((u) => userIds[u.email]!);
  const salesReps = DEMO_USERS.filter((u) => u.role === 'viewer').map((u) => userIds[u.email]!);
  const actor: Actor = {
    orgId,
    type: 'user',
    id: userIds[`manager@${DEMO_DOMAIN}`]!,
    name: DEMO_USERS[1]!.name,
    role: 'manager',
    requestId: null,
  };
  const today = todayIn('America/Chicago', now);
  const ids: string[] = [];

  // batches of 50 customers per transaction keep each transaction short
  for (let start = 0; start < count; start += 50) {
    await db.transaction().execute(async (trx) => {
      const ref = await loadReferenceData(trx, orgId);
      for (let i = start; i < Math.min(count, start + 50); i++) {
        const c = generateCustomer(rng, i, {
          collectors: collectors.length,
          salesReps: salesReps.length,
        });
        const id = await createCustomer(
          { db: trx, actor, now },
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
        if (c.exemptState) {
          const expiresOn: IsoDate = addDays(today, rng.int(-60, 700));
          await trx
            .insertInto('tax_certificates')
            .values({
              id: crypto.randomUUID(),
              org_id: orgId,
              customer_id: id,
              jurisdiction: `US-${c.exemptState}`,
              certificate_number: `${c.exemptState}-EX-${rng.int(100000, 999999)}`,
              expires_on: expiresOn,
              document_id: null,
            })
            .execute();
        }
      }
    });
  }
  return true;
}
