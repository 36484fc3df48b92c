/**
 * Authorization in one place: the policy table below has one rule for every root field of the schema
 * (every query, mutation and subscription), and `applyPolicy` wraps each resolver so that, over HTTP
 * and WebSocket alike, before anything runs:
 *   1. every string in the arguments is checked (no NUL bytes, at most 10,000 characters, lists of at
 *      most 1,000 items), with an error naming the argument;
 *   2. the caller's role must reach the rule's role (anonymous callers are told to sign in);
 *   3. the rule's own check runs (ownership: a member may cancel, rename, archive or delete only their own runs);
 * and after a mutation succeeds, its audit record is appended. A field without a rule stops the server
 * at startup, so nothing new can slip through unguarded.
 *
 * Who may do what:
 *   viewer  read everything (runs, datasets, presets, the report, groups, live updates, examples,
 *           predictions); own API tokens
 *   member  + launch, clone and study; cancel, rename, archive and delete their own runs (one by one, in
 *           bulk or through their study group); tag, annotate and re-evaluate any run; re-run any failed
 *           group member (as their own run); pin and unpin report rows
 *   admin   + the same on anyone's runs; users and roles; the audit trail
 * Actions on many runs (bulkRuns, cancelGroup, rerunFailedInGroup, deleteGroup) apply `runRefusal` —
 * the same rule as the single-run mutations — to each run, act on the permitted ones, and report each
 * refusal as that run's outcome; their audit records are one entry per run changed.
 */
