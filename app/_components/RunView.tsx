'use client';
/**
 * One run, live. Loads the run once, then merges `runUpdated` (status, progress, queue position) and
 * appends `epochAdded` rows as they arrive, so curves grow without a reload. When the run finishes the
 * whole run is fetched again to pick up its evaluation. A slow poll backs the subscription up while the
 * run is active, so a dropped socket never leaves the page stale.
 */
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { barChart } from '../_charts/barChart';
import { lineChart, type LineSeries } from '../_charts/lineChart';
import { gql } from '../_lib/graphql';
import { useQuery, useSubscription } from '../_lib/hooks';
import { CANCEL_RUN, EPOCH_ADDED, RUN_QUERY, RUN_UPDATED } from '../_lib/queries';
import { dateTime, duration, elapsed, int, num, pct, toCsv } from '../_lib/format';
import { flatten, showValue } from '../_lib/analysis';
import { PUBLISHED } from '../_lib/published';
import type { Epoch, RunDetail } from '../_lib/types';
import { Chart } from './Chart';
import { ConfusionPanel } from './ConfusionPanel';
import { RunAttempts } from './RunAttempts';
import { RunHistory } from './RunHistory';
import { TagsNotes } from './TagsNotes';
import { downloadText } from './download';
import { Card, ErrorBox, Skeleton, Stat, StatusBadge, buttonClass } from './ui';
import { statusDetail } from './RunsTable';

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

export function curveSeries(epochs: Epoch[], metric: 'loss' | 'accuracy', prefix = ''): LineSeries[] {
  const train = metric === 'loss' ? (e: Epoch) => e.trainLoss : (e: Epoch) => e.trainAccuracy;
  const val = metric === 'loss' ? (e: Epoch) => e.valLoss : (e: Epoch) => e.valAccuracy;
  return [
    { name: `${prefix}train`, points: epochs.map((e) => ({ x: e.epoch, y: train(e) })) },
    { name: `${prefix}validation`, points: epochs.map((e) => ({ x: e.epoch, y: val(e) })), dashed: true },
  ];
}

