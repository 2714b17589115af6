export { ledgerRoutes } from './ledger.routes.ts';
export {
  ensureChartOfAccounts,
  ensureAllChartsOfAccounts,
  accountsByRole,
  DEFAULT_ACCOUNTS,
} from './accounts.ts';
export { postEntry, postEntries, reverseEntry, assertPeriodOpen, type Posting } from './journal.ts';
export { nextNumber, nextNumbers } from './numbering.ts';
export { trialBalance, glReconciliation } from './reports.ts';
export { verifyLedger, type LedgerProblem } from './verify.ts';
