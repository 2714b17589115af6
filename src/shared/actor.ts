import type { Role } from '../db/schema.ts';

/**
 * Who is acting, in which organization. Every service call takes one: the organization id is
 * what isolates one tenant's rows from another's, and the rest goes into the audit trail.
 */
export type Actor = {
  readonly orgId: string;
  readonly type: 'user' | 'api_key' | 'system';
  /** user id or API key id; null for the system */
  readonly id: string | null;
  readonly name: string;
  readonly role: Role;
  readonly requestId: string | null;
};

export const ROLES = ['admin', 'manager', 'collector', 'viewer'] as const satisfies readonly Role[];

/** Who may do what, by role (later issues refine this into permissions). */
export const ACCESS = {
  read: ROLES,
  write: ['admin', 'manager', 'collector'],
  manage: ['admin', 'manager'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export function hasRole(actor: Actor, allowed: readonly Role[]): boolean {
  return allowed.includes(actor.role);
}

export function systemActor(orgId: string, name = 'system'): Actor {
  return { orgId, type: 'system', id: null, name, role: 'admin', requestId: null };
}
