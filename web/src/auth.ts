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

/**
 * A post-login destination taken from the URL: only a same-origin relative path is accepted
 * ("/customers/1?tab=notes"); anything else ("//evil.example", "https://…", "/\\x", "javascript:")
 * falls back to the customer list.
 */
export function safeRedirect(target: unknown, fallback = '/customers'): string {
  if (typeof target !== 'string' || target.length > 2000) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\'))
    return fallback;
  if (/[\u0000-\u001f\\]/.test(target)) return fallback;
  try {
    const base = window.location.origin;
    const u = new URL(target, base);
    if (u.origin !== base) return fallback;
    if (u.pathname === '/login') return fallback;
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return fallback;
  }
}

let sessionExpired = false;
/** Set when an API call answered 401 mid-session; the login page says so once. */
export function markSessionExpired(v: boolean): void {
  sessionExpired = v;
}
export function wasSessionExpired(): boolean {
  return sessionExpired;
}
