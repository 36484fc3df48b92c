'use client';
/** Personal API tokens: create one (shown once, with how to use it), see when each was last used, revoke. */
import { useState } from 'react';
import { ago, dateTime } from '../../_lib/format';
import { ApiTokensDocument, CreateApiTokenDocument, RevokeApiTokenDocument, type ApiTokensQuery } from '../../_graphql/generated';
import { errorTitle, request } from '../../_lib/graphql';
import { useQuery } from '../../_lib/hooks';
import { Card, Empty, ErrorBox, buttonClass, fieldClass } from '../../_components/ui';

type ApiTokenInfo = ApiTokensQuery['apiTokens'][number];

export function TokensPanel() {
  const { data, error, refetch } = useQuery(ApiTokensDocument, {});
  const [label, setLabel] = useState('');
  const [fresh, setFresh] = useState<{ token: string; label: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      const r = await request(CreateApiTokenDocument, { label });
      setFresh({ token: r.createApiToken.token, label: r.createApiToken.apiToken.label });
      setLabel('');
      await refetch();
    } catch (err) {
      setProblem(`${errorTitle(err, 'Not created')}: ${(err as Error).message}`);
    }
  }

  async function revoke(t: ApiTokenInfo) {
    if (!window.confirm(`Revoke the token "${t.label}"? Scripts using it stop working at once.`)) return;
    try {
      await request(RevokeApiTokenDocument, { id: t.id });
      await refetch();
    } catch (err) {
      setProblem(`${errorTitle(err, 'Not revoked')}: ${(err as Error).message}`);
    }
  }

  return (
    <Card title="API tokens" testId="api-tokens">
      <p className="mb-3 text-sm text-slate-600">
        For scripts and CI: send <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code> to <code className="rounded bg-slate-100 px-1">/graphql</code>
        (or <code className="rounded bg-slate-100 px-1">{'{ authorization: "Bearer …" }'}</code> in graphql-ws connection parameters). A token acts with your role.
      </p>
      <form onSubmit={create} className="flex flex-wrap items-end gap-2">
        <label className="min-w-0 flex-1 text-sm text-slate-700">
          Label <span className="text-xs text-slate-600">(what uses it)</span>
          <input name="label" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. nightly sweep on gpu-2" className={fieldClass()} />
        </label>
        <button type="submit" disabled={!label.trim()} className={buttonClass.primary}>Create token</button>
      </form>
      {fresh && (
        <div className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm" data-testid="new-token">
          <div className="font-medium text-emerald-900">New token “{fresh.label}”: copy it now, it is not shown again.</div>
          <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900">{fresh.token}</code>
          <div className="mt-2 flex gap-2">
            <button type="button" className={buttonClass.secondary} onClick={() => void navigator.clipboard?.writeText(fresh.token)}>Copy</button>
            <button type="button" className={buttonClass.secondary} onClick={() => setFresh(null)}>Done</button>
          </div>
        </div>
      )}
      {(problem || error) && <div className="mt-3"><ErrorBox error={problem ?? error!} /></div>}
      <div className="mt-4">
        {data && data.apiTokens.length === 0 ? (
          <Empty>No tokens yet.</Empty>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-600">
              <tr><th className="py-1 pr-2">Label</th><th className="hidden py-1 pr-2 sm:table-cell">Starts with</th><th className="py-1 pr-2">Created</th><th className="py-1 pr-2">Last used</th><th /></tr>
            </thead>
            <tbody>
              {data?.apiTokens.map((t) => (
                <tr key={t.id} className="border-t border-slate-100" data-token-id={t.id}>
                  <td className="py-1.5 pr-2 break-all">{t.label}</td>
                  <td className="hidden py-1.5 pr-2 font-mono text-xs sm:table-cell">{t.start}…</td>
                  <td className="py-1.5 pr-2 whitespace-nowrap" title={dateTime(t.createdAt)}>{ago(t.createdAt)}</td>
                  <td className="py-1.5 pr-2 whitespace-nowrap" title={t.lastUsedAt ? dateTime(t.lastUsedAt) : undefined}>{t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}</td>
                  <td className="py-1.5 text-right"><button type="button" onClick={() => void revoke(t)} className={buttonClass.danger}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
