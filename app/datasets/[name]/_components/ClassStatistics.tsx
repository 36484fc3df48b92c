/** Per-class statistics of the dataset, and for ByMerge the published figures of the full set beside them. */
import type { DatasetQuery } from '../../../_graphql/generated';
import { int } from '../../../_lib/format';
import { PUBLISHED } from '../../../_lib/published';
import { Card, Stat } from '../../../_components/ui';

type Dataset = NonNullable<DatasetQuery['dataset']>;

export function ClassStatistics({ dataset: ds }: { dataset: Dataset }) {
  const s = ds.stats;
  const pub = PUBLISHED.dataset;
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
      {ds.name.startsWith('emnist-bymerge') && (
        <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-600" data-testid="published-dataset">
          Published for the full ByMerge set ({int(pub.images)} images): mean {int(pub.perClass.mean)} ± {int(pub.perClass.std)} per class,
          largest {name(pub.perClass.max.class)} ({int(pub.perClass.max.count)}), smallest {name(pub.perClass.min.class)} ({int(pub.perClass.min.count)}), ratio {pub.perClass.maxMinRatio}.
        </p>
      )}
    </Card>
  );
}