import { BREAK, defaultFieldResolver, GraphQLObjectType, visit, type DocumentNode, type GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql/index.js';
import type { Run } from '../db/client';
import { forbidden, inputError } from '../errors';
import type { GraphQLContext } from '../graphql/context';
import { UUID } from '../runs/service';
import { writeAudit, type AuditRecord } from './audit';
import { unauthenticated, type Principal } from './principal';
import { atLeast, type Role } from './roles';
import { findToken } from './users';

export type RunAction = 'cancel' | 'delete' | 'rename' | 'annotate' | 'clone' | 'archive';

const RUN_ACTION_WORDS: Record<RunAction, string> = { cancel: 'cancel', delete: 'delete', rename: 'rename', annotate: 'tag or annotate', clone: 'clone', archive: 'archive or restore' };

/** Whether `p` may do `action` to a run: the one rule behind the mutations and Run.can alike. */
export function mayActOnRun(p: Principal, action: RunAction, run: Pick<Run, 'ownerId'>): boolean {
  if (atLeast(p.role, 'admin')) return true;
  if (!atLeast(p.role, 'member')) return false;
  if (action === 'annotate' || action === 'clone') return true;
  return run.ownerId !== null && run.ownerId === p.userId;
}

/** Why `p` may not do `action` to `run` (null: allowed), for actions on many runs that report per run. */
export function runRefusal(p: Principal, action: RunAction, run: Pick<Run, 'ownerId'>): string | null {
  if (mayActOnRun(p, action, run)) return null;
  return `you may not ${RUN_ACTION_WORDS[action]} this run: only its owner or an admin may (you are ${article(p.role)})`;
}

/**
 * Whether `p` may see where an audit entry came from (the client address): admins only, as for the
 * audit log itself. Run.history shows the same entries to every reader without it (issue 24).
 */
export function maySeeAuditAddresses(p: Principal): boolean {
  return atLeast(p.role, 'admin');
}

type Args = Record<string, any>;
type Memo = Record<string, unknown>;

interface Rule {
  /** The least role that may call it; 'anyone' includes callers who are not signed in. */
  role: Role | 'anyone';
  /** Per-object checks after the role check; what it returns is handed to `audit`. */
  check?: (args: Args, ctx: GraphQLContext) => Promise<Memo | void>;
  /** The audit record(s) of a successful mutation (null or []: nothing to record). */
  audit?: (args: Args, result: any, ctx: GraphQLContext, memo: Memo) => AuditOut | AuditOut[] | null;
}

type AuditOut = AuditRecord & { actor?: Pick<Principal, 'userId' | 'name' | 'via' | 'address'> };

/** A run's outcome in an action on many runs, as the resolvers return it (name: for the audit of deleted runs). */
interface Outcome {
  id: string;
  ok: boolean;
  name?: string;
  run?: { id: string; dataset?: string } | null;
}

const BULK_AUDIT: Record<string, string> = { CANCEL: 'cancelRun', ARCHIVE: 'archiveRun', RESTORE: 'restoreRun', DELETE: 'deleteRun', TAG: 'updateRun', UNTAG: 'updateRun' };

/** One audit entry per run an action on many runs changed. */
const perRun = (action: string, results: Outcome[], detail: (r: Outcome) => Record<string, unknown>): AuditOut[] =>
  results.filter((r) => r.ok).map((r) => ({ action, runId: r.id, detail: detail(r) }));

/** The current pin of the report row named by the arguments (for the audit of pin and unpin). */
async function currentPin(args: Args, ctx: GraphQLContext): Promise<Memo> {
  const { rows } = await ctx.access.pool.query<{ runId: string }>(`SELECT "runId" FROM "ReportPin" WHERE "dataset" = $1 AND "preset" = $2`, [String(args.dataset), String(args.preset)]);
  return { previous: rows[0]?.runId ?? null };
}

/** Loads the run named by args[idArg] and refuses unless the caller may do `action` to it. */
function ownRun(action: RunAction, idArg = 'id') {
  return async (args: Args, ctx: GraphQLContext): Promise<Memo> => {
    const id = String(args[idArg]);
    const run = UUID.test(id) ? await ctx.loaders.run.load(id) : null;
    if (!run) return {}; // the resolver answers NOT_FOUND
    if (!mayActOnRun(ctx.principal, action, run)) {
      const owner = run.ownerId ? await ctx.loaders.userName.load(run.ownerId) : null;
      const whose = owner ? `it belongs to ${owner}` : 'it has no owner account (it predates sign-in)';
      throw forbidden(`You may not ${RUN_ACTION_WORDS[action]} run ${id}: ${whose}, and only its owner or an admin may. You are ${article(ctx.principal.role)}.`);
    }
    return { run };
  };
}

const article = (role: Role | null) => (role ? `${role === 'admin' ? 'an' : 'a'} ${role}` : 'not signed in');

const runAudit = (action: string) => (args: Args, result: any) => ({ action, runId: result?.id ?? args.id });

export const POLICY: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Rule>> = {
  Query: {
    me: { role: 'anyone' },
    setupState: { role: 'anyone' },
    runs: { role: 'viewer' },
    run: { role: 'viewer' },
    compare: { role: 'viewer' },
    presets: { role: 'viewer' },
    datasets: { role: 'viewer' },
    dataset: { role: 'viewer' },
    system: { role: 'viewer' },
    estimateRun: { role: 'viewer' },
    studyReport: { role: 'viewer' },
    group: { role: 'viewer' },
    groups: { role: 'viewer' },
    studyPreview: { role: 'viewer' },
    compareSummary: { role: 'viewer' },
    apiTokens: { role: 'viewer' },
    users: { role: 'admin' },
    auditLog: { role: 'admin' },
    predict: { role: 'viewer' },
  },
  Mutation: {
    launchRun: { role: 'member', audit: (args, run) => ({ action: 'launchRun', runId: run.id, detail: { name: run.name, preset: run.preset, dataset: run.dataset } }) },
    cloneRun: { role: 'member', check: ownRun('clone'), audit: (args, run) => ({ action: 'cloneRun', runId: run.id, detail: { from: args.id, name: run.name } }) },
    cancelRun: { role: 'member', check: ownRun('cancel'), audit: runAudit('cancelRun') },
    updateRun: {
      role: 'member',
      // Renaming is the owner's; tags and notes are open to every member.
      check: (args, ctx) => ownRun(args.input?.name != null ? 'rename' : 'annotate')(args, ctx),
      audit: (args) => ({
        action: 'updateRun',
        runId: args.id,
        detail: {
          ...(args.input.name != null ? { name: args.input.name } : {}),
          ...(args.input.tags != null ? { tags: args.input.tags } : {}),
          ...(args.input.notes !== undefined ? { notes: args.input.notes === null ? null : `${String(args.input.notes).length} characters` } : {}),
        },
      }),
    },
    deleteRun: {
      role: 'member',
      check: ownRun('delete'),
      audit: (args, deleted, _ctx, memo) => (deleted ? { action: 'deleteRun', runId: args.id, detail: { name: (memo.run as Run | undefined)?.name ?? null } } : null),
    },
    archiveRun: { role: 'member', check: ownRun('archive'), audit: runAudit('archiveRun') },
    restoreRun: { role: 'member', check: ownRun('archive'), audit: runAudit('restoreRun') },
    bulkRuns: {
      role: 'member',
      audit: (args, result) =>
        perRun(BULK_AUDIT[args.input.action], result.results, (r) => ({
          bulk: true,
          ...(args.input.action === 'DELETE' ? { name: r.name ?? null } : {}),
          ...(args.input.action === 'TAG' || args.input.action === 'UNTAG' ? { [args.input.action === 'TAG' ? 'addTags' : 'removeTags']: args.input.tags } : {}),
        })),
    },
    launchStudy: { role: 'member', audit: (args, group) => ({ action: 'launchStudy', groupId: group.id, detail: { runs: group.runs.length, dataset: group.dataset ?? null } }) },
    cancelGroup: {
      role: 'member',
      audit: (args, result) => [{ action: 'cancelGroup', groupId: args.id, detail: { cancelled: result.results.filter((r: Outcome) => r.ok).length } }, ...perRun('cancelRun', result.results, () => ({ group: args.id }))],
    },
    rerunFailedInGroup: {
      role: 'member',
      audit: (args, result) => [
        { action: 'rerunFailedInGroup', groupId: args.id, detail: { runs: result.results.filter((r: Outcome) => r.ok).length } },
        ...result.results.filter((r: Outcome) => r.ok && r.run).map((r: Outcome) => ({ action: 'cloneRun', runId: r.run!.id, detail: { from: r.id, rerun: true, group: args.id } })),
      ],
    },
    deleteGroup: {
      role: 'member',
      audit: (args, result) => [
        { action: 'deleteGroup', groupId: args.id, detail: { deleted: result.results.filter((r: Outcome) => r.ok).length, groupDeleted: result.group === null } },
        ...perRun('deleteRun', result.results, (r) => ({ name: r.name ?? null, group: args.id })),
      ],
    },
    pinGroupToReport: {
      role: 'member',
      audit: (args, result) =>
        perRun('pinReportRun', result.results, (r) => ({ dataset: r.run?.dataset ?? null, preset: (r as Outcome & { preset?: string }).preset ?? null, group: args.id })),
    },
    pinReportRun: {
      role: 'member',
      check: currentPin,
      audit: (args, _report, _ctx, memo) => ({ action: 'pinReportRun', runId: args.runId, detail: { dataset: args.dataset, preset: args.preset, replaced: memo.previous ?? null } }),
    },
    unpinReportRun: {
      role: 'member',
      check: currentPin,
      audit: (args, _report, _ctx, memo) => (memo.previous ? { action: 'unpinReportRun', runId: memo.previous as string, detail: { dataset: args.dataset, preset: args.preset } } : null),
    },
    createUser: { role: 'admin', audit: (args, created) => ({ action: 'createUser', targetUserId: created.user.id, detail: { email: created.user.email, role: created.user.role } }) },
    updateUser: { role: 'admin', audit: (args) => ({ action: 'updateUser', targetUserId: args.id, detail: { ...args.input } }) },
    createApiToken: { role: 'viewer', audit: (args, created, ctx) => ({ action: 'createApiToken', targetUserId: ctx.principal.userId, detail: { tokenId: created.apiToken.id, label: created.apiToken.label } }) },
    revokeApiToken: {
      role: 'viewer',
      check: async (args, ctx) => {
        const token = await findToken(ctx.access.pool, String(args.id));
        if (token && token.referenceId !== ctx.principal.userId && !atLeast(ctx.principal.role, 'admin')) throw forbidden('You may revoke only your own API tokens');
        return { token };
      },
      audit: (args, revoked, _ctx, memo) => {
        const token = memo.token as { referenceId: string; name: string | null } | null;
        return revoked && token ? { action: 'revokeApiToken', targetUserId: token.referenceId, detail: { tokenId: args.id, label: token.name } } : null;
      },
    },
    // Any member, like annotating: it adds the run's per-image predictions and changes none of its results.
    reevaluateRun: { role: 'member', audit: runAudit('reevaluateRun') },
    // Open to anyone by role; the resolver lets it through only while no user exists, and only locally or with the setup code.
    setupFirstAdmin: {
      role: 'anyone',
      audit: (args, user, ctx) => ({ action: 'setupFirstAdmin', targetUserId: user.id, detail: { email: user.email }, actor: { userId: user.id, name: user.name, via: 'setup', address: ctx.principal.address } }),
    },
  },
  Subscription: {
    runUpdated: { role: 'viewer' },
    epochAdded: { role: 'viewer' },
    runsChanged: { role: 'viewer' },
  },
};

export const MAX_STRING = 10_000;
export const MAX_LIST = 1_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses NUL bytes and lone surrogates (PostgreSQL cannot store them), over-long strings and huge lists, anywhere in the arguments. */
export function checkArgumentStrings(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) throw inputError(`${path}: contains a NUL character (\\u0000), which cannot be stored; remove it`, [{ field: path, message: 'contains a NUL character' }]);
    // Half of a UTF-16 pair cannot be stored as UTF-8: Prisma failed with a masked 500, better-auth stored U+FFFD.
    if (LONE_SURROGATE.test(value)) throw inputError(`${path}: contains half of a UTF-16 surrogate pair (e.g. \\ud800 alone), which is not text; remove it`, [{ field: path, message: 'contains a lone surrogate' }]);
    if (value.length > MAX_STRING) throw inputError(`${path}: at most ${MAX_STRING.toLocaleString('en-US')} characters (got ${value.length.toLocaleString('en-US')})`, [{ field: path, message: `at most ${MAX_STRING} characters` }]);
  } else if (Array.isArray(value)) {
    if (value.length > MAX_LIST) throw inputError(`${path}: at most ${MAX_LIST} items`, [{ field: path, message: `at most ${MAX_LIST} items` }]);
    value.forEach((v, i) => checkArgumentStrings(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      checkArgumentStrings(k, `${path} key`);
      checkArgumentStrings(v, `${path}.${k}`);
    }
  }
}

