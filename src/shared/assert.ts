import { InvariantError } from './errors.ts';

/**
 * Asserts an internal invariant. A failure is a bug (500), never a user error:
 * validate user input with DomainError/ValidationError instead.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
