'use client';
/** Admins: the audit trail, newest first, filtered by action, person, run and time, paged backwards. */
import Link from 'next/link';
import { useState } from 'react';
import { ACTIONS, changeSummary, verb } from '../../../_lib/audit';
import { dateTime } from '../../../_lib/format';
import { AuditLogDocument } from '../../../_graphql/generated';
import { request } from '../../../_lib/graphql';
import { useQuery } from '../../../_lib/hooks';
import { Card, Empty, ErrorBox, Skeleton, buttonClass } from '../../../_components/ui';
import { ScrollArea } from '../../../_components/ScrollArea';


const selectClass = 'mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm';

export function AuditLogView() {
  const [filter, setFilter] = useState({ action: '', actorId: '', runId: '', since: '', until: '' });
  const variables = {
    first: 50,
    filter: Object.fromEntries(
      Object.entries(filter)
        .filter(([, v]) => v.trim())
        .map(([k, v]) => [k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v.trim()]),
    ),
  };
  const { data, error, setData } = useQuery(AuditLogDocument, variables);
  const [more, setMore] = useState<Error | null>(null);
  const set = (k: keyof typeof filter) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setFilter((f) => ({ ...f, [k]: e.target.value }));

  async function older() {
    const last = data?.auditLog.entries.at(-1);
    if (!last) return;
    try {
      const r = await request(AuditLogDocument, { ...variables, before: last.id });
      setData((prev) => (prev ? { ...prev, auditLog: { entries: [...prev.auditLog.entries, ...r.auditLog.entries], hasMore: r.auditLog.hasMore } } : prev));
    } catch (err) {
      setMore(err as Error);
    }
  }

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">Audit trail</h1>
        <p className="text-sm text-slate-600">Every change anyone made and every sign-in, newest first. Entries cannot be edited or removed.</p>
      </div>
      <Card title="Filter">
        <div className="grid grid-cols-2 gap-2 md:grid-cols-5">
          <label className="text-xs text-slate-600">Action
            <select aria-label="Action" value={filter.action} onChange={set('action')} className={selectClass}>
              <option value="">any</option>
              {Object.keys(ACTIONS).map((a) => <option key={a} value={a}>{verb(a)}</option>)}
            </select>
          </label>
          <label className="text-xs text-slate-600">Who
            <select aria-label="Who" value={filter.actorId} onChange={set('actorId')} className={selectClass}>
              <option value="">anyone</option>
              {data?.users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
          <label className="text-xs text-slate-600">Run id<input aria-label="Run id" value={filter.runId} onChange={set('runId')} placeholder="uuid" className={selectClass} /></label>
          <label className="text-xs text-slate-600">From<input aria-label="From" type="datetime-local" value={filter.since} onChange={set('since')} className={selectClass} /></label>
          <label className="text-xs text-slate-600">Until<input aria-label="Until" type="datetime-local" value={filter.until} onChange={set('until')} className={selectClass} /></label>
        </div>
      </Card>
      {error && <ErrorBox error={error} />}
      <Card testId="audit-log">
        {!data ? <Skeleton className="h-32" /> : data.auditLog.entries.length === 0 ? <Empty>No entries match.</Empty> : (
          <ScrollArea label="Audit entries">
            <table className="w-full min-w-[640px] text-left text-sm">
              <thead className="text-xs uppercase text-slate-600">
                <tr><th className="py-1 pr-2">When</th><th className="py-1 pr-2">Who</th><th className="py-1 pr-2">What</th><th className="py-1 pr-2">Run</th><th className="py-1 pr-2">From</th></tr>
              </thead>
              <tbody>
                {data.auditLog.entries.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100 align-top" data-action={e.action}>
                    <td className="py-1.5 pr-2 whitespace-nowrap tabular-nums">{dateTime(e.at)}</td>
                    <td className="py-1.5 pr-2">{e.actorName} <span className="text-xs text-slate-600">{e.via}</span></td>
                    <td className="py-1.5 pr-2">{verb(e.action)}{changeSummary(e) && <span className="text-slate-600"> · {changeSummary(e)}</span>}</td>
                    <td className="py-1.5 pr-2 font-mono text-xs">{e.runId ? <Link className="text-sky-700 hover:underline" href={`/runs/${e.runId}`}>{e.runId.slice(0, 8)}</Link> : e.groupId ? `group ${e.groupId.slice(0, 8)}` : '—'}</td>
                    <td className="py-1.5 pr-2 text-xs text-slate-600">{e.address ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
        {more && <ErrorBox error={more} />}
        {data?.auditLog.hasMore && <button type="button" onClick={() => void older()} className={`${buttonClass.secondary} mt-3`}>Older entries</button>}
      </Card>
    </div>
  );
}
