/**
 * Runs: every run with live status, filters (status, search over name/owner/preset/tags/notes, preset,
 * engine, dataset, owner), sort, pagination, and selection to compare. The first page is fetched here
 * for the view in the address; the explorer below keeps it live in the browser.
 */
import Link from 'next/link';
import { RunFilterChoicesDocument, RunsDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { PageTitle, buttonClass } from '../_components/ui';
import { RunsExplorer } from './_components/RunsExplorer';
import { PAGE_SIZE, listFilter, parseListState } from './_lib/listState';

export const metadata = { title: 'Runs' };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = parseListState(await searchParams);
  const [first, choices] = await Promise.all([
    query(RunsDocument, { filter: listFilter(state), sort: state.sort, first: PAGE_SIZE, after: null }),
    query(RunFilterChoicesDocument, {}),
  ]);
  return (
    <div className="space-y-4">
      <PageTitle title="Runs" lead="Every training run, live. Select two or more to compare them.">
        <Link href="/launch" className={buttonClass.primary}>New run</Link>
      </PageTitle>
      <RunsExplorer initialState={state} initialPage={first} datasets={choices.datasets} myName={choices.me?.name ?? null} />
    </div>
  );
}
