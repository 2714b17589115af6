import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import * as api from '../api.ts';
import { markSessionExpired, meQueryKey, safeRedirect, wasSessionExpired } from '../auth.ts';
import { ErrorBanner, Field } from '../components/ui.tsx';

export function LoginPage({ redirect }: { redirect?: string | undefined }) {
  const [expired] = useState(() => wasSessionExpired());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const mutation = useMutation({
    mutationFn: () => api.login(email.trim(), password),
    onSuccess: async (user) => {
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, user);
      markSessionExpired(false);
      // Back to where the session ran out: same-origin relative paths only.
      await navigate({ href: safeRedirect(redirect) });
    },
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    mutation.mutate();
  }

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={onSubmit} noValidate aria-labelledby="login-title">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="brand-name">Dunwell</span>
        </div>
        <h1 id="login-title">Sign in</h1>
        <p className="muted">Accounts receivable and collections</p>
        {expired && !mutation.error ? (
          <div className="alert alert-info" role="status" data-testid="session-expired">
            Your session expired; sign in again.
          </div>
        ) : null}
        {mutation.error ? <ErrorBanner error={mutation.error} /> : null}
        {missing ? (
          <div className="alert alert-error" role="alert">
            Enter your email and password.
          </div>
        ) : null}
        <Field label="Email" required>
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" required>
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
