/** Compare runs; the selection lives in the URL (?ids=a,b,c) so a link can be shared. */
import { CompareView } from '../_components/CompareView';

export const metadata = { title: 'Compare' };

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const raw = Array.isArray(sp.ids) ? sp.ids.join(',') : sp.ids ?? '';
  const ids = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
  return <CompareView ids={ids} />;
}
