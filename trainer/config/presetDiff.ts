/**
 * How a config differs from a preset's, as the fields a person would name: "M0 (modified: hidden,
 * epochs)". Pure (no Node modules), so the launch form shows the same label the server stores
 * (server/runs/configIdentity.ts). Left out, because they do not change the experiment: `seed` (another
 * seed is a replicate of the same experiment), `threads` (float summation order only) and `backend`
 * (where the arithmetic runs, not what it computes).
 */
import type { RunConfig } from './schema';

/** Config fields that do not change what is trained or measured. */
export const IDENTITY_EXCLUDED_FIELDS = ['seed', 'threads', 'backend'] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with object keys sorted at every level, so equal configs give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The config without the fields that do not change the experiment. */
export function withoutExcluded(config: RunConfig): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...config };
  for (const field of IDENTITY_EXCLUDED_FIELDS) delete rest[field];
  return rest;
}

/**
 * Dotted paths of the fields where `config` differs from `base` (seed, threads, backend ignored):
 * objects of the same kind are compared field by field (`schedule.gamma`, `robustness.clip`); arrays,
 * scalars and objects of another kind (a schedule of another `type`) are named whole (`hidden`).
 */
export function changedFields(config: RunConfig, base: RunConfig): string[] {
  const out: string[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, prefix: string) => {
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
      const [x, y] = [a[key], b[key]];
      if (canonicalJson(x) === canonicalJson(y)) continue;
      const sameKind = isPlainObject(x) && isPlainObject(y) && x.type === y.type && x.mode === y.mode;
      if (sameKind) walk(x, y, `${prefix}${key}.`);
      else out.push(`${prefix}${key}`);
    }
  };
  walk(withoutExcluded(config), withoutExcluded(base), '');
  return out;
}

/** "M0", or "M0 (modified: hidden, epochs)". */
export const modifiedLabel = (preset: string, changes: readonly string[]) => (changes.length ? `${preset} (modified: ${changes.join(', ')})` : preset);
