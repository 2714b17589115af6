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
