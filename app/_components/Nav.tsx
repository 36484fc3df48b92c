'use client';
/** Top navigation; highlights the section the current path belongs to; shows who is signed in. */
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { UserMenu } from './UserMenu';

const LINKS = [
  { href: '/', label: 'Runs', match: (p: string) => p === '/' || p.startsWith('/runs') },
  { href: '/compare', label: 'Compare', match: (p: string) => p.startsWith('/compare') },
  { href: '/launch', label: 'Launch', match: (p: string) => p.startsWith('/launch') },
  { href: '/datasets', label: 'Datasets', match: (p: string) => p.startsWith('/datasets') },
  { href: '/report', label: 'Study report', match: (p: string) => p.startsWith('/report') },
];

export function Nav() {
  const path = usePathname() ?? '/';
  const bare = path === '/sign-in' || path === '/setup';
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex min-h-12 max-w-[1240px] flex-wrap items-center gap-1 px-5 py-1">
        <Link href="/" className="mr-4 font-semibold tracking-tight text-slate-900">
          EMNIST<span className="text-sky-700"> runs</span>
        </Link>
        {!bare && LINKS.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            className={`rounded px-3 py-1.5 text-sm ${l.match(path) ? 'bg-sky-50 font-medium text-sky-800' : 'text-slate-600 hover:bg-slate-100'}`}
          >
            {l.label}
          </Link>
        ))}
        {!bare && <UserMenu path={path} />}
      </nav>
    </header>
  );
}
