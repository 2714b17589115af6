export { bankingRoutes } from './banking.routes.ts';
export { importBankFile, listStatements, getStatement } from './bank-statements.service.ts';
export * as cashApplication from './cash-application.service.ts';
export { cashReconciliation } from './cash-reconciliation.ts';
