/** While a run loads: its header, progress, metrics and curves, in their final sizes. */
import { Skeleton } from '../../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the run">
      <Skeleton className="h-7 w-72 max-w-full" />
      <Skeleton className="h-14 w-full" />
      <Skeleton className="h-20 w-full" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2"><Skeleton className="h-72" /><Skeleton className="h-72" /></div>
    </div>
  );
}
