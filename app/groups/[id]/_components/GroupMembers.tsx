/** The group's runs in preset order: what each is (modified presets labelled), its status, epochs, test accuracy and ETA. */
import Link from 'next/link';
import type { GroupDetailFragment } from '../../../_graphql/generated';
import { duration, pct } from '../../../_lib/format';
import { statusDetail } from '../../../_lib/runStatus';
import { ScrollArea } from '../../../_components/ScrollArea';
import { StatusBadge } from '../../../_components/ui';

type Member = GroupDetailFragment['members'][number];

const SPEED: Record<string, string> = { live: 'its live speed', measured: 'measured on this network', scaled: 'scaled from other networks', default: 'a default (nothing measured yet)' };

function eta(m: Member): string {
  if (m.remainingSeconds == null) return m.run.durationSeconds != null ? `took ${duration(m.run.durationSeconds)}` : '—';
  return m.finishesInSeconds == null ? `${duration(m.remainingSeconds)} of work` : `in ${duration(m.finishesInSeconds)}`;
}

export function GroupMembers({ members }: { members: Member[] }) {
  const th = 'px-2 py-1.5 text-xs font-medium uppercase tracking-wide text-slate-600';
  return (
    <ScrollArea label="Runs of the study group">
      <table className="w-full min-w-[720px] text-sm" data-testid="group-members-table">
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th className={th}>Preset</th>
            <th className={th}>Run</th>
            <th className={th}>Status</th>
            <th className={`${th} text-right`}>Epochs</th>
            <th className={`${th} text-right`}>Test acc</th>
            <th className={`${th} text-right`}>Finishes</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.run.id} className="border-b border-slate-100" data-status={m.run.status}>
              <td className="whitespace-nowrap px-2 py-1.5 font-medium">{m.run.presetLabel ?? m.run.preset ?? 'custom'}</td>
              <td className="max-w-[240px] truncate px-2 py-1.5"><Link href={`/runs/${m.run.id}`} className="text-sky-800 hover:underline">{m.run.name}</Link></td>
              <td className="px-2 py-1.5">
                <StatusBadge status={m.run.status} extra={statusDetail(m.run)} />
                {m.run.error && <div className="max-w-[260px] truncate text-xs text-red-800" title={m.run.error}>{m.run.error}</div>}
              </td>
              <td className="whitespace-nowrap px-2 py-1.5 text-right tabular-nums">{m.epochsDone} of {m.epochs}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{pct(m.run.evaluation?.accuracy)}</td>
              <td className="whitespace-nowrap px-2 py-1.5 text-right tabular-nums text-slate-700" title={m.speedSource ? `Estimated from ${SPEED[m.speedSource] ?? m.speedSource}` : undefined}>{eta(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
