/**
 * Many receipts with their applications in set-based statements, 1,000 receipts at a time:
 * the path auto-apply takes for a bank statement. The rules are those of createPayment + applyPayment (the
 * documents locked in id order, each allocation within what is open, a discount only inside
 * its window, nothing dated before an earlier application or in a closed period, the database
 * refusing any over-application), checked in memory against the locked rows; a receipt that no
 * longer fits is returned as skipped instead of failing the batch.
 */
import { sql, type Insertable, type RawBuilder } from 'kysely';
import { pipelineWrites, PreparedWrites } from '../../db/bulk.ts';
import type {
  ArApplicationsTable,
  ArDocument,
  ArDocumentsTable,
  PaymentMethod,
  PaymentsTable,
} from '../../db/schema.ts';
import { compareDates, maxDate, type IsoDate } from '../../shared/dates.ts';
import { newId } from '../../shared/ids.ts';
import { formatAmount } from '../../shared/money.ts';
import { auditRows, type AuditEntry } from '../audit/index.ts';
import type { Ctx } from '../billing/documents.service.ts';
import { applicationPosting, documentLabel, documentPosting } from '../billing/posting.ts';
import { accountsByRole } from '../ledger/accounts.ts';
import { prepareEntries, type Posting } from '../ledger/journal.ts';
import { nextNumbers } from '../ledger/numbering.ts';
import { discountsTaken, newPaymentRow } from './payments.repository.ts';
import { customerCurrencyProblem } from './payments.service.ts';

/** Receipts per chunk of writes (a chunk's rows are built while the previous chunk is written). */
const RECEIPT_CHUNK = 1000;

export type BatchReceipt = {
  /** the caller's key, returned with the outcome (e.g. the bank line id) */
  key: string;
  customerId: string;
  currency: string;
  amountMinor: bigint;
  receivedDate: IsoDate;
  method: PaymentMethod;
  reference: string | null;
  payerName: string | null;
  payerAccount: string | null;
  bankAccountId: string | null;
  allocations: Array<{ documentId: string; amountMinor: bigint; discountMinor: bigint }>;
};

export type BatchOutcome =
  | { key: string; paymentId: string; paymentNumber: string; applications: number }
  | { key: string; skipped: string };

/** A document as the batch checks it; `discount_minor` is what it still offers. */
type Open = Pick<
  ArDocument,
  | 'id'
  | 'customer_id'
  | 'currency'
  | 'open_minor'
  | 'state'
  | 'kind'
  | 'issue_date'
  | 'discount_date'
  | 'discount_minor'
  | 'number'
>;

export type PostedReceipt = Extract<BatchOutcome, { paymentId: string }>;

/**
 * Posts what still fits of `receipts`. `alongside` may add a statement to each chunk's (for
 * instance marking the bank lines the chunk's receipts came from), so that it is written with
 * them, in the same statement.
 */
