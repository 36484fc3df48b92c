/** The config fields whose values differ between the compared runs (equal fields are left out). */
import type { RunDetailFragment } from '../../_graphql/generated';
import { seriesColor } from '../../_charts/palette';
import { configDiff, showValue } from '../../_lib/analysis';
import { Card } from '../../_components/ui';
import { ScrollArea } from '../../_components/ScrollArea';

export function ConfigDiff({ runs }: { runs: RunDetailFragment[] }) {
  const diff = configDiff(runs.map((r) => ({ preset: r.preset, dataset: r.dataset, ...(r.config as Record<string, unknown>) })));
  return (
    <Card title="Configuration differences" testId="config-diff">
      {diff.length === 0 ? (
        <div className="text-sm text-slate-600">The configurations are identical.</div>
      ) : (
        <ScrollArea label="Configuration differences">
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                <th className="py-1 pr-2">Field</th>
                {runs.map((r, i) => <th key={r.id} className="px-2 py-1 normal-case"><span className="mr-1 inline-block h-2 w-2 rounded-full" style={{ background: seriesColor(i) }} aria-hidden />{r.name}</th>)}
              </tr>
            </thead>
            <tbody>
              {diff.map((d) => (
                <tr key={d.field} className="border-b border-slate-100">
                  <td className="py-1 pr-2 text-slate-700">{d.field}</td>
                  {d.values.map((v, i) => <td key={i} className="break-all px-2 py-1 font-mono text-xs">{showValue(v)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
    </Card>
  );
}
