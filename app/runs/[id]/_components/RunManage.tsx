'use client';
/**
 * What else can be done to a run: pin it to its dataset's study report for a preset ("this is our
 * M1g"), archive it (hidden from lists and the report, restorable) or delete it — after a confirmation
 * that says what goes with it (its model files and checkpoint). Shown to those the API lets do it.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { PRESETS } from '../../../../trainer/config/presets';
import { ArchiveRunDocument, DeleteRunDocument, PinReportRunDocument, RestoreRunDocument } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { isActive } from '../../../_lib/runStatus';
import { ErrorBox, buttonClass } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';

export function RunManage({ canPin }: { canPin: boolean }) {
  const router = useRouter();
  const { run, merge } = useLiveRun();
  const [confirming, setConfirming] = useState(false);
  const [preset, setPreset] = useState(run.preset ?? PRESETS[0].name);
  const [done, setDone] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ title: string; error: Error } | null>(null);
  const act = async (what: string, fn: () => Promise<void>) => {
    setProblem(null);
    setDone(null);
    try {
      await fn();
    } catch (err) {
      setProblem({ title: errorTitle(err, `Not ${what}`), error: err as Error });
    }
  };
  const finished = run.status === 'SUCCEEDED';
  const pinned = run.pins.map((p) => `${p.preset} on ${p.dataset}`);
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="run-manage">
      {pinned.length > 0 && <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900">pinned as {pinned.join(', ')} in the report</span>}
      {run.archivedAt && <span className="rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-800">archived</span>}
      {canPin && finished && !run.archivedAt && (
        <span className="inline-flex items-center gap-1">
          <label htmlFor="pin-preset" className="text-slate-700">Report row</label>
          <select id="pin-preset" value={preset} onChange={(e) => setPreset(e.target.value)} className="rounded-md border border-slate-400 bg-white px-2 py-1">
            {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
          <button type="button" className={buttonClass.secondary} data-testid="pin-run" onClick={() => void act('pinned', async () => {
            await request(PinReportRunDocument, { dataset: run.dataset, preset, runId: run.id });
            merge({ pins: [...run.pins.filter((p) => !(p.preset === preset && p.dataset === run.dataset)), { dataset: run.dataset, preset, pinnedBy: 'you', pinnedAt: new Date().toISOString() }] });
            setDone(`Pinned: this run stands for ${preset} in the ${run.dataset} report.`);
          })}>Pin to report</button>
        </span>
      )}
      <span className="flex flex-wrap gap-2 sm:ml-auto">
        {run.can.archive && !isActive(run.status) && (
          <button type="button" className={buttonClass.secondary} data-testid="archive-run" onClick={() => void act(run.archivedAt ? 'restored' : 'archived', async () => {
            const r = run.archivedAt ? (await request(RestoreRunDocument, { id: run.id })).restoreRun : (await request(ArchiveRunDocument, { id: run.id })).archiveRun;
            merge({ archivedAt: r.archivedAt });
          })}>{run.archivedAt ? 'Restore' : 'Archive'}</button>
        )}
        {run.can.delete && run.status !== 'RUNNING' && !confirming && <button type="button" className={buttonClass.danger} onClick={() => setConfirming(true)} data-testid="delete-run">Delete…</button>}
      </span>
      {confirming && (
        <div role="alertdialog" aria-labelledby="delete-question" className="basis-full rounded-md border border-red-300 bg-red-50 p-3" data-testid="delete-confirm">
          <p id="delete-question" className="text-red-900">Delete “{run.name}” for good? Its epochs, results, model files and checkpoint go with it{pinned.length ? '; its report pins fall back to the best exact run' : ''}.</p>
          <div className="mt-2 flex gap-2">
            <button type="button" className={buttonClass.danger} data-testid="delete-confirm-yes" onClick={() => void act('deleted', async () => {
              await request(DeleteRunDocument, { id: run.id });
              router.push('/');
            })}>Delete the run</button>
            <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>Keep it</button>
          </div>
        </div>
      )}
      {done && <p className="basis-full text-emerald-800" role="status">{done}</p>}
      {problem && <div className="basis-full"><ErrorBox title={problem.title} error={problem.error} /></div>}
    </div>
  );
}
