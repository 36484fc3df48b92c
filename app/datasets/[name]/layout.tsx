/**
 * Settles whether the dataset exists before anything of the page is sent, so an unknown name answers
 * HTTP 404 (the page streams behind its loading skeleton while the statistics are computed).
 */
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { DatasetsDocument } from '../../_graphql/generated';
import { query } from '../../_lib/server/query';

export default async function DatasetLayout({ children, params }: { children: ReactNode; params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const { datasets } = await query(DatasetsDocument, {});
  if (!datasets.some((d) => d.name === name)) notFound();
  return children;
}
