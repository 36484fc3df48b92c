'use client';
/** Account settings: identity and quotas, personal API tokens (created, shown once, revoked), password. */
import { useState } from 'react';
import { authClient } from '../../_lib/auth';
import { bytes } from '../../_lib/format';
import type { MeQuery } from '../../_graphql/generated';
import { TokensPanel } from './TokensPanel';
import { Card, ErrorBox, buttonClass, fieldClass } from '../../_components/ui';

export function SettingsView({ me }: { me: MeQuery['me'] }) {
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold tracking-tight">Settings</h1>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[1fr_360px]">
        <div className="space-y-4">
          {me?.id ? <TokensPanel /> : me && <Card title="API tokens"><p className="text-sm text-slate-600">Sign in to create API tokens.</p></Card>}
        </div>
        <div className="space-y-4">
          <Card title="Your account" testId="account">
            {!me ? <p className="text-sm text-slate-700">Not signed in.</p> : (
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt className="text-slate-600">Name</dt><dd>{me.name}</dd>
                <dt className="text-slate-600">Email</dt><dd className="break-all">{me.email ?? '—'}</dd>
                <dt className="text-slate-600">Role</dt><dd>{me.role.toLowerCase()}</dd>
                <dt className="text-slate-600">Queued runs</dt><dd>at most {me.limits.queuedRuns}</dd>
                <dt className="text-slate-600">Studies</dt><dd>at most {me.limits.studiesPerHour} per hour</dd>
                <dt className="text-slate-600">Run memory</dt><dd>at most {bytes(me.limits.runMemoryBytes)}</dd>
              </dl>
            )}
          </Card>
          {me?.via === 'session' && <PasswordCard />}
        </div>
      </div>
    </div>
  );
}

function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { error } = await authClient.changePassword({ currentPassword: current, newPassword: next, revokeOtherSessions: true });
    setMessage(error ? { ok: false, text: error.message || 'Password not changed' } : { ok: true, text: 'Password changed; your other sessions were signed out.' });
    if (!error) {
      setCurrent('');
      setNext('');
    }
  }
  return (
    <Card title="Password">
      <form onSubmit={submit} className="space-y-2">
        <label className="block text-sm text-slate-700">Current password<input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} className={fieldClass()} /></label>
        <label className="block text-sm text-slate-700">New password (10+ characters)<input type="password" autoComplete="new-password" minLength={10} value={next} onChange={(e) => setNext(e.target.value)} className={fieldClass()} /></label>
        {message && (message.ok ? <p className="text-sm text-emerald-700">{message.text}</p> : <ErrorBox title="Not changed" error={message.text} />)}
        <button type="submit" disabled={!current || next.length < 10} className={buttonClass.secondary}>Change password</button>
      </form>
    </Card>
  );
}
