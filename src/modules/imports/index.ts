export { importsRoutes } from './imports.routes.ts';
export {
  importCustomers,
  MAX_IMPORT_ROWS,
  type CustomerImportInput,
  type CustomerImportResult,
  type ImportMode,
  type ImportPhase,
  type ImportProgress,
} from './customer-import.service.ts';
export { resolveImportActor } from './import-actor.ts';
export { CUSTOMER_IMPORT_FIELDS, customerTemplateCsv } from './customer-columns.ts';
export type { ImportRowError } from './customer-rows.ts';
export {
  importOpenItems,
  type OpenItemImportInput,
  type OpenItemImportResult,
} from './open-item-import.service.ts';
export { OPEN_ITEM_FIELDS, openItemTemplateCsv } from './open-item-columns.ts';
