'use client';
/**
 * The live trainer workers, from `system.workerList`: host and pid, the backends each can train on
 * (best first, with the GPU's name), cores, memory, the threads its runs get by default, the run it is
 * training and its last heartbeat; above them, the backends available now (`system.backends`). Read-only
 * and refreshed every few seconds: workers come and go on other hosts without telling the browser.
 */
import Link from 'next/link';
import { WorkersDocument, type WorkersQuery } from '../../_graphql/generated';
import { ago, DASH, int } from '../../_lib/format';
import { useQuery } from '../../_lib/hooks';
import { ScrollArea } from '../../_components/ScrollArea';
import { Card, Empty, ErrorBox, PageTitle } from '../../_components/ui';

type WorkerRow = WorkersQuery['system']['workerList'][number];
type WorkerBackend = WorkerRow['backends'][number];

const REFRESH_MS = 5000;

/** Bytes as "15.6 GiB". */
export function gibibytes(bytes: number | null): string {
  return bytes == null ? DASH : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function BackendChips({ backends }: { backends: WorkerBackend[] }) {
  if (!backends.length) return <span className="text-slate-600">not reported</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {backends.map((b) => (
        <li key={b.backend} title={b.detail} className={`rounded px-1.5 py-0.5 text-xs ring-1 ring-inset ${b.device === 'gpu' ? 'bg-emerald-50 text-emerald-800 ring-emerald-300' : 'bg-slate-50 text-slate-700 ring-slate-300'}`}>
          {b.backend}
          {b.device === 'gpu' && <span className="ml-1 font-normal">GPU: {b.detail}</span>}
          {b.kernels && <span className="ml-1 font-normal">+ {b.kernels}</span>}
        </li>
      ))}
    </ul>
  );
}

function RunCell({ run, problem }: Pick<WorkerRow, 'run' | 'problem'>) {
  if (problem) return <span className="text-amber-800">takes no runs: {problem}</span>;
  if (!run) return <span className="text-slate-600">idle</span>;
  const p = run.progress;
  return (
    <span>
      <Link href={`/runs/${run.id}`} className="text-sky-800 hover:underline">{run.name}</Link>
      {p && <span className="ml-1 text-xs text-slate-600">{p.phase ?? 'training'} · epoch {p.epoch}/{p.epochs}</span>}
    </span>
  );
}

export function WorkersView({ initial }: { initial: WorkersQuery }) {
  const { data, error, refetch } = useQuery(WorkersDocument, {}, { initial, pollMs: REFRESH_MS });
  const system = data?.system;
  return (
    <div className="space-y-4" data-testid="workers-page">
      <PageTitle
        title="Workers"
        lead={<>Trainer processes on every host sharing this database. A run that asks for a backend is trained only by a worker that has it; <code>auto</code> runs go to any worker, which uses its best backend.</>}
      />
      {error && <ErrorBox title="Could not load the workers" error={error} onRetry={() => void refetch()} />}
      {system && (
        <>
          <p className="text-sm text-slate-700" data-testid="available-backends">
            Backends available now:{' '}
            {system.backends.length ? <strong>{system.backends.join(', ')}</strong> : <span className="text-amber-800">none — runs wait until a worker joins</span>}
            <span className="text-slate-600"> · {system.workers} worker{system.workers === 1 ? '' : 's'} · {system.queued} queued</span>
          </p>
          {system.workerList.length === 0 ? (
            <Empty>
              No trainer worker is running. <code>npm start</code> starts one (<code>WORKERS</code> sets how many); on another host, <code>npm run worker</code> with{' '}
              <code>DATABASE_URL</code> pointing at this database adds one.
            </Empty>
          ) : (
            <Card>
              <ScrollArea label="Workers">
                <table className="w-full min-w-[760px] text-left text-sm">
                  <thead className="text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                      <th scope="col" className="py-1 pr-3">Host</th>
                      <th scope="col" className="py-1 pr-3">PID</th>
                      <th scope="col" className="py-1 pr-3">Backends (best first)</th>
                      <th scope="col" className="py-1 pr-3 text-right">Cores</th>
                      <th scope="col" className="py-1 pr-3 text-right">Memory</th>
                      <th scope="col" className="py-1 pr-3 text-right" title="Compute threads a run gets when its config says 0: the worker's share of its host's cores">Threads</th>
                      <th scope="col" className="py-1 pr-3">Training</th>
                      <th scope="col" className="py-1">Heartbeat</th>
                    </tr>
                  </thead>
                  <tbody>
                    {system.workerList.map((w) => (
                      <tr key={`${w.host}:${w.pid}:${w.startedAt}`} className="border-t border-slate-100 align-top" data-testid="worker-row">
                        <td className="py-1.5 pr-3 font-medium">{w.host}</td>
                        <td className="py-1.5 pr-3 tabular-nums">{w.pid}</td>
                        <td className="py-1.5 pr-3"><BackendChips backends={w.backends} /></td>
                        <td className="py-1.5 pr-3 text-right tabular-nums">{int(w.cores)}</td>
                        <td className="py-1.5 pr-3 text-right tabular-nums">{gibibytes(w.memoryBytes)}</td>
                        <td className="py-1.5 pr-3 text-right tabular-nums">{int(w.threads)}</td>
                        <td className="py-1.5 pr-3"><RunCell run={w.run} problem={w.problem} /></td>
                        <td className="py-1.5 text-slate-600" title={w.heartbeatAt} suppressHydrationWarning>{ago(w.heartbeatAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollArea>
            </Card>
          )}
        </>
      )}
    </div>
  );
}
