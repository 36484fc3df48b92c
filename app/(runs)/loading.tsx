/** While the first page of runs loads: the filter bar and rows, in their final sizes. */
import { Skeleton } from '../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading runs">
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-24 w-full md:h-14" />
      {Array.from({ length: 8 }, (_, i) => <Skeleton key={i} className="h-16 w-full md:h-11" />)}
    </div>
  );
}
