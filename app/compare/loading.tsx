/** While the runs to compare load: the metrics table and the charts, in their final sizes. */
import { Skeleton } from '../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the comparison">
      <Skeleton className="h-7 w-64 max-w-full" />
      <Skeleton className="h-40" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2"><Skeleton className="h-72" /><Skeleton className="h-72" /></div>
    </div>
  );
}
