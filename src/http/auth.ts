import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../shared/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../shared/errors.ts';
import { authenticate, csrfMatches } from '../modules/auth/index.ts';
import type { App, AppDeps } from './types.ts';

export const SESSION_COOKIE = 'dunwell_session';
export const CSRF_COOKIE = 'dunwell_csrf';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication and authorization for every /api route. A route without a declared `access`
 * is refused at start-up, so no route can be added without a role check. Bearer tokens
 * (session tokens or API keys) need no CSRF token; cookie sessions must echo the CSRF token in
 * `X-CSRF-Token` on every unsafe method.
 */
export function registerAuth(app: App, deps: AppDeps) {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && route.config?.access === undefined) {
      throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
    }
  });

  // before validation, so an anonymous caller learns nothing about a route's schema
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') return;
    const actor = await resolveActor(request, deps);
    if (!actor) throw new UnauthorizedError('Sign in or send a valid bearer token or API key');
    if (!access.includes(actor.role)) {
      throw new ForbiddenError(`The ${actor.role} role may not do this`);
    }
  });
}

async function resolveActor(request: FastifyRequest, deps: AppDeps): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError('The Authorization header must be "Bearer <token>"');
    const principal = await authenticate(deps, match[1]!, request.id);
    if (!principal) throw new UnauthorizedError('The token is invalid or expired', 'invalid_token');
    request.actor = principal.actor;
    request.sessionId = principal.session?.id ?? null;
    return principal.actor;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const principal = await authenticate(deps, cookie, request.id);
  if (!principal?.session)
    throw new UnauthorizedError('The session has expired; sign in again', 'session_expired');
  if (UNSAFE_METHODS.has(request.method)) {
    const given = request.headers['x-csrf-token'];
    if (!csrfMatches(principal.session.csrfToken, typeof given === 'string' ? given : undefined)) {
      throw new ForbiddenError('Missing or wrong X-CSRF-Token header for a cookie session');
    }
  }
  request.actor = principal.actor;
  request.sessionId = principal.session.id;
  return principal.actor;
}

/** The authenticated actor of a route whose access rule let the request through. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError('Not signed in');
  return request.actor;
}

export function setSessionCookies(
  reply: FastifyReply,
  secure: boolean,
  session: { token: string; csrfToken: string; expiresAt: Date },
) {
  const common = { path: '/', sameSite: 'lax' as const, secure, expires: session.expiresAt };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
