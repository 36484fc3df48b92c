'use client';
/** Who is signed in, their settings and (admins) the users and audit pages, and sign-out. */
import Link from 'next/link';
import { signOut } from '../_lib/auth';
import { useQuery } from '../_lib/hooks';
import { ME_QUERY } from '../_lib/queries';
import type { Me } from '../_lib/types';

const link = (active: boolean) => `rounded px-2 py-1.5 text-sm ${active ? 'bg-sky-50 font-medium text-sky-800' : 'text-slate-600 hover:bg-slate-100'}`;

export function UserMenu({ path }: { path: string }) {
  const { data } = useQuery<{ me: Me | null }>(ME_QUERY, {});
  const me = data?.me;
  if (!me) return null;
  return (
    <div className="ml-auto flex items-center gap-1" data-testid="user-menu">
      {me.role === 'ADMIN' && (
        <>
          <Link href="/admin/users" className={link(path.startsWith('/admin/users'))}>Users</Link>
          <Link href="/admin/audit" className={link(path.startsWith('/admin/audit'))}>Audit</Link>
        </>
      )}
      {me.id ? (
        <>
          <Link href="/settings" className={link(path.startsWith('/settings'))} title={`${me.email ?? ''} · ${me.role.toLowerCase()}`} data-testid="signed-in-as">
            {me.name} <span className="text-xs text-slate-400">{me.role.toLowerCase()}</span>
          </Link>
          <button type="button" onClick={() => void signOut()} className="rounded px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100">Sign out</button>
        </>
      ) : (
        <Link href={`/sign-in?next=${encodeURIComponent(path)}`} className={link(false)}>Sign in</Link>
      )}
    </div>
  );
}
