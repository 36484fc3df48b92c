/** Robustness: test accuracy under noise σ for each preset with a curve (ours over published, with the difference). */
import type { ReportRowFieldsFragment } from '../../_graphql/generated';
import { ScrollArea } from '../../_components/ScrollArea';
import { headRow, Pair, th } from './Pair';

export function RobustnessTable({ rows }: { rows: ReportRowFieldsFragment[] }) {
  const shown = rows.filter((r) => r.robustness.some((p) => p.ours != null || p.published != null));
  const sigmas = [...new Set(shown.flatMap((r) => r.robustness.map((p) => p.sigma)))].sort((a, b) => a - b);
  if (!shown.length) return <p className="text-sm text-slate-600">No robustness curve yet: runs measure it after training.</p>;
  return (
    <ScrollArea label="Robustness table">
      <table className="w-full min-w-[560px] text-sm" data-testid="report-robustness-table">
        <thead>
          <tr className={headRow}>
            <th className="px-2 py-1.5">Preset</th>
            {sigmas.map((s) => <th key={s} className={`${th} normal-case`}>σ {s}</th>)}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.preset} className="border-b border-slate-100">
              <td className="whitespace-nowrap px-2 py-1.5 font-medium">{r.label}</td>
              {sigmas.map((s) => {
                const p = r.robustness.find((x) => x.sigma === s);
                return <td key={s} className="px-2 py-1.5">{p && <Pair metric={{ key: 'testAccuracy', label: '', better: 'higher', ours: p.ours, published: p.published, delta: p.delta }} />}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
