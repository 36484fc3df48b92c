/** The datasets the server knows; links to each one's page. */
import { DatasetList } from '../_components/DatasetView';

export const metadata = { title: 'Datasets' };

export default function DatasetsPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold tracking-tight">Datasets</h1>
      <DatasetList />
    </div>
  );
}
