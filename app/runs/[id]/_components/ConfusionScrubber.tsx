'use client';
/**
 * Steps the confusion matrix through training: a slider over the epochs' validation matrices (and the
 * final test matrix), a play button that walks them, and what the current frame is. Keyboard: the
 * slider takes arrow keys, Home and End; the button is a real button with its state announced.
 */
import { useEffect, useState } from 'react';
import type { Frame } from '../_lib/confusionTimeline';
import { buttonClass } from '../../../_components/ui';

const STEP_MS = 700;

export function ConfusionScrubber({ frames, index, onIndex }: { frames: Frame[]; index: number; onIndex: (i: number, byUser: boolean) => void }) {
  const [playing, setPlaying] = useState(false);
  const last = frames.length - 1;
  useEffect(() => {
    if (!playing) return;
    if (index >= last) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => onIndex(index + 1, true), STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, index, last, onIndex]);
  if (frames.length < 2) return null;
  const frame = frames[index];
  const play = () => {
    if (!playing && index >= last) onIndex(0, true); // from the start again
    setPlaying((p) => !p);
  };
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 rounded-md bg-slate-50 px-3 py-2" data-testid="confusion-scrubber">
      <button type="button" className={buttonClass.secondary} onClick={play} aria-pressed={playing} data-testid="scrubber-play">
        {playing ? 'Pause' : 'Play'}
      </button>
      <label className="flex min-w-[12rem] flex-1 items-center gap-2 text-xs text-slate-700">
        <span className="sr-only">Confusion matrix after</span>
        <input
          type="range"
          min={0}
          max={last}
          step={1}
          value={index}
          onChange={(e) => {
            setPlaying(false);
            onIndex(Number(e.target.value), true);
          }}
          aria-valuetext={frame.label}
          className="w-full accent-sky-700"
          data-testid="scrubber-slider"
        />
      </label>
      <span className="min-w-[11rem] text-xs tabular-nums text-slate-700" aria-live="polite" data-testid="scrubber-label">
        {frame.label} · {frame.total.toLocaleString('en-US')} images
      </span>
    </div>
  );
}