/** Role check: UNAUTHENTICATED for callers not signed in, FORBIDDEN for a role too low. */
export function requireRole(p: Principal, needed: Role | 'anyone', what: string): void {
  if (needed === 'anyone' || atLeast(p.role, needed)) return;
  if (!p.role) throw unauthenticated(`Sign in first: ${what} needs an account (or send an API token: Authorization: Bearer …)`);
  throw forbidden(`${what} needs the ${needed} role; you are ${article(p.role)}. Ask an admin.`);
}

async function guard(rule: Rule, what: string, args: Args, ctx: GraphQLContext): Promise<Memo> {
  for (const [k, v] of Object.entries(args)) checkArgumentStrings(v, k);
  requireRole(ctx.principal, rule.role, what);
  return (await rule.check?.(args, ctx)) ?? {};
}

/** Wraps every root field's resolver (subscribe, for subscriptions) with its rule. */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  for (const opType of ['Query', 'Mutation', 'Subscription'] as const) {
    const type = schema.getType(opType);
    if (!(type instanceof GraphQLObjectType)) continue;
    const rules = POLICY[opType];
    for (const [name, field] of Object.entries(type.getFields())) {
      const rule = rules[name];
      if (!rule) throw new Error(`${opType}.${name} has no rule in the policy table (server/auth/policy.ts); add one`);
      if (opType === 'Subscription') {
        const subscribe = field.subscribe!;
        field.subscribe = async (root, args, ctx: GraphQLContext, info) => {
          await guard(rule, name, args, ctx);
          return subscribe(root, args, ctx, info);
        };
        continue;
      }
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = async (root, args, ctx: GraphQLContext, info) => {
        const memo = await guard(rule, name, args, ctx);
        const result = await resolve(root, args, ctx, info);
        const records = [rule.audit?.(args, result, ctx, memo) ?? []].flat();
        for (const record of records) {
          const { actor, ...rest } = record;
          // The change is made; failing the response now would invite a retry that makes it twice.
          await writeAudit(ctx.access.pool, actor ?? ctx.principal, rest).catch((err) =>
            console.error(`[audit] could not record ${name} by ${ctx.principal.name} (request ${ctx.requestId}): ${(err as Error).message}`, rest),
          );
        }
        return result;
      };
    }
    for (const name of Object.keys(rules)) if (!type.getFields()[name]) throw new Error(`policy rule for unknown field ${opType}.${name}`);
  }
  return schema;
}

/** Introspection (__schema, __type) is for signed-in users only; anonymous callers get the documented API, not the schema. */
export function introspectionRefusal(document: DocumentNode, p: Principal): GraphQLError | null {
  if (p.userId) return null;
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found ? forbidden('Introspection is available to signed-in users only; sign in or send an API token') : null;
}
