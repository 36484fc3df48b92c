'use client';
/**
 * Create the first admin account on a fresh install. From the server's own machine no more is needed;
 * from elsewhere the setup code printed in the server log must be entered. Signs the new admin in.
 */
import { useEffect, useState } from 'react';
import { signInWithPassword } from '../../_lib/auth';
import { SetupFirstAdminDocument, SetupStateDocument } from '../../_graphql/generated';
import { errorTitle, request } from '../../_lib/graphql';
import { Card, ErrorBox, buttonClass, fieldClass } from '../../_components/ui';

/** Whether the browser is on the server's own machine is known only to the HTTP request, so the state is asked from here. */
export function SetupForm() {
  const [state, setState] = useState<{ needed: boolean; local: boolean } | null>(null);
  const [form, setForm] = useState({ name: '', email: '', password: '', setupCode: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    request(SetupStateDocument, {}).then((d) => setState(d.setupState), (e) => setError((e as Error).message));
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request(SetupFirstAdminDocument, { input: { name: form.name, email: form.email, password: form.password, ...(form.setupCode ? { setupCode: form.setupCode } : {}) } });
      const problem = await signInWithPassword(form.email, form.password);
      window.location.assign(problem ? '/sign-in' : '/');
    } catch (err) {
      setError(`${errorTitle(err, 'Not created')}: ${(err as Error).message}`);
      setBusy(false);
    }
  }

  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  if (state && !state.needed) {
    return (
      <Card title="Setup is done">
        <p className="text-sm text-slate-600">This dashboard has users already. <a className="text-sky-700 underline" href="/sign-in">Sign in</a> or ask an admin for an account.</p>
      </Card>
    );
  }
  return (
    <Card title="Create the first admin" testId="setup">
      <p className="mb-3 text-sm text-slate-600">
        Nobody has an account yet. The account you create here is the first admin: it can add the rest of the team and give them roles.
        This page closes for good once it is used.
      </p>
      <form onSubmit={submit} className="space-y-3">
        <label className="block text-sm text-slate-700">Your name<input name="name" required maxLength={200} value={form.name} onChange={set('name')} className={fieldClass()} /></label>
        <label className="block text-sm text-slate-700">Email<input name="email" type="email" required autoComplete="username" value={form.email} onChange={set('email')} className={fieldClass()} /></label>
        <label className="block text-sm text-slate-700">
          Password <span className="text-xs text-slate-600">(at least 10 characters)</span>
          <input name="password" type="password" required minLength={10} autoComplete="new-password" value={form.password} onChange={set('password')} className={fieldClass()} />
        </label>
        {state && !state.local && (
          <label className="block text-sm text-slate-700">
            Setup code <span className="text-xs text-slate-600">(printed in the server log; needed from another machine)</span>
            <input name="setupCode" required value={form.setupCode} onChange={set('setupCode')} className={fieldClass()} />
          </label>
        )}
        {error && <ErrorBox alert title="Not created" error={error} />}
        <button type="submit" disabled={busy} className={`${buttonClass.primary} w-full`} data-testid="setup-submit">{busy ? 'Creating…' : 'Create admin and sign in'}</button>
      </form>
    </Card>
  );
}
