/** The default stratified split: images, share and the smallest and largest class in each set. */
import type { DatasetQuery } from '../../../_graphql/generated';
import { int } from '../../../_lib/format';
import { Card } from '../../../_components/ui';
import { ScrollArea } from '../../../_components/ScrollArea';

type Split = NonNullable<DatasetQuery['dataset']>['splits'][number];

export function SplitTable({ splits }: { splits: Split[] }) {
  return (
    <Card title="Splits (the default stratified split)" testId="splits">
      <ScrollArea label="Splits">
        <table className="w-full min-w-[420px] text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <th className="py-1.5">Set</th><th className="py-1.5 text-right">Images</th><th className="py-1.5 text-right">Share</th><th className="py-1.5 text-right">Min per class</th><th className="py-1.5 text-right">Max per class</th>
            </tr>
          </thead>
          <tbody>
            {splits.map((sp) => (
              <tr key={sp.set} className="border-b border-slate-100 tabular-nums">
                <td className="py-1.5">{sp.set}</td>
                <td className="py-1.5 text-right">{int(sp.images)}</td>
                <td className="py-1.5 text-right">{(100 * sp.proportion).toFixed(1)}%</td>
                <td className="py-1.5 text-right">{int(sp.minPerClass)}</td>
                <td className="py-1.5 text-right">{int(sp.maxPerClass)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </Card>
  );
}
