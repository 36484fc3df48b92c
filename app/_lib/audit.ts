/** Audit entries in words, for the audit page and a run's history ("cancelled by Dana, 14:02"). */

export const ACTIONS: Record<string, string> = {
  launchRun: 'launched',
  cloneRun: 'launched as a clone',
  cancelRun: 'cancelled',
  updateRun: 'edited',
  deleteRun: 'deleted',
  launchStudy: 'launched the study',
  createUser: 'created an account',
  updateUser: 'changed an account',
  createApiToken: 'created an API token',
  revokeApiToken: 'revoked an API token',
  setupFirstAdmin: 'created the first admin',
};

export const verb = (action: string) => ACTIONS[action] ?? action;

/** What an update changed, in a few words: "tags x, y; notes". */
export function changeSummary(e: { action: string; detail: unknown }): string {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  if (e.action === 'updateRun') {
    return Object.entries(d)
      .map(([k, v]) => (k === 'name' ? `renamed “${v}”` : k === 'tags' && Array.isArray(v) ? `tags ${v.join(', ') || '(none)'}` : k === 'notes' ? 'notes' : k))
      .join('; ');
  }
  if (e.action === 'updateUser') return Object.entries(d).map(([k, v]) => `${k} ${v === null ? 'default' : String(v).toLowerCase()}`).join('; ');
  if (e.action === 'createUser') return `${d.email ?? ''} (${String(d.role ?? '').toLowerCase()})`;
  if (e.action === 'launchStudy') return `${d.runs} runs on ${d.dataset}`;
  if (e.action === 'cloneRun' || e.action === 'launchRun' || e.action === 'deleteRun') return d.name ? `“${d.name}”` : '';
  if (e.action.endsWith('ApiToken')) return d.label ? `“${d.label}”` : '';
  return '';
}

/** Local clock time for today's entries, else the date and time. */
export function when(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const hm = t.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return t.toDateString() === now.toDateString() ? hm : `${t.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })} ${hm}`;
}
