'use client';
/** Which finished runs to ask: a checkbox per run; runs whose saved model is not here are listed, disabled, with the reason. */
import type { PlaygroundRunsQuery } from '../../_graphql/generated';
import { pct } from '../../_lib/format';

export type PlaygroundRun = PlaygroundRunsQuery['runs']['edges'][number]['node'];

export const MAX_CHOSEN = 12;

export function RunPicker({ runs, chosen, onChosen }: { runs: PlaygroundRun[]; chosen: string[]; onChosen: (ids: string[]) => void }) {
  const toggle = (id: string) => onChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id].slice(-MAX_CHOSEN));
  return (
    <fieldset className="min-w-0">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Runs to ask ({chosen.length} of at most {MAX_CHOSEN})</legend>
      <ul className="max-h-72 space-y-1 overflow-y-auto pr-1 text-sm" data-testid="run-picker">
        {runs.map((r) => (
          <li key={r.id}>
            <label className={`flex items-start gap-2 rounded px-1 py-0.5 ${r.savedModel.available ? 'hover:bg-slate-50' : 'text-slate-600'}`}>
              <input type="checkbox" className="mt-1" checked={chosen.includes(r.id)} disabled={!r.savedModel.available} onChange={() => toggle(r.id)} data-testid={`pick-${r.id}`} />
              <span className="min-w-0">
                <span className="font-medium">{r.name}</span>
                <span className="text-xs text-slate-600"> · {r.dataset}{r.evaluation ? ` · test ${pct(r.evaluation.accuracy)}` : ''}</span>
                {!r.savedModel.available && <span className="block text-xs text-amber-900">No saved model: {r.savedModel.problem}</span>}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
