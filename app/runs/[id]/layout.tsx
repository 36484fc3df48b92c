/**
 * Settles whether the run exists before anything of the page is sent, so an unknown id answers HTTP
 * 404 (the page below streams behind its loading skeleton, and a status cannot change mid-stream).
 * One small query, shared with the page's title through React's cache.
 */
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { loadRunPreview } from './_lib/load';

export default async function RunLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  if (!(await loadRunPreview(decodeURIComponent((await params).id)))) notFound();
  return children;
}
