'use client';
/** The 28×28 input the runs are asked about (the drawing after preprocessing, or a test image), drawn large and pixelated. */
import { useEffect, useRef } from 'react';
import { drawDigit } from '../../_charts/digit';

export function InputPreview({ pixels, caption }: { pixels: Uint8Array | null; caption: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawDigit(ref.current, pixels ?? new Uint8Array(28 * 28), 28, 28);
  }, [pixels]);
  return (
    <figure className="w-[140px]">
      <canvas ref={ref} width={28} height={28} role="img" aria-label={pixels ? `The 28 by 28 input: ${caption}` : 'No input yet'} style={{ width: 140, height: 140, imageRendering: 'pixelated' }} className="rounded border border-slate-300 bg-white" data-testid="input-preview" />
      <figcaption className="mt-1 text-xs text-slate-600">{caption}</figcaption>
    </figure>
  );
}
