'use client';
/**
 * The runs as a table from the md breakpoint up (fixed column widths, so rows arriving or changing
 * status never shift the columns; wider than the screen it scrolls inside its card) and as one card
 * per run on a phone: the same rows and cells, laid out by CSS, with the column name beside each
 * value where the header is hidden. Sortable headers; a click on an owner filters by them. Each run
 * shows its preset as "M0 (modified: …)" when it differs, and links to its study group.
 */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { RunSort, RunSortField, RunSummaryFragment } from '../../_graphql/generated';
import { ago, duration, elapsed, num, pct } from '../../_lib/format';
import { statusDetail } from '../../_lib/runStatus';
import { Empty, Skeleton, StatusBadge } from '../../_components/ui';
import { ScrollArea } from '../../_components/ScrollArea';

const COLUMNS: { label: string; field?: RunSortField; right?: boolean; width: string }[] = [
  { label: 'Run', field: 'NAME', width: 'w-[250px]' },
  { label: 'Status', field: 'STATUS', width: 'w-[150px]' },
  { label: 'Engine', width: 'w-[90px]' },
  { label: 'Owner · tags', width: 'w-[180px]' },
  { label: 'Val acc', field: 'VAL_ACCURACY', right: true, width: 'w-[78px]' },
  { label: 'Test acc', field: 'TEST_ACCURACY', right: true, width: 'w-[82px]' },
  { label: 'Macro F1', field: 'MACRO_F1', right: true, width: 'w-[82px]' },
  { label: 'Test CE', right: true, width: 'w-[70px]' },
  { label: 'Duration', field: 'DURATION', right: true, width: 'w-[90px]' },
  { label: 'Created', field: 'CREATED_AT', width: 'w-[96px]' },
];

/** On a phone the header row is hidden, so a metric says what it is. */
const Label = ({ children }: { children: ReactNode }) => <span className="mr-1 text-xs font-normal text-slate-600 md:hidden">{children}</span>;

interface Props {
  rows: RunSummaryFragment[];
  loading: boolean;
  sort: RunSort;
  onSort: (sort: RunSort) => void;
  selected: string[];
  onToggle: (id: string) => void;
  onOwner: (owner: string) => void;
  /** What to say when there are no rows: null means "no runs at all". */
  empty: string | null;
}

export function RunsTable({ rows, loading, sort, onSort, selected, onToggle, onOwner, empty }: Props) {
  const toggleSort = (field: RunSortField) =>
    onSort(sort.field === field ? { field, direction: sort.direction === 'ASC' ? 'DESC' : 'ASC' } : { field, direction: field === 'NAME' ? 'ASC' : 'DESC' });
  const metric = 'px-0 text-sm tabular-nums md:px-2 md:text-right';
  return (
    <ScrollArea label="Runs" className="rounded-lg border border-slate-200 bg-white">
      <table className="block w-full text-sm md:table md:min-w-[1100px] md:table-fixed" data-testid="runs-table">
        <colgroup className="hidden md:table-column-group">
          <col className="w-9" />
          {COLUMNS.map((c) => <col key={c.label} className={c.width} />)}
        </colgroup>
        <thead className="hidden border-b border-slate-200 bg-slate-50 md:table-header-group">
          <tr>
            <th className="w-8 px-2"><span className="sr-only">Select</span></th>
            {COLUMNS.map((c) => (
              <th key={c.label} className={`whitespace-nowrap px-2 py-2 text-xs font-medium uppercase tracking-wide text-slate-600 ${c.right ? 'text-right' : 'text-left'}`} aria-sort={c.field && sort.field === c.field ? (sort.direction === 'ASC' ? 'ascending' : 'descending') : undefined}>
                {c.field ? (
                  <button type="button" onClick={() => toggleSort(c.field!)} className="inline-flex items-center gap-1 uppercase hover:text-slate-900">
                    {c.label}
                    <span className="w-2 text-[10px]" aria-hidden>{sort.field === c.field ? (sort.direction === 'ASC' ? '▲' : '▼') : ''}</span>
                  </button>
                ) : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-100 md:table-row-group">
          {loading && Array.from({ length: 8 }, (_, i) => (
            <tr key={i} className="block h-16 md:table-row md:h-11"><td colSpan={11} className="block px-2 py-3 md:table-cell"><Skeleton className="h-4 w-full" /></td></tr>
          ))}
          {rows.map((r) => (
            <tr key={r.id} className={`relative flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-2.5 pl-11 pr-3 hover:bg-slate-50 md:table-row md:h-11 md:p-0 ${selected.includes(r.id) ? 'bg-sky-50/60' : ''}`} data-run-id={r.id}>
              <td className="absolute left-3 top-3 md:static md:table-cell md:px-2">
                <input type="checkbox" aria-label={`Select ${r.name}`} checked={selected.includes(r.id)} onChange={() => onToggle(r.id)} className="h-4 w-4 accent-sky-700" />
              </td>
              <td className="min-w-0 flex-1 md:table-cell md:px-2">
                <Link href={`/runs/${r.id}`} className="block truncate font-medium text-sky-800 hover:underline">{r.name}</Link>
                <div className="truncate text-xs text-slate-600">
                  {[r.presetLabel, r.dataset].filter(Boolean).join(' · ')}
                  {r.studyGroup && <> · <Link href={`/groups/${r.studyGroup.id}`} className="text-sky-800 hover:underline" title={r.studyGroup.name}>study group</Link></>}
                  {r.archivedAt && <span className="ml-1 rounded bg-slate-200 px-1 text-slate-800">archived</span>}
                </div>
              </td>
              <td className="shrink-0 md:table-cell md:px-2"><StatusBadge status={r.status} extra={statusDetail(r)} /></td>
              <td className="basis-full truncate text-xs text-slate-700 md:table-cell md:px-2">
                <span className="md:block">{r.engine}</span> <span className="text-slate-600 md:block">{r.backend ?? '—'}</span>
              </td>
              <td className="min-w-0 basis-full text-xs md:table-cell md:px-2">
                {r.owner ? <button type="button" className="truncate text-slate-700 hover:underline" onClick={() => onOwner(r.owner!)} title={`Only runs by ${r.owner}`}>{r.owner}</button> : <span className="text-slate-600">—</span>}
                <div className="flex flex-wrap gap-1 overflow-hidden md:flex-nowrap">{r.tags.map((t) => <span key={t} className="rounded bg-slate-100 px-1.5 text-[11px] text-slate-700">{t}</span>)}</div>
              </td>
              <td className={`${metric} md:table-cell`}><Label>Val</Label>{pct(r.evaluation?.valAccuracy)}</td>
              <td className={`${metric} font-medium md:table-cell`}><Label>Test</Label>{pct(r.evaluation?.accuracy)}</td>
              <td className={`${metric} md:table-cell`}><Label>F1</Label>{pct(r.evaluation?.macroF1)}</td>
              <td className={`${metric} md:table-cell`}><Label>CE</Label>{num(r.evaluation?.crossEntropy)}</td>
              <td className={`whitespace-nowrap ${metric} text-slate-700 md:table-cell`} suppressHydrationWarning><Label>took</Label>{duration(elapsed(r))}</td>
              <td className="whitespace-nowrap text-xs text-slate-600 md:table-cell md:px-2" title={r.createdAt} suppressHydrationWarning>{ago(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && (
        <div className="p-4">
          <Empty>{empty ?? <>No runs yet. <Link className="text-sky-800 underline" href="/launch">Launch one</Link> or reproduce the study.</>}</Empty>
        </div>
      )}
    </ScrollArea>
  );
}
