/**
 * Compare runs side by side. The address holds the whole view (runs, the differenced pair, colour
 * scale, training curves), so a link shows the same comparison; the runs are fetched here and kept
 * live in the browser. Fewer than two runs get a page that says so and offers runs to add. Runs on
 * different datasets or classes are compared with a warning (compareSummary), "best" is marked within
 * each dataset, and the confusion difference needs the same classes.
 */
import type { Metadata } from 'next';
import { cache } from 'react';
import { CompareDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { CompareLive } from './_components/CompareLive';
import { CompareTooFew } from './_components/CompareTooFew';
import { parseCompareView } from './_lib/view';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const load = cache(async (ids: string) => (ids ? await query(CompareDocument, { ids: ids.split(',') }) : null));
const loadRuns = async (ids: string) => (await load(ids))?.compare ?? [];

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const view = parseCompareView(await searchParams);
  const runs = await loadRuns(view.ids.join(','));
  return { title: runs.length >= 2 ? `Compare ${runs.length} runs` : 'Compare runs' };
}

export default async function ComparePage({ searchParams }: Props) {
  const view = parseCompareView(await searchParams);
  const runs = await loadRuns(view.ids.join(','));
  const missing = view.ids.filter((id) => !runs.some((r) => r.id === id));
  if (runs.length < 2) return <CompareTooFew run={runs[0] ?? null} missing={missing} />;
  const summary = (await load(view.ids.join(',')))!.compareSummary;
  return <CompareLive initialRuns={runs} initialView={view} missing={missing} warnings={summary.warnings} />;
}
