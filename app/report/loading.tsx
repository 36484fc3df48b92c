/** While the report gathers every finished run. */
import { Skeleton } from '../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the report">
      <Skeleton className="h-7 w-48" />
      <Skeleton className="h-12 w-full" />
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2"><Skeleton className="h-64" /><Skeleton className="h-64" /></div>
      <Skeleton className="h-64" />
    </div>
  );
}
