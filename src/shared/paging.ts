/**
 * Keyset paging for lists sorted newest first by (date, id), and the LIKE pattern for a
 * search term.
 */
import { ValidationError } from './errors.ts';

export function encodeCursor(date: string, id: string): string {
  return Buffer.from(JSON.stringify([date, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value[0]) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // falls through
  }
  throw new ValidationError('The cursor is invalid', [
    { path: 'querystring.cursor', message: 'is invalid' },
  ]);
}

/** `%term%` in lower case with LIKE's wildcards escaped. */
export function likeTerm(q: string): string {
  return `%${q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
