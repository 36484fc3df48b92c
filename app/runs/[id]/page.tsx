/** Run permalink: config, live status and curves, test metrics, confusion, per-class F1, robustness. */
import { RunView } from '../../_components/RunView';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunView id={decodeURIComponent(id)} />;
}
