import { useQuery } from '@tanstack/react-query';
import * as api from './api.ts';

export const meQueryKey = ['auth', 'me'] as const;

export const meQuery = {
  queryKey: meQueryKey,
  queryFn: () => api.me(),
  staleTime: 5 * 60_000,
  retry: false,
} as const;

/** The signed-in user. Only call below the authenticated layout, which guarantees it is loaded. */
export function useCurrentUser(): api.User {
  const { data } = useQuery(meQuery);
  if (!data) throw new Error('useCurrentUser called outside the authenticated layout');
  return data;
}

const READ_ONLY_ROLES = new Set(['viewer', 'read_only', 'readonly', 'auditor']);

export function canEdit(user: api.User | api.UserSummary | undefined): boolean {
  return !!user && !READ_ONLY_ROLES.has(user.role);
}

export function useCanEdit(): boolean {
  return canEdit(useCurrentUser());
}

const MANAGER_ROLES = new Set(['admin', 'manager']);

/** Credit limits and credit status are changed by managers and admins only. */
export function useCanManage(): boolean {
  return MANAGER_ROLES.has(useCurrentUser().role);
}
