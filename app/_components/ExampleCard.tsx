'use client';
/**
 * One test image in a gallery: the upright glyph, its true class, what the run predicted and how
 * sure it was, the probability it gave the true class, its top 3, the other run's prediction when
 * comparing, and a link that opens it in the playground.
 */
import Link from 'next/link';
import type { ExamplePredictionFragment } from '../_graphql/generated';
import type { ExampleItem } from '../_lib/examplePages';
import { Digit } from './Digit';

const p1 = (x: number) => `${(100 * x).toFixed(x >= 0.995 || x < 0.001 ? 2 : 1)}%`;

function Prediction({ who, p, trueLabel }: { who: string; p: ExamplePredictionFragment; trueLabel: string }) {
  const right = p.predictedLabel === trueLabel;
  return (
    <div className="leading-tight">
      <div>
        <span className="text-slate-600">{who} </span>
        <span className={`font-mono font-semibold ${right ? 'text-emerald-800' : 'text-red-800'}`}>{p.predictedLabel}</span> {p1(p.confidence)}
      </div>
      <div className="text-[11px] text-slate-600" title="the three most probable classes">
        {p.top3.map((c) => `${c.label} ${p1(c.probability)}`).join(' · ')}
      </div>
    </div>
  );
}

export function ExampleCard({ item, runLabel = 'predicted', otherLabel, playground }: { item: ExampleItem; runLabel?: string; otherLabel?: string; playground: string }) {
  return (
    <li className="flex min-w-0 gap-2 rounded-md border border-slate-200 bg-white p-2 text-xs" data-testid="example" data-index={item.index}>
      <Digit pixelsBase64={item.image.pixelsBase64} rows={item.image.rows} cols={item.image.cols} size={56} label={`${item.trueLabel}, test image ${item.index}`} />
      <div className="min-w-0 flex-1 space-y-1">
        <div>
          true <span className="font-mono font-semibold">{item.trueLabel}</span>
          <span className="text-slate-600"> · p({item.trueLabel}) {p1(item.prediction.trueProbability)}</span>
        </div>
        <Prediction who={runLabel} p={item.prediction} trueLabel={item.trueLabel} />
        {item.otherPrediction && <Prediction who={otherLabel ?? 'other'} p={item.otherPrediction} trueLabel={item.trueLabel} />}
        <Link href={playground} className="inline-block text-sky-800 underline-offset-2 hover:underline" aria-label={`Open test image ${item.index} (true ${item.trueLabel}) in the playground`}>
          open in playground
        </Link>
      </div>
    </li>
  );
}
