'use client';
/** Per-class F1 of the confusion frame shown (the test set, or validation after an epoch): the five worst in orange, macro F1 as a reference line. */
import { useMemo } from 'react';
import { barChart } from '../../../_charts/barChart';
import { Chart } from '../../../_components/Chart';
import { Card } from '../../../_components/ui';
import { frameScores, type Frame } from '../_lib/confusionTimeline';

export function ClassF1({ frame, names, runName }: { frame: Frame; names: string[]; runName: string }) {
  const scores = useMemo(() => frameScores(frame.matrix, names), [frame.matrix, names]);
  const data = useMemo(() => ({ categories: scores.perClass.map((c) => c.name), series: [{ name: 'F1', values: scores.perClass.map((c) => c.f1) }] }), [scores]);
  const options = useMemo(() => {
    const worst = [...scores.perClass].sort((a, b) => a.f1 - b.f1).slice(0, 5).map((c) => c.classIndex);
    return { xLabel: 'class', yLabel: 'F1 score', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], reference: { value: scores.macroF1, label: 'macro F1' }, accent: worst, accentLabel: 'five worst', valueFormat: '.1%' };
  }, [scores]);
  const what = frame.kind === 'test' ? 'test set' : `validation, epoch ${frame.epoch}`;
  return (
    <Card title={`Per-class F1 (${what})`} testId="f1-bars">
      <Chart draw={barChart} data={data} options={options} minHeight={240} name={`Per-class F1, ${runName}`} />
    </Card>
  );
}
