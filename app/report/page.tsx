/**
 * The study report rebuilt from the runs in the database: for each preset the latest finished run on
 * the chosen dataset (in the address: ?dataset=…), with the published figure beside ours. Tables are
 * rendered here on the server; the charts are small client leaves.
 */
import Link from 'next/link';
import { ReportDocument, type ReportQuery } from '../_graphql/generated';
import { engineTable, latestByPreset, m1Table, m3Table, robustnessTable, testTable, type ReportRun } from '../_lib/report';
import { query } from '../_lib/server/query';
import { Card, Empty, PageTitle } from '../_components/ui';
import { DatasetPicker } from './_components/DatasetPicker';
import { FitTable } from './_components/FitTable';
import { ReportCharts } from './_components/ReportCharts';
import { RobustnessTable } from './_components/RobustnessTable';
import { TestTable } from './_components/TestTable';

export const metadata = { title: 'Study report' };

const MAX_RUNS = 2000;

/** Every finished run, newest first, page by page (the API serves at most 200 per page). */
async function finishedRuns(): Promise<ReportRun[]> {
  const all: ReportRun[] = [];
  let after: string | null = null;
  do {
    const page: ReportQuery = await query(ReportDocument, { after });
    all.push(...page.runs.edges.map((e) => e.node));
    after = page.runs.pageInfo.hasNextPage ? page.runs.pageInfo.endCursor : null;
  } while (after && all.length < MAX_RUNS);
  return all;
}

export default async function ReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const asked = (await searchParams).dataset;
  const runs = await finishedRuns();
  const datasets = [...new Set(runs.map((r) => r.dataset))].sort();
  const wanted = typeof asked === 'string' ? asked : null;
  const dataset = wanted ?? (datasets.includes('emnist-bymerge') ? 'emnist-bymerge' : datasets[0] ?? null);
  const byPreset = latestByPreset(runs, dataset);
  const test = testTable(byPreset);
  const robust = robustnessTable(byPreset);
  return (
    <div className="space-y-4" data-testid="report-page">
      <PageTitle title="Study report" lead="The study's tables rebuilt from the latest finished run of each preset, with the published figures (grey) beside ours. Accuracies in percent." />
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm">
        <span className="text-slate-700">{runs.length} finished run{runs.length === 1 ? '' : 's'}; {byPreset.size} of 12 presets covered{dataset ? ' on' : ''}</span>
        {datasets.length > 0 && <DatasetPicker datasets={wanted && !datasets.includes(wanted) ? [...datasets, wanted] : datasets} current={dataset} />}
        <span className="text-xs text-slate-600 sm:ml-auto">Missing presets? <Link href="/launch" className="text-sky-800 underline">Reproduce the study</Link></span>
      </div>
      {runs.length === 0 && <Empty>No finished runs yet. The published figures are shown alone until runs finish.</Empty>}
      {wanted && !datasets.includes(wanted) && runs.length > 0 && <Empty>No finished run on {wanted}; pick another dataset.</Empty>}

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card title="Final test comparison" testId="report-test"><TestTable rows={test} /></Card>
        <ReportCharts test={test} robust={robust} m1={['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h'].flatMap((model) => {
          const r = byPreset.get(model);
          return r ? [{ model, points: r.epochs.map((e) => ({ x: e.epoch, y: e.valAccuracy })) }] : [];
        })} />
      </div>
      <Card title="M1 variants: one change each from M0 (validation at the kept epoch)" testId="report-m1"><FitTable rows={m1Table(byPreset)} /></Card>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card title="Engine agreement: from scratch (M1g) vs framework (M2)"><FitTable rows={engineTable(byPreset)} showEngine /></Card>
        <Card title="Framework models M3a and M3b"><FitTable rows={m3Table(byPreset)} /></Card>
      </div>
      <Card title="Robustness: test accuracy (%) under Gaussian noise σ" testId="report-robustness"><RobustnessTable rows={robust} /></Card>
    </div>
  );
}
