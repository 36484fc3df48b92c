/**
 * A report cell: our figure on top; under it, in grey, the published one with ours − published (green
 * when better, red when worse). Accuracies are fractions shown in percent with deltas in percentage
 * points; losses are shown as they are.
 */
import type { ReportRowFieldsFragment } from '../../_graphql/generated';

type Metric = ReportRowFieldsFragment['metrics'][number];

const isLoss = (key: string) => key === 'crossEntropy' || key === 'valLoss';

/** A figure of metric `key` as the report prints it. */
export function figure(key: string, x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return isLoss(key) ? x.toFixed(4) : `${(100 * x).toFixed(2)}${key === 'gainOverM0' ? ' pp' : ''}`;
}

function deltaText(key: string, delta: number): string {
  const sign = delta >= 0 ? '+' : '−';
  return isLoss(key) ? `${sign}${Math.abs(delta).toFixed(4)}` : `${sign}${Math.abs(100 * delta).toFixed(2)}`;
}

export function Pair({ metric }: { metric: Metric | undefined }) {
  if (!metric) return null;
  const { key, ours, published, delta, better } = metric;
  const good = delta != null && (better === 'higher' ? delta >= 0 : delta <= 0);
  return (
    <div className="text-right leading-tight">
      <div className="font-medium tabular-nums text-slate-900">{figure(key, ours)}</div>
      {published != null && (
        <div className="whitespace-nowrap text-[11px] tabular-nums text-slate-600">
          {figure(key, published)}
          {delta != null && <span className={`ml-1 ${good ? 'text-emerald-800' : 'text-rose-800'}`}>{deltaText(key, delta)}</span>}
        </div>
      )}
    </div>
  );
}

export const headRow = 'border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600';
export const th = 'px-2 py-1.5 text-right whitespace-nowrap';
