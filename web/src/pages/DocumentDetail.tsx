import { useState } from 'react';
import type { ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import type { ArApplication, ArDocument } from '../api.ts';
import { errorMessage } from '../api.ts';
import { useCanEdit, useCanManage } from '../auth.ts';
import {
  DOCUMENT_KIND_LABELS,
  REFUND_METHOD_LABELS,
  currencyExponent,
  decimalToMinor,
  documentName,
  formatDate,
  formatDateTime,
  formatMoney,
  label,
  minorToDecimal,
  trimZeros,
} from '../format.ts';
import {
  AdjustmentDialog,
  ApplyDialog,
  RefundDialog,
  SendDialog,
  UnapplyDialog,
  VoidDialog,
  WriteOffDialog,
  invalidateLedger,
} from '../components/DocumentDialogs.tsx';
import { DocumentHistory } from '../components/DocumentHistory.tsx';
import { JournalEntries } from '../components/JournalEntries.tsx';
import {
  Dialog,
  DocLink,
  DocStatusBadge,
  Kpi,
  Money,
  isMissingRoute,
} from '../components/ledger-ui.tsx';
import { Empty, ErrorBanner, Section, Spinner, useIdempotencyKey } from '../components/ui.tsx';

export const documentKey = (id: string) => ['documents', 'detail', id] as const;

type DialogName = 'void' | 'writeoff' | 'adjust' | 'apply' | 'refund' | 'send' | 'delete';

/** Documents a customer receives (and so can be e-mailed). */
const SENDABLE_KINDS = new Set(['invoice', 'debit_memo', 'credit_memo']);

/** Kinds that only a manager may void (they were created by a manager). */
const MANAGER_KINDS = new Set(['adjustment', 'write_off', 'refund']);

export function DocumentDetailPage({ id }: { id: string }) {
  const doc = useQuery({ queryKey: documentKey(id), queryFn: () => api.getDocument(id) });
  if (doc.isPending) return <Spinner label="Loading document…" />;
  if (doc.error) {
    return (
      <div className="page">
        <p>
          <Link to="/invoices">← Invoices</Link>
        </p>
        <ErrorBanner error={doc.error} />
      </div>
    );
  }
  return <DocumentView doc={doc.data} />;
}

function DocumentView({ doc }: { doc: ArDocument }) {
  const editable = useCanEdit();
  const manager = useCanManage();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [unapplying, setUnapplying] = useState<ArApplication | null>(null);
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null);
  const postKey = useIdempotencyKey();

  const done = (text: string) => {
    setDialog(null);
    setUnapplying(null);
    setNotice({ text });
  };
  const post = useMutation({
    mutationFn: () => api.postInvoice(doc.id, postKey.keyFor(doc.id)),
    onSuccess: async (posted) => {
      postKey.reset();
      await invalidateLedger(qc);
      setNotice({ text: `Posted as ${posted.number ?? ''}` });
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deleteDraftInvoice(doc.id),
    onSuccess: async () => {
      await invalidateLedger(qc);
      await navigate({ to: '/invoices' });
    },
  });

  const kindLabel = label(DOCUMENT_KIND_LABELS, doc.kind);
  const isDraft = doc.state === 'draft';
  const isPosted = doc.state === 'posted';
  const isDebit = doc.direction > 0;
  const hasOpen = (decimalToMinor(doc.openBalance, doc.currency) ?? 0n) > 0n;
  // What payments and credits took off the total (a void clears the balance without paying it).
  const settled =
    isDebit && isPosted
      ? minorToDecimal(
          (decimalToMinor(doc.total, doc.currency) ?? 0n) -
            (decimalToMinor(doc.openBalance, doc.currency) ?? 0n),
          doc.currency,
        )
      : null;

  async function openPdf() {
    // Open the tab at once (a popup opened after an await is blocked), then fill it.
    const tab = window.open('', '_blank');
    try {
      const { blob } = await api.fetchFile(api.invoicePdfUrl(doc.id));
      const url = URL.createObjectURL(blob);
      if (tab) tab.location.href = url;
      else window.location.href = url;
    } catch (err) {
      tab?.close();
      setNotice({
        text: isMissingRoute(err)
          ? 'PDFs are not available on this server yet.'
          : errorMessage(err),
        error: true,
      });
    }
  }

  const actions: ReactNode[] = [];
  if (editable && isDraft && doc.kind === 'invoice') {
    actions.push(
      <button
        key="post"
        type="button"
        className="btn btn-primary"
        disabled={post.isPending}
        onClick={() => post.mutate()}
      >
        {post.isPending ? 'Posting…' : 'Post'}
      </button>,
      <Link key="edit" to="/invoices/$id/edit" params={{ id: doc.id }} className="btn">
        Edit draft
      </Link>,
      <button
        key="delete"
        type="button"
        className="btn btn-danger-text"
        onClick={() => setDialog('delete')}
      >
        Delete draft
      </button>,
    );
  }
  if (doc.state !== 'voided') {
    actions.push(
      <button key="pdf" type="button" className="btn" onClick={() => void openPdf()}>
        Open PDF
      </button>,
    );
  }
  if (editable && isPosted && SENDABLE_KINDS.has(doc.kind)) {
    actions.push(
      <button key="send" type="button" className="btn" onClick={() => setDialog('send')}>
        Send by e-mail
      </button>,
    );
  }
  if (editable && isPosted && isDebit && (doc.kind === 'invoice' || doc.kind === 'debit_memo')) {
    actions.push(
      <Link
        key="cm"
        to="/memos/new"
        search={{ kind: 'credit_memo', invoice: doc.id }}
        className="btn"
      >
        New credit memo
      </Link>,
    );
  }
  if (editable && isPosted && !isDebit && hasOpen) {
    actions.push(
      <button
        key="apply"
        type="button"
        className="btn btn-primary"
        onClick={() => setDialog('apply')}
      >
        Apply to invoice
      </button>,
    );
    if (manager) {
      actions.push(
        <button key="refund" type="button" className="btn" onClick={() => setDialog('refund')}>
          Refund
        </button>,
      );
    }
  }
  if (manager && isPosted && isDebit) {
    actions.push(
      <button key="adjust" type="button" className="btn" onClick={() => setDialog('adjust')}>
        Adjustment
      </button>,
    );
    if (doc.kind === 'invoice' && hasOpen) {
      actions.push(
        <button
          key="wo"
          type="button"
          className="btn btn-danger-text"
          onClick={() => setDialog('writeoff')}
        >
          Write off
        </button>,
      );
    }
  }
  if (isPosted && (MANAGER_KINDS.has(doc.kind) ? manager : editable)) {
    actions.push(
      <button
        key="void"
        type="button"
        className="btn btn-danger-text"
        onClick={() => setDialog('void')}
      >
        Void
      </button>,
    );
  }

  const close = () => setDialog(null);
  const dialogProps = { doc, onClose: close, onDone: done };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/invoices" search={doc.kind === 'invoice' ? {} : { kind: 'all' }}>
          Invoices and memos
        </Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{documentName(doc.kind, doc.number)}</span>
      </nav>
      <div className="page-header customer-header">
        <div>
          <h1>
            <span>
              {kindLabel}{' '}
              <span className="mono doc-number" data-testid="doc-number">
                {doc.number ?? '(draft)'}
              </span>
            </span>
            <span data-testid="doc-status">
              <DocStatusBadge status={doc.status} />
            </span>
          </h1>
          <div className="header-meta">
            <Link to="/customers/$id" params={{ id: doc.customerId }} search={{ tab: 'account' }}>
              {doc.customerName}
            </Link>
            <span className="mono">{doc.customerAccountNumber}</span>
            <span>{doc.currency}</span>
            {doc.openingBalance ? (
              <span className="badge badge-neutral">Opening balance</span>
            ) : null}
          </div>
        </div>
        <dl className="kpis">
          <Kpi label="Total" testId="doc-total">
            <Money value={doc.total} currency={doc.currency} showCurrency />
          </Kpi>
          <Kpi label={isDebit ? 'Balance due' : 'Unapplied'} testId="doc-open">
            <Money value={doc.openBalance} currency={doc.currency} showCurrency />
          </Kpi>
          {doc.dueDate ? <Kpi label="Due">{formatDate(doc.dueDate)}</Kpi> : null}
          {doc.overdue ? (
            <Kpi label="Days overdue">
              <span className="overdue">{doc.daysOverdue}</span>
            </Kpi>
          ) : null}
        </dl>
      </div>

      {actions.length > 0 ? (
        <div className="action-bar" role="toolbar" aria-label="Document actions">
          {actions}
        </div>
      ) : null}
      {notice ? (
        <div
          className={`alert ${notice.error ? 'alert-error' : 'alert-success'}`}
          role="status"
          data-testid="notice"
        >
          {notice.text}
        </div>
      ) : null}
      {post.error ? <ErrorBanner error={post.error} title="Could not post" /> : null}
      {doc.state === 'voided' ? (
        <div className="alert alert-error" role="note">
          Voided on {formatDate(doc.voidedDate)}
          {doc.voidReason ? `: ${doc.voidReason}` : ''}
        </div>
      ) : null}

      <Section title="Details">
        <DocumentFacts doc={doc} />
      </Section>

      {doc.lines.length > 0 ? (
        <Section title="Lines">
          <div className="table-scroll">
            <table className="data-table" aria-label="Lines">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Description</th>
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col" className="num">
                    Unit price
                  </th>
                  <th scope="col" className="num">
                    Tax %
                  </th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Tax
                  </th>
                  <th scope="col">Account</th>
                </tr>
              </thead>
              <tbody>
                {doc.lines.map((l) => (
                  <tr key={l.lineNo} data-testid="doc-line">
                    <td className="muted">{l.lineNo}</td>
                    <td className="wrap">{l.description}</td>
                    <td className="num">{formatMoney(trimZeros(l.quantity))}</td>
                    <td className="num">
                      {formatMoney(trimZeros(l.unitPrice, currencyExponent(doc.currency)))}
                    </td>
                    <td className="num">{trimZeros(l.taxRate)}</td>
                    <td className="num">{formatMoney(l.amount)}</td>
                    <td className="num">{formatMoney(l.tax)}</td>
                    <td className="mono">{l.accountCode}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Totals doc={doc} settled={settled} />
        </Section>
      ) : (
        <Section title="Amount">
          <Totals doc={doc} settled={settled} />
        </Section>
      )}

      <Section title="Applications">
        {doc.applications.length === 0 ? (
          <Empty>Nothing applied.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="data-table" aria-label="Applications">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">{isDebit ? 'Paid with' : 'Applied to'}</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">By</th>
                  <th scope="col">Note</th>
                  <th scope="col" className="actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {doc.applications.map((a) => (
                  <tr
                    key={a.id}
                    data-testid="application-row"
                    className={a.reversed ? 'muted' : ''}
                  >
                    <td>{formatDate(a.date)}</td>
                    <td>
                      <DocLink id={a.documentId} kind={a.documentKind} number={a.documentNumber} />
                    </td>
                    <td className="num">{formatMoney(a.amount)}</td>
                    <td>{a.by}</td>
                    <td className="wrap">
                      {a.reversesApplicationId ? (
                        <span className="badge badge-neutral">Unapplication</span>
                      ) : null}
                      {a.reversed ? <span className="badge badge-neutral">Unapplied</span> : null}{' '}
                      {a.reason ?? ''}
                    </td>
                    <td className="actions">
                      {editable &&
                      !a.reversed &&
                      !a.reversesApplicationId &&
                      doc.state === 'posted' ? (
                        <button
                          type="button"
                          className="btn btn-sm"
                          onClick={() => setUnapplying(a)}
                        >
                          Unapply
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      {doc.relatedDocuments.length > 0 || doc.relatedDocument ? (
        <Section title="Related documents">
          <div className="table-scroll">
            <table className="data-table" aria-label="Related documents">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Document</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {doc.relatedDocument ? (
                  <tr data-testid="related-row">
                    <td>{label(DOCUMENT_KIND_LABELS, doc.relatedDocument.kind)} (corrects)</td>
                    <td>
                      <DocLink
                        id={doc.relatedDocument.id}
                        kind={doc.relatedDocument.kind}
                        number={doc.relatedDocument.number}
                      />
                    </td>
                    <td />
                    <td />
                  </tr>
                ) : null}
                {doc.relatedDocuments.map((r) => (
                  <tr key={r.id} data-testid="related-row">
                    <td>{label(DOCUMENT_KIND_LABELS, r.kind)}</td>
                    <td>
                      <DocLink id={r.id} kind={r.kind} number={r.number} />
                    </td>
                    <td className="num">{formatMoney(r.total)}</td>
                    <td>
                      <DocStatusBadge status={r.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}

      <Section title="Journal entries">
        <JournalEntries entries={doc.journalEntries} />
      </Section>

      <DocumentHistory doc={doc} />

      {dialog === 'void' ? <VoidDialog {...dialogProps} /> : null}
      {dialog === 'writeoff' ? <WriteOffDialog {...dialogProps} /> : null}
      {dialog === 'adjust' ? <AdjustmentDialog {...dialogProps} /> : null}
      {dialog === 'apply' ? <ApplyDialog {...dialogProps} /> : null}
      {dialog === 'refund' ? <RefundDialog {...dialogProps} /> : null}
      {dialog === 'send' ? <SendDialog doc={doc} onClose={close} /> : null}
      {dialog === 'delete' ? (
        <Dialog title="Delete this draft?" onClose={close}>
          <p>The draft invoice is removed. Nothing was posted, so the ledger does not change.</p>
          {remove.error ? <ErrorBanner error={remove.error} /> : null}
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              Delete draft
            </button>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
      {unapplying ? (
        <UnapplyDialog
          application={unapplying}
          currency={doc.currency}
          onClose={() => setUnapplying(null)}
          onDone={done}
        />
      ) : null}
    </div>
  );
}

function Totals({ doc, settled }: { doc: ArDocument; settled: string | null }) {
  const isDebit = doc.direction > 0;
  return (
    <dl className="totals" aria-label="Totals">
      {doc.lines.length > 0 ? (
        <>
          <div>
            <dt>Subtotal</dt>
            <dd>{formatMoney(doc.subtotal)}</dd>
          </div>
          <div>
            <dt>Tax</dt>
            <dd>{formatMoney(doc.tax)}</dd>
          </div>
        </>
      ) : null}
      <div className="totals-strong">
        <dt>Total</dt>
        <dd data-testid="totals-total">
          {formatMoney(doc.total)} {doc.currency}
        </dd>
      </div>
      {isDebit && settled !== null ? (
        <div>
          <dt>Paid and credited</dt>
          <dd>{formatMoney(settled)}</dd>
        </div>
      ) : null}
      <div className="totals-strong">
        <dt>{isDebit ? 'Balance due' : 'Unapplied'}</dt>
        <dd data-testid="totals-open">
          {formatMoney(doc.openBalance)} {doc.currency}
        </dd>
      </div>
    </dl>
  );
}

function DocumentFacts({ doc }: { doc: ArDocument }) {
  const facts: [string, ReactNode][] = [
    ['Issue date', formatDate(doc.issueDate)],
    ['Due date', formatDate(doc.dueDate) || '—'],
  ];
  if (doc.termsCode) facts.push(['Terms', doc.termsCode]);
  if (doc.discountDate) {
    facts.push([
      'Early-payment discount',
      `${formatMoney(doc.discountAmount)} ${doc.currency} if paid by ${formatDate(doc.discountDate)}`,
    ]);
  }
  if (doc.poNumber) facts.push(['PO number', doc.poNumber]);
  if (doc.salesOrderRef) facts.push(['Sales order', doc.salesOrderRef]);
  if (doc.taxJurisdiction) facts.push(['Tax jurisdiction', doc.taxJurisdiction]);
  if (doc.taxExemptCertificate) facts.push(['Tax-exempt certificate', doc.taxExemptCertificate]);
  if (doc.externalId) facts.push(['External id', doc.externalId]);
  if (doc.reason) facts.push(['Reason', doc.reason]);
  if (doc.offsetAccountCode) facts.push(['Offset account', doc.offsetAccountCode]);
  if (doc.refundMethod) {
    facts.push([
      'Refund',
      `${label(REFUND_METHOD_LABELS, doc.refundMethod)}${doc.refundReference ? ` · ${doc.refundReference}` : ''}`,
    ]);
  }
  facts.push(['Created', `${formatDateTime(doc.createdAt)} by ${doc.createdBy}`]);
  if (doc.memo) facts.push(['Memo', doc.memo]);
  return (
    <dl className="facts">
      {facts.map(([k, v]) => (
        <div key={k} className={k === 'Memo' ? 'span-2' : undefined}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
