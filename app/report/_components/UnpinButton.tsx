'use client';
/** Unpins a report row: the best finished exact run stands for the preset again. */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { UnpinReportRunDocument } from '../../_graphql/generated';
import { request } from '../../_lib/graphql';

export function UnpinButton({ dataset, preset }: { dataset: string; preset: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function unpin() {
    setBusy(true);
    setProblem(null);
    try {
      await request(UnpinReportRunDocument, { dataset, preset });
      router.refresh();
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <button type="button" onClick={() => void unpin()} disabled={busy} className="text-xs text-sky-800 underline hover:text-sky-950 disabled:opacity-50" data-testid={`unpin-${preset}`}>
        {busy ? 'Unpinning…' : `Unpin (use the best exact ${preset} run)`}
      </button>
      {problem && <div className="text-xs text-red-800" role="alert">{problem}</div>}
    </div>
  );
}
