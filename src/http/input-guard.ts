import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../shared/errors.ts';
import type { App } from './types.ts';

const MAX_DEPTH = 32;

/**
 * PostgreSQL text cannot hold the NUL character: refuse it up front, naming the field, instead
 * of letting the database fail the write with a 500.
 */
export function registerInputGuard(app: App) {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const found = findNul(request.body, 'body', 0) ?? findNul(request.query, 'querystring', 0);
    if (found) {
      throw new ValidationError(`${found} contains a NUL character`, [
        { path: found, message: 'must not contain the NUL character' },
      ]);
    }
  });
}

function findNul(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replace(/\u0000/g, '\\0')}`;
    const hit = findNul(child, `${path}.${key}`, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}
