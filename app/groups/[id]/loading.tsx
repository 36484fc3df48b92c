/** While a study group loads: its header, progress bar and members table, in their final sizes. */
import { Skeleton } from '../../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the study group">
      <Skeleton className="h-7 w-80 max-w-full" />
      <Skeleton className="h-20 w-full" />
      <Skeleton className="h-96 w-full" />
    </div>
  );
}
