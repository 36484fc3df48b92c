/**
 * Whether a run IS its preset. Every run gets, at launch and clone, a canonical hash of its validated
 * config and — when it names a preset — whether that config equals the preset's exactly, and if not,
 * which fields differ ("M0 (modified: hidden, epochs)"). Only exact runs stand for a preset in the study
 * report unless someone pins a modified one on purpose.
 *
 * Left out of the hash and the comparison, because they do not change the experiment:
 *  - `seed`: another seed is a replicate of the same experiment (other initial weights, split and batch
 *    order), which is what a reproduction should be judged on; the run's seed is stored beside it;
 *  - `threads`: data-parallel threads train the same trajectory up to float summation order;
 *  - `backend`: where the arithmetic runs (tensorflow / wasm / cpu), not what it computes.
 * Everything else counts, including the data split fractions (the study's 70/10/20 protocol), epochs,
 * lossReduction and the robustness protocol (its σ levels and clipping change the reported figures).
 * A from-scratch row has two forms (trainer/config/presets.ts): as the study ran it (summed
 * gradients) and its batch-mean variant; a run is compared with the form its lossReduction follows,
 * so a mean-loss M1c is "M1c · batch mean", exact, and a summed one with 10 epochs is "M1c (modified:
 * epochs)". Runs stored before this existed, or before the forms changed (migration 0012 forgets
 * their identity), get it again at server start (`backfillConfigIdentity`).
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { checkConfig, type RunConfig } from '../../trainer/config/schema';
import { presetFormFor, variantName, type PresetVariant } from '../../trainer/config/presets';
import { canonicalJson, changedFields, modifiedLabel, withoutExcluded } from '../../trainer/config/presetDiff';

export { changedFields, IDENTITY_EXCLUDED_FIELDS } from '../../trainer/config/presetDiff';

/** sha256 (hex) of the canonical config without seed, threads and backend. */
export function configHash(config: RunConfig): string {
  return crypto.createHash('sha256').update(canonicalJson(withoutExcluded(config))).digest('hex');
}

export interface ConfigIdentity {
  configHash: string;
  /** null when the run names no (known) preset. */
  presetExact: boolean | null;
  presetChanges: string[];
  /** The form of the preset the config follows: null = as the study ran it, else the variant. */
  presetVariant: PresetVariant | null;
}

/** The identity of a validated config launched under the study row `presetName` (or none). */
export function configIdentity(config: RunConfig, presetName: string | null | undefined): ConfigIdentity {
  const form = presetName ? presetFormFor(presetName, config) : undefined;
  if (!form) return { configHash: configHash(config), presetExact: null, presetChanges: [], presetVariant: null };
  const changes = changedFields(config, form.config);
  return { configHash: configHash(config), presetExact: changes.length === 0, presetChanges: changes, presetVariant: form.variant };
}

/** How a preset is shown for a run: "M0", "M0 · batch mean", or "M0 (modified: hidden, epochs)"; null without a preset. */
export function presetLabel(run: { preset: string | null; presetExact?: boolean | null; presetChanges?: string[] | null; presetVariant?: string | null }): string | null {
  if (!run.preset) return null;
  const name = variantName(run.preset, (run.presetVariant as PresetVariant | null | undefined) ?? null);
  if (run.presetExact === false) return modifiedLabel(name, run.presetChanges?.length ? run.presetChanges : ['unknown fields']);
  return name;
}

/**
 * Fills in the identity of runs stored before migration 0007, or whose identity migration 0012
 * forgot when the presets' forms changed (configHash NULL), in batches. A stored
 * config that no longer validates (a field since removed) gets presetExact false with the change
 * "config (no longer valid)", so it is never taken for an exact preset run. Returns the rows updated.
 */
export async function backfillConfigIdentity(pool: pg.Pool, batch = 500): Promise<number> {
  let updated = 0;
  for (;;) {
    const { rows } = await pool.query<{ id: string; preset: string | null; config: unknown }>(
      `SELECT "id", "preset", "config" FROM "Run" WHERE "configHash" IS NULL ORDER BY "id" LIMIT $1`,
      [batch],
    );
    if (!rows.length) return updated;
    const values = rows.map((r) => {
      const checked = checkConfig(r.config);
      if (!checked.ok) {
        const hash = crypto.createHash('sha256').update(canonicalJson(r.config)).digest('hex');
        return { id: r.id, configHash: hash, presetExact: r.preset ? false : null, presetChanges: r.preset ? ['config (no longer valid)'] : [], presetVariant: null };
      }
      return { id: r.id, ...configIdentity(checked.config, r.preset) };
    });
    await pool.query(
      `UPDATE "Run" r SET "configHash" = v."configHash", "presetExact" = v."presetExact", "presetChanges" = v."presetChanges", "presetVariant" = v."presetVariant"
       FROM jsonb_to_recordset($1::jsonb) AS v("id" uuid, "configHash" text, "presetExact" boolean, "presetChanges" text[], "presetVariant" text)
       WHERE r."id" = v."id"`,
      [JSON.stringify(values)],
    );
    updated += rows.length;
  }
}
