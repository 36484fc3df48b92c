/**
 * The per-request (per-operation, for subscriptions: per event) context: who is asking (the principal,
 * checked by server/auth/policy.ts before any resolver runs), the Prisma client, the event bus and
 * fresh DataLoaders, so one query over 50 runs costs a handful of SQL statements, not 50×.
 */
import DataLoader from 'dataloader';
import type pg from 'pg';
import { EVALUATION_SCALAR_COLUMNS, type Epoch, type Evaluation, type EvaluationScalars, type PrismaClient, type RobustnessPoint, type Run, type RunGroup } from '../db/client';
import type { Access } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { RunEvents } from '../events';
import { pinsOfRuns } from '../report/reportData';
import type { PinRecord } from '../report/studyReport';
import { toSql } from '../runs/sql';

export interface GraphQLContext {
  prisma: PrismaClient;
  /** The same connections without Prisma, for hot raw-SQL reads. */
  pool?: pg.Pool;
  events: RunEvents;
  loaders: Loaders;
  principal: Principal;
  access: Access;
  /** Quoted in masked error messages; the server log has the detail under the same id. */
  requestId: string;
  /** Aborts when the client goes away (HTTP connection closed): long SQL is cancelled. */
  signal?: AbortSignal;
  /** Confusion matrices, per-class scores and class names this request has resolved so far (capped). */
  detailFields?: number;
  /** Runs whose per-epoch confusion matrices this request has resolved (capped like detailFields). */
  epochConfusionRuns?: Set<string>;
  /** Gives back the heavy-operation slot this request holds (heavyGate.ts). */
  releaseHeavySlot?: () => void;
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface ReevaluationRow {
  runId: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  workerHost: string | null;
  progress: { phase?: string; label?: string; done?: number; total?: number } | null;
  error: string | null;
}

/** Raw SQL through the pg pool when there is one, else through Prisma's. */
const sqlOf = (prisma: PrismaClient, pool?: pg.Pool) => toSql(pool ?? prisma);

function groupBy<T extends { runId: string }>(ids: readonly string[], rows: T[]): T[][] {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) by.get(r.runId)?.push(r);
  return ids.map((id) => by.get(id)!);
}

