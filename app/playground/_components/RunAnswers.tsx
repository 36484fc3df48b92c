'use client';
/** Each chosen run's five most probable classes for the input, side by side, as labelled bars. */
import type { Answers } from '../_lib/usePredictions';

export function RunAnswers({ answers, asking }: { answers: Answers; asking: boolean }) {
  return (
    <ul className={`grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3 ${asking ? 'opacity-70' : ''}`} aria-live="polite" aria-busy={asking} data-testid="run-answers">
      {answers.map((a) => (
        <li key={a.runId} className="min-w-0 rounded-md border border-slate-200 bg-white p-3" data-testid="run-answer" data-run={a.runId}>
          <div className="truncate text-sm font-medium" title={a.name}>{a.name}</div>
          <div className="mb-2 text-xs text-slate-600">{a.dataset}</div>
          <ol className="space-y-1">
            {a.classes.map((c, i) => (
              <li key={c.classIndex} className="flex items-center gap-2 text-sm">
                <span className={`w-6 text-center font-mono ${i === 0 ? 'text-lg font-semibold' : ''}`}>{c.label}</span>
                <span className="h-2 flex-1 overflow-hidden rounded-full bg-slate-100" aria-hidden>
                  <span className={`block h-full rounded-full ${i === 0 ? 'bg-sky-700' : 'bg-sky-300'}`} style={{ width: `${(100 * c.probability).toFixed(1)}%` }} />
                </span>
                <span className="w-14 text-right tabular-nums text-xs text-slate-700">{(100 * c.probability).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ul>
  );
}
