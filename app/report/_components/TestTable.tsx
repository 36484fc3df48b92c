/** Final test figures per model (ours over published), and each model's gain over M0 in percentage points. */
import type { TestRow } from '../../_lib/report';
import { num } from '../../_lib/format';
import { ModelCell, Pair, headRow, pc, th } from './Pair';
import { ScrollArea } from '../../_components/ScrollArea';

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

export function TestTable({ rows }: { rows: TestRow[] }) {
  return (
    <ScrollArea label="Final test comparison">
      <table className="w-full min-w-[500px] text-sm">
        <thead>
          <tr className={headRow}>
            <th className="py-1.5 pr-3">Model</th><th className={th}>Accuracy</th><th className={th}>Macro F1</th><th className={th}>Cross-entropy</th><th className={th}>vs M0 (pp)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.model} className="border-b border-slate-100">
              <ModelCell model={t.model} runId={t.runId} />
              <td className="px-2 py-1.5"><Pair ours={pc(t.ours?.accuracy)} published={pc(t.published.accuracy)} delta={t.ours ? 100 * (t.ours.accuracy - t.published.accuracy) : null} /></td>
              <td className="px-2 py-1.5"><Pair ours={pc(t.ours?.macroF1)} published={pc(t.published.macroF1)} delta={t.ours ? 100 * (t.ours.macroF1 - t.published.macroF1) : null} /></td>
              <td className="px-2 py-1.5"><Pair ours={num(t.ours?.crossEntropy)} published={num(t.published.crossEntropy)} delta={t.ours ? t.ours.crossEntropy - t.published.crossEntropy : null} better="min" /></td>
              <td className="px-2 py-1.5"><Pair ours={t.oursGainPp == null ? '—' : signed(t.oursGainPp)} published={signed(t.publishedGainPp)} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
