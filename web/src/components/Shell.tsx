import { useEffect, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '../api.ts';
import { useCanEdit, useCurrentUser } from '../auth.ts';
import { ROLE_LABELS, label } from '../format.ts';

const COMING_SOON = ['Collections worklist', 'Disputes', 'Reports'] as const;

const LEDGER_LINKS = [
  ['/ledger/trial-balance', 'Trial balance'],
  ['/ledger/reconciliation', 'GL reconciliation'],
  ['/ledger/journal', 'Journal export'],
  ['/ledger/accounts', 'Chart of accounts'],
  ['/ledger/period-lock', 'Period lock'],
] as const;

const CASH_LINKS = [
  ['/payments', 'Payments'],
  ['/deductions', 'Deductions'],
  ['/cash', 'Cash application'],
  ['/cash/deposits', 'Deposit batches'],
  ['/cash/reconciliation', 'Cash reconciliation'],
  ['/cash/bank-accounts', 'Bank accounts'],
  ['/cash/settings', 'Cash settings'],
] as const;

/** The nav entry a cash page belongs to: statements are part of the workbench. */
function cashSection(pathname: string): string | null {
  if (/^\/payments(\/|$)/.test(pathname)) return '/payments';
  if (/^\/cash\/statements\//.test(pathname) || pathname === '/cash') return '/cash';
  const match = CASH_LINKS.find(([to]) => pathname.startsWith(to) && to !== '/cash');
  return match ? match[0] : null;
}

/** Invoice, memo and document pages all belong to the Invoices module. */
function isBillingPath(pathname: string): boolean {
  return /^\/(invoices|documents|memos)(\/|$)/.test(pathname);
}

export function Shell() {
  const user = useCurrentUser();
  const editable = useCanEdit();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = useLocation({ select: (l) => l.pathname });
  // On a narrow screen the menu closes once a page is chosen.
  useEffect(() => setMenuOpen(false), [pathname]);
  const inBilling = isBillingPath(pathname);
  const cashActive = cashSection(pathname);
  const logout = useMutation({
    mutationFn: () => api.logout(),
    onSettled: async () => {
      queryClient.clear();
      await navigate({ to: '/login' });
    },
  });

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <button
            type="button"
            className="menu-toggle btn btn-ghost btn-sm"
            aria-controls="sidenav"
            aria-expanded={menuOpen}
            aria-label={menuOpen ? 'Close menu' : 'Open menu'}
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span aria-hidden="true">☰</span>
          </button>
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="brand-name">Dunwell</span>
          <span className="brand-sep" aria-hidden="true">
            /
          </span>
          <span className="org-name" data-testid="org-name" title={user.organization.name}>
            {user.organization.name}
          </span>
        </div>
        <div className="topbar-user">
          {!editable ? (
            <span className="badge badge-neutral" title="Your role has read-only access">
              Read-only
            </span>
          ) : null}
          <span className="user-name" data-testid="user-name" title={user.name}>
            {user.name}
          </span>
          <span className="user-role" data-testid="user-role">
            {label(ROLE_LABELS, user.role)}
          </span>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Log out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav id="sidenav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Modules">
          <ul>
            <li>
              <Link
                to="/customers"
                className="nav-link"
                activeProps={{ className: 'nav-link active' }}
              >
                Customers
              </Link>
            </li>
            <li>
              <Link
                to="/invoices"
                className={`nav-link${inBilling ? ' active' : ''}`}
                aria-current={inBilling ? 'page' : undefined}
              >
                Invoices
              </Link>
            </li>
            <li>
              <Link
                to="/outbox"
                className="nav-link"
                activeProps={{ className: 'nav-link active' }}
              >
                Outbox
              </Link>
            </li>
            {COMING_SOON.map((name) => (
              <li key={name}>
                <span className="nav-link disabled" aria-disabled="true" title="Coming soon">
                  {name}
                  <span className="soon">Soon</span>
                </span>
              </li>
            ))}
          </ul>
          <div className="nav-group-label">Cash</div>
          <ul>
            {CASH_LINKS.map(([to, text]) => (
              <li key={to}>
                <Link
                  to={to}
                  activeOptions={{ exact: true, includeSearch: false }}
                  className={`nav-link${cashActive === to ? ' active' : ''}`}
                  aria-current={cashActive === to ? 'page' : undefined}
                >
                  {text}
                </Link>
              </li>
            ))}
          </ul>
          <div className="nav-group-label">Ledger</div>
          <ul>
            {LEDGER_LINKS.map(([to, text]) => (
              <li key={to}>
                <Link to={to} className="nav-link" activeProps={{ className: 'nav-link active' }}>
                  {text}
                </Link>
              </li>
            ))}
          </ul>
          <div className="nav-group-label">Data</div>
          <ul>
            <li>
              <Link
                to="/import"
                className="nav-link"
                activeProps={{ className: 'nav-link active' }}
              >
                Import
              </Link>
            </li>
            <li>
              <Link
                to="/settings/invoices"
                className="nav-link"
                activeProps={{ className: 'nav-link active' }}
              >
                Invoice settings
              </Link>
            </li>
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
