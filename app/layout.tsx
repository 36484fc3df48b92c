/**
 * Root layout: the navigation bar and page frame shared by every page. A server component: it reads
 * who is signed in through the page API (one query) and hands that to the navigation, whose only
 * client parts are the active-link highlight and the phone menu. System fonts only (no downloads).
 */
import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { MeDocument } from './_graphql/generated';
import { NavBar } from './_components/NavBar';
import { query } from './_lib/server/query';
import './globals.css';

/**
 * Link previews need absolute image URLs: PUBLIC_URL when the dashboard sits behind a proxy, else the
 * address this request came to (its Host was checked by the server before Next saw it).
 */
export async function generateMetadata(): Promise<Metadata> {
  const h = await headers();
  const base = process.env.PUBLIC_URL?.trim() || `${h.get('x-forwarded-proto') === 'https' ? 'https' : 'http'}://${h.get('host') ?? 'localhost'}`;
  return {
    metadataBase: new URL(base),
    title: { default: 'EMNIST runs', template: '%s · EMNIST runs' },
    description: 'Train, watch and compare MLPs on EMNIST ByMerge.',
    applicationName: 'EMNIST runs',
  };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

async function signedIn() {
  try {
    return (await query(MeDocument, {})).me;
  } catch {
    return null; // the page itself says what is wrong; the bar still navigates
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const me = await signedIn();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">Skip to content</a>
        <NavBar me={me ? { name: me.name, role: me.role, email: me.email, signedIn: me.id != null } : null} />
        <main id="main" className="mx-auto max-w-[1240px] px-3 py-4 sm:px-5 sm:py-5">{children}</main>
      </body>
    </html>
  );
}
