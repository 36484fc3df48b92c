/**
 * `npm run worker`: one trainer worker process. With DATABASE_URL it joins any shared PostgreSQL (start
 * as many as you like, on any host); without, it joins the embedded PostgreSQL of a server running
 * from this folder (`npm start`), which also starts its own workers (WORKERS).
 */
import { openDatabase } from '../db/database';
import { TrainerWorker } from './worker';

const db = await openDatabase({ attachOnly: true }).catch((err: Error) => {
  console.error(`[worker] ${err.message}`);
  process.exit(1);
});
const worker = new TrainerWorker({ url: db.url });
await worker.start();
console.log(`[worker ${process.pid}] ready`);

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
