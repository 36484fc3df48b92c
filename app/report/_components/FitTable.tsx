/** Train and validation figures of several models (ours over published), scrolling inside its card on a phone. */
import type { FitRow } from '../../_lib/report';
import { int, num } from '../../_lib/format';
import { ModelCell, Pair, headRow, pc, th } from './Pair';
import { ScrollArea } from '../../_components/ScrollArea';

export function FitTable({ rows, showEngine = false }: { rows: (FitRow & { engine?: string })[]; showEngine?: boolean }) {
  return (
    <ScrollArea label="Train and validation figures">
      <table className="w-full min-w-[520px] text-sm">
        <thead>
          <tr className={headRow}>
            <th className="py-1.5 pr-3">Model</th>
            {showEngine && <th className="px-2 py-1.5">Engine</th>}
            <th className={th}>Train acc</th>
            <th className={th}>Val acc</th>
            <th className={th}>Val loss</th>
            <th className={th}>Parameters</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.model} className="border-b border-slate-100">
              <ModelCell model={r.model} runId={r.runId} />
              {showEngine && <td className="px-2 py-1.5 text-xs text-slate-700">{r.engine}</td>}
              <td className="px-2 py-1.5"><Pair ours={pc(r.ours.trainAcc)} published={pc(r.published?.trainAcc)} delta={r.ours.trainAcc != null && r.published ? 100 * (r.ours.trainAcc - r.published.trainAcc) : null} /></td>
              <td className="px-2 py-1.5"><Pair ours={pc(r.ours.valAcc)} published={pc(r.published?.valAcc)} delta={r.ours.valAcc != null && r.published ? 100 * (r.ours.valAcc - r.published.valAcc) : null} /></td>
              <td className="px-2 py-1.5"><Pair ours={num(r.ours.valLoss)} published={num(r.published?.valLoss)} delta={r.ours.valLoss != null && r.published ? r.ours.valLoss - r.published.valLoss : null} better="min" /></td>
              <td className="px-2 py-1.5 text-right tabular-nums text-slate-700">{int(r.parameters)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
