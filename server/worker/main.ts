/**
 * `npm run worker`: one trainer worker process. With DATABASE_URL it joins any shared PostgreSQL (start
 * as many as you like, on any host), waiting with backoff while it does not answer; without, it joins
 * the embedded PostgreSQL of a server running from this folder (`npm start`), which also starts its own
 * workers (WORKERS, each given its holder token in WORKER_ID).
 */
import { openDatabaseWithRetry } from '../db/healing';
import { TrainerWorker } from './worker';

const log = (m: string) => console.log(`[worker ${process.pid}] ${m}`);
const db = await openDatabaseWithRetry({ attachOnly: true }, log).catch((err: Error) => {
  console.error(`[worker ${process.pid}] ${err.message}`);
  process.exit(1);
});
const worker = new TrainerWorker({ url: db.url, id: process.env.WORKER_ID || undefined, log });
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
