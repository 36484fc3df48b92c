/**
 * The study report, as the server computes it (studyReport): for every preset the run that stands for
 * it and why, our figures with the published ones and the differences (EMNIST ByMerge only), the
 * robustness comparison under either noise protocol (?clip=1 for noisy pixels clipped to [0,1]), the
 * other loss protocol's runs apart (the batch-mean variants, never beside the published figures), and
 * what differs between our protocol and the study's. The dataset lives in the address (?dataset=…).
 * No report logic here: the page renders what the API answers.
 */
import Link from 'next/link';
import { ReportDatasetsDocument, StudyReportDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { Card, Notice, PageTitle } from '../_components/ui';
import { DatasetPicker } from './_components/DatasetPicker';
import { ProtocolNotes } from './_components/ProtocolNotes';
import { RobustnessChart, TestChart } from './_components/ReportCharts';
import { ReportTable } from './_components/ReportTable';
import { RobustnessTable } from './_components/RobustnessTable';

export const metadata = { title: 'Study report' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

function ClipSwitch({ dataset, clip }: { dataset: string; clip: boolean }) {
  const href = (c: boolean) => `/report?dataset=${encodeURIComponent(dataset)}${c ? '&clip=1' : ''}`;
  const style = (on: boolean) => `rounded px-2 py-1 ${on ? 'bg-sky-700 text-white' : 'text-sky-800 hover:bg-sky-50'}`;
  return (
    <nav aria-label="Robustness protocol" className="flex items-center gap-1 text-xs" data-testid="clip-switch">
      <span className="text-slate-600">noisy pixels:</span>
      <Link href={href(false)} aria-current={!clip ? 'true' : undefined} className={style(!clip)} scroll={false}>not clipped (presets)</Link>
      <Link href={href(true)} aria-current={clip ? 'true' : undefined} className={style(clip)} scroll={false}>clipped to [0,1]</Link>
    </nav>
  );
}

export default async function ReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const { datasets, me } = await query(ReportDatasetsDocument, {});
  const asked = one(sp.dataset);
  const dataset = asked && datasets.some((d) => d.name === asked) ? asked : (datasets.find((d) => d.isDefault) ?? datasets[0]).name;
  const clip = one(sp.clip) === '1';
  const { studyReport: report } = await query(StudyReportDocument, { dataset, clip });
  const covered = report.rows.filter((r) => r.runPath).length;
  const otherCovered = report.otherProtocolRows.filter((r) => r.runPath).length;
  const canUnpin = me?.role === 'MEMBER' || me?.role === 'ADMIN';
  return (
    <div className="space-y-4" data-testid="report-page">
      <PageTitle
        title="Study report"
        lead="For each preset of the study, the run that stands for it — pinned by a member, else the best finished run whose config is exactly the preset's — with the published figures (grey) and ours − published. The presets follow the study's protocol: M0–M1h sum their batch gradients, M2–M3b average them. Accuracies in percent."
      />
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm">
        <span className="text-slate-700" data-testid="report-coverage">{covered} of {report.rows.length} presets covered on</span>
        <DatasetPicker datasets={datasets.map((d) => d.name)} current={dataset} />
        <span className="text-xs text-slate-600">{report.finishedRuns} finished preset run{report.finishedRuns === 1 ? '' : 's'} here</span>
        <Link href={`/launch/study?dataset=${encodeURIComponent(dataset)}`} className="text-xs text-sky-800 underline sm:ml-auto">Reproduce the study on {dataset}</Link>
      </div>
      {asked && asked !== dataset && <Notice>There is no dataset “{asked.slice(0, 60)}”; showing {dataset}.</Notice>}
      {!report.comparable && <Notice testId="not-comparable">{report.notComparableReason} Only our own figures are shown.</Notice>}

      <Card title="Which run stands for each preset" testId="report-rows">
        <ReportTable rows={report.rows} canUnpin={canUnpin} />
        <p className="mt-2 text-xs text-slate-600">
          A run whose config differs from its preset shows as “M0 (modified: hidden, epochs)” and stands for the preset only when someone pins it (on the run&apos;s page). Seed, threads and backend do not count as differences.
        </p>
      </Card>
      <Card title="The other protocol: batch-mean variants of M0–M1h" testId="report-other-protocol">
        <p className="mb-2 text-xs text-slate-600">
          Runs of “M1c · batch mean” and its kind: the same presets with the batch&apos;s cross-entropy averaged instead of summed. The study did not train these, so no published figure is set beside them; the best finished exact run of each by validation accuracy, {otherCovered} of {report.otherProtocolRows.length} covered.
        </p>
        <ReportTable rows={report.otherProtocolRows} label="Batch-mean variants table" />
      </Card>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card title="Test accuracy: ours vs published" testId="report-test-chart"><TestChart rows={report.rows} comparable={report.comparable} /></Card>
        <Card title="Robustness curves (solid ours, dashed published)" actions={<ClipSwitch dataset={dataset} clip={clip} />} testId="report-robustness-chart">
          <RobustnessChart rows={report.rows} clip={clip} />
        </Card>
      </div>
      <Card title={`Robustness: test accuracy under Gaussian noise σ (${clip ? 'clipped to [0,1]' : 'not clipped'})`} testId="report-robustness"><RobustnessTable rows={report.rows} /></Card>
      <Card title="How our protocol differs from the study's" testId="report-notes"><ProtocolNotes notes={report.notes} /></Card>
    </div>
  );
}
