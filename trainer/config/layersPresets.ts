/**
 * Framework-engine presets (the study's M2, M3a, M3b). Filled in by the layers-engine work;
 * kept in its own file so the scratch presets stay readable.
 */
import type { Preset } from './presets';

export const LAYERS_PRESETS: Preset[] = [];
