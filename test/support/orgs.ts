import type { Kysely } from 'kysely';
import type { DB, Role } from '../../src/db/schema.ts';
import { addUser, createOrganization } from '../../src/modules/organizations/index.ts';
import { systemActor, type Actor } from '../../src/shared/actor.ts';
import { ApiClient } from './api.ts';
import { TEST_PASSWORD, type TestServer } from './server.ts';

export type TestOrg = {
  orgId: string;
  /** the organization's system actor (an admin), for calling services and checks directly */
  actor: Actor;
  slug: string;
  users: Record<Role, { id: string; email: string }>;
  clients: Record<Role, ApiClient>;
};

/** A second (or third) organization with one user per role, each signed in through the API. */
export async function createTestOrg(server: TestServer, slug: string): Promise<TestOrg> {
  const db: Kysely<DB> = server.runtime.database.db;
  const now = server.runtime.clock.now();
  const orgId = await createOrganization(db, now, {
    name: `Org ${slug}`,
    slug,
    timeZone: 'Europe/Berlin',
    baseCurrency: 'EUR',
  });
  const roles: Role[] = ['admin', 'manager', 'collector', 'viewer'];
  const users = {} as TestOrg['users'];
  const clients = {} as TestOrg['clients'];
  for (const role of roles) {
    const email = `${role}@${slug}.test`;
    users[role] = {
      id: await addUser(db, systemActor(orgId), now, {
        email,
        name: `${role} of ${slug}`,
        role,
        password: TEST_PASSWORD,
      }),
      email,
    };
    clients[role] = await ApiClient.login(server, email, TEST_PASSWORD);
  }
  return { orgId, actor: systemActor(orgId, 'test'), slug, users, clients };
}
