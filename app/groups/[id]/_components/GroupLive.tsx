'use client';
/**
 * A study group kept live: starts from the server's answer, refetches when any run changes
 * (runsChanged, at most every 700 ms) and every 3 s while a member is queued or running (progress does
 * not fire runsChanged), and lays out the header, progress, actions, members and the group's report.
 */
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { GroupDocument, RunsChangedDocument, type GroupDetailFragment } from '../../../_graphql/generated';
import { useQuery, useSubscription } from '../../../_lib/hooks';
import { Card, ErrorBox, PageTitle, StatusBadge } from '../../../_components/ui';
import { ReportTable } from '../../../report/_components/ReportTable';
import { GroupActions } from './GroupActions';
import { GroupMembers } from './GroupMembers';
import { GroupProgress } from './GroupProgress';

export function GroupLive({ initial }: { initial: GroupDetailFragment }) {
  const { data, error, refetch } = useQuery(GroupDocument, { id: initial.id }, { initial: { group: initial } });
  const group = data?.group ?? null;
  const active = useRef(false);
  useEffect(() => {
    active.current = !!group && group.queued + group.running > 0;
  }, [group]);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const subError = useSubscription(RunsChangedDocument, {}, () => {
    if (pending.current) return;
    pending.current = setTimeout(() => { pending.current = null; void refetch(); }, 700);
  });
  useEffect(() => {
    const t = setInterval(() => { if (active.current) void refetch(); }, 3000);
    return () => clearInterval(t);
  }, [refetch]);

  if (!group) {
    return <ErrorBox title="This study group is gone" error="It was deleted (with its runs)." />;
  }
  const overrides = group.overrides && typeof group.overrides === 'object' ? Object.entries(group.overrides as Record<string, unknown>) : [];
  return (
    <div className="space-y-4" data-testid="group-page">
      <PageTitle
        title={<span className="inline-flex flex-wrap items-center gap-2">{group.name} <StatusBadge status={group.status} /></span>}
        lead={`Launched ${group.createdAt.slice(0, 16).replace('T', ' ')}${group.owner ? ` by ${group.owner}` : ''} on ${group.dataset ?? 'its dataset'}, protocol ${group.protocolLabel}${overrides.length ? `, with ${overrides.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}` : ', every preset as it is'}.`}
      >
        <Link href={`/?group=${encodeURIComponent(group.id)}`} className="text-sm text-sky-800 underline">Its runs in the list</Link>
      </PageTitle>
      {subError && <div className="text-xs text-amber-800">Live updates interrupted ({subError.message}); reconnecting…</div>}
      {error && <ErrorBox title="Could not refresh the group" error={error} onRetry={() => void refetch()} />}
      <GroupProgress group={group} />
      <GroupActions group={group} onChanged={() => void refetch()} />
      <Card title="Runs, in preset order" testId="group-members"><GroupMembers members={group.members} /></Card>
      {group.replacedRuns.length > 0 && (
        <Card title="Replaced by re-runs">
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {group.replacedRuns.map((r) => <li key={r.id}><Link className="text-sky-800 underline" href={`/runs/${r.id}`}>{r.name}</Link> <span className="text-xs text-slate-600">{r.status.toLowerCase()}</span></li>)}
          </ul>
        </Card>
      )}
      <Card title={`This study's report: ${group.protocolLabel}`} testId="group-report">
        <ReportTable rows={group.report} label="This study's report" />
        <p className="mt-2 text-xs text-slate-600">
          {group.protocol === 'BATCH_MEAN'
            ? 'Launched with the batch-mean variants of M0–M1h (“M1c · batch mean”), which the study did not train: only the framework rows, batch mean in both protocols, stand beside the published figures.'
            : 'As the study ran them: M0–M1h with summed batch gradients, M2–M3b with the batch mean.'}{' '}
          Each member of the study&apos;s protocol beside the published figures{group.dataset === 'emnist-bymerge' ? '' : ' (shown only for EMNIST ByMerge)'}. Members launched with overrides are labelled “modified”; the <Link href={`/report?dataset=${encodeURIComponent(group.dataset ?? '')}`} className="text-sky-800 underline">study report</Link> uses only exact runs unless one is pinned{group.can.pin ? ' (the “Pin … to the report” button above pins this study’s finished runs)' : ''}.
        </p>
      </Card>
    </div>
  );
}
