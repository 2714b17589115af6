import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import * as repo from './imports.repository.ts';

/**
 * Who a command-line import acts as: the user with the given e-mail, else the organization's
 * first admin. The organization is the one named by slug, else the only one there is.
 */
export async function resolveImportActor(
  db: Kysely<DB>,
  options: { orgSlug?: string | undefined; userEmail?: string | undefined },
): Promise<Actor> {
  const orgs = await repo.listOrganizations(db);
  const org = options.orgSlug
    ? orgs.find((o) => o.slug === options.orgSlug)
    : orgs.length === 1
      ? orgs[0]
      : undefined;
  if (!org) {
    const slugs = orgs.map((o) => o.slug).join(', ') || 'none';
    if (options.orgSlug)
      throw new NotFoundError(`No organization "${options.orgSlug}" (organizations: ${slugs})`);
    throw new ValidationError(
      `Choose the organization with --org <slug> (organizations: ${slugs})`,
    );
  }
  const user = options.userEmail
    ? await repo.findUserByEmail(db, org.id, options.userEmail)
    : await repo.findFirstAdmin(db, org.id);
  if (!user) {
    throw new NotFoundError(
      options.userEmail
        ? `No user ${options.userEmail} in organization ${org.slug}`
        : `Organization ${org.slug} has no active admin; pass --as <user e-mail>`,
    );
  }
  if (!user.active)
    throw new ValidationError(`User ${options.userEmail ?? user.name} is deactivated`);
  return {
    orgId: org.id,
    type: 'user',
    id: user.id,
    name: user.name,
    role: user.role,
    requestId: null,
  };
}
