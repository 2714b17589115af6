/**
 * Typed application errors. The HTTP layer maps {@link AppError} subclasses to
 * `application/problem+json` responses using `status` and `code`; anything else
 * (including {@link InvariantError}) is a bug and maps to 500.
 */

/** One problem with one input field, CSV line or JSON path. */
export type FieldError = { path?: string; line?: number; field?: string; message: string };

/** Base class of all errors that are the caller's fault (4xx). */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];

  constructor(status: number, code: string, message: string, errors: FieldError[] = []) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

/** A business rule was violated (422), e.g. `invalid_amount`, `unknown_currency`. */
export class DomainError extends AppError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super(422, code, message, errors);
  }
}

/** The request is malformed (400). */
export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[] = [], code = 'validation_failed') {
    super(400, code, message, errors);
  }
}

/** The resource does not exist or is not visible to the caller (404). */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** The request conflicts with the current state, e.g. a duplicate or stale version (409). */
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** The caller is not authenticated (401). */
export class UnauthorizedError extends AppError {
  constructor(message: string, code = 'unauthorized') {
    super(401, code, message);
  }
}

/** The caller is authenticated but not allowed to do this (403). */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

/** An internal invariant was broken: a bug. Always maps to 500, never to a 4xx. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}
