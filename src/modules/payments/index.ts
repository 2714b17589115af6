export { paymentsRoutes } from './payments.routes.ts';
export * as payments from './payments.service.ts';
export * as deposits from './deposits.service.ts';
export { getPaymentDetail, listPayments } from './payments.repository.ts';
export { learnPayer, loadPayerHints } from './payer-hints.ts';
