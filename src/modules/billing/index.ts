export { billingRoutes } from './billing.routes.ts';
export * as billing from './documents.service.ts';
export {
  getDocumentDetail,
  listDocuments,
  documentStatus,
  type DocumentDetailDto,
} from './documents.repository.ts';
export { customerAccount } from './customer-account.ts';
export { priceLines, applyTerms } from './pricing.ts';
export {
  buildInvoices,
  buildOpeningItems,
  createInvoices,
  findBatchConflicts,
  loadBatchRefs,
  postBuiltDocuments,
  type Built,
} from './documents.batch.ts';
export type { InvoiceInput, OpeningItemInput, PreparedDocument } from './invoice-builder.ts';
