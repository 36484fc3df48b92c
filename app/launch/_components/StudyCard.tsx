'use client';
/** Queue the whole study (M0–M3b) on the chosen dataset as one group, optionally with fewer epochs each. */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { LaunchStudyDocument } from '../../_graphql/generated';
import { errorTitle, request } from '../../_lib/graphql';
import { parseNumber } from '../_lib/parse';
import { Card, ErrorBox, buttonClass, fieldClass } from '../../_components/ui';

export function StudyCard({ dataset }: { dataset: string }) {
  const router = useRouter();
  const [epochs, setEpochs] = useState('');
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function queue() {
    setProblem(null);
    const parsed = epochs.trim() ? parseNumber(epochs, true) : null;
    if (parsed && (!parsed.ok || parsed.value < 1 || parsed.value > 1000)) {
      setProblem({ title: 'Not queued', message: `Epochs for every run must be a whole number between 1 and 1,000, or empty for the study's own (got “${epochs.trim()}”).` });
      return;
    }
    setBusy(true);
    try {
      await request(LaunchStudyDocument, { input: { ...(dataset ? { dataset } : {}), ...(parsed?.ok ? { overrides: { epochs: parsed.value } } : {}) } });
      router.push('/');
    } catch (err) {
      setProblem({ title: errorTitle(err, 'Study refused'), message: (err as Error).message });
      setBusy(false);
    }
  }
  return (
    <Card title="Reproduce the study">
      <p className="text-sm text-slate-700">Queues M0, M1a–M1h, M2, M3a and M3b on the chosen dataset as one group, for the study report.</p>
      <label className="mt-2 block text-xs font-medium text-slate-800">Epochs for every run <span className="font-normal text-slate-600">(empty = the study's own)</span>
        <input value={epochs} onChange={(e) => setEpochs(e.target.value)} inputMode="numeric" placeholder="e.g. 5 for a quick pass" className={fieldClass(!!problem)} aria-invalid={problem ? true : undefined} data-testid="study-epochs" />
      </label>
      {problem && <div className="mt-2"><ErrorBox title={problem.title} error={problem.message} /></div>}
      <button type="button" disabled={busy} onClick={() => void queue()} className={`${buttonClass.secondary} mt-3 w-full`}>{busy ? 'Queuing…' : 'Reproduce the study'}</button>
    </Card>
  );
}
