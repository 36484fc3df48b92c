/** What differs between our protocol and the study's, and what it does to the numbers (from the server's notes). */
import Link from 'next/link';
import type { StudyReportQuery } from '../../_graphql/generated';

type Note = StudyReportQuery['studyReport']['notes'][number];

export function ProtocolNotes({ notes }: { notes: Note[] }) {
  return (
    <div className="space-y-4" data-testid="protocol-notes">
      {notes.map((n) => (
        <section key={n.topic} className="min-w-0">
          <h3 className="text-sm font-semibold text-slate-800">{n.topic}</h3>
          <dl className="mt-1 grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[6rem_1fr]">
            <dt className="text-slate-600">Ours</dt><dd className="min-w-0 text-slate-800">{n.ours}</dd>
            <dt className="text-slate-600">The study</dt><dd className="min-w-0 text-slate-800">{n.study}</dd>
            <dt className="text-slate-600">Effect</dt><dd className="min-w-0 text-slate-900">{n.effect}</dd>
          </dl>
          {n.figures.length > 0 && (
            <ul className="mt-2 space-y-1 text-xs text-slate-700">
              {n.figures.map((f) => (
                <li key={f.label} className="min-w-0 break-words">
                  <span className="font-medium tabular-nums text-slate-900">{f.value}</span> {f.label}
                  {f.runId && <> · <Link className="text-sky-800 underline" href={`/runs/${f.runId}`}>the run</Link></>}
                  {f.command && <code className="mt-0.5 block whitespace-pre-wrap break-all rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-800">{f.command}</code>}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
