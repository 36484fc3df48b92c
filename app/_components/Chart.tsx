'use client';
/**
 * Mounts a pure chart function into a div: measures the available width (ResizeObserver), then calls
 * draw(element, data, { ...options, width }). The box keeps a fixed min-height so live data never makes
 * the page jump.
 */
import { useEffect, useRef, useState } from 'react';

export type DrawFn<D, O> = (el: Element, data: D, options?: Partial<O>) => unknown;

export function Chart<D, O extends { width: number }>({
  draw,
  data,
  options,
  minHeight,
  className = '',
  testId,
}: {
  draw: DrawFn<D, O>;
  data: D;
  options?: Partial<O>;
  minHeight: number;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
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
  return <div ref={ref} className={`w-full ${className}`} style={{ minHeight }} data-testid={testId} />;
}
