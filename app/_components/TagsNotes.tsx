'use client';
/** Editable tags and notes of a run, saved with updateRun (read-only for viewers). */
import { useEffect, useState } from 'react';
import { gql } from '../_lib/graphql';
import { UPDATE_RUN } from '../_lib/queries';
import { buttonClass } from './ui';

export function TagsNotes({ id, tags, notes, readOnly = false, onSaved }: { id: string; tags: string[]; notes: string | null; readOnly?: boolean; onSaved: (v: { tags: string[]; notes: string | null }) => void }) {
  const [tagText, setTagText] = useState(tags.join(', '));
  const [noteText, setNoteText] = useState(notes ?? '');
  const [state, setState] = useState<{ saving: boolean; error: string | null; saved: boolean }>({ saving: false, error: null, saved: false });
  useEffect(() => { setTagText(tags.join(', ')); setNoteText(notes ?? ''); }, [tags, notes]);
  const parsed = [...new Set(tagText.split(',').map((t) => t.trim()).filter(Boolean))];
  const dirty = parsed.join(',') !== tags.join(',') || noteText !== (notes ?? '');

  async function save() {
    setState({ saving: true, error: null, saved: false });
    try {
      const r = await gql<{ updateRun: { tags: string[]; notes: string | null } }>(UPDATE_RUN, { id, input: { tags: parsed, notes: noteText } });
      onSaved(r.updateRun);
      setState({ saving: false, error: null, saved: true });
    } catch (err) {
      setState({ saving: false, error: (err as Error).message, saved: false });
    }
  }

  if (readOnly) {
    return (
      <div className="space-y-1 text-sm">
        <div>{tags.length ? tags.map((t) => <span key={t} className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs">{t}</span>) : <span className="text-slate-400">no tags</span>}</div>
        <p className="whitespace-pre-wrap text-slate-700">{notes || <span className="text-slate-400">no notes</span>}</p>
        <p className="text-xs text-slate-400">Members and admins can edit tags and notes.</p>
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <label className="block text-xs font-medium text-slate-600">
        Tags <span className="font-normal text-slate-400">(comma-separated)</span>
        <input value={tagText} onChange={(e) => setTagText(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <label className="block text-xs font-medium text-slate-600">
        Notes
        <textarea value={noteText} onChange={(e) => setNoteText(e.target.value)} rows={3} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <div className="flex items-center gap-2">
        <button type="button" onClick={save} disabled={!dirty || state.saving} className={buttonClass.secondary}>{state.saving ? 'Saving…' : 'Save'}</button>
        {state.saved && !dirty && <span className="text-xs text-emerald-700">Saved</span>}
        {state.error && <span className="text-xs text-red-700">{state.error}</span>}
      </div>
    </div>
  );
}
