/**
 * What the API can do to runs, independent of GraphQL: launch (validated against the trainer's config
 * schema and the quotas; nothing is stored when a field is wrong or a limit is passed), clone, cancel,
 * edit, delete, queue a whole study, and the list query with filters, sorting and keyset (cursor)
 * pagination. Who may do what is decided before these run, in server/auth/policy.ts; the owner of a
 * new run is the signed-in user passed in as `owner`.
 */
import { GraphQLError } from 'graphql/index.js';
import type pg from 'pg';
import { checkConfig, deepMerge, DEFAULT_CONFIG, type ConfigIssue, type RunConfig } from '../../trainer/config/schema';
import { lookupPreset, PRESETS, studyPresets, type StudyProtocol } from '../../trainer/config/presets';
import { cancellableQuery } from '../db/cancellable';
import { EVALUATION_SCALAR_COLUMNS, Prisma, type EvaluationScalars, type PrismaClient, type Run, type RunStatus } from '../db/client';
import { defaultDataset, findDataset, type DatasetEntry } from '../datasets/catalog';
import { inputError } from '../errors';
import { whyNoWorkerCanSaveModels } from '../worker/registry';
import { configIdentity } from './configIdentity';
import * as lifecycle from './lifecycle';
import { checkRunCost, checkUserQuota, estimateRun, quotaSettingsFromEnv, type QuotaSettings } from './quotas';
import { DEFAULT_STALE_SECONDS } from './reaper';

/** Refuses a new run when the server can tell it could never finish (no live worker can save models). */
async function checkWorkersCanSaveModels(prisma: PrismaClient) {
  const problem = await whyNoWorkerCanSaveModels(prisma, DEFAULT_STALE_SECONDS);
  if (problem) throw inputError(`Cannot launch: ${problem}`, [{ field: 'workers', message: 'no worker can save models' }]);
}

