import { Suspense, lazy } from 'react';
import {
  Link,
  Outlet,
  lazyRouteComponent,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  redirect,
  useNavigate,
} from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { meQuery } from './auth.ts';
import { setTimeZone } from './format.ts';
import { Shell } from './components/Shell.tsx';
import { ErrorBanner, Spinner } from './components/ui.tsx';
import { LoginPage } from './pages/Login.tsx';
import { CustomersListPage, validateCustomersSearch } from './pages/CustomersList.tsx';
import type { CustomersSearch } from './pages/CustomersList.tsx';
import { CUSTOMER_TABS, CustomerDetailPage } from './pages/CustomerDetail.tsx';
import type { CustomerTab } from './pages/CustomerDetail.tsx';
import { CustomerNewPage } from './pages/CustomerNew.tsx';
import { ImportPage } from './pages/Import.tsx';
import { DocumentsListPage, validateDocumentsSearch } from './pages/DocumentsList.tsx';
import type { DocumentsSearch } from './pages/DocumentsList.tsx';
import { MemoFormPage, validateMemoSearch } from './pages/MemoForm.tsx';
import type { MemoSearch } from './pages/MemoForm.tsx';
import { PaymentsListPage, validatePaymentsSearch } from './pages/PaymentsList.tsx';
import type { PaymentsSearch } from './pages/PaymentsList.tsx';
import type { StatementSearch } from './pages/CashStatement.tsx';
import type { DeductionsSearch } from './pages/Deductions.tsx';
import type { DepositsSearch } from './pages/DepositBatches.tsx';
import { DEDUCTION_STATUSES, LINE_STATUSES } from './payments-api.ts';

// Pages used less often load on first visit, keeping the first download small.
const DocumentDetailPage = lazy(() =>
  import('./pages/DocumentDetail.tsx').then((m) => ({ default: m.DocumentDetailPage })),
);
const InvoiceFormPage = lazy(() =>
  import('./pages/InvoiceForm.tsx').then((m) => ({ default: m.InvoiceFormPage })),
);
const ledgerReports = () => import('./pages/LedgerReports.tsx');
const ledgerSetup = () => import('./pages/LedgerSetup.tsx');
const TrialBalancePage = lazyRouteComponent(ledgerReports, 'TrialBalancePage');
const GlReconciliationPage = lazyRouteComponent(ledgerReports, 'GlReconciliationPage');
const JournalExportPage = lazyRouteComponent(ledgerReports, 'JournalExportPage');
const ChartOfAccountsPage = lazyRouteComponent(ledgerSetup, 'ChartOfAccountsPage');
const PeriodLockPage = lazyRouteComponent(ledgerSetup, 'PeriodLockPage');
const InvoiceSettingsPage = lazyRouteComponent(ledgerSetup, 'InvoiceSettingsPage');
const OutboxPage = lazyRouteComponent(() => import('./pages/Outbox.tsx'), 'OutboxPage');
const PaymentDetailPage = lazy(() =>
  import('./pages/PaymentDetail.tsx').then((m) => ({ default: m.PaymentDetailPage })),
);
const PaymentNewPage = lazy(() =>
  import('./pages/PaymentNew.tsx').then((m) => ({ default: m.PaymentNewPage })),
);
const CashStatementPage = lazy(() =>
  import('./pages/CashStatement.tsx').then((m) => ({ default: m.CashStatementPage })),
);
const DeductionsPage = lazy(() =>
  import('./pages/Deductions.tsx').then((m) => ({ default: m.DeductionsPage })),
);
const CashSettingsPage = lazyRouteComponent(
  () => import('./pages/CashSettings.tsx'),
  'CashSettingsPage',
);
const DepositBatchesPage = lazy(() =>
  import('./pages/DepositBatches.tsx').then((m) => ({ default: m.DepositBatchesPage })),
);
const CashWorkbenchPage = lazyRouteComponent(
  () => import('./pages/CashWorkbench.tsx'),
  'CashWorkbenchPage',
);
const BankAccountsPage = lazyRouteComponent(
  () => import('./pages/BankAccounts.tsx'),
  'BankAccountsPage',
);
const CashReconciliationPage = lazyRouteComponent(
  () => import('./pages/CashReconciliation.tsx'),
  'CashReconciliationPage',
);

/** A page number from the URL: 2 or more, else undefined (the first page). */
function pageNumber(raw: unknown): number | undefined {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 1 ? n : undefined;
}

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => <Outlet />,
  notFoundComponent: () => (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/customers">Go to customers</Link>
      </p>
    </div>
  ),
  errorComponent: ({ error }) => (
    <div className="page">
      <h1>Something went wrong</h1>
      <ErrorBanner error={error} />
    </div>
  ),
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (raw: Record<string, unknown>): { redirect?: string | undefined } => ({
    redirect: typeof raw.redirect === 'string' && raw.redirect ? raw.redirect : undefined,
  }),
  component: function LoginRouteComponent() {
    const { redirect: target } = loginRoute.useSearch();
    return <LoginPage redirect={target} />;
  },
});

