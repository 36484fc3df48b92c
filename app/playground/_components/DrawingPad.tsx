'use client';
/**
 * The drawing pad: a square canvas over a faint 28×28 grid (the resolution the models see), drawn on
 * with a mouse, a finger or a pen (pointer events, captured so a stroke may leave the pad), with undo,
 * clear and three stroke widths. It keeps the strokes as data (strokes.ts); the canvas only shows them.
 */
import { useEffect, useRef, type PointerEvent } from 'react';
import { STROKE_WIDTHS, type Stroke } from '../_lib/strokes';
import { buttonClass } from '../../_components/ui';

interface Props {
  strokes: Stroke[];
  onStrokes: (next: Stroke[]) => void;
  width: number;
  onWidth: (w: number) => void;
}

function paint(canvas: HTMLCanvasElement, strokes: Stroke[]) {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const size = canvas.width;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#e2e8f0';
  ctx.lineWidth = 1;
  for (let i = 1; i < 28; i++) {
    const at = Math.round((i * size) / 28) + 0.5;
    ctx.beginPath();
    ctx.moveTo(at, 0);
    ctx.lineTo(at, size);
    ctx.moveTo(0, at);
    ctx.lineTo(size, at);
    ctx.stroke();
  }
  ctx.strokeStyle = '#0f172a';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    ctx.lineWidth = (s.width * size) / 28;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(x * size, y * size) : ctx.moveTo(x * size, y * size)));
    if (s.points.length === 1) ctx.lineTo(s.points[0][0] * size + 0.01, s.points[0][1] * size);
    ctx.stroke();
  }
}

export function DrawingPad({ strokes, onStrokes, width, onWidth }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<Stroke | null>(null);
  useEffect(() => {
    if (canvas.current) paint(canvas.current, strokes);
  }, [strokes]);
  const at = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
  };
  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.current = { width, points: [at(e)] };
    onStrokes([...strokes, drawing.current]);
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    const current = drawing.current;
    if (!current) return;
    current.points = [...current.points, at(e)];
    onStrokes([...strokes.slice(0, -1), { ...current }]);
  };
  const up = () => {
    drawing.current = null;
  };
  return (
    <div className="space-y-2">
      <canvas
        ref={canvas}
        width={448}
        height={448}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        className="aspect-square w-full max-w-[448px] cursor-crosshair touch-none rounded-md border border-slate-300"
        role="img"
        aria-label={`Drawing pad, 28 by 28 grid: ${strokes.length} stroke${strokes.length === 1 ? '' : 's'} drawn`}
        data-testid="drawing-pad"
      />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button type="button" className={buttonClass.secondary} onClick={() => onStrokes(strokes.slice(0, -1))} disabled={!strokes.length} data-testid="pad-undo">Undo</button>
        <button type="button" className={buttonClass.secondary} onClick={() => onStrokes([])} disabled={!strokes.length} data-testid="pad-clear">Clear</button>
        <div className="inline-flex overflow-hidden rounded-md border border-slate-400 text-xs" role="group" aria-label="Stroke width">
          {STROKE_WIDTHS.map((w, i) => (
            <button key={w} type="button" aria-pressed={w === width} onClick={() => onWidth(w)} className={`px-2 py-1 ${w === width ? 'bg-slate-800 text-white' : 'bg-white text-slate-800 hover:bg-slate-50'}`}>
              {['thin', 'medium', 'thick'][i]}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
