'use client';
/**
 * The run's name (renamed in place by its owner or an admin), status, what it is (its preset as
 * "M0 (modified: hidden, epochs)" when it differs, engine, backend, dataset, seed, owner, its study
 * group), and what can be done: cancel, clone and edit, download JSON/CSV (archive, delete and pin: RunManage).
 */
import Link from 'next/link';
import { useState } from 'react';
import { CancelRunDocument } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { isActive, statusDetail } from '../../../_lib/runStatus';
import { toCsv } from '../../../_lib/format';
import { fileSlug, saveFile } from '../../../_charts/exportChart';
import { ErrorBox, StatusBadge, buttonClass } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';
import { RenameRun } from './RenameRun';

export function RunHeader() {
  const { run, merge } = useLiveRun();
  const [renaming, setRenaming] = useState(false);
  const [problem, setProblem] = useState<{ title: string; error: Error } | null>(null);

  async function cancel() {
    setProblem(null);
    try {
      const r = await request(CancelRunDocument, { id: run.id });
      merge({ status: r.cancelRun.status });
    } catch (err) {
      setProblem({ title: errorTitle(err, 'Not cancelled'), error: err as Error });
    }
  }
  const slug = fileSlug(run.name);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          {renaming ? (
            <RenameRun id={run.id} name={run.name} onDone={(name) => { if (name) merge({ name }); setRenaming(false); }} />
          ) : (
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <h1 className="min-w-0 break-words text-xl font-semibold tracking-tight" data-testid="run-name">{run.name}</h1>
              <StatusBadge status={run.status} extra={statusDetail(run)} />
              {run.can.rename && <button type="button" className="text-sm text-sky-800 underline-offset-2 hover:underline" onClick={() => setRenaming(true)}>Rename</button>}
            </div>
          )}
          <p className="mt-0.5 text-sm text-slate-600" data-testid="run-facts">
            {[run.presetLabel && `preset ${run.presetLabel}`, run.engine, run.compute ? `on ${run.compute}` : run.backend && `on ${run.backend}`, !run.compute && run.threads && `${run.threads} thread${run.threads === 1 ? '' : 's'}`, run.dataset, `seed ${run.seed}`, run.owner && `by ${run.owner}`].filter(Boolean).join(' · ')}
          </p>
          {run.studyGroup && (
            <p className="text-sm text-slate-600">
              Part of the study group <Link href={`/groups/${run.studyGroup.id}`} className="text-sky-800 underline" data-testid="run-group-link">{run.studyGroup.name}</Link>
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {isActive(run.status) && run.can.cancel && <button type="button" onClick={() => void cancel()} className={buttonClass.danger}>Cancel run</button>}
          {run.can.clone && <Link href={`/launch?from=${encodeURIComponent(run.id)}`} className={buttonClass.secondary}>Clone and edit</Link>}
          <button type="button" className={buttonClass.secondary} onClick={() => saveFile(`${slug}.json`, JSON.stringify(run, null, 2), 'application/json')}>JSON</button>
          <button type="button" className={buttonClass.secondary} disabled={!run.epochs.length} onClick={() => saveFile(`${slug}-epochs.csv`, toCsv(run.epochs, ['epoch', 'lr', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'samplesPerSecond']), 'text/csv')}>Epochs CSV</button>
          <button type="button" className={buttonClass.secondary} disabled={!run.robustness.length} onClick={() => saveFile(`${slug}-robustness.csv`, toCsv(run.robustness, ['sigma', 'accuracy']), 'text/csv')}>Robustness CSV</button>
        </div>
      </div>
      {problem && <ErrorBox title={problem.title} error={problem.error} />}
    </div>
  );
}
