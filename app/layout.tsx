/**
 * Root layout: the navigation bar and page frame shared by every page. A server component; the only
 * client part is the nav's active-link highlight. System fonts only (no next/font/google downloads).
 */
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Nav } from './_components/Nav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'EMNIST runs', template: '%s · EMNIST runs' },
  description: 'Train, watch and compare MLPs on EMNIST ByMerge.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Nav />
        <main className="mx-auto max-w-[1240px] px-5 py-5">{children}</main>
      </body>
    </html>
  );
}
