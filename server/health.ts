/**
 * Health endpoints. `/healthz` reports the database (reachable, round-trip time, and for the embedded one
 * whether it is being restarted and how often it was) and the workers (the ones this server supervises,
 * live ones on every host, any that cannot save models): 200 while the database answers ("ok", or
 * "degraded" when workers are missing or cannot save models), 503 when it does not; a full disk
 * (the database's or a worker's models disk) is named in `problems`. `/readyz` is the
 * load balancer's question, "send this replica requests?": 200 "ready" or 503, on the same database
 * probe. Probes share one in-flight query and are reused for a second, so a busy balancer costs one
 * `SELECT 1` per second. Answers carry no connection strings or stack traces; the server log has those.
 */
import type http from 'node:http';
import type pg from 'pg';
import type { DatabaseHealth, HealingDatabase } from './db/healing';
import { liveWorkers, type LiveWorkers } from './worker/registry';
import type { SupervisorHealth, WorkerSupervisor } from './worker/supervisor';

const PROBE_TIMEOUT_MS = 2000;
const PROBE_REUSE_MS = 1000;

export interface HealthDeps {
  pool: Pick<pg.Pool, 'query'>;
  database: Pick<HealingDatabase, 'health'>;
  supervisor: Pick<WorkerSupervisor, 'health'> | null;
  staleSeconds: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unhealthy';
  database: Omit<DatabaseHealth, 'lastProblem'> & { lastProblemAt: string | null; reachable: boolean; latencyMs: number | null; error: string | null };
  workers: { supervised: SupervisorHealth | null; live: number | null; unableToSaveModels: LiveWorkers['unableToSaveModels'] };
  problems: string[];
}

interface Probe {
  at: number;
  reachable: boolean;
  latencyMs: number | null;
  error: string | null;
}

export class HealthCheck {
  private probe: Probe | null = null;
  private inFlight: Promise<Probe> | null = null;

  constructor(private readonly deps: HealthDeps) {}

  /**
   * The database answers `SELECT 1` within 2 s (one probe per second at most). An embedded database
   * whose process is known to be dead or being started again is unreachable without asking, and its
   * last good probe is forgotten: a restart can finish within the second a probe is reused, and the
   * outage must still show.
   */
  private probeDatabase(): Promise<Probe> {
    const { process } = this.deps.database.health();
    if (process === 'restarting' || process === 'stopped') {
      this.probe = null;
      return Promise.resolve({ at: Date.now(), reachable: false, latencyMs: null, error: `unreachable (${process})` });
    }
    if (this.probe && Date.now() - this.probe.at < PROBE_REUSE_MS) return Promise.resolve(this.probe);
    this.inFlight ??= (async () => {
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          this.deps.pool.query('SELECT 1'),
          new Promise((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), PROBE_TIMEOUT_MS))),
        ]);
        return { at: Date.now(), reachable: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10, error: null };
      } catch (err) {
        const code = (err as { code?: string }).code;
        return { at: Date.now(), reachable: false, latencyMs: null, error: code ? `unreachable (${code})` : 'unreachable' };
      } finally {
        clearTimeout(timer);
      }
    })().then((p) => {
      this.probe = p;
      this.inFlight = null;
      return p;
    });
    return this.inFlight;
  }

  async report(): Promise<HealthReport> {
    const probe = await this.probeDatabase();
    // What went wrong, with pids and ports, goes to the server log; the answer says only when.
    const { lastProblem, ...db } = this.deps.database.health();
    const supervised = this.deps.supervisor?.health() ?? null;
    const workers = probe.reachable ? await liveWorkers(this.deps.pool, this.deps.staleSeconds).catch(() => null) : null;
    const problems: string[] = [];
    if (!probe.reachable) problems.push(db.process === 'restarting' ? 'the embedded database is being restarted' : 'the database does not answer');
    if (db.disk) problems.push(`the embedded database cannot write: ${db.disk}`);
    if (supervised && supervised.running < supervised.expected) problems.push(`${supervised.running} of ${supervised.expected} supervised workers running`);
    for (const w of workers?.unableToSaveModels ?? []) problems.push(`worker ${w.host} pid ${w.pid} takes no runs: ${w.problem}`);
    return {
      status: !probe.reachable ? 'unhealthy' : problems.length ? 'degraded' : 'ok',
      database: { ...db, lastProblemAt: lastProblem?.at ?? null, reachable: probe.reachable, latencyMs: probe.latencyMs, error: probe.error },
      workers: { supervised, live: workers?.live ?? null, unableToSaveModels: workers?.unableToSaveModels ?? [] },
      problems,
    };
  }

  /** Answers /healthz and /readyz; false for any other path. */
  async handle(pathname: string, res: http.ServerResponse): Promise<boolean> {
    if (pathname === '/healthz') {
      const report = await this.report();
      res.writeHead(report.status === 'unhealthy' ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report));
      return true;
    }
    if (pathname === '/readyz') {
      const probe = await this.probeDatabase();
      res.writeHead(probe.reachable ? 200 : 503, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(probe.reachable ? 'ready' : 'not ready: the database does not answer');
      return true;
    }
    return false;
  }
}
