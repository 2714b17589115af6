import type { Kysely } from 'kysely';
import type { DB, Role } from '../../src/db/schema.ts';
import { addUser, createOrganization } from '../../src/modules/organizations/index.ts';
import { systemActor } from '../../src/shared/actor.ts';

export type BenchUser = { id: string; email: string; role: Role };
export type BenchOrganization = {
  orgId: string;
  slug: string;
  /** signs in over HTTP with the dataset's password */
  manager: BenchUser;
  collectorIds: string[];
  salesRepIds: string[];
};

export type OrganizationSpec = {
  slug: string;
  name: string;
  collectors: number;
  salesReps: number;
  password: string;
  now: Date;
};

/**
 * An organization with an admin, a manager, collectors and sales reps, created through the
 * organizations service (so it has default payment terms and the same audit rows as a real one).
 * Every user gets the dataset password; argon2 makes each user cost ~50 ms, so keep teams small.
 */
export async function createBenchOrganization(
  db: Kysely<DB>,
  spec: OrganizationSpec,
): Promise<BenchOrganization> {
  return db.transaction().execute(async (trx) => {
    const orgId = await createOrganization(trx, spec.now, {
      name: spec.name,
      slug: spec.slug,
      timeZone: 'America/Chicago',
      baseCurrency: 'USD',
    });
    const actor = systemActor(orgId, 'bench generator');
    const add = async (role: Role, key: string, name: string): Promise<BenchUser> => {
      const email = `${key}@${spec.slug}.bench.test`;
      return {
        id: await addUser(trx, actor, spec.now, { email, name, role, password: spec.password }),
        email,
        role,
      };
    };
    await add('admin', 'admin', 'Bench Admin');
    const manager = await add('manager', 'manager', 'Bench Manager');
    const collectorIds: string[] = [];
    for (let i = 1; i <= spec.collectors; i++)
      collectorIds.push((await add('collector', `collector${i}`, `Collector ${i}`)).id);
    const salesRepIds: string[] = [];
    for (let i = 1; i <= spec.salesReps; i++)
      salesRepIds.push((await add('viewer', `rep${i}`, `Sales Rep ${i}`)).id);
    return { orgId, slug: spec.slug, manager, collectorIds, salesRepIds };
  });
}
