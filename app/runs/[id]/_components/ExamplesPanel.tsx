'use client';
/**
 * The gallery under a run's confusion matrix: the test images of the chosen cell (most confidently
 * wrong first), of a whole true class, or the run's most confidently wrong, each upright with its
 * probabilities and a link to the playground; the count is the cell's. Runs whose predictions were
 * never stored offer a re-evaluation instead.
 */
import { useCallback, useEffect, useRef } from 'react';
import { RunExamplesDocument, RunPredictionsInfoDocument, type PredictionsInfoFragment } from '../../../_graphql/generated';
import { useExamplePages } from '../../../_lib/examplePages';
import { request } from '../../../_lib/graphql';
import { useQuery } from '../../../_lib/hooks';
import { ExampleGrid } from '../../../_components/ExampleGrid';
import { buttonClass, Card, ErrorBox, Skeleton } from '../../../_components/ui';
import { selectionKey, selectionTitle, selectionVariables, type GallerySelection } from '../_lib/gallerySelection';
import { ReevaluatePrompt } from './ReevaluatePrompt';

interface Props {
  runId: string;
  names: string[];
  selection: GallerySelection;
  onSelection: (s: GallerySelection | null) => void;
}

export function ExamplesPanel({ runId, names, selection, onSelection }: Props) {
  const info = useQuery(RunPredictionsInfoDocument, { id: runId });
  const panel = useRef<HTMLDivElement>(null);
  const key = selectionKey(selection);
  // A new choice (a cell clicked far above, on a phone) brings the gallery into view. A block body:
  // Chromium's scrollIntoView now returns a promise, which React would take for a cleanup function.
  useEffect(() => {
    panel.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [key]);
  const stored = info.data?.run?.predictions.stored ?? false;
  const pages = useExamplePages(stored ? key : null, async (after) => {
    const d = await request(RunExamplesDocument, { id: runId, ...selectionVariables(selection), first: 60, after });
    return d.run?.examples ?? null;
  });
  const setInfo = info.setData;
  const onStored = useCallback((p: PredictionsInfoFragment) => setInfo((prev) => (prev?.run ? { run: { ...prev.run, predictions: p } } : prev)), [setInfo]);
  const choices: [string, GallerySelection | null][] = [
    ...(selection.kind === 'cell' ? [[`all of true ${names[selection.trueClass] ?? selection.trueClass}`, { kind: 'class', trueClass: selection.trueClass }] as [string, GallerySelection]] : []),
    ['most confidently wrong of the run', { kind: 'wrong' }],
    ['close', null],
  ];
  return (
    <div ref={panel} className="scroll-mt-4">
      <Card title={`Test images: ${selectionTitle(selection, names)}`} testId="examples-panel" actions={
        <div className="flex flex-wrap gap-1">
          {choices.map(([label, next]) => (
            <button key={label} type="button" className={`${buttonClass.secondary} px-2 py-1 text-xs`} onClick={() => onSelection(next)}>{label}</button>
          ))}
        </div>
      }>
        {info.error && <ErrorBox error={info.error} onRetry={info.refetch} />}
        {!info.data && !info.error && <Skeleton className="h-20" />}
        {info.data?.run && !stored && <ReevaluatePrompt runId={runId} info={info.data.run.predictions} mayReevaluate={info.data.run.can.annotate} onStored={onStored} />}
        {stored && (
          <>
            <p className="mb-2 text-xs text-slate-600" data-testid="examples-count">
              {pages.totalCount === null ? 'Counting…' : `${pages.totalCount.toLocaleString('en-US')} image${pages.totalCount === 1 ? '' : 's'}`}
              {info.data?.run?.predictions.origin === 're-evaluation' ? ' · predictions from a re-evaluation of the saved model' : ''}
            </p>
            <ExampleGrid pages={pages} runIds={[runId]} empty="No test images here." />
          </>
        )}
      </Card>
    </div>
  );
}
