import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useBlocker } from '@tanstack/react-router';
import * as api from '../api.ts';
import { ApiError, errorMessage } from '../api.ts';
import { useCanEdit, useCurrentUser } from '../auth.ts';
import { formatMoney } from '../format.ts';
import { CustomerAccountSection } from '../components/CustomerAccount.tsx';
import { CustomerForm } from '../components/CustomerForm.tsx';
import {
  AddressesSection,
  AuditSection,
  ContactsSection,
  CreditReferencesSection,
  NotesSection,
  StatusHistorySection,
  TaxCertificatesSection,
  auditKey,
  customerKey,
} from '../components/CustomerSections.tsx';
import {
  ErrorBanner,
  RiskBadge,
  Section,
  Spinner,
  StatusBadge,
  useIdempotencyKey,
} from '../components/ui.tsx';

export const CUSTOMER_TABS = [
  'details',
  'account',
  'contacts',
  'addresses',
  'tax',
  'credit',
  'notes',
  'history',
] as const;
export type CustomerTab = (typeof CUSTOMER_TABS)[number];

interface Props {
  id: string;
  tab: CustomerTab;
  setTab: (tab: CustomerTab) => void;
}

export function CustomerDetailPage({ id, tab, setTab }: Props) {
  const user = useCurrentUser();
  const editable = useCanEdit();
  const qc = useQueryClient();
  const customer = useQuery({ queryKey: customerKey(id), queryFn: () => api.getCustomer(id) });
  const idem = useIdempotencyKey();
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [unsaved, setUnsaved] = useState(false);
  const onDirtyChange = useCallback((d: boolean) => setUnsaved(d), []);
  // Panels stay mounted (hidden) once opened, so a draft survives switching tabs.
  const [visited, setVisited] = useState<ReadonlySet<CustomerTab>>(() => new Set([tab]));
  useEffect(() => {
    setVisited((prev) => (prev.has(tab) ? prev : new Set([...prev, tab])));
  }, [tab]);

  const update = useMutation({
    mutationFn: (body: api.CustomerInput) => api.updateCustomer(id, body, idem.keyFor(body)),
    onSuccess: async (updated) => {
      idem.reset();
      qc.setQueryData(customerKey(id), updated);
      setSavedAt(Date.now());
      setTimeout(() => setSavedAt(null), 5000);
      await Promise.all([
        qc.invalidateQueries({ queryKey: customerKey(id) }),
        qc.invalidateQueries({ queryKey: auditKey(id) }),
        qc.invalidateQueries({ queryKey: ['customers', 'list'] }),
      ]);
    },
  });

  // Leaving the customer (another page, reload, closing the tab) with unsaved edits asks first.
  // Switching tabs of this customer only changes the search and never asks; neither does the
  // session-expired redirect to /login.
  useBlocker({
    shouldBlockFn: ({ current, next }) => {
      if (!unsaved || update.isPending) return false;
      if (next.pathname === current.pathname || next.pathname === '/login') return false;
      return !window.confirm('You have unsaved changes to this customer. Leave without saving?');
    },
    enableBeforeUnload: () => unsaved,
  });

  if (customer.isPending) return <Spinner label="Loading customer…" />;
  if (customer.error) {
    return (
      <div className="page">
        <p>
          <Link to="/customers">← Customers</Link>
        </p>
        <ErrorBanner error={customer.error} />
      </div>
    );
  }
  const c = customer.data;

  const tabs: { id: CustomerTab; label: string; count?: number }[] = [
    { id: 'details', label: 'Details' },
    { id: 'account', label: 'Account' },
    { id: 'contacts', label: 'Contacts', count: c.contacts.length },
    { id: 'addresses', label: 'Addresses', count: c.addresses.length },
    { id: 'tax', label: 'Tax certificates', count: c.taxCertificates.length },
    { id: 'credit', label: 'Credit references', count: c.creditReferences.length },
    { id: 'notes', label: 'Notes' },
    { id: 'history', label: 'History' },
  ];
  const isStale =
    update.error instanceof ApiError &&
    update.error.status === 409 &&
    update.error.problem.code === 'stale_version';
  const expiredCerts = c.taxCertificates.filter((t) => t.expired).length;
  const panels: { id: CustomerTab; render: () => ReactNode }[] = [
    {
      id: 'details',
      render: () => (
        <Section title={editable ? 'Edit customer' : 'Customer'}>
          <CustomerForm
            key={`${c.id}-${c.version}-${c.updatedAt}`}
            customer={c}
            baseCurrency={user.organization.baseCurrency}
            readOnly={!editable}
            submitLabel="Save changes"
            pending={update.isPending}
            error={isStale ? null : update.error}
            savedAt={savedAt}
            onSubmit={(body) => update.mutate({ ...body, version: c.version })}
            onDirtyChange={onDirtyChange}
            onDiscard={() => update.reset()}
          />
        </Section>
      ),
    },
    { id: 'account', render: () => <CustomerAccountSection customer={c} editable={editable} /> },
    { id: 'contacts', render: () => <ContactsSection customer={c} editable={editable} /> },
    { id: 'addresses', render: () => <AddressesSection customer={c} editable={editable} /> },
    { id: 'tax', render: () => <TaxCertificatesSection customer={c} editable={editable} /> },
    { id: 'credit', render: () => <CreditReferencesSection customer={c} editable={editable} /> },
    { id: 'notes', render: () => <NotesSection customerId={c.id} editable={editable} /> },
    {
      id: 'history',
      render: () => (
        <>
          <StatusHistorySection customer={c} />
          <AuditSection customerId={c.id} />
        </>
      ),
    },
  ];

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/customers">Customers</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{c.accountNumber}</span>
      </nav>
      <div className="page-header customer-header">
        <div>
          <h1>
            {c.name} <StatusBadge status={c.status} />
          </h1>
          <div className="header-meta">
            <span className="mono" data-testid="account-number">
              {c.accountNumber}
            </span>
            {c.legalName && c.legalName !== c.name ? <span>{c.legalName}</span> : null}
            {c.parent ? (
              <span>
                Parent:{' '}
                <Link to="/customers/$id" params={{ id: c.parent.id }} search={{}}>
                  {c.parent.name}
                </Link>
              </span>
            ) : null}
          </div>
        </div>
        <dl className="kpis">
          <div>
            <dt>Credit limit</dt>
            <dd className="num" data-testid="header-credit-limit">
              {c.creditLimit !== null ? `${formatMoney(c.creditLimit)} ${c.currency}` : '—'}
            </dd>
          </div>
          <div>
            <dt>Terms</dt>
            <dd>{c.paymentTerms}</dd>
          </div>
          <div>
            <dt>Risk</dt>
            <dd>
              <RiskBadge risk={c.riskClass} />
            </dd>
          </div>
          <div>
            <dt>Collector</dt>
            <dd>{c.collector?.name ?? <span className="muted">Unassigned</span>}</dd>
          </div>
        </dl>
      </div>

      <div className="tabs" role="tablist" aria-label="Customer sections">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className={`tab${tab === t.id ? ' active' : ''}`}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              const i = tabs.findIndex((x) => x.id === tab);
              const next =
                e.key === 'ArrowRight'
                  ? tabs[(i + 1) % tabs.length]
                  : e.key === 'ArrowLeft'
                    ? tabs[(i - 1 + tabs.length) % tabs.length]
                    : undefined;
              if (next) {
                e.preventDefault();
                setTab(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
          >
            {t.label}
            {t.count !== undefined ? <span className="tab-count">{t.count}</span> : null}
            {t.id === 'details' && unsaved ? (
              <span className="tab-unsaved" title="Unsaved changes" data-testid="unsaved-dot">
                <span aria-hidden="true">•</span>
                <span className="sr-only"> (unsaved changes)</span>
              </span>
            ) : null}
            {t.id === 'tax' && expiredCerts > 0 ? (
              <span className="tab-count tab-count-danger" title="Expired certificates">
                !
              </span>
            ) : null}
          </button>
        ))}
      </div>

      <div className="tabpanel">
        {isStale ? (
          <div className="alert alert-error" role="alert">
            {errorMessage(update.error)}{' '}
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => {
                update.reset();
                void customer.refetch();
              }}
            >
              Load the latest version
            </button>
          </div>
        ) : null}
        {panels.map(({ id: pid, render }) =>
          visited.has(pid) || pid === tab ? (
            <div
              key={pid}
              role="tabpanel"
              id={`panel-${pid}`}
              aria-labelledby={`tab-${pid}`}
              hidden={pid !== tab}
            >
              {render()}
            </div>
          ) : null,
        )}
      </div>
    </div>
  );
}
