/** While the launch form's choices load. */
import { Skeleton } from '../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the launch form">
      <Skeleton className="h-7 w-48" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[1fr_320px]">
        <div className="space-y-4"><Skeleton className="h-28" /><Skeleton className="h-40" /><Skeleton className="h-40" /></div>
        <Skeleton className="h-64" />
      </div>
    </div>
  );
}
