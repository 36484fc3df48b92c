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
  archiveRun: 'archived',
  restoreRun: 'restored',
  reevaluateRun: 'asked to re-evaluate',
  pinReportRun: 'pinned to the report',
  unpinReportRun: 'unpinned from the report',
  cancelGroup: 'cancelled a study group',
  rerunFailedInGroup: 're-ran failed runs of a study group',
  deleteGroup: 'deleted a study group',
  signIn: 'signed in',
  signOut: 'signed out',
  signInRefused: 'was refused sign-in',
  passwordChanged: 'changed their password',
};

export const verb = (action: string) => ACTIONS[action] ?? action;

/** What an update changed, in a few words: "tags x, y; notes". */
export function changeSummary(e: { action: string; detail: unknown }): string {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  if (e.action === 'updateRun') {
    const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
    const words: Record<string, (v: unknown) => string> = {
      name: (v) => `renamed “${v}”`,
      tags: (v) => `tags ${list(v) || '(none)'}`,
      addTags: (v) => `tagged ${list(v)}`,
      removeTags: (v) => `untagged ${list(v)}`,
      notes: () => 'notes',
    };
    // bulk and group say how the change was made, not what it changed.
    return Object.entries(d)
      .filter(([k]) => k !== 'bulk' && k !== 'group')
      .map(([k, v]) => words[k]?.(v) ?? k)
      .join('; ');
  }
  if (e.action === 'pinReportRun' || e.action === 'unpinReportRun') return `${d.preset} on ${d.dataset}`;
  if (e.action === 'signIn') return d.method === 'oidc' ? 'single sign-on' : '';
  if (e.action === 'signInRefused') return d.email ? `as ${d.email}` : '';
  if (e.action === 'cancelGroup') return `${d.cancelled} runs`;
  if (e.action === 'deleteGroup') return `${d.deleted} runs`;
  if (e.action === 'rerunFailedInGroup') return `${d.runs} runs`;
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
