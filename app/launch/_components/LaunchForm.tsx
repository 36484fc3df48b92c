'use client';
/**
 * The launch form, laid out: where to start from, the model, the optimisation, the schedule and data,
 * then the run's name with its cost and time estimate, the launch bar and the study. On a wide
 * screen the run column sits beside the settings; on a phone everything is one column and the launch
 * bar sticks to the bottom of the screen. State and behaviour live in useLaunchForm.
 */
import { countParameters } from '../../../trainer/config/presets';
import type { LaunchOptionsQuery } from '../../_graphql/generated';
import { Notice } from '../../_components/ui';
import { backendChoices } from '../_lib/backends';
import type { MeasuredRun } from '../_lib/runTime';
import { ModelSection } from './ModelSection';
import { OptimisationSection } from './OptimisationSection';
import { RunSection } from './RunSection';
import { StartFrom } from './StartFrom';
import { StudyCard } from './StudyCard';
import { SubmitBar } from './SubmitBar';
import { TrainingSection } from './TrainingSection';
import { useLaunchForm, type Source } from './useLaunchForm';

interface Props {
  options: LaunchOptionsQuery;
  recentRuns: MeasuredRun[];
  source: Source | null;
  initialPreset: string;
  /** Why the form did not start where the address asked (an unknown ?from= or ?preset=). */
  notice: string | null;
}

export function LaunchForm({ options, recentRuns, source, initialPreset, notice }: Props) {
  const defaultDataset = options.system.defaultDataset || options.datasets.find((d) => d.isDefault)?.name || options.datasets[0]?.name || '';
  const form = useLaunchForm({ source, initialPreset, defaultDataset, liveBackends: options.system.backends });
  const backends = backendChoices(options.system.backends, String(form.values.backend));
  const dataset = options.datasets.find((d) => d.name === form.meta.dataset);
  const parameters = form.result.ok && dataset
    ? `${countParameters(784, form.result.config.hidden, dataset.classCount, form.result.config.batchNorm).toLocaleString('en-US')} parameters (${dataset.classCount} classes)`
    : null;
  return (
    <form ref={form.formRef} onSubmit={(e) => void form.submit(e)} noValidate className="flex flex-col gap-4 lg:grid lg:grid-cols-[minmax(0,1fr)_320px] lg:items-start" data-testid="launch-form">
      <div className="min-w-0 space-y-4">
        {notice && <Notice testId="launch-notice">{notice}</Notice>}
        <StartFrom form={form} datasets={options.datasets} source={source} />
        <ModelSection form={form} backends={backends} parameters={parameters} />
        <OptimisationSection form={form} />
        <TrainingSection form={form} />
      </div>
      <div className="contents lg:block lg:space-y-4">
        <RunSection form={form} recentRuns={recentRuns} />
        <SubmitBar form={form} system={options.system} />
        <StudyCard dataset={form.meta.dataset} />
      </div>
    </form>
  );
}
