/**
 * `npm start` / `tsx server/main.ts`: the whole product on one port (PORT, default 3000). Embedded
 * PostgreSQL under .data/ unless DATABASE_URL is set; WORKERS trainer processes (default 1);
 * SERVE_UI=0 serves only the API. Prints the addresses it listens on and, on a fresh install, how to
 * create the first admin. SIGINT/SIGTERM shut everything down cleanly. Setup problems (a bad
 * DATA_DIR, a database PostgreSQL cannot reach) end the start with one line and exit code 1.
 */
import { startRunService } from './app';
import { isStartupError } from './util/startupError';

process.env.NEXT_TELEMETRY_DISABLED ??= '1';
const service = await startRunService().catch((err: unknown) => {
  // A setup problem the user can fix: one line that says what to do, no stack trace.
  if (!isStartupError(err)) throw err;
  console.error(`[server] ${err.message}`);
  process.exit(1);
});
console.log(`[server] ready on ${service.url} (GraphQL at ${service.url}/graphql; ${service.supervisor?.size ?? 0} worker(s); database ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})`);
console.log(`[server] listening on ${service.urls.join(', ')}`);
if (service.setupCode) {
  console.log(
    [
      '[server] No user exists yet. Create the first admin, either:',
      `[server]   - in a browser on this machine: ${service.url}/setup`,
      `[server]     (from another machine: the same page with setup code ${service.setupCode})`,
      '[server]   - or in a terminal here: npm run user -- create --email you@example.org --name "Your Name" --role admin',
    ].join('\n'),
  );
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`[server] ${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    service.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
