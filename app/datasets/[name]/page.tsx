/** One dataset: a sample per class, class distribution, split table and class statistics. */
import { DatasetView } from '../../_components/DatasetView';

export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <DatasetView name={decodeURIComponent(name)} />;
}
