/**
 * The run's configuration, grouped and in a stable order, every value in full (a server component:
 * a run's config never changes), with the run's ids and times under it.
 */
import type { RunDetailFragment } from '../../../_graphql/generated';
import { dateTime } from '../../../_lib/format';
import { Card } from '../../../_components/ui';
import { configGroups } from '../_lib/configGroups';

export function RunConfig({ run }: { run: RunDetailFragment }) {
  return (
    <Card title="Configuration" testId="run-config">
      <div className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2 xl:grid-cols-3">
        {configGroups(run.config).map((g) => (
          <section key={g.title} className="min-w-0">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">{g.title}</h3>
            <dl className="mt-1 text-sm">
              {g.fields.map((f) => (
                <div key={f.key} className="flex justify-between gap-3 border-b border-slate-100 py-0.5" data-config-key={f.key}>
                  <dt className="shrink-0 text-slate-700">{f.label}</dt>
                  <dd className="min-w-0 break-words text-right font-mono text-xs leading-5 text-slate-900">{f.value}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="mt-3 break-words text-xs text-slate-600">
        id {run.id} · created {dateTime(run.createdAt)}{run.startedAt && ` · started ${dateTime(run.startedAt)}`}{run.workerHost && ` · worker ${run.workerHost}`}{run.codeVersion && ` · code ${run.codeVersion}`}
      </p>
    </Card>
  );
}
