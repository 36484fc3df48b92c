/**
 * Switching the preset without losing work: the new preset's values, with every field the person
 * edited since the last preset kept as they typed it (then fitted to the new preset's engine), and
 * the list of what was kept, so the form can say so and offer the preset's own values instead. Pure.
 */
import { configToForm, type FormValues } from './configForm';
import type { RunConfig } from '../../../trainer/config/schema';
import { fitToEngine } from './engine';

export interface PresetSwitch {
  values: FormValues;
  /** Edited fields kept over the preset's values, with what the preset would have set. */
  kept: { field: string; yours: string | boolean; preset: string | boolean }[];
  /** Fields set back because the new engine cannot use them. */
  fitted: string[];
}

export function switchPreset(preset: RunConfig, current: FormValues, edited: ReadonlySet<string>): PresetSwitch {
  const base = configToForm(preset);
  const merged: FormValues = { ...base };
  const kept: PresetSwitch['kept'] = [];
  for (const field of edited) {
    if (!(field in base) || field === 'engine') continue; // the engine belongs to the preset
    if (current[field] !== base[field]) kept.push({ field, yours: current[field], preset: base[field] });
    merged[field] = current[field];
  }
  const { values, changed } = fitToEngine(merged);
  return { values, kept: kept.filter((k) => !changed.includes(k.field)), fitted: changed.filter((f) => edited.has(f)) };
}
