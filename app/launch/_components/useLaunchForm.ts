'use client';
/**
 * The launch form's state and what the person can do with it: edit a field (validated as they type,
 * the message shown once they leave the field or try to launch), switch the engine (options it cannot
 * use are set back, and it says which), switch the preset (their edits are kept, and it says which,
 * with a way back to the preset's own values), and launch (nothing is sent while a field is invalid;
 * focus goes to the first invalid field; one announcement for screen readers per attempt).
 */
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ALL_PRESETS } from '../../../trainer/config/presets';
import type { RunConfig } from '../../../trainer/config/schema';
import { LaunchRunDocument, type CloneSourceQuery } from '../../_graphql/generated';
import { GqlError, errorTitle, request } from '../../_lib/graphql';
import { configToForm, fieldKey, validateForm, type FieldIssue, type FormValues } from '../_lib/configForm';
import { requireLiveBackend } from '../_lib/backends';
import { fitToEngine } from '../_lib/engine';
import { labelOf } from '../_lib/fields';
import { switchPreset, type PresetSwitch } from '../_lib/presetSwitch';

export interface LaunchMeta { name: string; tags: string; notes: string; dataset: string }
export type Source = NonNullable<CloneSourceQuery['run']>;

const presetConfig = (name: string) => (ALL_PRESETS.find((p) => p.name === name) ?? ALL_PRESETS[0]).config;

export function useLaunchForm({ source, initialPreset, defaultDataset, liveBackends }: { source: Source | null; initialPreset: string; defaultDataset: string; liveBackends: readonly string[] }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [presetName, setPresetName] = useState(source ? source.preset ?? '' : initialPreset);
  const [values, setValues] = useState<FormValues>(() => fitToEngine(configToForm(source ? (source.config as RunConfig) : presetConfig(initialPreset))).values);
  const [edited, setEdited] = useState<Set<string>>(() => new Set());
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [attempts, setAttempts] = useState(0);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [refusal, setRefusal] = useState<{ title: string; message: string } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [busy, setBusy] = useState(false);
  const [meta, setMeta] = useState<LaunchMeta>({ name: source ? `${source.name} (copy)` : '', tags: source?.tags.join(', ') ?? '', notes: source?.notes ?? '', dataset: source?.dataset ?? defaultDataset });
  const [presetNote, setPresetNote] = useState<(PresetSwitch & { preset: string; presetValues: FormValues }) | null>(null);
  const [engineReset, setEngineReset] = useState<string[]>([]);

  const result = useMemo(() => requireLiveBackend(validateForm(values), String(values.backend), liveBackends), [values, liveBackends]);
  const issues = useMemo(() => [...(result.ok ? [] : result.issues), ...serverIssues], [result, serverIssues]);
  /** The messages to show under a field: once it was left, or after a launch attempt. */
  const left = (k: string) => touched.has(k) || (k === 'split' && [...touched].some((t) => t.startsWith('split.')));
  const errorsFor = (k: string) => (attempts > 0 || left(k) || serverIssues.some((i) => i.field === k) ? issues.filter((i) => i.field === k).map((i) => i.message) : []);

  // After a launch attempt the first invalid field gets the focus (in the order the form shows them).
  const [focusRequest, setFocusRequest] = useState(0);
  useEffect(() => {
    if (focusRequest) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const set = (k: string, v: string | boolean) => {
    let next = { ...values, [k]: v };
    if (k === 'engine') {
      const fitted = fitToEngine(next);
      next = fitted.values;
      setEngineReset(fitted.changed);
    }
    setValues(next);
    setEdited((s) => new Set(s).add(k));
    setServerIssues((s) => s.filter((i) => i.field !== k));
  };
  const leave = (k: string) => setTouched((t) => (t.has(k) ? t : new Set(t).add(k)));

  const choosePreset = (name: string) => {
    const config = presetConfig(name);
    const sw = switchPreset(config, values, edited);
    setValues(sw.values);
    setPresetName(name);
    setServerIssues([]);
    setEngineReset([]);
    setPresetNote(sw.kept.length || sw.fitted.length ? { ...sw, preset: name, presetValues: fitToEngine(configToForm(config)).values } : null);
  };
  const takePresetValues = () => {
    if (!presetNote) return;
    setValues(presetNote.presetValues);
    setEdited(new Set());
    setPresetNote(null);
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setAttempts((a) => a + 1);
    setRefusal(null);
    if (!result.ok) {
      setAnnouncement(`Not launched: ${result.issues.length} field${result.issues.length === 1 ? '' : 's'} to fix. ${result.issues.map((i) => i.message).join(' ')}`);
      setFocusRequest((n) => n + 1);
      return; // nothing is queued while any field is invalid
    }
    setBusy(true);
    setAnnouncement('Queuing the run…');
    try {
      const tags = [...new Set(meta.tags.split(',').map((t) => t.trim()).filter(Boolean))];
      const input = {
        ...(meta.name.trim() ? { name: meta.name.trim() } : {}),
        ...(presetName ? { preset: presetName } : {}),
        ...(meta.dataset ? { dataset: meta.dataset } : {}),
        ...(meta.notes.trim() ? { notes: meta.notes.trim() } : {}),
        tags,
        config: result.config,
      };
      const r = await request(LaunchRunDocument, { input });
      router.push(`/runs/${encodeURIComponent(r.launchRun.id)}`);
    } catch (err) {
      const fields = err instanceof GqlError ? err.fieldIssues : [];
      setServerIssues(fields.map((i) => ({ field: fieldKey(i.field), message: `${labelOf(fieldKey(i.field))}: ${i.message}` })));
      const title = errorTitle(err, 'Launch refused');
      setRefusal({ title, message: (err as Error).message });
      setAnnouncement(`${title}. ${(err as Error).message}`);
      setBusy(false);
      if (fields.length) setFocusRequest((n) => n + 1);
    }
  }

  return {
    formRef, values, set, leave, errorsFor, issues, result, attempts, touched,
    presetName, choosePreset, presetNote, takePresetValues, engineReset,
    meta, setMeta, busy, setBusy, refusal, setRefusal, announcement, setAnnouncement, submit,
  };
}

export type LaunchFormApi = ReturnType<typeof useLaunchForm>;
