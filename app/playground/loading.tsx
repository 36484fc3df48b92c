/** While the runs one may ask load. */
import { Skeleton } from '../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the playground">
      <Skeleton className="h-7 w-48" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[460px_1fr]">
        <Skeleton className="h-[460px]" />
        <div className="space-y-4"><Skeleton className="h-64" /><Skeleton className="h-40" /></div>
      </div>
    </div>
  );
}
