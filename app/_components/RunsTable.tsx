'use client';
/**
 * The runs table: server-side filter (status, free text), sort and cursor pagination through the
 * `runs` query, kept live by the `runsChanged` subscription (refetch, throttled) plus a slow poll while
 * something is running (progress changes do not fire runsChanged). Rows can be selected to compare.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ENGINES } from '../../trainer/config/schema';
import { PRESETS } from '../../trainer/config/presets';
import { useQuery, useSubscription } from '../_lib/hooks';
import { RUNS_CHANGED, RUNS_QUERY } from '../_lib/queries';
import { RUN_STATUSES, type RunStatus, type RunSummary, type SystemInfo } from '../_lib/types';
import { ago, duration, elapsed, num, pct } from '../_lib/format';
import { Empty, ErrorBox, Skeleton, StatusBadge, buttonClass } from './ui';

const SORT_FIELDS = ['CREATED_AT', 'NAME', 'STATUS', 'TEST_ACCURACY', 'MACRO_F1', 'VAL_ACCURACY', 'DURATION'] as const;
type SortField = (typeof SORT_FIELDS)[number];
interface RunsData {
  runs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: RunSummary }[] };
  system: SystemInfo;
}

const PAGE_SIZE = 25;

export function statusDetail(r: Pick<RunSummary, 'status' | 'queuePosition' | 'progress' | 'waitingForWorker'>): string | undefined {
  if (r.status === 'QUEUED' && r.queuePosition != null) return r.queuePosition === 0 ? 'next in queue' : `${r.queuePosition} ahead`;
  if (r.status === 'RUNNING' && r.waitingForWorker) return 'waiting';
  if (r.status === 'RUNNING' && r.progress) return `epoch ${r.progress.epoch}/${r.progress.epochs}`;
  return undefined;
}

export function RunsTable() {
  const router = useRouter();
  const [statuses, setStatuses] = useState<RunStatus[]>([]);
  const [textInput, setTextInput] = useState('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ field: SortField; direction: 'ASC' | 'DESC' }>({ field: 'CREATED_AT', direction: 'DESC' });
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // cursor of each visited page
  const [selected, setSelected] = useState<string[]>([]);
  const [preset, setPreset] = useState('');
  const [engine, setEngine] = useState('');
  // The filters live in the address too (?status=…&q=…&preset=…&engine=…&sort=FIELD:DIR) so a filtered
  // view can be bookmarked or shared. Read once on mount; no request goes out before that.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    const st = (q.get('status') ?? '').split(',').filter((x): x is RunStatus => (RUN_STATUSES as string[]).includes(x));
    if (st.length) setStatuses(st);
    if (q.get('q')) { setTextInput(q.get('q')!); setText(q.get('q')!); }
    if (q.get('preset')) setPreset(q.get('preset')!);
    if (q.get('engine')) setEngine(q.get('engine')!);
    const [f, d] = (q.get('sort') ?? '').split(':');
    if (f && SORT_FIELDS.includes(f as SortField)) setSort({ field: f as SortField, direction: d === 'ASC' ? 'ASC' : 'DESC' });
    setReady(true);
  }, []);
  useEffect(() => {
    if (!ready) return;
    const q = new URLSearchParams();
    if (statuses.length) q.set('status', statuses.join(','));
    if (text) q.set('q', text);
    if (preset) q.set('preset', preset);
    if (engine) q.set('engine', engine);
    if (sort.field !== 'CREATED_AT' || sort.direction !== 'DESC') q.set('sort', `${sort.field}:${sort.direction}`);
    const search = q.toString();
    window.history.replaceState(window.history.state, '', search ? `?${search}` : window.location.pathname);
  }, [ready, statuses, text, preset, engine, sort]);

  // Debounce typing so each keystroke is not a request.
  useEffect(() => {
    const t = setTimeout(() => setText(textInput.trim()), 250);
    return () => clearTimeout(t);
  }, [textInput]);
  // A new filter or sort starts again at page 1.
  useEffect(() => setCursors([null]), [statuses, text, sort, preset, engine]);

  const variables = useMemo(
    () =>
      ready
        ? {
            filter: { ...(statuses.length ? { status: statuses } : {}), ...(text ? { text } : {}), ...(preset ? { preset } : {}), ...(engine ? { engine } : {}) },
            sort,
            first: PAGE_SIZE,
            after: cursors[cursors.length - 1],
          }
        : null,
    [ready, statuses, text, sort, cursors, preset, engine],
  );
  const anyActive = useRef(false);
  const { data, error, refetch } = useQuery<RunsData>(RUNS_QUERY, variables);
  const rows = data?.runs.edges.map((e) => e.node) ?? [];
  anyActive.current = rows.some((r) => r.status === 'RUNNING' || r.status === 'QUEUED');

  // Live: refetch on any run change (at most every 700 ms), and every 3 s while runs are active.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const subError = useSubscription(RUNS_CHANGED, {}, () => {
    if (pending.current) return;
    pending.current = setTimeout(() => { pending.current = null; void refetch(); }, 700);
  });
  useEffect(() => {
    const t = setInterval(() => { if (anyActive.current) void refetch(); }, 3000);
    return () => clearInterval(t);
  }, [refetch]);

  const toggleSort = (field: SortField) =>
    setSort((s) => (s.field === field ? { field, direction: s.direction === 'ASC' ? 'DESC' : 'ASC' } : { field, direction: field === 'NAME' ? 'ASC' : 'DESC' }));
  const toggleSelected = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  // A plain function, not a nested component, so sort buttons keep focus across re-renders.
  const th = (label: React.ReactNode, field?: SortField, className = '') => (
    <th className={`whitespace-nowrap px-2 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500 ${className}`} aria-sort={field && sort.field === field ? (sort.direction === 'ASC' ? 'ascending' : 'descending') : undefined}>
      {field ? (
        <button type="button" onClick={() => toggleSort(field)} className="inline-flex items-center gap-1 uppercase hover:text-slate-900">
          {label}
          <span className="w-2 text-[10px]">{sort.field === field ? (sort.direction === 'ASC' ? '▲' : '▼') : ''}</span>
        </button>
      ) : label}
    </th>
  );

  const page = cursors.length;
  const total = data?.runs.totalCount ?? 0;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <input
          type="search"
          value={textInput}
          onChange={(e) => setTextInput(e.target.value)}
           placeholder="Search name, preset, tags, notes…"
          aria-label="Search runs"
          className="w-56 rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-sky-500 focus:outline-none"
        />
        <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Filter by status">
          {RUN_STATUSES.map((s) => {
            const on = statuses.includes(s);
            return (
              <button
                key={s}
                type="button"
                aria-pressed={on}
                onClick={() => setStatuses((cur) => (on ? cur.filter((x) => x !== s) : [...cur, s]))}
                className={`rounded-full border px-2.5 py-1 text-xs ${on ? 'border-sky-600 bg-sky-50 text-sky-800' : 'border-slate-300 text-slate-600 hover:bg-slate-50'}`}
              >
                {s.toLowerCase()}
              </button>
            );
          })}
        </div>
        <select value={preset} onChange={(e) => setPreset(e.target.value)} aria-label="Filter by preset" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm text-slate-700">
          <option value="">all presets</option>
          {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
        </select>
        <select value={engine} onChange={(e) => setEngine(e.target.value)} aria-label="Filter by engine" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm text-slate-700">
          <option value="">all engines</option>
          {ENGINES.map((e) => <option key={e} value={e}>{e}</option>)}
        </select>
        <div className="ml-auto flex items-center gap-3 text-xs text-slate-500">
          <button
            type="button"
            disabled={selected.length < 2}
            onClick={() => router.push(`/compare?ids=${selected.map(encodeURIComponent).join(',')}`)}
            className={buttonClass.primary}
            title={selected.length < 2 ? 'Select at least two runs' : undefined}
          >
            Compare{selected.length ? ` (${selected.length})` : ''}
          </button>
        </div>
      </div>

      {subError && <div className="text-xs text-amber-700">Live updates interrupted ({subError.message}); reconnecting…</div>}
      {error && <ErrorBox title="Could not load runs" error={error} onRetry={() => void refetch()} />}

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        {/* Fixed column widths: rows arriving, loading or changing status never shift the columns. */}
        <table className="w-full min-w-[1100px] table-fixed text-sm" data-testid="runs-table">
          <colgroup>
            <col className="w-9" /><col className="w-[250px]" /><col className="w-[150px]" /><col className="w-[90px]" /><col className="w-[180px]" />
            <col className="w-[78px]" /><col className="w-[82px]" /><col className="w-[82px]" /><col className="w-[70px]" /><col className="w-[90px]" /><col className="w-[96px]" />
          </colgroup>
          <thead className="border-b border-slate-200 bg-slate-50">
            <tr>
              <th className="w-8 px-2"><span className="sr-only">Select</span></th>
              {th('Run', 'NAME')}
              {th('Status', 'STATUS')}
              {th('Engine')}
              {th('Owner · tags')}
              {th('Val acc', 'VAL_ACCURACY', 'text-right')}
              {th('Test acc', 'TEST_ACCURACY', 'text-right')}
              {th('Macro F1', 'MACRO_F1', 'text-right')}
              {th('Test CE', undefined, 'text-right')}
              {th('Duration', 'DURATION', 'text-right')}
              {th('Created', 'CREATED_AT')}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {!data && !error &&
              Array.from({ length: 8 }, (_, i) => (
                <tr key={i} className="h-11">
                  <td colSpan={11} className="px-2"><Skeleton className="h-4 w-full" /></td>
                </tr>
              ))}
            {rows.map((r) => (
              <tr key={r.id} className={`h-11 hover:bg-slate-50 ${selected.includes(r.id) ? 'bg-sky-50/60' : ''}`} data-run-id={r.id}>
                <td className="px-2">
                  <input type="checkbox" aria-label={`Select ${r.name}`} checked={selected.includes(r.id)} onChange={() => toggleSelected(r.id)} className="h-4 w-4 accent-sky-700" />
                </td>
                <td className="px-2">
                  <Link href={`/runs/${r.id}`} className="block truncate font-medium text-sky-800 hover:underline">{r.name}</Link>
                  <div className="truncate text-xs text-slate-500">{[r.preset, r.dataset, r.group && `group ${r.group.slice(0, 8)}`].filter(Boolean).join(' · ')}</div>
                </td>
                <td className="px-2">
                  <StatusBadge status={r.status} extra={statusDetail(r)} />
                </td>
                <td className="truncate px-2 text-xs text-slate-600">
                  <div>{r.engine}</div>
                  <div className="text-slate-400">{r.backend ?? '—'}</div>
                </td>
                <td className="px-2 text-xs">
                  <div className="truncate text-slate-600">{r.owner ?? '—'}</div>
                  <div className="flex gap-1 overflow-hidden">{r.tags.map((t) => <span key={t} className="rounded bg-slate-100 px-1.5 text-[11px] text-slate-600">{t}</span>)}</div>
                </td>
                <td className="px-2 text-right tabular-nums">{pct(r.evaluation?.valAccuracy)}</td>
                <td className="px-2 text-right font-medium tabular-nums">{pct(r.evaluation?.accuracy)}</td>
                <td className="px-2 text-right tabular-nums">{pct(r.evaluation?.macroF1)}</td>
                <td className="px-2 text-right tabular-nums">{num(r.evaluation?.crossEntropy)}</td>
                <td className="whitespace-nowrap px-2 text-right tabular-nums text-slate-600">{duration(elapsed(r))}</td>
                <td className="whitespace-nowrap px-2 text-xs text-slate-500" title={r.createdAt}>{ago(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && rows.length === 0 && (
          <div className="p-4">
            <Empty>
              {statuses.length || text || preset || engine ? 'No runs match these filters.' : <>No runs yet. <Link className="text-sky-800 underline" href="/launch">Launch one</Link> or reproduce the study.</>}
            </Empty>
          </div>
        )}
      </div>

      <div className="flex items-center justify-between text-sm text-slate-600">
        <span>
          <span data-testid="runs-count">{data ? `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'} · page ${page} of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}` : '\u00a0'}</span>
          {data && (
            <span className="ml-3 text-xs text-slate-500" data-testid="system-info">
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
