/** Test accuracy under each noise level σ, ours over published, per model. */
import type { RobustnessRow } from '../../_lib/report';
import { ModelCell, Pair, headRow, pc, th } from './Pair';
import { ScrollArea } from '../../_components/ScrollArea';

export function RobustnessTable({ rows }: { rows: RobustnessRow[] }) {
  const sigmas = rows[0]?.sigmas ?? [];
  return (
    <ScrollArea label="Accuracy under noise">
      <table className="w-full min-w-[560px] text-sm">
        <thead>
          <tr className={headRow}>
            <th className="py-1.5 pr-3">Model</th>
            {sigmas.map((s) => <th key={s} className={`${th} normal-case`}>σ {s}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.model} className="border-b border-slate-100">
              <ModelCell model={r.model} runId={r.runId} />
              {r.sigmas.map((s, k) => <td key={s} className="px-2 py-1.5"><Pair ours={pc(r.ours[k], 1)} published={pc(r.published[k], 1)} /></td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
