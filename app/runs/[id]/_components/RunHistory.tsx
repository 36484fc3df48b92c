'use client';
/** A run's own history from the audit trail: who launched, edited or cancelled it, and when; follows the run's changes. */
import { useEffect } from 'react';
import { RunHistoryDocument } from '../../../_graphql/generated';
import { changeSummary, verb, when } from '../../../_lib/audit';
import { dateTime } from '../../../_lib/format';
import { useQuery } from '../../../_lib/hooks';
import { Card, Skeleton } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';

export function RunHistory() {
  const { run } = useLiveRun();
  const { data, refetch } = useQuery(RunHistoryDocument, { id: run.id });
  const version = `${run.status}|${run.name}|${run.tags.join(',')}|${run.notes ?? ''}`;
  useEffect(() => {
    void refetch();
  }, [version, refetch]);
  const history = data?.run?.history;
  return (
    <Card title="History" testId="run-history">
      {!history ? <Skeleton className="h-10" /> : history.length === 0 ? (
        <p className="text-sm text-slate-600">No recorded changes (this run predates the audit trail).</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {history.map((h) => (
            <li key={h.id} title={`${dateTime(h.at)} · via ${h.via}`} suppressHydrationWarning>
              <span className="font-medium text-slate-800">{verb(h.action)}</span> by {h.actorName}, {when(h.at)}
              {changeSummary(h) && <span className="text-slate-600"> · {changeSummary(h)}</span>}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
