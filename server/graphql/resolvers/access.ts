/**
 * Team access over GraphQL: who am I, the first-admin page, users (admins), API tokens, the audit
 * trail, and the launch estimate the form shows. Who may call each is in server/auth/policy.ts.
 */
import { auditToGraphQL, listAudit } from '../../auth/audit';
import { fromGraphQLRole, toGraphQLRole } from '../../auth/roles';
import { createToken, createUser, listTokens, listUsers, revokeToken, tokenToGraphQL, updateUser, userToGraphQL } from '../../auth/users';
import { inputError } from '../../errors';
import { costProblems, effectiveLimits, poolQuery, userLimits } from '../../runs/quotas';
import { resolveLaunch, UUID } from '../../runs/service';
import type { MutationResolvers, QueryResolvers } from '../generated';

function checkTime(field: string, value: string | null | undefined) {
  if (value && Number.isNaN(Date.parse(value))) throw inputError(`${field}: not an ISO-8601 time (e.g. 2026-05-01T14:00:00Z)`, [{ field, message: 'not a time' }]);
}

export const accessQueries: QueryResolvers = {
  me: async (_root, _args, { principal, access }) => {
    if (!principal.role) return null;
    const limits = effectiveLimits(access.quotas, principal.userId ? await userLimits(poolQuery(access.pool), principal.userId) : { queuedRunLimit: null, studiesPerHourLimit: null });
    return {
      id: principal.userId,
      name: principal.name,
      email: principal.email,
      role: toGraphQLRole(principal.role),
      via: principal.via,
      limits: { ...limits, runMemoryBytes: access.quotas.runMemoryBytes, runWork: access.quotas.runWork },
    };
  },
  setupState: async (_root, _args, { access, principal }) => ({
    needed: await access.setup.needed(),
    local: !!principal.local,
    oidcName: access.oidc ? access.oidc.name : null,
  }),
  users: async (_root, _args, { access }) => (await listUsers(access.pool)).map(userToGraphQL),
  apiTokens: async (_root, _args, { access, principal }) => (principal.userId ? (await listTokens(access.pool, principal.userId)).map((t) => tokenToGraphQL(t)) : []),
  auditLog: async (_root, { filter, first, before }, { access }) => {
    const n = first ?? 50;
    if (n < 1 || n > 200) throw inputError('first: must be between 1 and 200', [{ field: 'first', message: 'between 1 and 200' }]);
    checkTime('filter.since', filter?.since);
    checkTime('filter.until', filter?.until);
    if (filter?.runId && !UUID.test(filter.runId)) throw inputError('filter.runId: not a run id', [{ field: 'filter.runId', message: 'not a run id' }]);
    if (before && !/^\d{1,18}$/.test(before)) throw inputError('before: not an audit entry id', [{ field: 'before', message: 'not an entry id' }]);
    const page = await listAudit(access.pool, filter ?? {}, n, before);
    return { entries: page.entries.map(auditToGraphQL), hasMore: page.hasMore };
  },
  estimateRun: (_root, { input }, { access }) => {
    const { cost } = resolveLaunch(input);
    return {
      ...cost,
      memoryLimitBytes: access.quotas.runMemoryBytes,
      workLimit: access.quotas.runWork,
      problems: costProblems(cost, access.quotas),
    };
  },
};

export const accessMutations: MutationResolvers = {
  createUser: async (_root, { input }, { access }) => {
    const { user, generatedPassword } = await createUser(access.auth, access.pool, { ...input, role: fromGraphQLRole(input.role) });
    return { user: userToGraphQL(user), generatedPassword };
  },
  updateUser: async (_root, { id, input }, { access, principal }) => {
    const user = await updateUser(access.auth, access.pool, id, { ...input, role: input.role ? fromGraphQLRole(input.role) : undefined }, principal.userId);
    access.authenticator.forget(); // a new role or a disabled account applies at once
    return userToGraphQL(user);
  },
  createApiToken: async (_root, { label }, { access, principal }) => {
    if (!principal.userId) throw inputError('API tokens belong to an account; sign in first');
    const { token, record } = await createToken(access.auth, access.pool, principal.userId, label);
    return { token, apiToken: tokenToGraphQL(record) };
  },
  revokeApiToken: async (_root, { id }, { access }) => {
    const revoked = await revokeToken(access.pool, id);
    access.authenticator.forget();
    return revoked;
  },
  setupFirstAdmin: async (_root, { input }, { access, principal }) => {
    await access.setup.authorize(!!principal.local, input.setupCode);
    const { user } = await createUser(access.auth, access.pool, { email: input.email, name: input.name, password: input.password, role: 'admin' });
    access.setup.markDone();
    console.log(`[server] first admin created: ${user.name} <${user.email}>`);
    return userToGraphQL(user);
  },
};

