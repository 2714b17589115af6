import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { newId } from '../shared/ids.ts';
import { registerAuth } from './auth.ts';
import { registerInputGuard } from './input-guard.ts';
import { errorHandler, problem, sendProblem } from './problem.ts';
import type { Access, App, AppDeps } from './types.ts';

export type RouteInfo = { method: string; url: string; access: Access };

export type RouteModule = (app: App, deps: AppDeps) => void | Promise<void>;

export type ServerOptions = {
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built web app; served at / when present. */
  webDir?: string | null;
};

const DEFAULT_WEB_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/dist',
);

/** Builds the HTTP server: plugins, auth, errors, OpenAPI, the web app and the given routes. */
export async function buildServer(
  deps: AppDeps,
  routes: RouteModule[],
  options: ServerOptions = {},
): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => newId(),
    bodyLimit: 5 * 1024 * 1024,
    trustProxy:
      typeof deps.config.trustProxy === 'number'
        ? hopsTrusted(deps.config.trustProxy)
        : deps.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 20, fieldSize: 64 * 1024 },
    throwFileSizeLimit: true,
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Dunwell API',
        version: '1',
        description:
          'Accounts receivable and collections. Amounts are decimal strings in the currency of the document ' +
          '("1234.50"); dates are YYYY-MM-DD; every POST/PATCH accepts an Idempotency-Key header; errors are ' +
          'application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from /auth/login or an API key (dwk_…)',
          },
          cookie: { type: 'apiKey', in: 'cookie', name: 'dunwell_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // every API route, so tests can prove that isolation and role checks cover all of them
  const routeTable: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routeTable.push({ method, url: route.url, access: route.config?.access ?? 'public' });
    }
  });
  app.decorate('routeTable', routeTable);
  registerAuth(app, deps);
  registerInputGuard(app);
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  for (const register of routes) await register(app, deps);

  const webDir = options.webDir === undefined ? DEFAULT_WEB_DIR : options.webDir;
  const hasWeb = webDir !== null && fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb)
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    if (hasWeb && request.method === 'GET' && !url.startsWith('/api') && !path.extname(url)) {
      // client-side routes of the single-page app
      return reply.type('text/html').sendFile('index.html');
    }
    return sendProblem(reply, problem(404, 'not_found', `No route ${request.method} ${url}`));
  });
  return app;
}

/** Trusts the nearest `hops` proxies in X-Forwarded-For. */
function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}
