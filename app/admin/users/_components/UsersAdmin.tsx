'use client';
/**
 * Admins manage accounts: create one (a generated password is shown once when none is given), change
 * a role, disable or re-enable an account (disabling signs it out everywhere and stops its tokens),
 * and set per-user quotas (empty = the server default). Every change lands in the audit trail.
 */
import { useState } from 'react';
import { ago, dateTime } from '../../../_lib/format';
import { CreateUserDocument, UpdateUserDocument, UsersDocument, type Role, type UserFieldsFragment as UserInfo } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { useQuery } from '../../../_lib/hooks';
import { Card, ErrorBox, Skeleton, buttonClass, fieldClass } from '../../../_components/ui';
import { ScrollArea } from '../../../_components/ScrollArea';

const ROLES: Role[] = ['VIEWER', 'MEMBER', 'ADMIN'];
const ROLE_HELP: Record<Role, string> = {
  VIEWER: 'browses everything',
  MEMBER: 'launches; changes own runs; tags any',
  ADMIN: 'everything, users, audit',
};

export function UsersAdmin() {
  const { data, error, refetch, setData } = useQuery(UsersDocument, {});
  const [problem, setProblem] = useState<string | null>(null);

  async function update(u: UserInfo, input: Record<string, unknown>) {
    setProblem(null);
    try {
      const r = await request(UpdateUserDocument, { id: u.id, input });
      setData((prev) => (prev ? { ...prev, users: prev.users.map((x) => (x.id === u.id ? r.updateUser : x)) } : prev));
    } catch (err) {
      setProblem(`${errorTitle(err, 'Not changed')}: ${(err as Error).message}`);
    }
  }
  const limit = (v: string) => (v.trim() === '' ? null : Number(v));

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold tracking-tight">Users</h1>
      {error && <ErrorBox error={error} />}
      {problem && <ErrorBox title="Not changed" error={problem} />}
      <NewUser onCreated={() => void refetch()} />
      <Card title={`Accounts${data ? ` (${data.users.length})` : ''}`} testId="users">
        {!data ? <Skeleton className="h-24" /> : (
          <ScrollArea label="Accounts">
            <table className="w-full min-w-[720px] text-left text-sm">
              <thead className="text-xs uppercase text-slate-600">
                <tr><th className="py-1 pr-2">Name</th><th className="py-1 pr-2">Email</th><th className="py-1 pr-2">Role</th><th className="py-1 pr-2" title="Queued runs at once; empty = server default">Queue cap</th><th className="py-1 pr-2" title="Studies per hour; empty = server default">Studies/h</th><th className="py-1 pr-2">Since</th><th /></tr>
              </thead>
              <tbody>
                {data.users.map((u) => {
                  const self = u.id === data.me?.id;
                  return (
                    <tr key={u.id} className={`border-t border-slate-100 ${u.disabled ? 'text-slate-600' : ''}`} data-user-id={u.id}>
                      <td className="py-1.5 pr-2">{u.name}{self && <span className="ml-1 text-xs text-slate-600">(you)</span>}{u.disabled && <span className="ml-1 rounded bg-slate-100 px-1 text-xs">disabled</span>}</td>
                      <td className="py-1.5 pr-2 break-all">{u.email}</td>
                      <td className="py-1.5 pr-2">
                        <select aria-label={`Role of ${u.name}`} value={u.role} disabled={self} onChange={(e) => void update(u, { role: e.target.value })} className="rounded border border-slate-300 px-1 py-0.5 text-sm" title={ROLE_HELP[u.role]}>
                          {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                        </select>
                      </td>
                      <td className="py-1.5 pr-2"><input aria-label={`Queue cap of ${u.name}`} type="number" min={0} defaultValue={u.queuedRunLimit ?? ''} placeholder="default" onBlur={(e) => limit(e.target.value) !== u.queuedRunLimit && void update(u, { queuedRunLimit: limit(e.target.value) })} className="w-20 rounded border border-slate-300 px-1 py-0.5" /></td>
                      <td className="py-1.5 pr-2"><input aria-label={`Studies per hour of ${u.name}`} type="number" min={0} defaultValue={u.studiesPerHourLimit ?? ''} placeholder="default" onBlur={(e) => limit(e.target.value) !== u.studiesPerHourLimit && void update(u, { studiesPerHourLimit: limit(e.target.value) })} className="w-20 rounded border border-slate-300 px-1 py-0.5" /></td>
                      <td className="py-1.5 pr-2 whitespace-nowrap" title={dateTime(u.createdAt)}>{ago(u.createdAt)}</td>
                      <td className="py-1.5 text-right">
                        {!self && (
                          <button type="button" className={u.disabled ? buttonClass.secondary : buttonClass.danger} onClick={() => void update(u, { disabled: !u.disabled })}>
                            {u.disabled ? 'Enable' : 'Disable'}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollArea>
        )}
        <p className="mt-2 text-xs text-slate-600">Roles: {ROLES.map((r) => `${r.toLowerCase()}: ${ROLE_HELP[r]}`).join(' · ')}. Disabling signs the account out everywhere and stops its API tokens.</p>
      </Card>
    </div>
  );
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({ name: '', email: '', role: 'MEMBER' as Role, password: '' });
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      const r = await request(CreateUserDocument, {
        input: { name: form.name, email: form.email, role: form.role, ...(form.password ? { password: form.password } : {}) },
      });
      setCreated({ email: r.createUser.user.email, password: r.createUser.generatedPassword });
      setForm({ name: '', email: '', role: 'MEMBER', password: '' });
      onCreated();
    } catch (err) {
      setProblem(`${errorTitle(err, 'Not changed')}: ${(err as Error).message}`);
    }
  }
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <Card title="Add someone" testId="new-user">
      <form onSubmit={submit} className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_140px_1fr_auto] lg:items-end">
        <label className="text-sm text-slate-700">Name<input name="name" required maxLength={200} value={form.name} onChange={set('name')} className={fieldClass()} /></label>
        <label className="text-sm text-slate-700">Email<input name="email" type="email" required value={form.email} onChange={set('email')} className={fieldClass()} /></label>
        <label className="text-sm text-slate-700">Role
          <select name="role" value={form.role} onChange={set('role')} className={fieldClass()}>{ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}</select>
        </label>
        <label className="text-sm text-slate-700">Password <span className="text-xs text-slate-600">(empty: generate)</span><input name="password" type="password" minLength={10} autoComplete="new-password" value={form.password} onChange={set('password')} className={fieldClass()} /></label>
        <button type="submit" className={buttonClass.primary}>Create account</button>
      </form>
      {problem && <div className="mt-2"><ErrorBox title="Not created" error={problem} /></div>}
      {created && (
        <div className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm">
          Created {created.email}.
          {created.password && <> Password (shown once; pass it on safely): <code className="rounded bg-white px-1 font-mono">{created.password}</code></>}
        </div>
      )}
    </Card>
  );
}
