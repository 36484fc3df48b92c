/**
 * Which backends the launch form offers: "auto" (any worker, on its best backend) and each backend
 * some live worker that takes runs has now (GraphQL system.backends). A run asking for another would
 * wait until such a worker joins, so it is not offered; the line under the choice says which are
 * missing and why. A config that already names a missing backend (a clone) keeps it, marked. Pure.
 */
import { BACKENDS } from '../../../trainer/config/schema';

export function backendChoices(live: readonly string[], current: string): { options: string[]; labels: Record<string, string>; note: string | null } {
  const offered = BACKENDS.filter((b) => b === 'auto' || live.includes(b));
  const missing = BACKENDS.filter((b) => b !== 'auto' && !live.includes(b));
  const options: string[] = [...offered];
  const labels: Record<string, string> = { auto: live.length ? `auto (${live[0]} here)` : 'auto' };
  if (!options.includes(current)) {
    options.push(current);
    labels[current] = `${current} (no live worker has it)`;
  }
  const note = live.length === 0
    ? 'No trainer worker is running now: the run waits in the queue until one starts.'
    : missing.length
      ? `Only backends a live worker has are offered: no worker has ${missing.join(' or ')} now${missing.includes('tensorflow') ? ' (it needs @tensorflow/tfjs-node or -node-gpu installed where the worker runs)' : ''}.`
      : null;
  return { options, labels, note };
}

type Checked<C> = { ok: true; config: C } | { ok: false; issues: { field: string; message: string }[] };

/** A backend no live worker has is a problem to fix before launching (the run would only wait). */
export function requireLiveBackend<C>(result: Checked<C>, backend: string, live: readonly string[]): Checked<C> {
  if (backend === 'auto' || live.includes(backend)) return result;
  const instead = ['auto', ...live].join(' or ');
  const issue = { field: 'backend', message: `No live worker has the ${backend} backend now, so the run would only wait for one. Choose ${instead}.` };
  return { ok: false, issues: [...(result.ok ? [] : result.issues), issue] };
}
