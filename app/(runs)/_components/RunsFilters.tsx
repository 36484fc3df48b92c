'use client';
/**
 * The runs list's filter bar: search (name, owner, preset, tags, notes; debounced), status chips,
 * preset, engine and dataset choices, an owner filter (type a name or pick one seen; "only mine"),
 * archived runs (hidden unless asked), the study group when one is chosen (?group=), and whatever the
 * page puts beside them. Wraps to several rows on a phone.
 */
import Link from 'next/link';
import { useEffect, useState, type ReactNode } from 'react';
import { ENGINES } from '../../../trainer/config/schema';
import { PRESETS } from '../../../trainer/config/presets';
import { RUN_STATUSES } from '../../_lib/runStatus';
import type { ListState } from '../_lib/listState';

const selectClass = 'min-w-0 rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-800';

export function RunsFilters({ state, onChange, datasets, owners, children }: { state: ListState; onChange: (update: (s: ListState) => ListState) => void; datasets: { name: string; title: string }[]; owners: string[]; children?: ReactNode }) {
  const [text, setText] = useState(state.text);
  const [owner, setOwner] = useState(state.owner);
  // Debounce typing so each keystroke is not a request.
  useEffect(() => {
    const t = setTimeout(() => onChange((s) => (s.text === text.trim() ? s : { ...s, text: text.trim() })), 250);
    return () => clearTimeout(t);
  }, [text, onChange]);
  useEffect(() => {
    const t = setTimeout(() => onChange((s) => (s.owner === owner.trim() ? s : { ...s, owner: owner.trim() })), 250);
    return () => clearTimeout(t);
  }, [owner, onChange]);
  useEffect(() => setOwner(state.owner), [state.owner]);
  const set = <K extends keyof ListState>(k: K, v: ListState[K]) => onChange((s) => ({ ...s, [k]: v }));

  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3" data-testid="runs-filters">
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Search name, owner, preset, tags, notes…"
        aria-label="Search runs"
        maxLength={200}
        className="w-full rounded-md border border-slate-400 px-3 py-1.5 text-sm sm:w-64"
      />
      <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Filter by status">
        {RUN_STATUSES.map((s) => {
          const on = state.statuses.includes(s);
          return (
            <button
              key={s}
              type="button"
              aria-pressed={on}
              onClick={() => set('statuses', on ? state.statuses.filter((x) => x !== s) : [...state.statuses, s])}
              className={`rounded-full border px-2.5 py-1 text-xs ${on ? 'border-sky-700 bg-sky-50 text-sky-900' : 'border-slate-400 text-slate-700 hover:bg-slate-50'}`}
            >
              {s.toLowerCase()}
            </button>
          );
        })}
      </div>
      <select value={state.preset} onChange={(e) => set('preset', e.target.value)} aria-label="Filter by preset" className={selectClass}>
        <option value="">all presets</option>
        {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
      </select>
      <select value={state.engine} onChange={(e) => set('engine', e.target.value)} aria-label="Filter by engine" className={selectClass}>
        <option value="">all engines</option>
        {ENGINES.map((e) => <option key={e} value={e}>{e}</option>)}
      </select>
      <select value={state.dataset} onChange={(e) => set('dataset', e.target.value)} aria-label="Filter by dataset" className={selectClass}>
        <option value="">all datasets</option>
        {datasets.map((d) => <option key={d.name} value={d.name}>{d.name}</option>)}
      </select>
      <input value={owner} onChange={(e) => setOwner(e.target.value)} list="run-owners" placeholder="any owner" aria-label="Filter by owner" maxLength={200} className={`${selectClass} w-36`} />
      <datalist id="run-owners">{owners.map((o) => <option key={o} value={o} />)}</datalist>
      <select value={state.archived} onChange={(e) => set('archived', e.target.value as ListState['archived'])} aria-label="Archived runs" className={selectClass} data-testid="filter-archived">
        <option value="ACTIVE">active runs</option>
        <option value="ARCHIVED">archived runs</option>
        <option value="ALL">active and archived</option>
      </select>
      {state.group && (
        <span className="inline-flex items-center gap-1 rounded-full border border-sky-700 bg-sky-50 px-2.5 py-1 text-xs text-sky-900" data-testid="filter-group">
          <Link href={`/groups/${encodeURIComponent(state.group)}`} className="underline">one study group</Link>
          <button type="button" onClick={() => set('group', '')} aria-label="Show runs of every group" className="ml-1 font-bold">×</button>
        </span>
      )}
      <label className="inline-flex items-center gap-1.5 text-sm text-slate-700">
        <input type="checkbox" checked={state.mine} onChange={(e) => set('mine', e.target.checked)} className="h-4 w-4 accent-sky-700" /> only mine
      </label>
      <div className="ml-auto flex items-center gap-3">{children}</div>
    </div>
  );
}
