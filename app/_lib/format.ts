/** Number, time and status formatting shared by pages and charts. Pure functions. */

export const DASH = '—';

/** A fraction in [0,1] as a percentage: 0.8745 → "87.45%". */
export function pct(x: number | null | undefined, digits = 2): string {
  return x == null || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)}%`;
}

export function num(x: number | null | undefined, digits = 4): string {
  return x == null || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

export function int(x: number | null | undefined): string {
  return x == null || !Number.isFinite(x) ? DASH : Math.round(x).toLocaleString('en-US');
}

/** Seconds as "42 s", "3 min 05 s", "2 h 04 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return DASH;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  // Round once, then split: 299.6 s is "5 min 00 s", never "4 min 60 s".
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${String(total % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "3 min ago" style, relative to `now` (injectable for tests). */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return DASH;
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toISOString().slice(0, 10);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : DASH;
}

/** Seconds a run has taken so far (finished, or running until now). */
export function elapsed(run: { durationSeconds: number | null; startedAt: string | null; finishedAt: string | null }, now = Date.now()): number | null {
  if (run.durationSeconds != null) return run.durationSeconds;
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return (end - Date.parse(run.startedAt)) / 1000;
}

/** CSV from rows of objects; values quoted when they contain a comma, quote or newline. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows.length ? Object.keys(rows[0]) : []);
  const cell = (v: unknown) => {
    const s = v == null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** 1536 → "1.5 KB", 3.2e9 → "3.0 GB" (binary units, as memory limits are set in MB). */
export function bytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i === 0 || v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** 1.27e13 → "1.3 × 10¹³" for very large counts (work estimates). */
export function sci(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  if (n < 1e6) return Math.round(n).toLocaleString('en-US');
  const e = Math.floor(Math.log10(n));
  const sup = String(e).split('').map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]).join('');
  return `${(n / 10 ** e).toFixed(1)} × 10${sup}`;
}
