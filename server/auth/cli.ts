/**
 * `npm run user -- …`: accounts and tokens without a browser, for the first admin on a headless
 * install and for scripts.
 *
 *   npm run user -- create --email E --name N --role admin|member|viewer
 *       password: read from standard input when it is not a terminal (`echo "$PW" | npm run user -- create …`),
 *       otherwise generated and printed once
 *   npm run user -- token --email E [--label L]      prints a new API token (shown once)
 *   npm run user -- list                              lists the accounts
 *
 * The database: DATABASE_URL when set; otherwise the embedded one under DATA_DIR (.data). If a local
 * server is running, its PostgreSQL is joined and left running; if none is, the CLI starts the
 * embedded PostgreSQL itself and stops it when done. Every change is written to the audit trail as
 * done by "cli (user@host)".
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { newPool } from '../db/pool';
import { GraphQLError } from 'graphql/index.js';
import { openDatabase } from '../db/database';
import { runningEmbeddedUrl } from '../db/embedded';
import { createAccess } from './access';
import { writeAudit } from './audit';
import type { Principal } from './principal';
import { parseRole } from './roles';
import { createToken, createUser, findUserByEmail, listUsers } from './users';

const USAGE = `Usage:
  npm run user -- create --email E --name N --role admin|member|viewer   (password from stdin, or generated)
  npm run user -- token --email E [--label L]
  npm run user -- list`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The database the server uses, without ever stopping one that a running server owns. */
async function connect(): Promise<{ url: string; close(): Promise<void>; how: string }> {
  if (process.env.DATABASE_URL) {
    const db = await openDatabase({ url: process.env.DATABASE_URL });
    return { ...db, how: 'DATABASE_URL' };
  }
  const dataDir = path.join(process.env.DATA_DIR ?? '.data', 'postgres');
  if (runningEmbeddedUrl(dataDir, 'emnist')) {
    const db = await openDatabase({ dataDir, attachOnly: true });
    return { ...db, how: `the running server's embedded database (${dataDir})` };
  }
  const db = await openDatabase({ dataDir });
  return { ...db, how: `the embedded database in ${dataDir} (started for this command, stopped after)` };
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' } },
    strict: true,
  });
  if (!['create', 'token', 'list'].includes(command ?? '')) throw new UsageError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  if (command !== 'list' && !values.email) throw new UsageError(`--email is required.\n${USAGE}`);
  const role = command === 'create' ? parseRole(values.role) : null;
  if (command === 'create' && (!values.name || !role)) throw new UsageError(`create needs --name and --role admin|member|viewer.\n${USAGE}`);
  const password = command === 'create' ? await readStdin() : '';

  const db = await connect();
  const pool = newPool({ connectionString: db.url, max: 2 });
  try {
    console.error(`Using ${db.how}.`);
    const access = await createAccess(pool);
    const actor: Principal = { userId: null, name: `cli (${os.userInfo().username}@${os.hostname()})`, email: null, role: 'admin', via: 'cli', address: null };
    if (command === 'list') {
      const users = await listUsers(pool);
      if (!users.length) console.log('No users yet. Create the first admin with: npm run user -- create --email E --name N --role admin');
      for (const u of users) console.log(`${u.email}\t${u.name}\t${u.role}${u.banned ? '\t(disabled)' : ''}`);
      return;
    }
    if (command === 'create') {
      const { user, generatedPassword } = await createUser(access.auth, pool, { email: values.email!, name: values.name!, role: role!, password: password || null });
      await writeAudit(pool, actor, { action: 'createUser', targetUserId: user.id, detail: { email: user.email, role: user.role } });
      console.log(`Created ${user.role} ${user.name} <${user.email}>.`);
      if (generatedPassword) console.log(`Password (shown once; change it after signing in): ${generatedPassword}`);
      return;
    }
    const user = await findUserByEmail(pool, values.email!);
    if (!user) throw new UsageError(`No user with email ${values.email}; create one first (npm run user -- create …)`);
    const { token, record } = await createToken(access.auth, pool, user.id, values.label ?? `cli ${new Date().toISOString().slice(0, 10)}`);
    await writeAudit(pool, actor, { action: 'createApiToken', targetUserId: user.id, detail: { tokenId: record.id, label: record.name } });
    console.error(`New API token "${record.name}" for ${user.name} <${user.email}> (shown once; revoke it on the Settings page):`);
    console.log(token);
    console.error('Send it as: Authorization: Bearer <token>');
  } finally {
    await pool.end();
    await db.close();
  }
}

const invoked = process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('server', 'auth', 'cli.ts'));
if (invoked) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      const expected = err instanceof UsageError || err instanceof GraphQLError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
      console.error(expected ? (err as Error).message : (err as Error).stack);
      process.exit(expected ? 2 : 1);
    },
  );
}
