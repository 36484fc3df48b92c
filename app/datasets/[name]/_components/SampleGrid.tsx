'use client';
/** One upright sample image per class, labelled, in a grid that fills whatever width it has. */
import type { DatasetQuery } from '../../../_graphql/generated';
import { Digit } from '../../../_components/Digit';
import { Card } from '../../../_components/ui';

type Sample = NonNullable<DatasetQuery['dataset']>['samples'][number];

export function SampleGrid({ samples }: { samples: Sample[] }) {
  return (
    <Card title="One sample per class (upright)" testId="samples">
      <div className="grid gap-2" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(44px, 1fr))' }}>
        {samples.map((img) => (
          <figure key={img.classIndex} className="flex flex-col items-center">
            <Digit {...img} size={40} />
            <figcaption className="mt-0.5 font-mono text-xs text-slate-700">{img.label}</figcaption>
          </figure>
        ))}
      </div>
    </Card>
  );
}
