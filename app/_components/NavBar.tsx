'use client';
/**
 * Top navigation: the sections, who is signed in (settings, sign-out; admins also Users and Audit).
 * From the md breakpoint up it is one row; on a phone it collapses into a Menu button that opens the
 * same links as a list (closed again on navigation and by Escape). Highlights the current section.
 */
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { signOut } from '../_lib/auth';

export interface NavUser { name: string; role: string; email: string | null; signedIn: boolean }

const SECTIONS = [
  { href: '/', label: 'Runs', match: (p: string) => p === '/' || p.startsWith('/runs') },
  { href: '/compare', label: 'Compare', match: (p: string) => p.startsWith('/compare') },
  { href: '/launch', label: 'Launch', match: (p: string) => p.startsWith('/launch') },
  { href: '/datasets', label: 'Datasets', match: (p: string) => p.startsWith('/datasets') },
  { href: '/report', label: 'Study report', match: (p: string) => p.startsWith('/report') || p.startsWith('/groups') },
  { href: '/playground', label: 'Playground', match: (p: string) => p.startsWith('/playground') },
  { href: '/workers', label: 'Workers', match: (p: string) => p.startsWith('/workers') },
];

const linkClass = (active: boolean) => `block rounded px-3 py-2 text-sm md:py-1.5 ${active ? 'bg-sky-50 font-medium text-sky-800' : 'text-slate-700 hover:bg-slate-100'}`;

export function NavBar({ me }: { me: NavUser | null }) {
  const path = usePathname() ?? '/';
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  const bare = path === '/sign-in' || path === '/setup';
  const account = me && !bare ? [
    ...(me.role === 'ADMIN' ? [{ href: '/admin/users', label: 'Users' }, { href: '/admin/audit', label: 'Audit' }] : []),
  ] : [];

  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex min-h-12 max-w-[1240px] flex-wrap items-center gap-1 px-3 py-1 sm:px-5" aria-label="Main">
        <Link href="/" className="mr-3 font-semibold tracking-tight text-slate-900">
          EMNIST<span className="text-sky-700"> runs</span>
        </Link>
        {!bare && (
          <button type="button" className="ml-auto rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 md:hidden" aria-expanded={open} aria-controls="nav-links" onClick={() => setOpen((o) => !o)} data-testid="nav-menu-button">
            {open ? 'Close' : 'Menu'}
          </button>
        )}
        {!bare && (
          <div id="nav-links" className={`${open ? 'flex' : 'hidden'} w-full flex-col gap-0.5 pb-2 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:gap-1 md:pb-0`}>
            {SECTIONS.map((l) => (
              <Link key={l.href} href={l.href} className={linkClass(l.match(path))} aria-current={l.match(path) ? 'page' : undefined}>{l.label}</Link>
            ))}
            <div className="flex flex-col gap-0.5 border-t border-slate-100 pt-1 md:ml-auto md:flex-row md:items-center md:gap-1 md:border-0 md:pt-0" data-testid="user-menu">
              {account.map((l) => <Link key={l.href} href={l.href} className={linkClass(path.startsWith(l.href))}>{l.label}</Link>)}
              {me?.signedIn ? (
                <>
                  <Link href="/settings" className={linkClass(path.startsWith('/settings'))} title={`${me.email ?? ''} · ${me.role.toLowerCase()}`} data-testid="signed-in-as">
                    {me.name} <span className="text-xs text-slate-600">{me.role.toLowerCase()}</span>
                  </Link>
                  <button type="button" onClick={() => void signOut()} className="rounded px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 md:py-1.5">Sign out</button>
                </>
              ) : (
                <Link href={`/sign-in?next=${encodeURIComponent(path)}`} className={linkClass(false)}>Sign in</Link>
              )}
            </div>
          </div>
        )}
      </nav>
    </header>
  );
}
