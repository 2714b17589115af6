// The open-items (opening balances) import: its upload call and template. Kept apart from
// api.ts; it speaks the same protocol (session cookie, X-CSRF-Token, Idempotency-Key,
// problem+json errors).
import {
  ApiError,
  readCookie,
  type ImportMode,
  type ImportOptions,
  type ImportResult,
} from './api.ts';
import type { Problem } from './api.ts';

export interface OpenItemImportResult extends ImportResult {
  /** Rows with errors. */
  failed: number;
}

export const OPEN_ITEMS_TEMPLATE_URL = '/api/v1/imports/open-items/template.csv';

export async function importOpenItems(
  file: File,
  dryRun: boolean,
  idempotencyKey: string,
  mode: ImportMode = 'all_or_nothing',
  options: ImportOptions = {},
): Promise<OpenItemImportResult> {
  const form = new FormData();
  if (options.mapping && Object.keys(options.mapping).length > 0) {
    form.append('mapping', JSON.stringify(options.mapping));
  }
  form.append('file', file, file.name);
  const params = new URLSearchParams({ dryRun: String(dryRun), mode });
  if (options.defaultCurrency) params.set('defaultCurrency', options.defaultCurrency);
  if (options.defaultTerms) params.set('defaultTerms', options.defaultTerms);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Idempotency-Key': idempotencyKey,
  };
  const csrf = readCookie('dunwell_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(`/api/v1/imports/open-items?${params.toString()}`, {
    method: 'POST',
    headers,
    body: form,
    credentials: 'same-origin',
  });
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const body = isJson ? ((await res.json()) as unknown) : undefined;
  if (res.ok) return body as OpenItemImportResult;
  const problem = { status: res.status, title: res.statusText, ...(body as Problem | undefined) };
  // A rejected all-or-nothing import answers 422 problem+json carrying the same result shape.
  if (problem.code === 'import_failed') {
    const p = problem as Problem & Partial<OpenItemImportResult>;
    return {
      dryRun: false,
      total: p.total,
      created: p.created ?? 0,
      updated: p.updated ?? 0,
      unchanged: p.unchanged ?? 0,
      failed: p.failed ?? 0,
      errors: (p.errors ?? []).map((e) => ({
        line: e.line ?? 0,
        field: e.field ?? null,
        message: e.message,
      })),
      rejected: true,
    };
  }
  throw new ApiError(res.status, problem);
}
