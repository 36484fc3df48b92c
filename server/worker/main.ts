/**
 * `npm run worker`: one trainer worker process. With DATABASE_URL it joins any shared PostgreSQL (start
 * as many as you like, on any host), waiting with backoff while it does not answer; without, it joins
 * the embedded PostgreSQL of a server running from this folder (`npm start`), which also starts its own
 * workers (WORKERS, each given its holder token in WORKER_ID). It registers what its host can train on
 * and takes only runs that fit (routing.ts); WORKER_THREADS fixes its runs' default thread count, else it
 * takes its share of the host's cores (threadBudget.ts).
 */
import { openDatabaseWithRetry } from '../db/healing';
import { threadPolicyFromEnv } from './threadBudget';
import { TrainerWorker } from './worker';

const log = (m: string) => console.log(`[worker ${process.pid}] ${m}`);
const fatal = (err: Error): never => {
  console.error(`[worker ${process.pid}] ${err.message}`);
  process.exit(1);
};
// A bad WORKER_THREADS stops the worker at once, with one line, before it touches the database.
const threadPolicy = (() => {
  try {
    return threadPolicyFromEnv();
  } catch (err) {
    return fatal(err as Error);
  }
})();
const db = await openDatabaseWithRetry({ attachOnly: true }, log).catch(fatal);
const worker = new TrainerWorker({ url: db.url, id: process.env.WORKER_ID || undefined, log, threadPolicy });
await worker.start();
log('ready');

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await db.close();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, shutdown);

// Started by a server (embedded default): leave with it, even when it died by SIGKILL.
if (process.env.WORKER_SUPERVISED === '1') {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void shutdown(), 1000).unref();
}
