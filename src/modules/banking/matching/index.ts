/**
 * Cash application: which open items a bank line pays. The matcher is pure and in memory; the
 * service that loads an organization's open items, customers and payer hints uses this.
 */
export { MatchIndex, type MatchIndexInput } from './match-index.ts';
export { DEFAULT_AUTO_APPLY_THRESHOLD } from './scoring.ts';
export {
  extractReferences,
  maskAccount,
  nameSimilarity,
  normalizeAccount,
  normalizeName,
  type RemittanceReference,
} from './normalize.ts';
export type {
  Allocation,
  MatchCustomer,
  MatchLine,
  MatchOptions,
  OpenItem,
  PayerHint,
  Suggestion,
} from './types.ts';
