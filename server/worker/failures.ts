/**
 * Which failures another attempt would only repeat. A run that fails deterministically — its config or
 * data is invalid, its loss diverged, its dataset is missing here or too small for the split — ends
 * FAILED at once (lifecycle.fail). Anything else (out of memory, a lost GPU, a host-specific fault)
 * fails only this attempt, and the run goes back to the queue (lifecycle.retry) until RUN_MAX_ATTEMPTS.
 */
import { ConfigError } from '../../trainer/config/schema';
import { DatasetError } from '../../trainer/data/errors';

/** Marks an error from a step whose failure is deterministic (e.g. loading the run's dataset). */
export class DeterministicFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'DeterministicFailure';
  }
}

/** Messages of deterministic failures thrown as plain Errors by the trainer (trainer/train/loop.ts, trainer/run.ts). */
const DETERMINISTIC_MESSAGES = [/^training diverged/, /is too small for this split/];

export function isDeterministic(err: unknown): boolean {
  if (err instanceof DeterministicFailure || err instanceof ConfigError || err instanceof DatasetError) return true;
  const message = err instanceof Error ? err.message : String(err);
  return DETERMINISTIC_MESSAGES.some((re) => re.test(message));
}
