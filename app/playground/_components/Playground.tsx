'use client';
/**
 * The playground: draw a character (or bring a test image from a gallery), see the 28×28 input the
 * runs get — the drawing cropped, scaled into 20×20 and centred by its centre of mass as MNIST and
 * EMNIST prepared theirs (trainer/data/drawing.ts) — and each chosen run's five most probable classes,
 * side by side, updated as you draw.
 */
import { useMemo, useState } from 'react';
import { preprocessDrawing } from '../../../trainer/data/drawing';
import { decodeBase64 } from '../../_charts/digit';
import { Card, Empty, ErrorBox } from '../../_components/ui';
import { rasterizeStrokes, STROKE_WIDTHS, type Stroke } from '../_lib/strokes';
import { usePredictions } from '../_lib/usePredictions';
import { DrawingPad } from './DrawingPad';
import { InputPreview } from './InputPreview';
import { RunAnswers } from './RunAnswers';
import { RunPicker, type PlaygroundRun } from './RunPicker';

interface Props {
  runs: PlaygroundRun[];
  /** From a gallery's "open in playground": the image (base64, 28×28 upright), its class, the runs to ask. */
  image: string | null;
  imageLabel: string | null;
  askRuns: string[];
}

function galleryPixels(image: string | null): Uint8Array | null {
  if (!image) return null;
  try {
    const pixels = decodeBase64(image);
    return pixels.length === 28 * 28 ? pixels : null;
  } catch {
    return null;
  }
}

export function Playground({ runs, image, imageLabel, askRuns }: Props) {
  const usable = runs.filter((r) => r.savedModel.available);
  const [chosen, setChosen] = useState<string[]>(() => {
    const asked = askRuns.filter((id) => usable.some((r) => r.id === id));
    return asked.length ? asked : usable.slice(0, 2).map((r) => r.id);
  });
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const [width, setWidth] = useState<number>(STROKE_WIDTHS[1]);
  const fromGallery = useMemo(() => galleryPixels(image), [image]);
  const drawn = useMemo(() => (strokes.length ? preprocessDrawing(rasterizeStrokes(strokes)) : null), [strokes]);
  const pixels = strokes.length ? drawn : fromGallery;
  const caption = strokes.length ? 'your drawing, as the runs see it' : fromGallery ? `a test image of ${imageLabel ?? '?'} from a gallery` : 'draw on the pad';
  const { answers, error, asking } = usePredictions(pixels, chosen);
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,460px)_minmax(0,1fr)]">
      <Card title="Draw a character">
        <DrawingPad strokes={strokes} onStrokes={setStrokes} width={width} onWidth={setWidth} />
        {image && !fromGallery && <p className="mt-2 text-xs text-red-800">The image in the address is not a 28×28 image; draw instead.</p>}
      </Card>
      <div className="min-w-0 space-y-4">
        <Card title="What the runs see, and what they answer" testId="playground-answers">
          <div className="mb-3 flex flex-wrap items-start gap-4">
            <InputPreview pixels={pixels} caption={caption} />
            <p className="min-w-0 flex-1 text-xs text-slate-600">
              The drawing is cropped to its ink, scaled by area so its longer side is 20 pixels, and placed in 28×28 with its centre of mass at the centre, as MNIST and EMNIST prepared their glyphs; each run&apos;s saved model then gets it in its dataset&apos;s own orientation. Answers update as you draw.
            </p>
          </div>
          {error && <ErrorBox title="The runs could not answer" error={error} />}
          {!pixels && <Empty>Draw a character on the pad to ask the chosen runs.</Empty>}
          {pixels && !chosen.length && <Empty>Choose at least one run below.</Empty>}
          {pixels && chosen.length > 0 && <RunAnswers answers={answers} asking={asking} />}
        </Card>
        <Card>
          {usable.length ? <RunPicker runs={runs} chosen={chosen} onChosen={setChosen} /> : <Empty>No finished run with a saved model yet: train one, then come back.</Empty>}
        </Card>
      </div>
    </div>
  );
}
