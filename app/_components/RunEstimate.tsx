'use client';
/**
 * What the run in the form would cost, asked of the server as the form changes (the same estimate and
 * limits a launch is checked against): memory for training and the work, each against its limit,
 * and why it would be refused when it would.
 */
import { useEffect, useState } from 'react';
import { bytes, sci } from '../_lib/format';
import { gql } from '../_lib/graphql';
import { ESTIMATE_RUN } from '../_lib/queries';

interface Estimate {
  parameters: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  work: number;
  workLimit: number;
  trainingSamples: number;
  problems: string[];
}

function Meter({ label, value, limit, text }: { label: string; value: number; limit: number; text: string }) {
  const share = limit > 0 ? Math.min(1, value / limit) : 1;
  const over = value > limit;
  return (
    <div>
      <div className="flex justify-between gap-2"><span className="text-slate-500">{label}</span><span className={over ? 'font-medium text-red-700' : 'text-slate-700'}>{text}</span></div>
      <div className="mt-0.5 h-1.5 rounded bg-slate-100" aria-hidden><div className={`h-1.5 rounded ${over ? 'bg-red-500' : share > 0.5 ? 'bg-amber-500' : 'bg-sky-600'}`} style={{ width: `${Math.max(2, share * 100)}%` }} /></div>
    </div>
  );
}

export function RunEstimate({ dataset, config }: { dataset: string | null; config: unknown }) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const key = JSON.stringify({ dataset, config });
  useEffect(() => {
    if (!config) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      gql<{ estimateRun: Estimate }>(ESTIMATE_RUN, { input: { ...(dataset ? { dataset } : {}), config } }, abort.signal).then(
        (d) => setEstimate(d.estimateRun),
        () => setEstimate(null),
      );
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
    // Keyed on the content of (dataset, config), not their identity: the form passes a fresh object each render.
  }, [key]);
  if (!config || !estimate) return null;
  return (
    <div className="mt-3 space-y-1.5 rounded-md border border-slate-200 bg-slate-50 p-2 text-xs" data-testid="run-estimate">
      <div className="font-medium text-slate-700">Estimate · {estimate.parameters.toLocaleString('en-US')} parameters · {estimate.trainingSamples.toLocaleString('en-US')} training images</div>
      <Meter label="Memory" value={estimate.memoryBytes} limit={estimate.memoryLimitBytes} text={`${bytes(estimate.memoryBytes)} of ${bytes(estimate.memoryLimitBytes)}`} />
      <Meter label="Work" value={estimate.work} limit={estimate.workLimit} text={`${sci(estimate.work)} of ${sci(estimate.workLimit)}`} />
      {estimate.problems.map((p) => <p key={p} className="text-red-700" role="alert">Would be refused: {p}</p>)}
    </div>
  );
}
