export { outputRoutes } from './output.routes.ts';
export {
  openItemsAsOf,
  ageOpenItems,
  agingBucket,
  daysOverdue,
  buildStatement,
  AGING_BUCKETS,
  type OpenItem,
  type OpenItemsFilter,
  type AgingBucket,
  type Statement,
} from './statement.ts';
export { renderInvoicePdf } from './invoice-pdf.ts';
export { renderStatementPdf } from './statement-pdf.ts';
export { failInterruptedDeliveries } from './outbox.repository.ts';
