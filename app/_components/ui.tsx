/**
 * Small presentational pieces shared by pages: cards, status badges, skeletons, error and empty
 * boxes, buttons, form field classes. No state; usable from server and client components alike.
 * Text colours are slate-600 or darker on white (WCAG AA for small text).
 */
import type { ReactNode } from 'react';
import type { RunStatus } from '../_graphql/generated';

export function Card({ title, children, actions, className = '', testId }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`min-w-0 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4 ${className}`} data-testid={testId}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-sm font-semibold text-slate-800">{title}</h2>}
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

const STATUS_STYLE: Record<RunStatus, string> = {
  QUEUED: 'bg-slate-100 text-slate-700 ring-slate-300',
  RUNNING: 'bg-sky-50 text-sky-800 ring-sky-300',
  SUCCEEDED: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  FAILED: 'bg-red-50 text-red-800 ring-red-300',
  CANCELLED: 'bg-amber-50 text-amber-800 ring-amber-300',
};

export function StatusBadge({ status, extra }: { status: RunStatus; extra?: string }) {
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status] ?? ''}`} data-status={status}>
      {status === 'RUNNING' && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-600" aria-hidden />}
      {status.toLowerCase()}
      {extra && <span className="font-normal">{extra}</span>}
    </span>
  );
}

export function Skeleton({ className = '' }: { className?: string }) {
  return <div className={`animate-pulse rounded bg-slate-200/70 ${className}`} aria-hidden />;
}

/**
 * An error, said in words. Not a live region unless `alert` is set: a form with many fields announces
 * through its one live region; a small form whose only message is this box (sign-in) sets `alert`.
 */
export function ErrorBox({ title = 'Something went wrong', error, onRetry, testId, alert = false }: { title?: string; error: Error | string; onRetry?: () => void; testId?: string; alert?: boolean }) {
  return (
    <div role={alert ? 'alert' : undefined} className="min-w-0 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid={testId}>
      <div className="font-medium">{title}</div>
      <div className="mt-1 break-words">{typeof error === 'string' ? error : error.message}</div>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 rounded border border-red-300 bg-white px-2 py-1 text-xs hover:bg-red-100">
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid={testId}>{children}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">{children}</div>;
}

export function PageTitle({ title, lead, children }: { title: ReactNode; lead?: ReactNode; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight break-words">{title}</h1>
        {lead && <p className="text-sm text-slate-600">{lead}</p>}
      </div>
      {children}
    </div>
  );
}

export const buttonClass = {
  primary: 'inline-flex items-center justify-center rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-50',
  secondary: 'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50',
  danger: 'inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-50',
};

/** Text inputs and selects; `bad` marks an invalid field (with aria-invalid set by the caller). */
export const fieldClass = (bad = false) =>
  `mt-1 w-full rounded-md border px-2 py-1.5 text-sm ${bad ? 'border-red-500 bg-red-50' : 'border-slate-400 bg-white'}`;

export function Stat({ label, value, hint, sub }: { label: string; value: ReactNode; hint?: string; sub?: ReactNode }) {
  return (
    <div className="min-w-0">
      <div className="text-xs uppercase tracking-wide text-slate-600">{label}</div>
      <div className="truncate text-lg font-semibold tabular-nums text-slate-900" title={hint}>{value}</div>
      <div className="h-4 truncate text-[11px] text-slate-600">{sub}</div>
    </div>
  );
}
