'use client';
/** Renames a run in place: the name field with Save and Cancel; Escape cancels, the API's refusal is shown. */
import { useEffect, useRef, useState } from 'react';
import { RenameRunDocument } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { buttonClass } from '../../../_components/ui';

const MAX_NAME = 200;

export function RenameRun({ id, name, onDone }: { id: string; name: string; onDone: (newName: string | null) => void }) {
  const [value, setValue] = useState(name);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const trimmed = value.trim();
  const invalid = trimmed === '' ? 'A run needs a name.' : trimmed.length > MAX_NAME ? `At most ${MAX_NAME} characters (this is ${trimmed.length}).` : null;

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (invalid) return setProblem(invalid);
    if (trimmed === name) return onDone(null);
    setBusy(true);
    try {
      const r = await request(RenameRunDocument, { id, name: trimmed });
      onDone(r.updateRun.name);
    } catch (err) {
      setProblem(`${errorTitle(err, 'Not renamed')}: ${(err as Error).message}`);
      setBusy(false);
    }
  }
  return (
    <form onSubmit={save} className="flex flex-wrap items-start gap-2" data-testid="rename-run" onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
      <label className="sr-only" htmlFor="run-new-name">Run name</label>
      <input
        ref={input}
        id="run-new-name"
        value={value}
        onChange={(e) => { setValue(e.target.value); setProblem(null); }}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'run-new-name-error' : undefined}
        className={`min-w-0 flex-1 rounded-md border px-2 py-1 text-lg font-semibold ${problem ? 'border-red-500' : 'border-slate-400'}`}
      />
      <button type="submit" disabled={busy} className={buttonClass.primary}>{busy ? 'Saving…' : 'Save'}</button>
      <button type="button" onClick={() => onDone(null)} className={buttonClass.secondary}>Cancel</button>
      <p id="run-new-name-error" role="status" className="basis-full text-sm text-red-700">{problem}</p>
    </form>
  );
}
