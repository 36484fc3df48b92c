/** While a dataset's statistics load (the first time, the server reads the whole dataset). */
import { Skeleton } from '../../_components/ui';

export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the dataset">
      <Skeleton className="h-7 w-64 max-w-full" />
      <Skeleton className="h-48" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]"><Skeleton className="h-64" /><Skeleton className="h-64" /></div>
    </div>
  );
}
