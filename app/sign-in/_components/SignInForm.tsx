'use client';
/** The sign-in form: email and password through better-auth, then back to the page that sent us here. */
import { useState } from 'react';
import { safeNext, signInWithOidc, signInWithPassword } from '../../_lib/auth';
import { Card, ErrorBox, buttonClass, fieldClass } from '../../_components/ui';

export function SignInForm({ next, oidcName }: { next: string; oidcName: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const problem = await signInWithPassword(email.trim(), password);
    if (problem) {
      setError(problem);
      setBusy(false);
      return;
    }
    window.location.assign(safeNext(next));
  }

  return (
    <Card title="Sign in to the EMNIST dashboard" testId="sign-in">
      <form onSubmit={submit} className="space-y-3">
        <label className="block text-sm text-slate-700">
          Email
          <input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} className={fieldClass()} />
        </label>
        <label className="block text-sm text-slate-700">
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={fieldClass()} />
        </label>
        {error && <ErrorBox alert title="Not signed in" error={error} />}
        <button type="submit" disabled={busy || !email || !password} className={`${buttonClass.primary} w-full`} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidcName && (
        <button type="button" onClick={async () => setError(await signInWithOidc(next))} className={`${buttonClass.secondary} mt-3 w-full`}>
          Sign in with {oidcName}
        </button>
      )}
      <p className="mt-3 text-xs text-slate-600">No account? Ask an admin of this dashboard to create one for you.</p>
    </Card>
  );
}
