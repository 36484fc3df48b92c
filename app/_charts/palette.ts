/**
 * Colour-blind-safe palettes. Series use Okabe–Ito (distinguishable under the common colour-vision
 * deficiencies; yellow last because it is faint on white); heatmaps use ColorBrewer's sequential
 * Blues and diverging PuOr, both safe for deuteranopia and protanopia.
 */
import { interpolateBlues, interpolatePuOr } from 'd3';

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];

export function seriesColor(i: number): string {
  return OKABE_ITO[((i % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length];
}

/** t in [0,1] → light-to-dark blue; starts slightly above white so 1-count cells stay visible. */
export const sequential = (t: number) => interpolateBlues(0.04 + 0.96 * Math.max(0, Math.min(1, t)));

/** t in [-1,1] → purple (negative) … white … orange (positive). */
export const diverging = (t: number) => interpolatePuOr(0.5 + 0.5 * Math.max(-1, Math.min(1, t)));
