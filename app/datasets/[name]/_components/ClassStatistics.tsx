/** Per-class statistics of the dataset, and for ByMerge the published figures of the full set beside them (from the API). */
import type { DatasetQuery } from '../../../_graphql/generated';
import { int } from '../../../_lib/format';
import { Card, Stat } from '../../../_components/ui';

type Dataset = NonNullable<DatasetQuery['dataset']>;

export function ClassStatistics({ dataset: ds }: { dataset: Dataset }) {
  const s = ds.stats;
  const pub = ds.published;
  const name = (i: number) => ds.classNames[i] ?? String(i);
  return (
    <Card title="Class statistics">
      {s ? (
        <div className="grid grid-cols-2 gap-4">
          <Stat label="Mean per class" value={int(s.mean)} />
          <Stat label="Std per class" value={int(s.std)} />
          <Stat label="Largest class" value={`${name(s.maxClass)} · ${int(s.max)}`} />
          <Stat label="Smallest class" value={`${name(s.minClass)} · ${int(s.min)}`} />
          <Stat label="Max / min ratio" value={s.maxMinRatio.toFixed(2)} />
          <Stat label="Images" value={int(ds.imageCount)} />
        </div>
      ) : <div className="text-sm text-slate-600">No statistics.</div>}
      {pub && (
        <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-600" data-testid="published-dataset">
          Published for the full ByMerge set ({int(pub.images)} images): mean {int(pub.meanPerClass)} ± {int(pub.stdPerClass)} per class,
          largest {name(pub.largestClass)} ({int(pub.largestCount)}), smallest {name(pub.smallestClass)} ({int(pub.smallestCount)}), ratio {pub.maxMinRatio}.
        </p>
      )}
    </Card>
  );
}
