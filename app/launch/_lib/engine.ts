/**
 * What each training engine supports, so the form offers only options that can work: the scratch
 * engine (the study's M0–M1h, backpropagation by hand) trains ReLU networks without BatchNorm, dropout
 * or weight decay; the layers engine has them all. The same rules the run-config schema enforces
 * (trainer/config/schema.ts); the form hides what the chosen engine cannot do and says why. Pure.
 */
import { ACTIVATIONS } from '../../../trainer/config/schema';
import type { FormValues } from './configForm';

export function activationsFor(engine: unknown): readonly string[] {
  return engine === 'scratch' ? ['relu'] : ACTIVATIONS;
}

/** The line under the engine choice when options are hidden, or null when nothing is. */
export function hiddenOptionsNote(engine: unknown): string | null {
  return engine === 'scratch'
    ? 'The scratch engine trains ReLU networks without BatchNorm, dropout or weight decay (the study’s M0–M1h), so those options are hidden. Choose the layers engine to use them.'
    : null;
}

/** Values the chosen engine cannot use, set back to what it can (and which fields changed, to say so). */
export function fitToEngine(v: FormValues): { values: FormValues; changed: string[] } {
  if (v.engine !== 'scratch') return { values: v, changed: [] };
  const out = { ...v };
  const changed: string[] = [];
  const reset = (k: string, to: string | boolean, isDefault: (x: string | boolean) => boolean) => {
    if (!isDefault(out[k])) {
      out[k] = to;
      changed.push(k);
    }
  };
  reset('activation', 'relu', (x) => x === 'relu');
  reset('batchNorm', false, (x) => x === false);
  reset('dropout', '0', (x) => Number(x) === 0);
  reset('weightDecay', '0', (x) => Number(x) === 0);
  return { values: out, changed };
}
