/** Launch a run from a preset or an existing run (?from=ID), or queue the whole study. */
import { LaunchForm } from '../_components/LaunchForm';

export const metadata = { title: 'Launch' };

export default async function LaunchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">Launch a run</h1>
        <p className="text-sm text-slate-500">Start from a preset or an existing run, change any field, and queue it. Every field is checked against the same schema the API uses.</p>
      </div>
      <LaunchForm from={one(sp.from)} preset={one(sp.preset)} />
    </div>
  );
}
