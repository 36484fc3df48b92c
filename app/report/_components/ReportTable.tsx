/**
 * The report's main table: one row per preset, the run that stands for it and why (pinned, best exact
 * run, or none yet), the epochs it trained, and every metric ours over published with the difference.
 * Shared by the report page and a study group's own report (`canUnpin` only on the report page).
 */
import Link from 'next/link';
import type { ReportRowFieldsFragment } from '../../_graphql/generated';
import { ScrollArea } from '../../_components/ScrollArea';
import { headRow, Pair, th } from './Pair';
import { UnpinButton } from './UnpinButton';

const METRIC_COLUMNS: [string, string][] = [
  ['testAccuracy', 'Test acc %'],
  ['macroF1', 'Macro F1 %'],
  ['crossEntropy', 'Test CE'],
  ['valAccuracy', 'Val acc %'],
  ['valLoss', 'Val loss'],
  ['trainAccuracy', 'Train acc %'],
  ['gainOverM0', 'vs M0'],
];

function RunCell({ row, canUnpin }: { row: ReportRowFieldsFragment; canUnpin: boolean }) {
  if (!row.runPath) return <span className="text-xs text-slate-600">{row.why}</span>;
  return (
    <div className="min-w-0">
      <Link href={row.runPath} className="font-medium text-sky-800 hover:underline">{row.runName}</Link>
      <div className="text-xs text-slate-600">
        {row.choice === 'PINNED' ? <span className="mr-1 rounded bg-amber-100 px-1 text-amber-900">pinned</span> : null}
        {row.why}
      </div>
      {row.pin && canUnpin && <UnpinButton dataset={row.dataset} preset={row.preset} />}
    </div>
  );
}

export function ReportTable({ rows, canUnpin = false, label = 'Study report table' }: { rows: ReportRowFieldsFragment[]; canUnpin?: boolean; label?: string }) {
  return (
    <ScrollArea label={label}>
      <table className="w-full min-w-[980px] text-sm" data-testid="report-table">
        <thead>
          <tr className={headRow}>
            <th className="px-2 py-1.5">Preset</th>
            <th className="px-2 py-1.5">Run standing for it</th>
            <th className={th}>Epochs</th>
            {METRIC_COLUMNS.map(([key, title]) => <th key={key} className={th}>{title}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.preset} className="border-b border-slate-100 align-top" data-preset={row.preset}>
              <td className="whitespace-nowrap px-2 py-1.5">
                <div className="font-medium" data-testid="report-label">{row.label}</div>
                <div className="text-xs text-slate-600">{row.presetGroup}</div>
                <div className={`text-xs ${row.asPublished ? 'text-slate-600' : 'text-amber-800'}`} data-testid="report-protocol">{row.protocol}{row.asPublished ? '' : ' · not the study’s'}</div>
              </td>
              <td className="max-w-[260px] px-2 py-1.5"><RunCell row={row} canUnpin={canUnpin} /></td>
              <td className="whitespace-nowrap px-2 py-1.5 text-right tabular-nums text-slate-700">
                {row.epochsTrained == null ? '—' : `${row.epochsTrained} of ${row.epochsConfigured ?? '?'}`}
              </td>
              {METRIC_COLUMNS.map(([key]) => (
                <td key={key} className="px-2 py-1.5"><Pair metric={row.metrics.find((m) => m.key === key)} /></td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
