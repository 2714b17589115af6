import {
  Link,
  Outlet,
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

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([indexRoute, customersRoute, customerNewRoute, customerRoute, importRoute]),
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
