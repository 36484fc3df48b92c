'use client';
/**
 * What the run in the form would cost, asked of the server as the form changes (the same estimate
 * and limits a launch is checked against): memory and work against their limits, why it would be
 * refused when it would, and how long it would train at the speed recent runs here measured.
 */
import { useEffect, useState } from 'react';
import { EstimateRunDocument, type EstimateRunQuery } from '../../_graphql/generated';
import { bytes, duration, int, sci } from '../../_lib/format';
import { request } from '../../_lib/graphql';
import { estimateRunTime, type MeasuredRun } from '../_lib/runTime';

type Estimate = EstimateRunQuery['estimateRun'];

function Meter({ label, value, limit, text }: { label: string; value: number; limit: number; text: string }) {
  const share = limit > 0 ? Math.min(1, value / limit) : 1;
  const over = value > limit;
  return (
    <div>
      <div className="flex justify-between gap-2"><span className="text-slate-700">{label}</span><span className={over ? 'font-medium text-red-700' : 'text-slate-800'}>{text}</span></div>
      <div className="mt-0.5 h-1.5 rounded bg-slate-200" aria-hidden><div className={`h-1.5 rounded ${over ? 'bg-red-600' : share > 0.5 ? 'bg-amber-600' : 'bg-sky-700'}`} style={{ width: `${Math.max(2, share * 100)}%` }} /></div>
    </div>
  );
}

export function RunEstimate({ dataset, config, recentRuns }: { dataset: string | null; config: { backend: string; engine: string; epochs: number; earlyStopping: unknown } | null; recentRuns: readonly MeasuredRun[] }) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const key = JSON.stringify({ dataset, config });
  useEffect(() => {
    if (!config) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      request(EstimateRunDocument, { input: { ...(dataset ? { dataset } : {}), config } }, abort.signal).then((d) => setEstimate(d.estimateRun), () => setEstimate(null));
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
    // Keyed on the content of (dataset, config), not their identity: the form passes a fresh object each render.
  }, [key]);
  if (!config || !estimate) return null;
  const time = estimateRunTime({ backend: config.backend, engine: config.engine, parameters: estimate.parameters, trainingSamples: estimate.trainingSamples, epochs: config.epochs }, recentRuns);
  return (
    <div className="mt-3 space-y-1.5 rounded-md border border-slate-200 bg-slate-50 p-2 text-xs" data-testid="run-estimate">
      <div className="font-medium text-slate-800">Estimate · {estimate.parameters.toLocaleString('en-US')} parameters · {estimate.trainingSamples.toLocaleString('en-US')} training images</div>
      <Meter label="Memory" value={estimate.memoryBytes} limit={estimate.memoryLimitBytes} text={`${bytes(estimate.memoryBytes)} of ${bytes(estimate.memoryLimitBytes)}`} />
      <Meter label="Work" value={estimate.work} limit={estimate.workLimit} text={`${sci(estimate.work)} of ${sci(estimate.workLimit)}`} />
      <p className="text-slate-800" data-testid="run-time">
        {time
          ? <>Training time ≈ <strong>{duration(time.seconds)}</strong>{config.earlyStopping ? ' at most (early stopping may end it sooner)' : ''}, at about {int(time.samplesPerSecond)} samples/s on {time.backend} (scaled to this model from {time.basis} recent run{time.basis === 1 ? '' : 's'}).</>
          : <>No finished run on {config.backend === 'auto' ? 'this server' : `the ${config.backend} backend`} yet to estimate the training time from.</>}
      </p>
      {estimate.problems.map((p) => <p key={p} className="text-red-700">Would be refused: {p}</p>)}
    </div>
  );
}
