'use client';
/**
 * One launch-form field: a label, the control, an optional hint and the field's messages, wired for
 * assistive technology (aria-invalid, aria-describedby naming the hint and the messages). Messages
 * here are not live regions: the form announces once per launch attempt (SubmitBar).
 */
import type { ReactNode } from 'react';
import { fieldClass } from '../../_components/ui';
import type { LaunchFormApi } from './useLaunchForm';

interface Common { form: LaunchFormApi; k: string; label: string; hint?: string; className?: string }

function Frame({ form, k, label, hint, className = '', control }: Common & { control: (aria: Record<string, string | boolean | undefined>) => ReactNode }) {
  const errors = form.errorsFor(k);
  const ids = [hint && `f-${k}-hint`, errors.length && `f-${k}-error`].filter(Boolean).join(' ');
  return (
    <div className={`min-w-0 ${className}`} data-field={k}>
      <label className="block text-xs font-medium text-slate-800" htmlFor={`f-${k}`}>{label}</label>
      {control({ id: `f-${k}`, name: k, 'aria-invalid': errors.length ? true : undefined, 'aria-describedby': ids || undefined })}
      {hint && <div id={`f-${k}-hint`} className="mt-0.5 text-xs text-slate-600">{hint}</div>}
      <div id={`f-${k}-error`} className="min-h-[1rem] text-xs text-red-700" data-testid={`error-${k}`}>{errors.join(' ')}</div>
    </div>
  );
}

export function TextField(props: Common & { inputMode?: 'decimal' | 'numeric' | 'text' }) {
  const { form, k } = props;
  return (
    <Frame
      {...props}
      control={(aria) => (
        <input {...aria} value={String(form.values[k] ?? '')} onChange={(e) => form.set(k, e.target.value)} onBlur={() => form.leave(k)} className={fieldClass(!!aria['aria-invalid'])} inputMode={props.inputMode ?? 'decimal'} autoComplete="off" />
      )}
    />
  );
}

export function SelectField(props: Common & { options: readonly string[]; labels?: Record<string, string> }) {
  const { form, k, options, labels } = props;
  return (
    <Frame
      {...props}
      control={(aria) => (
        <select {...aria} value={String(form.values[k])} onChange={(e) => form.set(k, e.target.value)} onBlur={() => form.leave(k)} className={fieldClass(!!aria['aria-invalid'])}>
          {options.map((o) => <option key={o} value={o}>{labels?.[o] ?? o}</option>)}
        </select>
      )}
    />
  );
}

export function CheckField({ form, k, label, className = '' }: { form: LaunchFormApi; k: string; label: string; className?: string }) {
  return (
    <div className={`flex min-w-0 items-end pb-4 ${className}`} data-field={k}>
      <label className="inline-flex items-center gap-2 py-1.5 text-sm text-slate-800">
        <input id={`f-${k}`} name={k} type="checkbox" checked={Boolean(form.values[k])} onChange={(e) => form.set(k, e.target.checked)} className="h-4 w-4 accent-sky-700" />
        {label}
      </label>
    </div>
  );
}
