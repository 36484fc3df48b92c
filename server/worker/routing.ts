/**
 * Runs go where they fit. A run asks for a backend in its config (`auto`, `tensorflow`, `wasm`, `cpu`);
 * a worker claims only runs whose backend it offers, or `auto` ones, which it trains on its best backend
 * (the claim's SQL filter is in server/runs/lifecycle.ts, `claim`). A team can therefore put GPU hosts
 * (tfjs-node-gpu: `tensorflow`) and CPU hosts (`wasm`, `cpu`) on one queue: `tensorflow` runs wait for a
 * GPU (or tfjs-node) worker, `auto` runs go to whichever worker is free first. A run no live worker can
 * take is not failed — a worker with that backend may join later — but says why it waits.
 */
import type { BackendChoice } from '../../trainer/engine/backend';

/** What the live workers that take runs offer now. */
export interface LiveOffer {
  /** Live workers that take runs (they can save models). */
  workers: number;
  /** The union of their backends. */
  backends: readonly string[];
}

/** The phrase a run shows while no live worker offers its backend. */
export const waitingForBackend = (backend: string) => `waiting for a worker with ${backend}`;

/**
 * Why no live worker can take a run that asks for `requested`, or null when some live worker could (it
 * is simply in line, or being trained). `auto` needs any worker.
 */
export function whyWaiting(requested: BackendChoice | string, offer: LiveOffer): string | null {
  if (requested !== 'auto' && !offer.backends.includes(requested)) return waitingForBackend(requested);
  if (offer.workers === 0) return 'waiting for a worker: none is running';
  return null;
}