export function RunView({ id }: { id: string }) {
  const { data, error, loading, refetch, setData } = useQuery<{ run: RunDetail | null }>(RUN_QUERY, { id });
  const run = data?.run ?? null;
  const active = run ? ACTIVE.has(run.status) : false;
  const [actionError, setActionError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const merge = useCallback((patch: Partial<RunDetail>) => setData((prev) => (prev?.run ? { run: { ...prev.run, ...patch } } : prev)), [setData]);

  useSubscription<{ runUpdated: Partial<RunDetail> }>(RUN_UPDATED, { id }, ({ runUpdated }) => {
    const wasActive = run ? ACTIVE.has(run.status) : true;
    merge(runUpdated);
    if (wasActive && runUpdated.status && !ACTIVE.has(runUpdated.status)) void refetch(); // evaluation is ready
  });
  useSubscription<{ epochAdded: Epoch }>(EPOCH_ADDED, { runId: id }, ({ epochAdded }) => {
    setData((prev) => {
      if (!prev?.run) return prev;
      const others = prev.run.epochs.filter((e) => e.epoch !== epochAdded.epoch);
      return { run: { ...prev.run, epochs: [...others, epochAdded].sort((a, b) => a.epoch - b.epoch) } };
    });
  });
  useEffect(() => {
    if (!active) return;
    const poll = setInterval(() => void refetch(), 5000);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { clearInterval(poll); clearInterval(tick); };
  }, [active, refetch]);

  const lossSeries = useMemo(() => curveSeries(run?.epochs ?? [], 'loss'), [run?.epochs]);
  const accSeries = useMemo(() => curveSeries(run?.epochs ?? [], 'accuracy'), [run?.epochs]);
  const epochsPlanned = run?.config?.epochs ?? 1;
  const lossOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'cross-entropy (nats)', integerX: true, xDomain: [1, Math.max(2, epochsPlanned)] as [number, number], yFormat: '.2f' }), [epochsPlanned]);
  const accOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'accuracy (%)', integerX: true, xDomain: [1, Math.max(2, epochsPlanned)] as [number, number], yFormat: '.0%' }), [epochsPlanned]);
  const f1Data = useMemo(() => ({ categories: run?.evaluation?.perClass.map((c) => c.name) ?? [], series: [{ name: 'F1', values: run?.evaluation?.perClass.map((c) => c.f1) ?? [] }] }), [run?.evaluation]);
  const f1Opts = useMemo(() => {
    const scores = run?.evaluation?.perClass ?? [];
    const worst = [...scores].sort((a, b) => a.f1 - b.f1).slice(0, 5).map((c) => c.classIndex);
    return { xLabel: 'class', yLabel: 'F1 score', yFormat: '.0%', yDomain: [0, 1] as [number, number], reference: run?.evaluation ? { value: run.evaluation.macroF1, label: 'macro F1' } : null, accent: worst };
  }, [run?.evaluation]);
  // The study's published figures for this run's preset, where it published any (as fractions).
  const published = useMemo(() => {
    const preset = run?.preset ?? '';
    const test = PUBLISHED.testResults.find((t) => t.model === preset);
    const rob = (PUBLISHED.robustness.accuracy as Record<string, readonly number[]>)[preset];
    return {
      test: test ? { accuracy: test.accuracy / 100, macroF1: test.f1Macro / 100, crossEntropy: test.crossEntropy } : null,
      robustness: rob ? PUBLISHED.robustness.sigmas.map((s, i) => ({ x: s, y: rob[i] / 100 })) : null,
    };
  }, [run?.preset]);
  const robustSeries = useMemo(
    () => [
      { name: 'this run', points: (run?.robustness ?? []).map((p) => ({ x: p.sigma, y: p.accuracy })) },
      ...(published.robustness ? [{ name: `${run?.preset} published`, points: published.robustness, dashed: true, color: '#94a3b8' }] : []),
    ],
    [run?.robustness, run?.preset, published],
  );
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy (%)', yFormat: '.0%', yDomain: [0, 1] as [number, number], legend: Boolean(published.robustness), emptyText: 'Measured after training' }), [published]);

  if (error && !run) return <ErrorBox title="Could not load this run" error={error} onRetry={() => void refetch()} />;
  if (!run && loading) return <RunSkeleton />;
  if (!run) return <ErrorBox title="Run not found" error={`There is no run with id "${id}". It may have been deleted.`} />;

  async function cancel() {
    setActionError(null);
    try {
      const r = await gql<{ cancelRun: { status: RunDetail['status'] } }>(CANCEL_RUN, { id });
      merge({ status: r.cancelRun.status });
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  const p = run.progress;
  const waiting = run.status === 'RUNNING' && run.waitingForWorker;
  // While training, progress.epoch is the epoch in progress; while waiting, the last one finished.
  const progress = run.status === 'RUNNING' && p ? ((waiting ? p.epoch : p.epoch - 1 + (p.batches ? p.batch / p.batches : 0)) / Math.max(1, p.epochs)) : run.status === 'SUCCEEDED' ? 1 : 0;
  const ev = run.evaluation;
  const slug = run.name.replace(/[^\w.-]+/g, '_');

  return (
    <div className="space-y-4" data-testid="run-page" data-status={run.status}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex items-center gap-3">
            <h1 className="truncate text-xl font-semibold tracking-tight" data-testid="run-name">{run.name}</h1>
            <StatusBadge status={run.status} extra={statusDetail(run)} />
          </div>
          <p className="mt-0.5 text-sm text-slate-500">
            {[run.preset && `preset ${run.preset}`, run.engine, run.backend && `on ${run.backend}`, run.dataset, `seed ${run.seed}`, run.owner && `by ${run.owner}`].filter(Boolean).join(' · ')}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {active && run.can?.cancel && <button type="button" onClick={cancel} className={buttonClass.danger}>Cancel run</button>}
          {run.can?.clone && <Link href={`/launch?from=${encodeURIComponent(run.id)}`} className={buttonClass.secondary}>Clone and edit</Link>}
          <button type="button" className={buttonClass.secondary} onClick={() => downloadText(`${slug}.json`, JSON.stringify(run, null, 2), 'application/json')}>JSON</button>
          <button type="button" className={buttonClass.secondary} disabled={!run.epochs.length} onClick={() => downloadText(`${slug}-epochs.csv`, toCsv(run.epochs as unknown as Record<string, unknown>[], ['epoch', 'lr', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'samplesPerSecond']), 'text/csv')}>Epochs CSV</button>
          <button type="button" className={buttonClass.secondary} disabled={!run.robustness.length} onClick={() => downloadText(`${slug}-robustness.csv`, toCsv(run.robustness as unknown as Record<string, unknown>[], ['sigma', 'accuracy']), 'text/csv')}>Robustness CSV</button>
        </div>
      </div>
      {actionError && <ErrorBox title="Action failed" error={actionError} />}
      {run.error && <ErrorBox title="The run failed" error={run.error} />}
      <RunAttempts run={run} />

      {/* Progress: always rendered (fixed height) so the page does not jump when the run starts. */}
      <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
        <div className="flex items-center justify-between text-xs text-slate-600">
          <span data-testid="run-progress-text">
            {run.status === 'QUEUED' ? (run.queuePosition ? `Queued: ${run.queuePosition} run${run.queuePosition === 1 ? '' : 's'} ahead` : 'Queued: next to start') :
              waiting ? `Waiting for a worker: its worker shut down; it resumes after epoch ${p?.epoch ?? 0} of ${p?.epochs ?? run.config?.epochs ?? '?'} when a worker is free` :
              run.status === 'RUNNING' && p ? `Epoch ${p.epoch} of ${p.epochs}${p.batches ? ` · batch ${p.batch}/${p.batches}` : ''}${p.phase ? ` · ${p.phase}` : ''}${p.samplesPerSecond ? ` · ${int(p.samplesPerSecond)} samples/s` : ''}` :
              run.status === 'RUNNING' ? 'Starting…' :
              `${run.status.toLowerCase()}${run.finishedAt ? ` ${dateTime(run.finishedAt)}` : ''}${run.stoppedEarly ? ` · stopped early, best epoch ${run.bestEpoch}` : ''}`}
          </span>
          <span className="tabular-nums">{duration(elapsed(run, now))} · {run.epochs.length}/{run.config?.epochs ?? '?'} epochs</span>
        </div>
        <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100">
          <div className={`h-full rounded-full transition-all ${run.status === 'FAILED' ? 'bg-red-500' : run.status === 'CANCELLED' ? 'bg-amber-500' : 'bg-sky-600'}`} style={{ width: `${Math.round(100 * Math.min(1, progress))}%` }} />
        </div>
      </div>

      <div className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-7" data-testid="run-metrics">
        <Stat label="Test accuracy" value={pct(ev?.accuracy)} sub={published.test && `published ${pct(published.test.accuracy)}`} />
        <Stat label="Macro F1" value={pct(ev?.macroF1)} sub={published.test && `published ${pct(published.test.macroF1)}`} />
        <Stat label="Test cross-entropy" value={num(ev?.crossEntropy)} sub={published.test && `published ${num(published.test.crossEntropy)}`} />
        <Stat label="Val accuracy" value={pct(ev?.valAccuracy ?? run.epochs.at(-1)?.valAccuracy)} />
        <Stat label="Train accuracy" value={pct(ev?.trainAccuracy ?? run.epochs.at(-1)?.trainAccuracy)} />
        <Stat label="Parameters" value={int(run.parameters)} />
        <Stat label="Best epoch" value={run.bestEpoch ?? '—'} />
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Training curves: loss" testId="loss-curve">
          <Chart draw={lineChart} data={lossSeries} options={lossOpts} minHeight={260} />
        </Card>
        <Card title="Training curves: accuracy" testId="accuracy-curve">
          <Chart draw={lineChart} data={accSeries} options={accOpts} minHeight={260} />
        </Card>
      </div>
      <div className="text-xs text-slate-500" data-testid="epoch-count">{run.epochs.length} epoch{run.epochs.length === 1 ? '' : 's'} recorded</div>

      {ev ? (
        <>
          <ConfusionPanel evaluation={ev} dataset={run.dataset} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
            <Card title="Per-class F1 (test set; the five worst in orange)" testId="f1-bars">
              <Chart draw={barChart} data={f1Data} options={f1Opts} minHeight={240} />
            </Card>
            <Card title="Robustness: accuracy under Gaussian noise" testId="robustness">
              <Chart draw={lineChart} data={robustSeries} options={robustOpts} minHeight={240} />
            </Card>
          </div>
        </>
      ) : (
        <Card title="Test evaluation">
          <div className="flex h-24 items-center justify-center text-sm text-slate-500">
            {active ? 'The confusion matrix, per-class F1 and robustness curve appear when training finishes.' : 'This run has no test evaluation.'}
          </div>
        </Card>
      )}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
        <Card title="Configuration" testId="run-config">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-3">
            {Object.entries(flatten(run.config ?? {})).map(([k, v]) => (
              <div key={k} className="flex justify-between gap-2 border-b border-slate-100 py-0.5">
                <dt className="text-slate-500">{k}</dt>
                <dd className="truncate font-mono text-xs leading-5 text-slate-800" title={showValue(v)}>{showValue(v)}</dd>
              </div>
            ))}
          </dl>
          <div className="mt-3 text-xs text-slate-500">
            id {run.id} · created {dateTime(run.createdAt)}{run.startedAt && ` · started ${dateTime(run.startedAt)}`}{run.workerHost && ` · worker ${run.workerHost}`}{run.codeVersion && ` · code ${run.codeVersion}`}
          </div>
        </Card>
        <Card title="Tags and notes">
          <TagsNotes id={run.id} tags={run.tags} notes={run.notes} readOnly={!run.can?.annotate} onSaved={(v) => merge(v)} />
        </Card>
        <RunHistory id={run.id} version={`${run.status}|${run.tags.join(',')}|${run.notes ?? ''}`} />
      </div>
    </div>
  );
}

function RunSkeleton() {
  return (
    <div className="space-y-4" aria-busy>
      <Skeleton className="h-7 w-72" />
      <Skeleton className="h-14 w-full" />
      <Skeleton className="h-20 w-full" />
      <div className="grid grid-cols-2 gap-4"><Skeleton className="h-72" /><Skeleton className="h-72" /></div>
    </div>
  );
}
