/**
 * Launch the whole study (M0–M3b) as one group: choose the dataset and optional overrides, see the
 * twelve runs with each one's estimated time and the total (from this installation's measured
 * throughput), confirm, and land on the group's page. ?dataset= preselects the dataset.
 */
import { StudyOptionsDocument } from '../../_graphql/generated';
import { query } from '../../_lib/server/query';
import { PageTitle } from '../../_components/ui';
import { StudyForm } from './_components/StudyForm';

export const metadata = { title: 'Reproduce the study' };

export default async function StudyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const asked = (await searchParams).dataset;
  const { datasets } = await query(StudyOptionsDocument, {});
  const available = datasets.filter((d) => d.available);
  const wanted = typeof asked === 'string' ? available.find((d) => d.name === asked) : undefined;
  const initial = (wanted ?? available.find((d) => d.isDefault) ?? available[0])?.name ?? '';
  return (
    <div className="space-y-4">
      <PageTitle
        title="Reproduce the study"
        lead="Queues the study's twelve presets — M0, M1a–M1h, M2, M3a, M3b — on one dataset as a study group. Check the preview, confirm, and follow the group on its own page."
      />
      <StudyForm datasets={available} initialDataset={initial} />
    </div>
  );
}
