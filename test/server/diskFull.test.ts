/**
 * Issue 24, finding 5: a full disk heals. A disk counts as full under DISK_MIN_FREE_MB free; here the
 * threshold is raised above what the real disk has, so the real statfs says "full", and lowered again
 * as an operator freeing space would. PostgreSQL that stopped itself on a full DATA_DIR is started
 * again once space returns (and /healthz names the disk meanwhile); workers claim nothing while their
 * MODELS_DIR disk is full, /healthz names it and a launch says why; a short weights.bin is found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openHealingDatabase, type HealingDatabase } from '../../server/db/healing';
import { freeBytes } from '../../server/util/diskSpace';
import { savedModelProblem } from '../../server/worker/modelCheck';
import { postmasterPid } from './faults';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

/** A threshold above the disk's free space: the disk reads as full. */
const fullThreshold = (dir: string) => String(Math.ceil((freeBytes(dir) ?? 0) / 2 ** 20) + 1_000_000);

afterEach(() => {
  delete process.env.DISK_MIN_FREE_MB;
});

describe('the embedded PostgreSQL on a full disk', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'disk-full-'));
  let db: HealingDatabase | null = null;
  afterAll(async () => {
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('names the disk while it is full and starts PostgreSQL again once space returns', async () => {
    const lines: string[] = [];
    db = await openHealingDatabase({ dataDir: path.join(tmp, 'pg') }, (m) => lines.push(m));
    expect(db.health()).toMatchObject({ process: 'running', disk: null });
    process.env.DISK_MIN_FREE_MB = fullThreshold(tmp);
    // What PostgreSQL does when it cannot write: it shuts itself down and removes its postmaster.pid.
    process.kill(postmasterPid(path.join(tmp, 'pg')), 'SIGINT');
    const waiting = await waitFor(async () => db!.health().process === 'restarting' && db!.health(), 30_000, 50);
    expect(waiting.disk).toMatch(new RegExp(`^the disk of DATA_DIR \\(${path.join(tmp, 'pg')}\\) is full: [\\d,]+ MB free, under DISK_MIN_FREE_MB \\([\\d,]+ MB\\)$`));
    expect(lines.join('\n')).toMatch(/PostgreSQL on port \d+ stopped itself: the disk of DATA_DIR .* is full.*It is started again once space is freed/);
    // Nothing is started while the disk is full.
    await waitFor(async () => lines.some((l) => l.startsWith('waiting for space before starting PostgreSQL again: the disk of DATA_DIR')), 10_000, 50);
    expect(fs.existsSync(path.join(tmp, 'pg', 'postmaster.pid'))).toBe(false);
    delete process.env.DISK_MIN_FREE_MB; // space freed
    const back = await waitFor(async () => db!.health().process === 'running' && db!.health(), 60_000, 100);
    expect(back).toMatchObject({ restarts: 1, disk: null });
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await client.end();
  });
});

describe('workers on a full models disk', () => {
  let svc: TestService;
  afterAll(async () => svc?.stopAll());

  it('claim nothing, and /healthz and the launch name the disk', async () => {
    process.env.DISK_MIN_FREE_MB = fullThreshold(os.tmpdir());
    try {
      svc = await startTestService({ workers: 1 }); // the worker process inherits the threshold
    } finally {
      delete process.env.DISK_MIN_FREE_MB; // the server's own keeper sees a disk with room
    }
    const health = await waitFor(async () => {
      const h = await (await fetch(`${svc.url}/healthz`)).json();
      return h.workers.unableToSaveModels.length === 1 && h;
    }, 60_000, 100);
    expect(health.status).toBe('degraded');
    expect(health.problems.join('\n')).toMatch(/takes no runs: the disk of MODELS_DIR \(.*\) is full: [\d,]+ MB free, under DISK_MIN_FREE_MB/);
    const launch = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { dataset: 'mnist', config: TINY } });
    expect(launch.errors![0].message).toMatch(/^Cannot launch: no trainer worker can save models, so this run could never finish: the disk of MODELS_DIR/);
  });
});

describe('a saved model cut short', () => {
  it('is found by its size against its manifest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-check-'));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ weights: [{ length: 100 }, { length: 28 }] }));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(4 * 128));
    expect(await savedModelProblem(dir)).toBeNull();
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(4096 / 8)); // what a full disk left: fewer bytes
    fs.truncateSync(path.join(dir, 'weights.bin'), 300);
    expect(await savedModelProblem(dir)).toBe('weights.bin holds 300 of its 512 bytes');
    fs.rmSync(path.join(dir, 'weights.bin'));
    expect(await savedModelProblem(dir)).toBe('weights.bin is missing');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
