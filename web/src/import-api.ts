// The open-items (opening balances) import: its upload call and template.
import { uploadImport, type ImportMode, type ImportOptions, type ImportResult } from './api.ts';

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
  const result = await uploadImport<OpenItemImportResult>(
    '/api/v1/imports/open-items',
    file,
    dryRun,
    idempotencyKey,
    mode,
    options,
  );
  return { ...result, failed: result.failed ?? 0 };
}
