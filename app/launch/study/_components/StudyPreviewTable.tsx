/** The study preview: each of the twelve runs as it would be queued (modified presets labelled), with its estimated time, and the totals. */
import type { StudyPreviewQuery } from '../../../_graphql/generated';
import { duration, int } from '../../../_lib/format';
import { ScrollArea } from '../../../_components/ScrollArea';

type Preview = StudyPreviewQuery['studyPreview'];

const SOURCE: Record<string, string> = { measured: 'measured', scaled: 'scaled from other networks', default: 'default guess', live: 'live' };

export function StudyTotals({ preview: p }: { preview: Preview }) {
  return (
    <p className="text-sm text-slate-800" data-testid="study-total">
      <span className="font-semibold">{p.runs.length} runs, about {duration(p.totalSeconds)} of training</span>
      {p.queueAheadSeconds > 0 && <> behind {duration(p.queueAheadSeconds)} of work already queued or running</>}
      {'; '}
      {p.finishesInSeconds == null ? 'no worker is live now, so nothing would start until one joins' : `done in about ${duration(p.finishesInSeconds)} on ${p.workers} live worker${p.workers === 1 ? '' : 's'}`}.
    </p>
  );
}

export function StudyPreviewTable({ preview }: { preview: Preview }) {
  const th = 'px-2 py-1.5 text-xs font-medium uppercase tracking-wide text-slate-600';
  return (
    <ScrollArea label="The study's runs">
      <table className="w-full min-w-[560px] text-sm" data-testid="study-preview">
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th className={th}>Run</th>
            <th className={th}>Engine</th>
            <th className={`${th} text-right`}>Epochs</th>
            <th className={`${th} text-right`}>Parameters</th>
            <th className={`${th} text-right`}>Estimated time</th>
          </tr>
        </thead>
        <tbody>
          {preview.runs.map((r) => (
            <tr key={r.preset} className="border-b border-slate-100">
              <td className="px-2 py-1.5 font-medium">{r.label}</td>
              <td className="px-2 py-1.5 text-slate-700">{r.engine}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{r.epochs}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{int(r.parameters)}</td>
              <td className="px-2 py-1.5 text-right tabular-nums" title={`Speed: ${SOURCE[r.speedSource] ?? r.speedSource}; early stopping can end a run sooner`}>
                {duration(r.estimatedSeconds)} <span className="text-[11px] text-slate-600">({SOURCE[r.speedSource] ?? r.speedSource})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
