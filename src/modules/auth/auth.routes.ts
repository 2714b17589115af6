import { z } from 'zod';
import { actorOf, clearSessionCookies, setSessionCookies } from '../../http/auth.ts';
import type { App, AppDeps } from '../../http/types.ts';
import { runWrite } from '../../http/write.ts';
import { ACCESS, ROLES } from '../../shared/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.ts';
import { login, logout, sessionUser } from './auth.service.ts';
import {
  changeOwnPassword,
  createApiKey,
  createUser,
  listApiKeys,
  listUsers,
  revokeApiKey,
  updateUser,
} from './users.service.ts';

const role = z.enum(ROLES);
const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  organization: z.object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    baseCurrency: z.string(),
  }),
});
const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  active: z.boolean(),
});
const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const idParams = z.object({ id: z.uuid() });

export function authRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets the session and CSRF cookies',
        security: [],
        body: z.object({
          email: z.string().trim().min(1).max(320),
          password: z.string().min(1).max(1024),
        }),
        response: {
          200: z.object({
            token: z.string(),
            csrfToken: z.string(),
            expiresAt: z.string(),
            user: sessionUserSchema,
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await login(deps, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
      setSessionCookies(reply, deps.config.cookieSecure, result);
      return {
        token: result.token,
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt.toISOString(),
        user: result.user,
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: ACCESS.read }, schema: { tags: ['auth'], summary: 'End this session' } },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.sessionId) await logout(deps, actor, request.sessionId);
      clearSessionCookies(reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['auth'],
        response: {
          200: z.object({
            user: sessionUserSchema.nullable(),
            apiKey: z.object({ id: z.string(), name: z.string(), role }).nullable(),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.type === 'user' && actor.id)
        return { user: await sessionUser(deps.db, actor.id), apiKey: null };
      if (actor.type === 'api_key' && actor.id)
        return { user: null, apiKey: { id: actor.id, name: actor.name, role: actor.role } };
      throw new UnauthorizedError('Not signed in');
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: ACCESS.read },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other sessions end',
        body: z.object({
          currentPassword: z.string().max(1024),
          newPassword: z.string().max(1024),
        }),
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (trx, actor) => {
        if (actor.type !== 'user' || !request.sessionId) {
          throw new ForbiddenError('Only a signed-in user can change their password');
        }
        await changeOwnPassword(trx, actor, deps.clock.now(), {
          sessionId: request.sessionId,
          currentPassword: request.body.currentPassword,
          newPassword: request.body.newPassword,
        });
        return { status: 204 };
      }),
  );

  app.get(
    '/api/v1/users',
    {
      config: { access: ACCESS.read },
      schema: { tags: ['users'], response: { 200: z.object({ items: z.array(userSchema) }) } },
    },
    async (request) => ({ items: await listUsers(deps.db, actorOf(request)) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['users'],
        body: z.object({
          email: z.email().max(320),
          name: z.string().trim().min(1).max(200),
          role,
          password: z.string().max(1024),
        }),
        response: { 201: userSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (trx, actor) => ({
        status: 201,
        body: await createUser(trx, actor, deps.clock.now(), request.body),
      })),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['users'],
        params: idParams,
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          role: role.optional(),
          active: z.boolean().optional(),
          password: z.string().max(1024).optional(),
        }),
        response: { 200: userSchema },
      },
    },
    (request, reply) =>
      runWrite(deps, request, reply, async (trx, actor) => ({
        status: 200,
        body: await updateUser(trx, actor, deps.clock.now(), request.params.id, request.body),
      })),
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: { access: ACCESS.admin },
      schema: { tags: ['api keys'], response: { 200: z.object({ items: z.array(apiKeySchema) }) } },
    },
    async (request) => ({ items: await listApiKeys(deps.db, actorOf(request)) }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key for an integration; the key is shown once',
        body: z.object({ name: z.string().trim().min(1).max(200), role }),
        response: { 201: apiKeySchema.extend({ key: z.string() }) },
      },
    },
    (request, reply) =>
      runWrite(
        deps,
        request,
        reply,
        async (trx, actor) => ({
          status: 201,
          body: await createApiKey(trx, actor, deps.clock.now(), request.body),
        }),
        { secretResponse: true },
      ),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { config: { access: ACCESS.admin }, schema: { tags: ['api keys'], params: idParams } },
    (request, reply) =>
      runWrite(deps, request, reply, async (trx, actor) => {
        await revokeApiKey(trx, actor, deps.clock.now(), request.params.id);
        return { status: 204 };
      }),
  );
}
