import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from '../shared/actor.ts';
import type { Clock } from '../shared/clock.ts';

/** What every route module is given by the composition root. */
export type AppDeps = {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly config: Config;
};

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Who may call a route: 'public' or the roles allowed. Every /api route must declare it. */
export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
}
