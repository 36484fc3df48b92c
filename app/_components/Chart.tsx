'use client';
/**
 * Mounts a pure chart function into a div: measures the available width (ResizeObserver), then calls
 * draw(element, data, { ...options, width }). The box keeps a fixed min-height so live data never
 * makes the page jump. Under the chart: download it as SVG or PNG (named after `name`).
 */
import { useEffect, useRef, useState } from 'react';
import { fileSlug, saveFile, svgMarkup, svgToPng } from '../_charts/exportChart';

export type DrawFn<D, O> = (el: Element, data: D, options?: Partial<O>) => unknown;

export function Chart<D, O extends { width: number }>({
  draw,
  data,
  options,
  minHeight,
  name,
  className = '',
  testId,
}: {
  draw: DrawFn<D, O>;
  data: D;
  options?: Partial<O>;
  minHeight: number;
  /** What the chart shows, for its file names and accessible labels ("Validation loss, run M1g"). */
  name: string;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (ref.current && width > 0) draw(ref.current, data, { ...(options ?? {}), width } as Partial<O>);
  }, [draw, data, options, width]);

  const svg = () => ref.current?.querySelector('svg') ?? null;
  const download = async (kind: 'svg' | 'png') => {
    const el = svg();
    if (!el) return;
    setProblem(null);
    try {
      if (kind === 'svg') saveFile(`${fileSlug(name)}.svg`, svgMarkup(el), 'image/svg+xml');
      else saveFile(`${fileSlug(name)}.png`, await svgToPng(el));
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  return (
    <figure className={`min-w-0 ${className}`} data-testid={testId}>
      <div ref={ref} className="chart-mount w-full" style={{ minHeight }} />
      <figcaption className="mt-1 flex items-center justify-end gap-1 text-xs text-slate-600">
        {problem && <span className="mr-auto text-red-700">{problem}</span>}
        <span className="sr-only">{name}. </span>
        <span aria-hidden>Download</span>
        <button type="button" className="rounded px-1.5 py-0.5 text-sky-800 underline-offset-2 hover:underline" onClick={() => void download('svg')} aria-label={`Download ${name} as SVG`}>SVG</button>
        <button type="button" className="rounded px-1.5 py-0.5 text-sky-800 underline-offset-2 hover:underline" onClick={() => void download('png')} aria-label={`Download ${name} as PNG`}>PNG</button>
      </figcaption>
    </figure>
  );
}
