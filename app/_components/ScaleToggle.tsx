'use client';
/** Log/linear colour scale switch for heatmaps (a pressed-button pair, so the current choice is announced). */
export type ColourScale = 'log' | 'linear';

export function ScaleToggle({ scale, onChange }: { scale: ColourScale; onChange: (s: ColourScale) => void }) {
  return (
    <div className="inline-flex overflow-hidden rounded-md border border-slate-400 text-xs" role="group" aria-label="Colour scale">
      {(['log', 'linear'] as const).map((s) => (
        <button key={s} type="button" aria-pressed={scale === s} onClick={() => onChange(s)} className={`px-2 py-1 ${scale === s ? 'bg-slate-800 text-white' : 'bg-white text-slate-800 hover:bg-slate-50'}`}>
          {s}
        </button>
      ))}
    </div>
  );
}
