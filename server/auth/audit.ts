/**
 * The audit trail: one append-only row (AuditEntry; a trigger refuses UPDATE and DELETE) per state
 * change, written by the policy layer after every successful mutation (server/auth/policy.ts), by
 * the user CLI, and for every sign-in, sign-out and refused password sign-in (writeAuthEvent). Entries keep the actor's name as it was, so renaming or removing a user leaves the
 * history readable. Reads: the admin page (filters, newest first, keyset pages) and a run's own history.
 */
import type pg from 'pg';
import type { AuthEvent } from './auth';
import type { Principal } from './principal';

export interface AuditRecord {
  action: string;
  runId?: string | null;
  groupId?: string | null;
  targetUserId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  via: string;
  action: string;
  runId: string | null;
  groupId: string | null;
  targetUserId: string | null;
  address: string | null;
  detail: unknown;
}

export async function writeAudit(pool: pg.Pool | pg.PoolClient, actor: Pick<Principal, 'userId' | 'name' | 'via' | 'address'>, record: AuditRecord): Promise<void> {
  await pool.query(
    `INSERT INTO "AuditEntry" ("actorId", "actorName", "via", "action", "runId", "groupId", "targetUserId", "address", "detail")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [actor.userId, actor.name, actor.via, record.action, record.runId ?? null, record.groupId ?? null, record.targetUserId ?? null, actor.address, record.detail ? JSON.stringify(record.detail) : null],
  );
}

/** A sign-in, sign-out or refused sign-in (server/auth/auth.ts) as an audit entry, under the account's name. */
export async function writeAuthEvent(pool: pg.Pool, event: AuthEvent): Promise<void> {
  const user = event.userId ? (await pool.query<{ name: string }>('SELECT "name" FROM "User" WHERE "id" = $1', [event.userId])).rows[0] : undefined;
  const actor = user
    ? { userId: event.userId, name: user.name, via: 'session' as const, address: event.address }
    : { userId: null, name: 'anonymous', via: 'anonymous' as const, address: event.address };
  const detail = event.action === 'signInRefused' ? { email: event.email ?? null } : event.method ? { method: event.method } : null;
  await writeAudit(pool, actor, { action: event.action, targetUserId: event.userId, detail });
}

export interface AuditFilter {
  action?: string | null;
  actorId?: string | null;
  runId?: string | null;
  since?: string | null;
  until?: string | null;
}

const COLUMNS = `"id"::text AS "id", "at", "actorId", "actorName", "via", "action", "runId", "groupId", "targetUserId", "address", "detail"`;

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(pool: pg.Pool, filter: AuditFilter, first: number, before?: string | null): Promise<{ entries: AuditRow[]; hasMore: boolean }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    values.push(v);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.action) add(`"action" = ?`, filter.action);
  if (filter.actorId) add(`"actorId" = ?`, filter.actorId);
  if (filter.runId) add(`"runId" = ?::uuid`, filter.runId);
  if (filter.since) add(`"at" >= ?::timestamptz`, filter.since);
  if (filter.until) add(`"at" < ?::timestamptz`, filter.until);
  if (before) add(`"id" < ?::bigint`, before);
  values.push(first + 1);
  const { rows } = await pool.query<AuditRow>(
    `SELECT ${COLUMNS} FROM "AuditEntry" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "AuditEntry"."id" DESC LIMIT $${values.length}`,
    values,
  );
  return { entries: rows.slice(0, first), hasMore: rows.length > first };
}

/** What happened to one run, oldest first: its own entries and the launch of the study it belongs to. */
export async function runHistory(pool: pg.Pool, runId: string, groupId: string | null): Promise<AuditRow[]> {
  const { rows } = await pool.query<AuditRow>(
    `SELECT ${COLUMNS} FROM "AuditEntry" WHERE "runId" = $1::uuid OR ($2::uuid IS NOT NULL AND "groupId" = $2::uuid AND "runId" IS NULL)
     ORDER BY "AuditEntry"."id" LIMIT 500`,
    [runId, groupId],
  );
  return rows;
}

export function auditToGraphQL(row: AuditRow) {
  return { ...row, at: row.at.toISOString(), detail: row.detail ?? null };
}
