/**
 * Learning-rate schedules, evaluated once per epoch; t is the 0-based epoch index.
 *  - constant:    η_t = η_0
 *  - linear:      η_t = max(η_min, η_0 − α·t)
 *  - exponential: η_t = η_0 · γ^t
 */
import type { Schedule } from '../config/schema';

export function learningRateAt(schedule: Schedule, lr0: number, t: number): number {
  switch (schedule.type) {
    case 'constant':
      return lr0;
    case 'linear':
      return Math.max(schedule.minLr, lr0 - schedule.alpha * t);
    case 'exponential':
      return lr0 * schedule.gamma ** t;
  }
}
