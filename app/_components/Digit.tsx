'use client';
/** One glyph image (base64 uint8 pixels, upright) drawn on a pixelated canvas. */
import { useEffect, useRef } from 'react';
import { decodeBase64, drawDigit } from '../_charts/digit';

export function Digit({ pixelsBase64, rows, cols, size = 56, label }: { pixelsBase64: string; rows: number; cols: number; size?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawDigit(ref.current, decodeBase64(pixelsBase64), rows, cols);
  }, [pixelsBase64, rows, cols]);
  return <canvas ref={ref} role="img" aria-label={`sample of class ${label}`} width={cols} height={rows} style={{ width: size, height: size, imageRendering: 'pixelated' }} className="rounded border border-slate-200 bg-white" />;
}