/** Everything behind the login: loads the current user first, or goes to /login. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    try {
      const user = await context.queryClient.ensureQueryData(meQuery);
      setTimeZone(user.organization.timeZone);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        // Come back here after signing in (the list is where a sign-in lands anyway).
        const here = `${location.pathname}${location.searchStr}`;
        const back = here === '/' || here === '/customers' ? undefined : here;
        throw redirect({ to: '/login', search: { redirect: back } });
      }
      throw err;
    }
  },
  pendingComponent: () => <Spinner />,
  component: Shell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/customers' });
  },
});

const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers',
  validateSearch: (raw: Record<string, unknown>): CustomersSearch => validateCustomersSearch(raw),
  component: function CustomersRouteComponent() {
    const search = customersRoute.useSearch();
    const navigate = useNavigate();
    return (
      <CustomersListPage
        search={search}
        setSearch={(update, replace) =>
          void navigate({
            from: '/customers',
            to: '/customers',
            search: (prev: CustomersSearch) => update(prev),
            replace: replace ?? false,
          })
        }
      />
    );
  },
});

const customerNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers/new',
  component: CustomerNewPage,
});

const customerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers/$id',
  validateSearch: (raw: Record<string, unknown>): { tab?: CustomerTab | undefined } => ({
    tab: CUSTOMER_TABS.find((t) => t === raw.tab),
  }),
  component: function CustomerRouteComponent() {
    const { id } = customerRoute.useParams();
    const { tab } = customerRoute.useSearch();
    const navigate = useNavigate();
    return (
      <CustomerDetailPage
        key={id}
        id={id}
        tab={tab ?? 'details'}
        setTab={(t) =>
          void navigate({
            to: '/customers/$id',
            params: { id },
            search: { tab: t === 'details' ? undefined : t },
            replace: true,
          })
        }
      />
    );
  },
});

const importRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/import',
  component: ImportPage,
});

const invoicesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/invoices',
  validateSearch: (raw: Record<string, unknown>): DocumentsSearch => validateDocumentsSearch(raw),
  component: function InvoicesRouteComponent() {
    const search = invoicesRoute.useSearch();
    const navigate = useNavigate();
    return (
      <DocumentsListPage
        search={search}
        setSearch={(update, replace) =>
          void navigate({
            from: '/invoices',
            to: '/invoices',
            search: (prev: DocumentsSearch) => update(prev),
            replace: replace ?? false,
          })
        }
      />
    );
  },
});

const invoiceNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/invoices/new',
  validateSearch: (raw: Record<string, unknown>): { customer?: string | undefined } => ({
    customer: typeof raw.customer === 'string' && raw.customer ? raw.customer : undefined,
  }),
  component: function InvoiceNewRouteComponent() {
    const { customer } = invoiceNewRoute.useSearch();
    return (
      <Suspense fallback={<Spinner />}>
        <InvoiceFormPage key={customer ?? ''} customerId={customer} />
      </Suspense>
    );
  },
});

const invoiceEditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/invoices/$id/edit',
  component: function InvoiceEditRouteComponent() {
    const { id } = invoiceEditRoute.useParams();
    return (
      <Suspense fallback={<Spinner />}>
        <InvoiceFormPage key={id} id={id} />
      </Suspense>
    );
  },
});

const documentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/documents/$id',
  component: function DocumentRouteComponent() {
    const { id } = documentRoute.useParams();
    return (
      <Suspense fallback={<Spinner />}>
        <DocumentDetailPage key={id} id={id} />
      </Suspense>
    );
  },
});

const memoNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/memos/new',
  validateSearch: (raw: Record<string, unknown>): MemoSearch => validateMemoSearch(raw),
  component: function MemoNewRouteComponent() {
    const search = memoNewRoute.useSearch();
    return <MemoFormPage search={search} />;
  },
});

const trialBalanceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ledger/trial-balance',
  component: TrialBalancePage,
});

const reconciliationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ledger/reconciliation',
  component: GlReconciliationPage,
});

const journalRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ledger/journal',
  component: JournalExportPage,
});

const accountsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ledger/accounts',
  component: ChartOfAccountsPage,
});

const periodLockRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ledger/period-lock',
  component: PeriodLockPage,
});

const outboxRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/outbox',
  component: OutboxPage,
});

const invoiceSettingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings/invoices',
  component: InvoiceSettingsPage,
});

const paymentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/payments',
  validateSearch: (raw: Record<string, unknown>): PaymentsSearch => validatePaymentsSearch(raw),
  component: function PaymentsRouteComponent() {
    const search = paymentsRoute.useSearch();
    const navigate = useNavigate();
    return (
      <PaymentsListPage
        search={search}
        setSearch={(update, replace) =>
          void navigate({
            from: '/payments',
            to: '/payments',
            search: (prev: PaymentsSearch) => update(prev),
            replace: replace ?? false,
          })
        }
      />
    );
  },
});

const paymentNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/payments/new',
  validateSearch: (raw: Record<string, unknown>): { customer?: string | undefined } => ({
    customer: typeof raw.customer === 'string' && raw.customer ? raw.customer : undefined,
  }),
  component: function PaymentNewRouteComponent() {
    const { customer } = paymentNewRoute.useSearch();
    return (
      <Suspense fallback={<Spinner />}>
        <PaymentNewPage key={customer ?? ''} customerId={customer} />
      </Suspense>
    );
  },
});

const paymentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/payments/$id',
  component: function PaymentRouteComponent() {
    const { id } = paymentRoute.useParams();
    return (
      <Suspense fallback={<Spinner />}>
        <PaymentDetailPage key={id} id={id} />
      </Suspense>
    );
  },
});

const deductionsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/deductions',
  validateSearch: (raw: Record<string, unknown>): DeductionsSearch => ({
    status: DEDUCTION_STATUSES.find((s) => s === raw.status),
    customer: typeof raw.customer === 'string' && raw.customer ? raw.customer : undefined,
  }),
  component: function DeductionsRouteComponent() {
    const search = deductionsRoute.useSearch();
    const navigate = useNavigate();
    return (
      <Suspense fallback={<Spinner />}>
        <DeductionsPage
          search={search}
          setSearch={(update, replace) =>
            void navigate({
              from: '/deductions',
              to: '/deductions',
              search: (prev: DeductionsSearch) => update(prev),
              replace: replace ?? false,
            })
          }
        />
      </Suspense>
    );
  },
});

const cashRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash',
  component: CashWorkbenchPage,
});

const statementRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash/statements/$id',
  validateSearch: (raw: Record<string, unknown>): StatementSearch => ({
    line: typeof raw.line === 'string' && raw.line ? raw.line : undefined,
    status: LINE_STATUSES.find((s) => s === raw.status),
    page: pageNumber(raw.page),
  }),
  component: function StatementRouteComponent() {
    const { id } = statementRoute.useParams();
    const search = statementRoute.useSearch();
    const navigate = useNavigate();
    return (
      <Suspense fallback={<Spinner />}>
        <CashStatementPage
          key={id}
          id={id}
          search={search}
          setSearch={(update, replace) =>
            void navigate({
              from: '/cash/statements/$id',
              to: '/cash/statements/$id',
              params: { id },
              search: (prev: StatementSearch) => update(prev),
              replace: replace ?? false,
            })
          }
        />
      </Suspense>
    );
  },
});

const depositsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash/deposits',
  validateSearch: (raw: Record<string, unknown>): DepositsSearch => ({
    batch: typeof raw.batch === 'string' && raw.batch ? raw.batch : undefined,
    status: raw.status === 'open' || raw.status === 'deposited' ? raw.status : undefined,
  }),
  component: function DepositsRouteComponent() {
    const search = depositsRoute.useSearch();
    const navigate = useNavigate();
    return (
      <Suspense fallback={<Spinner />}>
        <DepositBatchesPage
          search={search}
          setSearch={(update, replace) =>
            void navigate({
              from: '/cash/deposits',
              to: '/cash/deposits',
              search: (prev: DepositsSearch) => update(prev),
              replace: replace ?? false,
            })
          }
        />
      </Suspense>
    );
  },
});

const bankAccountsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash/bank-accounts',
  component: BankAccountsPage,
});

const cashSettingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash/settings',
  component: CashSettingsPage,
});

const cashReconciliationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cash/reconciliation',
  component: CashReconciliationPage,
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    indexRoute,
    customersRoute,
    customerNewRoute,
    customerRoute,
    importRoute,
    invoicesRoute,
    invoiceNewRoute,
    invoiceEditRoute,
    documentRoute,
    memoNewRoute,
    trialBalanceRoute,
    reconciliationRoute,
    journalRoute,
    accountsRoute,
    periodLockRoute,
    outboxRoute,
    invoiceSettingsRoute,
    paymentsRoute,
    paymentNewRoute,
    paymentRoute,
    deductionsRoute,
    cashRoute,
    statementRoute,
    depositsRoute,
    bankAccountsRoute,
    cashReconciliationRoute,
    cashSettingsRoute,
  ]),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
