/**
 * Run permalink: rendered on the server with the run's data (its title and link preview carry its
 * name, preset, dataset and results), then kept live in the browser: status, progress and curves
 * grow as epochs arrive, with each epoch's validation confusion matrix; the test evaluation appears when
 * training ends. Unknown ids are a real 404.
 */
import type { Metadata } from 'next';
import { LiveRunProvider } from './_components/LiveRun';
import { RunConfig } from './_components/RunConfig';
import { RunCurves } from './_components/RunCurves';
import { RunEvaluation } from './_components/RunEvaluation';
import { RunHeader } from './_components/RunHeader';
import { RunHistory } from './_components/RunHistory';
import { RunManage } from './_components/RunManage';
import { RunMetrics } from './_components/RunMetrics';
import { RunNotes } from './_components/RunNotes';
import { RunNotices } from './_components/RunNotices';
import { RunProgress } from './_components/RunProgress';
import { loadEpochConfusions, loadRun, loadRunPreview, runDescription, runTitle } from './_lib/load';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const run = await loadRunPreview(decodeURIComponent((await params).id));
  if (!run) return { title: 'Run not found' };
  const title = runTitle(run);
  const description = runDescription(run);
  return {
    title,
    description,
    openGraph: { title, description, type: 'article', siteName: 'EMNIST runs' },
    twitter: { card: 'summary_large_image', title, description },
  };
}

export default async function RunPage({ params }: Props) {
  const id = decodeURIComponent((await params).id);
  const [run, confusions] = await Promise.all([loadRun(id), loadEpochConfusions(id)]);
  // Members and admins may pin (server/auth/policy.ts); the API refuses anyone else anyway.
  const canPin = run.can.annotate;
  return (
    <LiveRunProvider initial={run}>
      <RunHeader />
      <RunManage canPin={canPin} />
      <RunNotices />
      <RunProgress />
      <RunMetrics />
      <RunCurves />
      <RunEvaluation initialConfusions={confusions} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
        <RunConfig run={run} />
        <div className="space-y-4">
          <RunNotes />
          <RunHistory />
        </div>
      </div>
    </LiveRunProvider>
  );
}