export function createLoaders(prisma: PrismaClient, pool?: pg.Pool) {
  return {
    run: new DataLoader<string, Run | null>(async (ids) => {
      const rows = await prisma.run.findMany({ where: { id: { in: [...ids] } } });
      const by = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    epochs: new DataLoader<string, Epoch[]>(async (ids) =>
      groupBy(ids, pool
        ? (await pool.query<Epoch>('SELECT * FROM "Epoch" WHERE "runId" = ANY($1::uuid[]) ORDER BY "runId", "epoch"', [ids])).rows
        : await prisma.epoch.findMany({ where: { runId: { in: [...ids] } }, orderBy: [{ runId: 'asc' }, { epoch: 'asc' }] })),
    ),
    /** The evaluation's scalars; lists ask for accuracy and F1, not the 47×47 confusion matrix. */
    evaluation: new DataLoader<string, EvaluationScalars | null>(async (ids) => {
      // Straight through pg when we have the pool: this loader sits on the runs list's hot path.
      const rows: EvaluationScalars[] = pool
        ? (await pool.query<EvaluationScalars>(
            `SELECT ${EVALUATION_SCALAR_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "Evaluation" WHERE "runId" = ANY($1::uuid[])`,
            [ids],
          )).rows
        : await prisma.evaluation.findMany({ where: { runId: { in: [...ids] } }, omit: { perClass: true, confusion: true, classNames: true } });
      const by = new Map(rows.map((r) => [r.runId, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    evaluationDetail: new DataLoader<string, Pick<Evaluation, 'perClass' | 'confusion' | 'classNames'> | null>(async (ids) => {
      // Through pg when we have the pool: Prisma's JS engine is slow at parsing these large JSON columns.
      const rows: (Pick<Evaluation, 'perClass' | 'confusion' | 'classNames'> & { runId: string })[] = pool
        ? (await pool.query(`SELECT "runId", "perClass", "confusion", "classNames" FROM "Evaluation" WHERE "runId" = ANY($1::uuid[])`, [ids])).rows
        : await prisma.evaluation.findMany({ where: { runId: { in: [...ids] } }, select: { runId: true, perClass: true, confusion: true, classNames: true } });
      const by = new Map(rows.map((r) => [r.runId, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    config: new DataLoader<string, Run['config'] | null>(async (ids) => {
      const rows: Pick<Run, 'id' | 'config'>[] = pool
        ? (await pool.query('SELECT "id", "config" FROM "Run" WHERE "id" = ANY($1::uuid[])', [ids])).rows
        : await prisma.run.findMany({ where: { id: { in: [...ids] } }, select: { id: true, config: true } });
      const by = new Map(rows.map((r) => [r.id, r.config]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    robustness: new DataLoader<string, RobustnessPoint[]>(async (ids) =>
      groupBy(ids, pool
        ? (await pool.query<RobustnessPoint>('SELECT * FROM "RobustnessPoint" WHERE "runId" = ANY($1::uuid[]) ORDER BY "clipped", "sigma"', [ids])).rows
        : await prisma.robustnessPoint.findMany({ where: { runId: { in: [...ids] } }, orderBy: [{ clipped: 'asc' }, { sigma: 'asc' }] })),
    ),
    /** Per-epoch validation confusion matrices, by "runId:epoch" (null for epochs recorded before they were kept). */
    epochConfusion: new DataLoader<string, number[][] | null>(async (keys) => {
      const pairs = keys.map((k) => k.split(':'));
      const rows = await sqlOf(prisma, pool).query<{ runId: string; epoch: number; classes: number; counts: number[] }>(
        `SELECT c."runId", c."epoch", c."classes", c."counts" FROM "EpochConfusion" c
         JOIN unnest($1::uuid[], $2::int[]) AS k("runId", "epoch") ON k."runId" = c."runId" AND k."epoch" = c."epoch"`,
        [pairs.map((p) => p[0]), pairs.map((p) => Number(p[1]))],
      );
      const by = new Map(rows.rows.map((r) => [`${r.runId}:${r.epoch}`, Array.from({ length: r.classes }, (_, i) => r.counts.slice(i * r.classes, (i + 1) * r.classes))]));
      return keys.map((k) => by.get(k) ?? null);
    }),
    /** Whether a run's test predictions are stored (without their bytes). */
    predictionsInfo: new DataLoader<string, { count: number; origin: string; confusionDelta: number; createdAt: Date } | null>(async (ids) => {
      const rows = await sqlOf(prisma, pool).query<{ runId: string; count: number; origin: string; confusionDelta: number; createdAt: Date }>(
        `SELECT "runId", "count", "origin", "confusionDelta", "createdAt" FROM "TestPredictions" WHERE "runId" = ANY($1::uuid[])`,
        [ids],
      );
      const by = new Map(rows.rows.map((r) => [r.runId, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    /** A run's re-evaluation job, if one was asked for. */
    reevaluation: new DataLoader<string, ReevaluationRow | null>(async (ids) => {
      const rows = await sqlOf(prisma, pool).query<ReevaluationRow>(
        `SELECT "runId", "status"::text AS "status", "requestedAt", "startedAt", "finishedAt", "workerHost", "progress", "error" FROM "Reevaluation" WHERE "runId" = ANY($1::uuid[])`,
        [ids],
      );
      const by = new Map(rows.rows.map((r) => [r.runId, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    /** Study groups by id (Run.studyGroup). */
    group: new DataLoader<string, RunGroup | null>(async (ids) => {
      const rows = await prisma.runGroup.findMany({ where: { id: { in: [...ids] } } });
      const by = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    /** Report rows each run is pinned to. */
    pins: new DataLoader<string, PinRecord[]>(async (ids) => {
      const rows = await pinsOfRuns(sqlOf(prisma, pool), ids);
      return ids.map((id) => rows.filter((p) => p.runId === id));
    }),
    /** Display names of users (run owners). */
    userName: new DataLoader<string, string | null>(async (ids) => {
      const rows = await prisma.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
      const by = new Map(rows.map((r) => [r.id, r.name]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    /** Position in the queue (0 = next) of each QUEUED run. */
    queuePosition: new DataLoader<string, number | null>(async (ids) => {
      const rows = await prisma.$queryRaw<{ id: string; pos: number }[]>`
        SELECT "id", (row_number() OVER (ORDER BY "createdAt", "id") - 1)::int AS pos
        FROM "Run" WHERE "status" = 'QUEUED' AND NOT "cancelRequested"`;
      const by = new Map(rows.map((r) => [r.id, r.pos]));
      return ids.map((id) => by.get(id) ?? null);
    }),
  };
}

export interface RequestInfo {
  principal: Principal;
  access: Access;
  requestId: string;
  signal?: AbortSignal;
}

export function createContext(prisma: PrismaClient, events: RunEvents, pool: pg.Pool | undefined, request: RequestInfo): GraphQLContext {
  return { prisma, pool, events, loaders: createLoaders(prisma, pool), ...request };
}
