'use client';
/** Which dataset the report is about; the choice goes into the address (?dataset=…), so a reload or a shared link keeps it. */
import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';

export function DatasetPicker({ datasets, current }: { datasets: string[]; current: string | null }) {
  const router = useRouter();
  const path = usePathname();
  const [pending, start] = useTransition();
  return (
    <select
      value={current ?? ''}
      onChange={(e) => start(() => router.replace(`${path}?dataset=${encodeURIComponent(e.target.value)}`, { scroll: false }))}
      className="min-w-0 rounded border border-slate-400 bg-white px-2 py-1"
      aria-label="Dataset"
      aria-busy={pending}
      data-testid="report-dataset"
    >
      {datasets.map((d) => <option key={d} value={d}>{d}</option>)}
    </select>
  );
}
