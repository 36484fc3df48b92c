'use client';
/** A run's own history from the audit trail: who launched, edited or cancelled it, and when. */
import { useEffect } from 'react';
import { changeSummary, verb, when } from '../_lib/audit';
import { dateTime } from '../_lib/format';
import { useQuery } from '../_lib/hooks';
import { RUN_HISTORY } from '../_lib/queries';
import type { AuditEntry } from '../_lib/types';
import { Card, Skeleton } from './ui';

/** `version` changes whenever the run does (status, tags), so the history follows along. */
export function RunHistory({ id, version }: { id: string; version: string }) {
  const { data, refetch } = useQuery<{ run: { history: AuditEntry[] } | null }>(RUN_HISTORY, { id });
  useEffect(() => {
    void refetch();
  }, [version, refetch]);
  const history = data?.run?.history;
  return (
    <Card title="History" testId="run-history">
      {!history ? <Skeleton className="h-10" /> : history.length === 0 ? (
        <p className="text-sm text-slate-500">No recorded changes (this run predates the audit trail).</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {history.map((h) => (
            <li key={h.id} title={`${dateTime(h.at)} · via ${h.via}`}>
              <span className="font-medium text-slate-800">{verb(h.action)}</span> by {h.actorName}, {when(h.at)}
              {changeSummary(h) && <span className="text-slate-500"> · {changeSummary(h)}</span>}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
