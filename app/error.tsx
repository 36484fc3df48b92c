'use client';
/** Error boundary for every page: says what went wrong and offers a retry instead of a blank screen. */
import { ErrorBox } from './_components/ui';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold tracking-tight">This page failed</h1>
      <ErrorBox title="Something went wrong while rendering" error={error.message || 'Unknown error'} onRetry={reset} />
    </div>
  );
}
