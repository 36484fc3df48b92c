'use client';
/** Tags and notes of a run, saved with updateRun (any member may annotate; read-only for viewers). */
import { useEffect, useState } from 'react';
import { AnnotateRunDocument } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { Card, buttonClass, fieldClass } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';

export function RunNotes() {
  const { run, merge } = useLiveRun();
  const { tags, notes } = run;
  const [tagText, setTagText] = useState(tags.join(', '));
  const [noteText, setNoteText] = useState(notes ?? '');
  const [state, setState] = useState<{ saving: boolean; error: string | null; saved: boolean }>({ saving: false, error: null, saved: false });
  useEffect(() => { setTagText(tags.join(', ')); setNoteText(notes ?? ''); }, [tags, notes]);
  const parsed = [...new Set(tagText.split(',').map((t) => t.trim()).filter(Boolean))];
  const dirty = parsed.join(',') !== tags.join(',') || noteText !== (notes ?? '');

  async function save() {
    setState({ saving: true, error: null, saved: false });
    try {
      const r = await request(AnnotateRunDocument, { id: run.id, tags: parsed, notes: noteText });
      merge({ tags: r.updateRun.tags, notes: r.updateRun.notes });
      setState({ saving: false, error: null, saved: true });
    } catch (err) {
      setState({ saving: false, error: `${errorTitle(err, 'Not saved')}: ${(err as Error).message}`, saved: false });
    }
  }

  if (!run.can.annotate) {
    return (
      <Card title="Tags and notes">
        <div className="space-y-1 text-sm">
          <div>{tags.length ? tags.map((t) => <span key={t} className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs">{t}</span>) : <span className="text-slate-600">no tags</span>}</div>
          <p className="whitespace-pre-wrap break-words text-slate-700">{notes || <span className="text-slate-600">no notes</span>}</p>
          <p className="text-xs text-slate-600">Members and admins can edit tags and notes.</p>
        </div>
      </Card>
    );
  }
  return (
    <Card title="Tags and notes">
      <div className="space-y-2">
        <label className="block text-xs font-medium text-slate-700">
          Tags <span className="font-normal text-slate-600">(comma-separated)</span>
          <input value={tagText} onChange={(e) => setTagText(e.target.value)} className={fieldClass()} />
        </label>
        <label className="block text-xs font-medium text-slate-700">
          Notes
          <textarea value={noteText} onChange={(e) => setNoteText(e.target.value)} rows={3} className={fieldClass()} />
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" onClick={() => void save()} disabled={!dirty || state.saving} className={buttonClass.secondary}>{state.saving ? 'Saving…' : 'Save'}</button>
          <span role="status" className="text-xs">
            {state.saved && !dirty && <span className="text-emerald-800">Saved</span>}
            {state.error && <span className="text-red-700">{state.error}</span>}
          </span>
        </div>
      </div>
    </Card>
  );
}
