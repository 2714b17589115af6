/**
 * The check every statement must pass whatever its format: opening balance + Σ line amounts =
 * closing balance. Formats without both balances (camt.054, MT942, CSV, lockbox) are not checked
 * here; their own control totals are in `controlProblems`.
 */
import { formatAmount } from '../../../shared/money.ts';
import type { ParsedStatement } from './statement.ts';

/**
 * Explains why the statement's lines do not lead from its opening to its closing balance, or
 * returns null when they do or when there is nothing to check (a balance missing, or opening and
 * closing in different currencies).
 *
 * @example balanceProblem(s) // "opening balance 100.00 USD + lines 50.00 USD = 150.00 USD, but
 *   the closing balance is 140.00 USD (difference -10.00 USD)"
 */
export function balanceProblem(statement: ParsedStatement): string | null {
  const opening = statement.openingBalance;
  const closing = statement.closingBalance;
  if (!opening || !closing || opening.currency !== closing.currency) return null;
  const currency = opening.currency;
  const foreign = statement.lines.find((line) => line.currency !== currency);
  if (foreign) {
    return (
      `line ${foreign.lineNo} is in ${foreign.currency} but the balances are in ${currency}: ` +
      'opening + lines = closing cannot be checked'
    );
  }
  let linesTotal = 0n;
  for (const line of statement.lines) linesTotal += line.amountMinor;
  const expected = opening.amountMinor + linesTotal;
  if (expected === closing.amountMinor) return null;
  const show = (amountMinor: bigint) => `${formatAmount(amountMinor, currency)} ${currency}`;
  return (
    `opening balance ${show(opening.amountMinor)} + lines ${show(linesTotal)} = ${show(expected)}, ` +
    `but the closing balance is ${show(closing.amountMinor)} ` +
    `(difference ${show(closing.amountMinor - expected)})`
  );
}
