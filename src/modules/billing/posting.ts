/**
 * The journal entry each AR document posts. Pure functions: a document and its lines in, a
 * balanced posting out. Signs follow the document: a positive amount (invoice, debit memo,
 * refund, an increasing adjustment) debits AR; a negative amount credits it.
 */
import type { ArDocumentKind } from '../../db/schema.ts';
import type { IsoDate } from '../../shared/dates.ts';
import type { AccountsByRole } from '../ledger/accounts.ts';
import type { Posting, PostingLine } from '../ledger/journal.ts';

export type PostableDocument = {
  id: string;
  kind: ArDocumentKind;
  number: string;
  customerId: string;
  currency: string;
  issueDate: IsoDate;
  amountMinor: bigint;
  /** signed like amountMinor */
  taxMinor: bigint;
  /** the other side of AR for documents without lines (adjustments, refunds, amount memos) */
  offsetAccountId: string | null;
};

export type PostableLine = { accountId: string; amountMinor: bigint };

/** What each kind of AR document is called, on screen, in the journal and in print. */
export const DOCUMENT_KIND_LABELS: Readonly<Record<ArDocumentKind, string>> = {
  invoice: 'Invoice',
  credit_memo: 'Credit memo',
  debit_memo: 'Debit memo',
  adjustment: 'Adjustment',
  write_off: 'Write-off',
  refund: 'Refund',
  payment: 'Payment',
  discount: 'Discount',
};

export function documentLabel(kind: ArDocumentKind, number: string | null): string {
  return `${DOCUMENT_KIND_LABELS[kind]} ${number ?? '(draft)'}`;
}

/** Debit or credit of `amount` depending on its sign (`debitWhenPositive`). */
function side(
  amount: bigint,
  debitWhenPositive: boolean,
): Pick<PostingLine, 'debitMinor' | 'creditMinor'> {
  const positive = amount >= 0n;
  const magnitude = positive ? amount : -amount;
  return positive === debitWhenPositive ? { debitMinor: magnitude } : { creditMinor: magnitude };
}

/**
 * AR against revenue (by line account) and sales tax for documents with lines; AR against the
 * offset account for the rest.
 */
export function documentPosting(
  doc: PostableDocument,
  lines: readonly PostableLine[],
  accounts: AccountsByRole,
): Posting {
  const sign = doc.amountMinor < 0n ? -1n : 1n;
  const postingLines: PostingLine[] = [
    {
      accountId: accounts.ar_control.id,
      ...side(doc.amountMinor, true),
      customerId: doc.customerId,
      documentId: doc.id,
    },
  ];
  if (lines.length > 0) {
    const byAccount = new Map<string, bigint>();
    for (const l of lines)
      byAccount.set(l.accountId, (byAccount.get(l.accountId) ?? 0n) + l.amountMinor);
    for (const [accountId, amount] of byAccount) {
      postingLines.push({ accountId, ...side(sign * amount, false) });
    }
    // the document's tax is signed like its amount already (negative on a credit memo)
    if (doc.taxMinor !== 0n) {
      postingLines.push({
        accountId: accounts.sales_tax_payable.id,
        ...side(doc.taxMinor, false),
      });
    }
  } else {
    postingLines.push({
      accountId: doc.offsetAccountId ?? accounts.revenue.id,
      ...side(doc.amountMinor, false),
    });
  }
  return {
    effectiveDate: doc.issueDate,
    currency: doc.currency,
    kind: doc.kind,
    description: documentLabel(doc.kind, doc.number),
    documentId: doc.id,
    lines: postingLines,
  };
}

/**
 * An application moves an open balance from one AR document to another: it credits AR on the
 * debit document (the invoice gets paid) and debits AR on the credit document (the memo is
 * used up). The AR control account does not move.
 */
export function applicationPosting(input: {
  applicationId: string;
  effectiveDate: IsoDate;
  currency: string;
  customerId: string;
  debitDocumentId: string;
  creditDocumentId: string;
  /** positive applies, negative unapplies */
  amountMinor: bigint;
  description: string;
  accounts: AccountsByRole;
}): Posting {
  const ar = input.accounts.ar_control.id;
  return {
    effectiveDate: input.effectiveDate,
    currency: input.currency,
    kind: input.amountMinor > 0n ? 'application' : 'unapplication',
    description: input.description,
    applicationId: input.applicationId,
    lines: [
      {
        accountId: ar,
        ...side(input.amountMinor, true),
        customerId: input.customerId,
        documentId: input.creditDocumentId,
      },
      {
        accountId: ar,
        ...side(input.amountMinor, false),
        customerId: input.customerId,
        documentId: input.debitDocumentId,
      },
    ],
  };
}
