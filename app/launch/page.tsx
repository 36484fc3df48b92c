/**
 * Launch a run from a preset (?preset=M1b) or from an existing run's config (?from=ID), or queue the
 * whole study. What the form needs is fetched here: the datasets (with class counts, for the parameter
 * count), the trainer's state, recent runs' measured speed (for the run-time estimate) and the run to
 * clone. An unknown ?from= is said plainly, and the form starts from the first preset instead.
 */
import { lookupPreset, PRESETS } from '../../trainer/config/presets';
import { CloneSourceDocument, LaunchOptionsDocument, ThroughputDocument, type CloneSourceQuery } from '../_graphql/generated';
import { UUID } from '../_lib/ids';
import { query } from '../_lib/server/query';
import { PageTitle } from '../_components/ui';
import { LaunchForm } from './_components/LaunchForm';

export const metadata = { title: 'Launch a run' };

const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim() || null;

export default async function LaunchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const from = one(sp.from);
  const [options, throughput, source] = await Promise.all([
    query(LaunchOptionsDocument, {}),
    query(ThroughputDocument, {}),
    from && UUID.test(from) ? query(CloneSourceDocument, { id: from }).then((d) => d.run) : Promise.resolve<CloneSourceQuery['run']>(null),
  ]);
  const asked = one(sp.preset);
  const preset = (asked ? lookupPreset(asked) : undefined) ?? PRESETS[0];
  const fromProblem = from && !source ? `No run has the id “${from.slice(0, 80)}”, so there is nothing to clone: the form starts from preset ${preset.name} instead.` : null;
  const presetProblem = asked && !lookupPreset(asked) ? `There is no preset “${asked.slice(0, 40)}”; the form starts from ${preset.name}.` : null;
  return (
    <div className="space-y-4">
      <PageTitle title="Launch a run" lead="Start from a preset or an existing run, change any field, and queue it. Every field is checked as you type, with the same rules the server applies." />
      <LaunchForm
        options={options}
        recentRuns={throughput.runs.edges.map((e) => e.node)}
        source={source}
        initialPreset={preset.name}
        notice={fromProblem ?? presetProblem}
      />
    </div>
  );
}
