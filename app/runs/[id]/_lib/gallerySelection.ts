/**
 * What the run page's gallery shows: a confusion cell, a whole true class, or the run's most
 * confidently wrong images; as query variables and in words. Pure; unit-tested.
 */
export type GallerySelection =
  | { kind: 'cell'; trueClass: number; predictedClass: number }
  | { kind: 'class'; trueClass: number }
  | { kind: 'wrong' };

export function selectionVariables(s: GallerySelection): { trueClass?: number; predictedClass?: number; correct?: boolean } {
  if (s.kind === 'cell') return { trueClass: s.trueClass, predictedClass: s.predictedClass };
  if (s.kind === 'class') return { trueClass: s.trueClass };
  return { correct: false };
}

/** "True O predicted as 0 (most confidently wrong first)". */
export function selectionTitle(s: GallerySelection, names: string[]): string {
  const name = (i: number) => names[i] ?? String(i);
  if (s.kind === 'cell') {
    const right = s.trueClass === s.predictedClass;
    return `True ${name(s.trueClass)} predicted as ${name(s.predictedClass)} (${right ? 'right; most confident first' : 'most confidently wrong first'})`;
  }
  if (s.kind === 'class') return `Every test image of true class ${name(s.trueClass)} (most confident prediction first)`;
  return 'The most confidently wrong test images of the run';
}

export const selectionKey = (s: GallerySelection) => JSON.stringify(s);

/** The cell to outline on the heatmap for a selection. */
export const selectedCell = (s: GallerySelection | null): [number, number] | null => (s?.kind === 'cell' ? [s.trueClass, s.predictedClass] : null);
