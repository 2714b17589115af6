import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { ApiError, onUnauthorized } from './api.ts';
import { makeRouter } from './router.tsx';
import { markSessionExpired } from './auth.ts';
import './styles.css';

function isClientError(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500;
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Client errors are answers, not glitches: retry only network and 5xx failures.
      retry: (count, err) => !isClientError(err) && count < 2,
    },
    mutations: { retry: false },
  },
});

const router = makeRouter(queryClient);

let redirecting = false;
onUnauthorized(() => {
  if (redirecting || router.state.location.pathname === '/login') return;
  redirecting = true;
  const here = router.state.location;
  const redirect = `${here.pathname}${here.searchStr}`;
  markSessionExpired(true);
  queryClient.clear();
  void router.navigate({ to: '/login', search: { redirect } }).finally(() => {
    redirecting = false;
  });
});

const el = document.getElementById('root');
if (!el) throw new Error('#root missing');
createRoot(el).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
