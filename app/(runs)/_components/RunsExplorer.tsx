'use client';
/**
 * The runs list in the browser: starts from the page the server rendered, then keeps the view in the
 * address (filters, search, sort), pages by cursor, and stays live: the `runsChanged` subscription
 * triggers a (throttled) refetch, and a slow poll runs while anything is queued or running (progress
 * does not fire runsChanged). Selected rows get the bulk bar: compare, cancel, archive, restore, tag,
 * delete (BulkBar).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { RunsChangedDocument, RunsDocument, type RunsQuery } from '../../_graphql/generated';
import { useQuery, useSubscription } from '../../_lib/hooks';
import { isActive } from '../../_lib/runStatus';
import { ErrorBox, buttonClass } from '../../_components/ui';
import { BulkBar } from './BulkBar';
import { PAGE_SIZE, isFiltered, listFilter, listSearch, type ListState } from '../_lib/listState';
import { RunsFilters } from './RunsFilters';
import { RunsTable } from './RunsTable';

export function RunsExplorer({ initialState, initialPage, datasets, myName }: { initialState: ListState; initialPage: RunsQuery; datasets: { name: string; title: string }[]; myName: string | null }) {
  const [state, setState] = useState(initialState);
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // cursor of each visited page
  const [selected, setSelected] = useState<string[]>([]);

  useEffect(() => {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${listSearch(state)}`);
    setCursors([null]); // a new filter or sort starts again at page 1
  }, [state]);

  const variables = useMemo(() => ({ filter: listFilter(state), sort: state.sort, first: PAGE_SIZE, after: cursors[cursors.length - 1] }), [state, cursors]);
  const { data, error, loading, refetch } = useQuery(RunsDocument, variables, { initial: initialPage });
  const rows = useMemo(() => data?.runs.edges.map((e) => e.node) ?? [], [data]);
  const anyActive = useRef(false);
  useEffect(() => {
    anyActive.current = rows.some((r) => isActive(r.status));
  }, [rows]);

  // Live: refetch on any run change (at most every 700 ms), and every 3 s while runs are active.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const subError = useSubscription(RunsChangedDocument, {}, () => {
    if (pending.current) return;
    pending.current = setTimeout(() => { pending.current = null; void refetch(); }, 700);
  });
  useEffect(() => {
    const t = setInterval(() => { if (anyActive.current) void refetch(); }, 3000);
    return () => clearInterval(t);
  }, [refetch]);

  const owners = useMemo(() => [...new Set([...(myName ? [myName] : []), ...rows.map((r) => r.owner).filter((o): o is string => !!o)])].sort(), [rows, myName]);
  const page = cursors.length;
  const total = data?.runs.totalCount ?? 0;
  // Names of the runs selected so far (they may be on other pages by now), for the bar's messages.
  const seen = useRef(new Map<string, string>());
  for (const r of rows) seen.current.set(r.id, r.name);
  const names = seen.current;
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <div className="space-y-3">
      <RunsFilters state={state} onChange={setState} datasets={datasets} owners={owners}>
        {selected.length === 0 && <span className="text-xs text-slate-600">Select runs to compare, cancel, archive, tag or delete them</span>}
      </RunsFilters>
      {selected.length > 0 && (
        <BulkBar
          selected={selected}
          names={names}
          onDone={(deleted) => { setSelected((s) => s.filter((id) => !deleted.includes(id))); void refetch(); }}
          onClear={() => setSelected([])}
        />
      )}

      {subError && <div className="text-xs text-amber-800">Live updates interrupted ({subError.message}); reconnecting…</div>}
      {error && <ErrorBox title="Could not load runs" error={error} onRetry={() => void refetch()} />}

      <RunsTable
        rows={rows}
        loading={loading && !data}
        sort={state.sort}
        onSort={(sort) => setState((s) => ({ ...s, sort }))}
        selected={selected}
        onToggle={toggle}
        onOwner={(owner) => setState((s) => ({ ...s, owner }))}
        empty={isFiltered(state) ? 'No runs match these filters.' : null}
      />

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
        <span>
          <span data-testid="runs-count">{data ? `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'} · page ${page} of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}` : '\u00a0'}</span>
          {data && (
            <span className="ml-3 text-xs text-slate-600" data-testid="system-info">
              trainer: {data.system.workers} worker{data.system.workers === 1 ? '' : 's'} · {data.system.running} running · {data.system.queued} queued
            </span>
          )}
        </span>
        <div className="flex gap-2">
          <button type="button" className={buttonClass.secondary} disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Previous</button>
          <button type="button" className={buttonClass.secondary} disabled={!data?.runs.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, data!.runs.pageInfo.endCursor])}>Next</button>
        </div>
      </div>
    </div>
  );
}
