'use client';
/**
 * The study launch form. Step one: the dataset, the protocol (as published — summed gradients for
 * M0–M1h — or their batch-mean variants; one choice, as published by default) and an optional epochs
 * override for every preset, with a live preview of the twelve runs and their estimated time (the server's
 * studyPreview, refreshed as the fields change). Enter, or the button, moves to step two: a
 * confirmation that says what will be queued; only then is the study launched, and the page goes to
 * the new group. Nothing is queued before the confirmation.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { LaunchStudyDocument, StudyPreviewDocument, type StudyOptionsQuery } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { useQuery } from '../../../_lib/hooks';
import { duration } from '../../../_lib/format';
import { parseNumber } from '../../_lib/parse';
import { Card, ErrorBox, Skeleton, buttonClass, fieldClass } from '../../../_components/ui';
import { StudyPreviewTable, StudyTotals } from './StudyPreviewTable';
import { STUDY_PROTOCOL_LABELS, STUDY_PROTOCOLS, type StudyProtocol } from '../../../../trainer/config/presets';

const PROTOCOL_HINTS: Record<StudyProtocol, string> = {
  PUBLISHED: 'M0–M1h sum the cross-entropy over each batch, as the study’s own engine did; M2–M3b average it, as its PyTorch models did. The report sets the study’s figures beside these runs.',
  BATCH_MEAN: 'M0–M1h average the cross-entropy over each batch (“M1c · batch mean”): η and λ act 512× stronger against the data term, and L2 then costs points. Listed apart in the report, without the study’s figures.',
};

type Datasets = StudyOptionsQuery['datasets'];

/** The overrides as typed, or what is wrong with them. */
function overridesOf(epochs: string): { overrides: Record<string, unknown>; problem: string | null } {
  const overrides: Record<string, unknown> = {};
  if (!epochs.trim()) return { overrides, problem: null };
  const parsed = parseNumber(epochs, true);
  if (!parsed.ok || parsed.value < 1 || parsed.value > 1000) return { overrides, problem: `Epochs must be a whole number between 1 and 1,000, or empty for each preset's own (got “${epochs.trim()}”).` };
  return { overrides: { ...overrides, epochs: parsed.value }, problem: null };
}

export function StudyForm({ datasets, initialDataset }: { datasets: Datasets; initialDataset: string }) {
  const router = useRouter();
  const [dataset, setDataset] = useState(initialDataset);
  const [epochs, setEpochs] = useState('');
  const [protocol, setProtocol] = useState<StudyProtocol>('PUBLISHED');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [busy, setBusy] = useState(false);
  const [launchProblem, setLaunchProblem] = useState<{ title: string; error: Error } | null>(null);
  const { overrides, problem } = useMemo(() => overridesOf(epochs), [epochs]);
  // Ask for a preview once typing pauses.
  const [asked, setAsked] = useState<{ dataset: string; overrides: Record<string, unknown>; protocol: StudyProtocol } | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setAsked(problem || !dataset ? null : { dataset, overrides, protocol }), 300);
    return () => clearTimeout(t);
  }, [dataset, overrides, problem, protocol]);
  const preview = useQuery(StudyPreviewDocument, asked ? { input: asked } : null);
  const current = preview.data?.studyPreview ?? null;
  const ready = !!current && !preview.loading && !problem && current.problems.length === 0 && asked?.dataset === dataset && asked.protocol === protocol;

  async function launch() {
    setBusy(true);
    setLaunchProblem(null);
    try {
      const r = await request(LaunchStudyDocument, { input: { dataset, protocol, ...(Object.keys(overrides).length ? { overrides } : {}) } });
      router.push(`/groups/${r.launchStudy.id}`);
    } catch (err) {
      setLaunchProblem({ title: errorTitle(err, 'Study refused'), error: err as Error });
      setBusy(false);
    }
  }

  if (!datasets.length) return <ErrorBox title="No dataset is available" error="Every dataset is missing on this server; see the Datasets page for what to do." />;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (step === 'edit' && ready) setStep('confirm');
      }}
      className="space-y-4"
      data-testid="study-form"
    >
      <Card title="1. What to run">
        <fieldset disabled={step === 'confirm'} className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-3">
          <label className="block text-xs font-medium text-slate-800">Dataset
            <select value={dataset} onChange={(e) => setDataset(e.target.value)} className={fieldClass()} data-testid="study-dataset">
              {datasets.map((d) => <option key={d.name} value={d.name}>{d.title}</option>)}
            </select>
          </label>
          <label className="block text-xs font-medium text-slate-800">Epochs for every run <span className="font-normal text-slate-600">(empty: each preset&apos;s own)</span>
            <input value={epochs} onChange={(e) => setEpochs(e.target.value)} inputMode="numeric" placeholder="e.g. 5 for a quick pass" className={fieldClass(!!problem)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'study-epochs-problem' : undefined} data-testid="study-epochs" />
          </label>
          <label className="block text-xs font-medium text-slate-800">Protocol
            <select value={protocol} onChange={(e) => setProtocol(e.target.value as StudyProtocol)} className={fieldClass()} aria-describedby="study-protocol-hint" data-testid="study-protocol">
              {STUDY_PROTOCOLS.map((p) => <option key={p} value={p}>{STUDY_PROTOCOL_LABELS[p]}</option>)}
            </select>
          </label>
        </fieldset>
        <p id="study-protocol-hint" className="mt-2 text-xs text-slate-600" data-testid="study-protocol-hint">{PROTOCOL_HINTS[protocol]}</p>
        {problem && <p id="study-epochs-problem" className="mt-2 text-sm text-red-800">{problem}</p>}
        <p className="mt-2 text-xs text-slate-600">With overrides, every run differs from its preset and shows as “modified”; the study report uses only exact runs unless someone pins one.</p>
      </Card>

      <Card title="2. The runs it queues" testId="study-preview-card">
        {preview.error && <ErrorBox title={errorTitle(preview.error, 'These overrides do not fit')} error={preview.error} />}
        {!current && !preview.error && <Skeleton className="h-48 w-full" />}
        {current && (
          <div className="space-y-3" aria-busy={preview.loading}>
            <StudyTotals preview={current} />
            {current.problems.length > 0 && <ErrorBox title="The launch would be refused" error={current.problems.join(' ')} />}
            <StudyPreviewTable preview={current} />
          </div>
        )}
      </Card>

      {step === 'edit' ? (
        <button type="submit" disabled={!ready} className={buttonClass.primary} data-testid="study-review">Review and launch…</button>
      ) : (
        <div role="alertdialog" aria-labelledby="study-confirm-question" className="space-y-2 rounded-lg border border-sky-300 bg-sky-50 p-4" data-testid="study-confirm">
          <p id="study-confirm-question" className="text-sm text-sky-950">
            Queue {current?.runs.length ?? 12} runs on {dataset}, {STUDY_PROTOCOL_LABELS[protocol]}{Object.keys(overrides).length ? ` with ${Object.entries(overrides).map(([k, v]) => `${k} = ${v}`).join(', ')}` : ''}, about {duration(current?.totalSeconds)} of training? They run one after another on the live workers; you can cancel the group from its page.
          </p>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={busy} onClick={() => void launch()} className={buttonClass.primary} data-testid="study-confirm-yes">{busy ? 'Queuing…' : 'Queue the study'}</button>
            <button type="button" disabled={busy} onClick={() => setStep('edit')} className={buttonClass.secondary}>Back</button>
          </div>
          {launchProblem && <ErrorBox title={launchProblem.title} error={launchProblem.error} />}
        </div>
      )}
    </form>
  );
}
