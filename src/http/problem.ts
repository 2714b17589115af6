import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../shared/errors.ts';

/** RFC 9457 problem details, with a stable machine `code` and per-field `errors`. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
  500: 'Internal Server Error',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): Problem {
  return {
    type: `https://dunwell.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({ ...p, requestId: reply.request.id });
}

type PgError = {
  code?: string;
  constraint?: string;
  detail?: string;
  hint?: string;
  message?: string;
};

/** Maps every error to problem+json once; unknown errors become a 500 without internals. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error);
  // DEBUG_500=1 prints the cause of a 500 where no logger is attached (the test servers)
  if (p.status >= 500 && process.env.DEBUG_500) console.error(error);
  if (p.status >= 500 && p.status !== 503) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: p.code, status: p.status }, p.detail);
  if (
    (p.status === 429 || p.status === 503) &&
    error instanceof AppError &&
    'retryAfterSeconds' in error
  ) {
    reply.header('retry-after', String(error.retryAfterSeconds));
  }
  return sendProblem(reply, p);
}

/**
 * Database refusals that input can still provoke despite validation (a race on a unique key,
 * a value out of a column's range) become 4xx without naming tables or constraints.
 */
function databaseProblem(e: PgError): Problem | undefined {
  switch (e.code) {
    case '23505':
      return problem(409, 'duplicate', 'A record with the same unique value already exists');
    case '23503':
      return problem(
        422,
        'invalid_reference',
        'A referenced record does not exist in this organization',
      );
    case '23514':
      // the open-balance checks on ar_documents: an application larger than what is open
      if (e.constraint?.startsWith('ar_documents_')) {
        return problem(
          422,
          'exceeds_open_balance',
          'The amount is more than the open balance of the document',
        );
      }
      return problem(422, 'rule_violated', 'A value breaks a rule of the data');
    case 'P0001':
      // ledger rules enforced by triggers; the hint names the rule (see 0002_ledger.sql)
      if (e.hint === 'period_closed') return problem(422, 'period_closed', e.message ?? '');
      return undefined;
    case '40001':
    case '40P01':
      return problem(409, 'concurrent_update', 'Another change got there first; try again');
    case '22003':
      return problem(400, 'value_out_of_range', 'A number in the request is out of range');
    case '22001':
      return problem(400, 'value_too_long', 'A text in the request is too long');
    case '22007':
    case '22008':
    case '22P02':
    case '22021':
      return problem(400, 'invalid_value', 'A value in the request is not valid');
  }
  return undefined;
}

function toProblem(error: FastifyError): Problem {
  if (error instanceof AppError)
    return problem(error.status, error.code, error.message, error.errors);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
    }));
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return problem(400, 'validation_failed', `The request is invalid: ${detail}`, errors);
  }
  if (isResponseSerializationError(error))
    return problem(500, 'internal_error', 'Internal server error');
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'malformed_json', `The request body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return problem(413, 'payload_too_large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return problem(415, 'unsupported_media_type', error.message);
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return problem(400, 'malformed_json', `The request body is not valid JSON: ${error.message}`);
  }
  const pgProblem = databaseProblem(error as unknown as PgError);
  if (pgProblem) return pgProblem;
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return problem(error.statusCode, 'bad_request', error.message);
  }
  return problem(500, 'internal_error', 'Internal server error');
}