export async function postReceiptsBatch(
  ctx: Ctx,
  receipts: readonly BatchReceipt[],
  alongside?: (posted: readonly PostedReceipt[]) => RawBuilder<unknown>,
): Promise<BatchOutcome[]> {
  if (receipts.length === 0) return [];
  const orgId = ctx.actor.orgId;
  const ids = [...new Set(receipts.flatMap((r) => r.allocations.map((a) => a.documentId)))].sort();
  // lock every document in id order (as single applications do), then read what is open
  const docs = new Map<string, Open>();
  const latest = new Map<string, IsoDate>();
  for (let i = 0; i < ids.length; i += 10000) {
    const slice = ids.slice(i, i + 10000);
    const rows = await ctx.db
      .selectFrom('ar_documents')
      .select([
        'id',
        'customer_id',
        'currency',
        'open_minor',
        'state',
        'kind',
        'issue_date',
        'discount_date',
        'discount_minor',
        'number',
      ])
      .where('org_id', '=', orgId)
      .where('id', 'in', slice)
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const r of rows) docs.set(r.id, r);
    const moved = await ctx.db
      .selectFrom('ar_applications')
      .select(['debit_document_id', sql<string>`max(effective_date)::text`.as('latest')])
      .where('org_id', '=', orgId)
      .where('debit_document_id', 'in', slice)
      .groupBy('debit_document_id')
      .execute();
    for (const m of moved) latest.set(m.debit_document_id, m.latest as IsoDate);
    // what each still offers of its early-payment discount (it is offered once)
    for (const [id, minor] of await discountsTaken(ctx.db, orgId, slice)) {
      const d = docs.get(id);
      if (d) d.discount_minor -= minor;
    }
  }
  // a customer's cash is in its billing currency (as createPayment requires)
  const billedIn = new Map<string, string>();
  const customerIds = [...new Set(receipts.map((r) => r.customerId))];
  for (let i = 0; i < customerIds.length; i += 10000) {
    const rows = await ctx.db
      .selectFrom('customers')
      .select(['id', 'currency'])
      .where('org_id', '=', orgId)
      .where('id', 'in', customerIds.slice(i, i + 10000))
      .execute();
    for (const c of rows) billedIn.set(c.id, c.currency);
  }
  const org = await ctx.db
    .selectFrom('organizations')
    .select('closed_through')
    .where('id', '=', orgId)
    .forShare()
    .executeTakeFirstOrThrow();
  const closed = org.closed_through as IsoDate | null;

  type Accepted = BatchReceipt & { date: IsoDate };
  const accepted: Accepted[] = [];
  const outcomes = new Map<string, BatchOutcome>();
  for (const r of receipts) {
    // applications are dated no earlier than the invoices or their latest application
    let date = r.receivedDate;
    for (const a of r.allocations) {
      const d = docs.get(a.documentId);
      if (d) date = maxDate(date, d.issue_date as IsoDate, latest.get(a.documentId) ?? date);
    }
    // checked on the date the applications take, as applyPayment does
    const currency = billedIn.get(r.customerId);
    const problem =
      currency === undefined
        ? 'the customer is not known'
        : (customerCurrencyProblem(currency, r.currency) ?? checkReceipt(r, date, docs, closed));
    if (problem) {
      outcomes.set(r.key, { key: r.key, skipped: problem });
      continue;
    }
    for (const a of r.allocations) {
      const d = docs.get(a.documentId)!;
      d.open_minor -= a.amountMinor + a.discountMinor;
      d.discount_minor -= a.discountMinor;
      latest.set(a.documentId, date);
    }
    accepted.push({ ...r, date });
  }
  if (accepted.length === 0) return receipts.map((r) => outcomes.get(r.key)!);

  const accounts = await accountsByRole(ctx.db, orgId);
  const numbers = await nextNumbers(ctx.db, orgId, 'payment', accepted.length);
  const discountCount = accepted.reduce(
    (n, r) => n + r.allocations.filter((a) => a.discountMinor > 0n).length,
    0,
  );
  const discountNumbers = discountCount
    ? await nextNumbers(ctx.db, orgId, 'discount', discountCount)
    : [];
  let discountIndex = 0;
  const docRow = (input: {
    id: string;
    kind: 'payment' | 'discount';
    number: string;
    customerId: string;
    currency: string;
    date: IsoDate;
    amount: bigint;
    open: bigint;
    offset: string;
    paymentId: string;
    related: string | null;
    reason: string | null;
  }) => ({
    id: input.id,
    org_id: orgId,
    customer_id: input.customerId,
    kind: input.kind,
    state: 'posted' as const,
    number: input.number,
    currency: input.currency,
    issue_date: input.date,
    subtotal_minor: input.amount,
    amount_minor: input.amount,
    open_minor: input.open,
    reason: input.reason,
    related_document_id: input.related,
    offset_account_id: input.offset,
    payment_id: input.paymentId,
    posted_at: ctx.now,
    created_by_name: ctx.actor.name,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  // 1,000 receipts per chunk: the next chunk's rows are built and serialized while the
  // database writes this one's (the discount numbers are taken in order: chunks are prepared
  // one after the other)
  const numbered = accepted.map((r, i) => [r, numbers[i]!] as const);
  await pipelineWrites(
    numbered,
    RECEIPT_CHUNK,
    (chunk) => {
      const paymentRows: Insertable<PaymentsTable>[] = [];
      const documentRows: Insertable<ArDocumentsTable>[] = [];
      const applicationRows: Insertable<ArApplicationsTable>[] = [];
      const documentPostings: Posting[] = [];
      const applicationPostings: Posting[] = [];
      const audits: AuditEntry[] = [];
      const posted: PostedReceipt[] = [];
      for (const [r, number] of chunk) {
        const paymentId = newId();
        const paymentDocId = newId();
        let cash = 0n;
        for (const a of r.allocations) cash += a.amountMinor;
        paymentRows.push(
          newPaymentRow(ctx.actor, ctx.now, {
            id: paymentId,
            org_id: orgId,
            number,
            kind: 'receipt' as const,
            method: r.method,
            customer_id: r.customerId,
            currency: r.currency,
            amount_minor: r.amountMinor,
            held_minor: 0n,
            received_date: r.receivedDate,
            reference: r.reference,
            payer_name: r.payerName,
            payer_account: r.payerAccount,
            memo: null,
            external_id: null,
            bank_account_id: r.bankAccountId,
            deposit_batch_id: null,
            cash_account_id: accounts.cash.id,
          }),
        );
        // inserted with what stays open after the applications below (their trigger moves it)
        documentRows.push(
          docRow({
            id: paymentDocId,
            kind: 'payment',
            number,
            customerId: r.customerId,
            currency: r.currency,
            date: r.receivedDate,
            amount: -r.amountMinor,
            open: -r.amountMinor,
            offset: accounts.cash.id,
            paymentId,
            related: null,
            reason: null,
          }),
        );
        documentPostings.push({
          ...documentPosting(
            {
              id: paymentDocId,
              kind: 'payment',
              number,
              customerId: r.customerId,
              currency: r.currency,
              issueDate: r.receivedDate,
              amountMinor: -r.amountMinor,
              taxMinor: 0n,
              offsetAccountId: accounts.cash.id,
            },
            [],
            accounts,
          ),
          paymentId,
        });
        const label = (docId: string) => {
          const d = docs.get(docId)!;
          return documentLabel(d.kind, d.number);
        };
        const apply = (creditId: string, creditLabel: string, debitId: string, amount: bigint) => {
          const applicationId = newId();
          applicationRows.push({
            id: applicationId,
            org_id: orgId,
            debit_document_id: debitId,
            credit_document_id: creditId,
            amount_minor: amount,
            effective_date: r.date,
            reverses_application_id: null,
            reason: null,
            actor_name: ctx.actor.name,
            created_at: ctx.now,
          });
          applicationPostings.push(
            applicationPosting({
              applicationId,
              effectiveDate: r.date,
              currency: r.currency,
              customerId: r.customerId,
              debitDocumentId: debitId,
              creditDocumentId: creditId,
              amountMinor: amount,
              description: `${creditLabel} applied to ${label(debitId)}`,
              accounts,
            }),
          );
        };
        for (const a of r.allocations) {
          if (a.amountMinor > 0n)
            apply(paymentDocId, `Payment ${number}`, a.documentId, a.amountMinor);
          if (a.discountMinor > 0n) {
            const discountId = newId();
            const discountNumber = discountNumbers[discountIndex++]!;
            const reason = `Early-payment discount with payment ${number}`;
            documentRows.push(
              docRow({
                id: discountId,
                kind: 'discount',
                number: discountNumber,
                customerId: r.customerId,
                currency: r.currency,
                date: r.date,
                amount: -a.discountMinor,
                open: -a.discountMinor,
                offset: accounts.discounts_allowed.id,
                paymentId,
                related: a.documentId,
                reason,
              }),
            );
            documentPostings.push({
              ...documentPosting(
                {
                  id: discountId,
                  kind: 'discount',
                  number: discountNumber,
                  customerId: r.customerId,
                  currency: r.currency,
                  issueDate: r.date,
                  amountMinor: -a.discountMinor,
                  taxMinor: 0n,
                  offsetAccountId: accounts.discounts_allowed.id,
                },
                [],
                accounts,
              ),
              paymentId,
            });
            apply(discountId, `Discount ${discountNumber}`, a.documentId, a.discountMinor);
          }
        }
        audits.push({
          entityType: 'payment',
          entityId: paymentId,
          action: 'create',
          after: {
            number,
            method: r.method,
            customerId: r.customerId,
            amount: formatAmount(r.amountMinor, r.currency),
            currency: r.currency,
            receivedDate: r.receivedDate,
            applied: formatAmount(cash, r.currency),
            source: 'auto-apply',
          },
        });
        const outcome = {
          key: r.key,
          paymentId,
          paymentNumber: number,
          applications: r.allocations.length,
        };
        outcomes.set(r.key, outcome);
        posted.push(outcome);
      }
      const writes = new PreparedWrites()
        .insert('payments', paymentRows)
        .insert('ar_documents', documentRows);
      prepareEntries(writes, ctx.actor, ctx.now, documentPostings);
      writes.insert('ar_applications', applicationRows);
      prepareEntries(writes, ctx.actor, ctx.now, applicationPostings);
      writes.insert('audit_log', auditRows(ctx.actor, ctx.now, audits));
      if (alongside) writes.statement(alongside(posted));
      return writes.asOneStatement();
    },
    (writes) => writes.execute(ctx.db),
  );
  return receipts.map((r) => outcomes.get(r.key)!);
}

/** Why a receipt cannot be applied as planned, or null. */
function checkReceipt(
  r: BatchReceipt,
  date: IsoDate,
  docs: Map<string, Open>,
  closed: IsoDate | null,
): string | null {
  if (closed && compareDates(r.receivedDate, closed) <= 0)
    return `the period is closed through ${closed}`;
  let total = 0n;
  const named = new Set<string>();
  for (const a of r.allocations) {
    // one allocation per document (the database would refuse the whole batch)
    if (named.has(a.documentId)) return 'a document is named twice';
    named.add(a.documentId);
    const d = docs.get(a.documentId);
    if (!d || d.customer_id !== r.customerId || d.currency !== r.currency || d.state !== 'posted')
      return 'a document is no longer open for this customer';
    if (d.kind !== 'invoice' && d.kind !== 'debit_memo') return 'a document cannot take a payment';
    if (a.amountMinor < 0n || a.discountMinor < 0n) return 'a negative allocation';
    if (a.amountMinor + a.discountMinor > d.open_minor)
      return `${documentLabel(d.kind, d.number)} has less open now`;
    if (a.discountMinor > 0n) {
      if (
        !d.discount_date ||
        compareDates(date, d.discount_date as IsoDate) > 0 ||
        a.discountMinor > d.discount_minor
      )
        return `the discount on ${documentLabel(d.kind, d.number)} is not available`;
    }
    total += a.amountMinor;
  }
  if (total > r.amountMinor) return 'allocations exceed the amount received';
  return null;
}
