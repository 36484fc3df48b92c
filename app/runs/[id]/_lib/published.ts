/** The study's published figures for a preset, where it published any, as fractions (like the API). Pure. */
import { PUBLISHED } from '../../../_lib/published';

export interface PublishedFigures {
  test: { accuracy: number; macroF1: number; crossEntropy: number } | null;
  robustness: { x: number; y: number }[] | null;
}

export function publishedFor(preset: string | null): PublishedFigures {
  const test = PUBLISHED.testResults.find((t) => t.model === preset);
  const rob = preset ? (PUBLISHED.robustness.accuracy as Record<string, readonly number[]>)[preset] : undefined;
  return {
    test: test ? { accuracy: test.accuracy / 100, macroF1: test.f1Macro / 100, crossEntropy: test.crossEntropy } : null,
    robustness: rob ? PUBLISHED.robustness.sigmas.map((s, i) => ({ x: s, y: rob[i] / 100 })) : null,
  };
}