export { inputError };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merges overrides over a base config and validates; a GraphQL error names every bad field and rule. */
export function resolveConfig(base: RunConfig, overrides: unknown, what = 'config'): RunConfig {
  if (overrides !== undefined && overrides !== null && !isPlainObject(overrides)) {
    throw inputError(`${what}: must be an object of RunConfig fields`, [{ field: what, message: 'must be an object' }]);
  }
  const checked = checkConfig(deepMerge(base as unknown as Record<string, unknown>, (overrides as Record<string, unknown>) ?? {}));
  if (!checked.ok) {
    const issues = checked.issues.map((i) => ({ field: i.field === '(config)' ? what : `${what}.${i.field}`, message: i.message }));
    throw inputError(`Invalid run config: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
  return checked.config;
}

/** A study row ("M1c") or a variant ("M1c · batch mean", "M1c-mean"), or a refusal naming the known ones. */
function findPresetOrThrow(name: string) {
  const preset = lookupPreset(name);
  if (!preset) {
    throw inputError(`preset: unknown preset "${name}"; known presets: ${PRESETS.map((p) => p.name).join(', ')}, and the batch-mean variant of each of M0–M1h ("M1c · batch mean")`, [
      { field: 'preset', message: `unknown preset "${name}"` },
    ]);
  }
  return preset;
}

function resolveDatasetName(name: string | null | undefined): DatasetEntry & { classes: number } {
  const chosen = name ?? defaultDataset();
  const entry = findDataset(chosen);
  if (!entry) throw inputError(`dataset: unknown dataset "${chosen}"`, [{ field: 'dataset', message: `unknown dataset "${chosen}"` }]);
  if (!entry.available) throw inputError(`dataset: ${entry.name} is not available. ${entry.hint ?? ''}`.trim(), [{ field: 'dataset', message: 'not available on this server' }]);
  return { ...entry, classes: entry.classCount };
}

/** Input limits (issue 9): names 200 characters, tags 50 each and 30 per run, notes 10,000. */
export const LIMITS = { name: 200, tag: 50, tags: 30, notes: 10_000, filterText: 200 } as const;

export function cleanTags(tags: readonly string[] | null | undefined, field = 'tags'): string[] {
  const out = [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))];
  const long = out.find((t) => t.length > LIMITS.tag);
  if (long) throw inputError(`${field}: each tag at most ${LIMITS.tag} characters ("${long.slice(0, 20)}…" has ${long.length})`, [{ field, message: `each tag at most ${LIMITS.tag} characters` }]);
  if (out.length > LIMITS.tags) throw inputError(`${field}: at most ${LIMITS.tags} tags per run (got ${out.length})`, [{ field, message: `at most ${LIMITS.tags} tags` }]);
  return out;
}

function checkText(field: string, value: string | null | undefined, max: number) {
  if (value != null && value.length > max) throw inputError(`${field}: at most ${max} characters`, [{ field, message: `at most ${max} characters` }]);
}

/** Who a new run belongs to: the signed-in user. */
export interface Owner {
  userId: string;
  name: string;
}

export interface LaunchInput {
  name?: string | null;
  preset?: string | null;
  dataset?: string | null;
  config?: unknown;
  tags?: readonly string[] | null;
  notes?: string | null;
  groupId?: string | null;
}

let defaultQuotas: QuotaSettings | null = null;
/** The server's quota settings (read from the environment once). */
export const serverQuotas = () => (defaultQuotas ??= quotaSettingsFromEnv());

/** The official split needs the distribution's train and test files; say so at launch, not in the worker. */
function checkSplitFits(config: RunConfig, dataset: { name: string; officialSplit: boolean }) {
  if (config.split.mode === 'official' && !dataset.officialSplit) {
    const message = `dataset ${dataset.name} has no official train/test files here; use split mode "stratified"`;
    throw inputError(`config.split.mode: ${message}`, [{ field: 'config.split.mode', message }]);
  }
}

/** The validated config and dataset of a launch input, without storing anything (launch and estimate). */
export function resolveLaunch(input: Pick<LaunchInput, 'preset' | 'dataset' | 'config'>) {
  const preset = input.preset ? findPresetOrThrow(input.preset) : null;
  const dataset = resolveDatasetName(input.dataset);
  const config = resolveConfig(preset?.config ?? DEFAULT_CONFIG, input.config);
  checkSplitFits(config, dataset);
  return { preset, dataset, config, cost: estimateRun(config, dataset) };
}

/** Validates everything first (fields, then the per-run quotas), then builds the row to insert. */
export function prepareRun(input: LaunchInput, owner: Owner | null, quotas: QuotaSettings = serverQuotas()): Prisma.RunUncheckedCreateInput {
  checkText('name', input.name, LIMITS.name);
  checkText('notes', input.notes, LIMITS.notes);
  const tags = cleanTags(input.tags);
  const { preset, dataset, config, cost } = resolveLaunch(input);
  checkRunCost(cost, quotas);
  return {
    name: input.name?.trim() || `${preset?.name ?? 'custom'} on ${dataset.name}`,
    // The study row; which form of it (as published or the batch-mean variant) follows from the config.
    preset: preset?.row ?? null,
    engine: config.engine,
    dataset: dataset.name,
    seed: config.seed,
    ownerId: owner?.userId ?? null,
    tags,
    notes: input.notes ?? null,
    groupId: input.groupId ?? null,
    config: config as unknown as Prisma.InputJsonValue,
    parameters: cost.parameters,
    ...configIdentity(config, preset?.row),
  };
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** The user-quota check inside a Prisma transaction (advisory lock, counts), then `create`. */
async function withUserQuota<T>(prisma: PrismaClient, owner: Owner | null, quotas: QuotaSettings, adding: { runs: number; study?: boolean }, create: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    if (owner) {
      const query = <R>(sql: string, values: unknown[]) => tx.$queryRawUnsafe<R[]>(sql, ...values);
      await checkUserQuota(query, owner.userId, quotas, adding);
    }
    return create(tx);
    // Prisma's default 5 s for an interactive transaction is short for a 12-run study on a loaded machine.
  }, { maxWait: 10_000, timeout: 30_000 });
}

export async function launchRun(prisma: PrismaClient, input: LaunchInput, owner: Owner | null, quotas: QuotaSettings = serverQuotas()): Promise<Run> {
  const data = prepareRun(input, owner, quotas);
  await checkWorkersCanSaveModels(prisma);
  return withUserQuota(prisma, owner, quotas, { runs: 1 }, (tx) => tx.run.create({ data }));
}

export async function getRunOrThrow(prisma: PrismaClient, id: string): Promise<Run> {
  const run = UUID.test(id) ? await prisma.run.findUnique({ where: { id } }) : null;
  if (!run) throw new GraphQLError(`No run with id ${id}`, { extensions: { code: 'NOT_FOUND' } });
  return run;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A new run with another run's config (plus overrides), owned by whoever clones it. It keeps the
 * source's preset name (labelled "modified" when the overrides move it away from the preset) but not
 * its study group: a clone is a new experiment, and a group's members are what its study launched
 * (and re-runs of them, rerunFailedInGroup).
 */
export async function cloneRun(
  prisma: PrismaClient,
  id: string,
  overrides: unknown,
  name: string | null | undefined,
  owner: Owner | null,
  quotas: QuotaSettings = serverQuotas(),
  options: { groupId?: string } = {},
): Promise<Run> {
  checkText('name', name, LIMITS.name);
  const source = await getRunOrThrow(prisma, id);
  const config = resolveConfig(source.config as unknown as RunConfig, overrides, 'overrides');
  const dataset = resolveDatasetName(source.dataset);
  checkSplitFits(config, dataset);
  await checkWorkersCanSaveModels(prisma);
  const cost = estimateRun(config, dataset);
  checkRunCost(cost, quotas);
  const data = {
    name: name?.trim() || `${source.name} (clone)`,
    preset: source.preset,
    engine: config.engine,
    dataset: dataset.name,
    seed: config.seed,
    ownerId: owner?.userId ?? null,
    tags: source.tags,
    notes: source.notes,
    groupId: options.groupId ?? null,
    config: config as unknown as Prisma.InputJsonValue,
    parameters: cost.parameters,
    ...configIdentity(config, source.preset),
  };
  return withUserQuota(prisma, owner, quotas, { runs: 1 }, (tx) => tx.run.create({ data }));
}

/** QUEUED and waiting runs are cancelled at once; running ones are asked to stop (lifecycle.cancel). */
export async function cancelRun(prisma: PrismaClient, id: string): Promise<Run> {
  await getRunOrThrow(prisma, id);
  const outcome = await lifecycle.cancel(prisma, id);
  if (typeof outcome === 'object') throw inputError(`Run ${id} has already finished (${outcome.finished}); nothing to cancel`);
  return getRunOrThrow(prisma, id);
}

export async function updateRun(prisma: PrismaClient, id: string, input: { name?: string | null; tags?: readonly string[] | null; notes?: string | null }): Promise<Run> {
  await getRunOrThrow(prisma, id);
  checkText('name', input.name, LIMITS.name);
  checkText('notes', input.notes, LIMITS.notes);
  const tags = input.tags != null ? cleanTags(input.tags, 'input.tags') : null;
  if (input.name !== undefined && input.name !== null && !input.name.trim()) throw inputError('name: must not be empty', [{ field: 'name', message: 'must not be empty' }]);
  return prisma.run.update({
    where: { id },
    data: {
      ...(input.name != null ? { name: input.name.trim() } : {}),
      ...(tags ? { tags } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    },
  });
}

/**
 * Queues every study row (M0–M3b, whatever PRESETS holds) as one group, all validated before any is
 * stored: as the study ran them (protocol PUBLISHED, the default) or the from-scratch rows' batch-mean
 * variants (BATCH_MEAN); the group keeps the choice.
 */
export async function launchStudy(prisma: PrismaClient, input: { dataset?: string | null; overrides?: unknown; protocol?: StudyProtocol | null }, owner: Owner | null, quotas: QuotaSettings = serverQuotas()) {
  const dataset = resolveDatasetName(input.dataset).name;
  const protocol = input.protocol ?? 'PUBLISHED';
  const rows = studyPresets(protocol).map((p) => {
    try {
      return prepareRun({ preset: p.name, dataset, config: input.overrides, tags: ['study'] }, owner, quotas);
    } catch (err) {
      // Say which preset the overrides do not fit (e.g. gelu on a scratch preset).
      if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT') throw inputError(`${p.name}: ${err.message.replace(/config\./g, 'overrides.')}`, err.extensions.issues as ConfigIssue[]);
      if (err instanceof GraphQLError) throw new GraphQLError(`${p.name}: ${err.message}`, { extensions: err.extensions });
      throw err;
    }
  });
  await checkWorkersCanSaveModels(prisma);
  return withUserQuota(prisma, owner, quotas, { runs: rows.length, study: true }, async (tx) => {
    const overrides = isPlainObject(input.overrides) && Object.keys(input.overrides).length ? (input.overrides as Prisma.InputJsonValue) : Prisma.DbNull;
    const group = await tx.runGroup.create({
      data: { name: `Study on ${dataset}${protocol === 'BATCH_MEAN' ? ', batch mean' : ''} (${new Date().toISOString().slice(0, 16).replace('T', ' ')})`, ownerId: owner?.userId ?? null, dataset, overrides, protocol },
    });
    const runs: Run[] = [];
    // One by one so createdAt (the queue order) follows the preset order.
    for (const row of rows) runs.push(await tx.run.create({ data: { ...row, groupId: group.id } }));
    return { ...group, runs };
  });
}

// ---- The list query -----------------------------------------------------------------------------

export type SortField = 'CREATED_AT' | 'NAME' | 'STATUS' | 'TEST_ACCURACY' | 'MACRO_F1' | 'VAL_ACCURACY' | 'DURATION';

const SORT_COLUMNS: Record<SortField, { column: string; cast: string }> = {
  CREATED_AT: { column: '"createdAt"', cast: 'timestamptz' },
  NAME: { column: '"name"', cast: 'text' },
  STATUS: { column: '"status"', cast: '"RunStatus"' },
  TEST_ACCURACY: { column: '"testAccuracy"', cast: 'float8' },
  MACRO_F1: { column: '"macroF1"', cast: 'float8' },
  VAL_ACCURACY: { column: '"valAccuracy"', cast: 'float8' },
  DURATION: { column: '"durationSeconds"', cast: 'float8' },
};

export interface ListArgs {
  filter?: {
    status?: readonly RunStatus[] | null;
    preset?: string | null;
    tag?: string | null;
    owner?: string | null;
    mine?: boolean | null;
    engine?: string | null;
    group?: string | null;
    dataset?: string | null;
    text?: string | null;
    archived?: 'ACTIVE' | 'ARCHIVED' | 'ALL' | null;
  } | null;
  sort?: { field: SortField; direction: 'ASC' | 'DESC' } | null;
  first?: number | null;
  after?: string | null;
}

interface Cursor {
  v: string | number | null;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.id === 'string' && UUID.test(c.id)) return c;
  } catch {
    /* fall through */
  }
  throw inputError('after: not a cursor returned by this query', [{ field: 'after', message: 'invalid cursor' }]);
}

export const MAX_PAGE = 200;

/** Filters, sorts (NULLs last either way, ties by id) and pages by keyset, so pages stay stable while runs arrive. */
/** Every Run column but the bulky JSON ones (config is loaded per run only when a query asks for it). */
const LIST_COLUMNS = Prisma.raw(
  ['id', 'name', 'preset', 'engine', 'backend', 'dataset', 'seed', 'status', 'owner', 'ownerId', 'tags', 'notes', 'groupId', 'parameters', 'createdAt', 'startedAt', 'finishedAt',
    'heartbeatAt', 'error', 'codeVersion', 'workerHost', 'workerPid', 'cancelRequested', 'progress', 'modelPath', 'bestEpoch', 'stoppedEarly', 'testAccuracy', 'macroF1',
    'valAccuracy', 'durationSeconds', 'warning', 'configHash', 'presetExact', 'presetChanges', 'archivedAt', 'threads'].map((c) => `"${c}"`).join(', '),
);

/** json_build_object arguments for the evaluation scalars joined to each listed run. */
const EVALUATION_JSON_FIELDS = Prisma.raw(EVALUATION_SCALAR_COLUMNS.map((c) => `'${c}', e."${c}"`).join(', '));

/** A Run row from the list query: `config` and `summary` are absent until loaded; ownerName joined in. */
export type ListedRun = Omit<Run, 'config' | 'summary'> & Partial<Pick<Run, 'config' | 'summary'>> & { ownerName?: string | null };

export interface ListOptions {
  pool?: pg.Pool;
  /** Receives each listed run's evaluation scalars (joined in), for the GraphQL layer's loader. */
  primeEvaluation?: (runId: string, e: EvaluationScalars | null) => void;
  /** The signed-in user (filter.mine). */
  viewerId?: string | null;
  /** Aborts (cancels the SQL) when the client goes away. */
  signal?: AbortSignal | null;
}

export async function listRuns(prisma: PrismaClient, args: ListArgs, { pool, primeEvaluation, viewerId, signal }: ListOptions = {}) {
  const first = args.first ?? 50;
  if (first < 0 || first > MAX_PAGE) throw inputError(`first: must be between 0 and ${MAX_PAGE}`, [{ field: 'first', message: `must be between 0 and ${MAX_PAGE}` }]);
  const sort = args.sort ?? { field: 'CREATED_AT' as const, direction: 'DESC' as const };
  const { column, cast } = SORT_COLUMNS[sort.field];
  const col = Prisma.raw(column);
  const dir = Prisma.raw(sort.direction === 'ASC' ? 'ASC' : 'DESC');
  const op = Prisma.raw(sort.direction === 'ASC' ? '>' : '<');
  const f = args.filter ?? {};
  const where: Prisma.Sql[] = [];
  if (f.status?.length) where.push(Prisma.sql`"status"::text IN (${Prisma.join(f.status)})`);
  if (f.preset) where.push(Prisma.sql`lower("preset") = lower(${f.preset})`);
  if (f.tag) where.push(Prisma.sql`${f.tag} = ANY("tags")`);
  checkText('filter.text', f.text, LIMITS.filterText);
  for (const field of ['preset', 'tag', 'owner', 'engine', 'group', 'dataset'] as const) checkText(`filter.${field}`, f[field], LIMITS.name);
  if (f.owner) where.push(Prisma.sql`("owner" = ${f.owner} OR "ownerId" IN (SELECT "id" FROM "User" WHERE "name" = ${f.owner}))`);
  if (f.mine) where.push(viewerId ? Prisma.sql`"ownerId" = ${viewerId}` : Prisma.sql`false`);
  if (f.engine) where.push(Prisma.sql`"engine" = ${f.engine}`);
  if (f.dataset) where.push(Prisma.sql`"dataset" = ${f.dataset}`);
  if (f.group) where.push(UUID.test(f.group) ? Prisma.sql`"groupId" = ${f.group}::uuid` : Prisma.sql`false`);
  // Archived runs are hidden unless asked for.
  if ((f.archived ?? 'ACTIVE') === 'ACTIVE') where.push(Prisma.sql`"archivedAt" IS NULL`);
  else if (f.archived === 'ARCHIVED') where.push(Prisma.sql`"archivedAt" IS NOT NULL`);
  if (f.text) {
    const like = `%${f.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    // A pasted run or group id finds that run or the group's runs; a group's name finds its runs.
    const id = f.text.trim();
    const byId = UUID.test(id) ? Prisma.sql` OR "id" = ${id}::uuid OR "groupId" = ${id}::uuid` : Prisma.empty;
    const byOwner = Prisma.sql`"owner" ILIKE ${like} OR "ownerId" IN (SELECT "id" FROM "User" WHERE "name" ILIKE ${like})`;
    const byGroup = Prisma.sql`"groupId" IN (SELECT g."id" FROM "RunGroup" g WHERE g."name" ILIKE ${like})`;
    where.push(Prisma.sql`("name" ILIKE ${like} OR "notes" ILIKE ${like} OR "preset" ILIKE ${like} OR array_to_string("tags", ' ') ILIKE ${like} OR ${byOwner} OR ${byGroup}${byId})`);
  }
  const filterSql = where.length ? Prisma.join(where, ' AND ') : Prisma.sql`true`;
  let pageSql = Prisma.sql`true`;
  if (args.after) {
    const c = decodeCursor(args.after);
    const v = Prisma.sql`${c.v}::${Prisma.raw(cast)}`;
    pageSql = c.v === null
      ? Prisma.sql`(${col} IS NULL AND "id" ${op} ${c.id}::uuid)`
      : Prisma.sql`(${col} ${op} ${v} OR (${col} = ${v} AND "id" ${op} ${c.id}::uuid) OR ${col} IS NULL)`;
  }
  const query = <T>(sql: Prisma.Sql): Promise<T[]> =>
    pool ? cancellableQuery(pool, sql.text, sql.values as unknown[], signal) as Promise<T[]> : prisma.$queryRaw<T[]>(sql);
  // The page joins each run's evaluation scalars (lists show accuracy and F1), handed to `primeEvaluation`
  // so the GraphQL layer needs no further round trip; the count runs alongside.
  const [rows, total] = await Promise.all([
    query<ListedRun & { sortValue: unknown; ev: EvaluationScalars | null }>(Prisma.sql`
      SELECT p.*, u."name" AS "ownerName", CASE WHEN e."runId" IS NULL THEN NULL ELSE json_build_object(${EVALUATION_JSON_FIELDS}) END AS "ev"
      FROM (
        SELECT ${LIST_COLUMNS}, ${col} AS "sortValue" FROM "Run" WHERE ${filterSql} AND ${pageSql}
        ORDER BY ${col} ${dir} NULLS LAST, "id" ${dir} LIMIT ${first + 1}
      ) p LEFT JOIN "Evaluation" e ON e."runId" = p."id" LEFT JOIN "User" u ON u."id" = p."ownerId"
      ORDER BY p."sortValue" ${dir} NULLS LAST, p."id" ${dir}`),
    query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM "Run" WHERE ${filterSql}`),
  ]);
  const page = rows.slice(0, first);
  const edges = page.map(({ sortValue, ev, ...run }) => {
    primeEvaluation?.(run.id, ev);
    return {
      cursor: encodeCursor({ v: sortValue instanceof Date ? sortValue.toISOString() : (sortValue as string | number | null), id: run.id }),
      node: run as ListedRun,
    };
  });
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount: total[0]?.n ?? 0,
  };
}
