/** Runs: every run with live status, filter, search, sort, pagination, and selection to compare. */
import Link from 'next/link';
import { RunsTable } from './_components/RunsTable';
import { buttonClass } from './_components/ui';

export default function RunsPage() {
  return (
    <div className="space-y-4">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Runs</h1>
          <p className="text-sm text-slate-500">Every training run, live. Select two or more to compare them.</p>
        </div>
        <Link href="/launch" className={buttonClass.primary}>New run</Link>
      </div>
      <RunsTable />
    </div>
  );
}
