/**
 * Loading a run for its page, its metadata and its link-preview image: one query per request
 * (React's cache), a real 404 for an id that is not a run, and the words a title or preview uses.
 */
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { RunDocument, RunPreviewDocument } from '../../../_graphql/generated';
import { pct } from '../../../_lib/format';
import { UUID, shortId } from '../../../_lib/ids';
import { query } from '../../../_lib/server/query';

export const loadRun = cache(async (id: string) => {
  if (!UUID.test(id)) notFound();
  const { run } = await query(RunDocument, { id });
  if (!run) notFound();
  return run;
});

export const loadRunPreview = cache(async (id: string) => {
  if (!UUID.test(id)) return null;
  return (await query(RunPreviewDocument, { id })).run;
});

/** "M1g · 85.77% · run 3f2a…" (or the status while there is no test accuracy yet). */
export function runTitle(run: { id: string; name: string; status: string; evaluation: { accuracy: number } | null }): string {
  const result = run.evaluation ? pct(run.evaluation.accuracy) : run.status.toLowerCase();
  return `${run.name} · ${result} · run ${shortId(run.id)}`;
}

export function runDescription(run: { preset: string | null; engine: string; dataset: string; owner: string | null; evaluation: { accuracy: number; macroF1: number } | null; status: string }): string {
  const what = [run.preset && `Preset ${run.preset}`, `${run.engine} engine`, `on ${run.dataset}`, run.owner && `by ${run.owner}`].filter(Boolean).join(', ');
  const result = run.evaluation ? `Test accuracy ${pct(run.evaluation.accuracy)}, macro F1 ${pct(run.evaluation.macroF1)}.` : `Status: ${run.status.toLowerCase()}.`;
  return `${what}. ${result}`;
}
