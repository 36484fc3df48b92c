/**
 * The one-time first-admin page. While no user exists, /setup lets one person create the first admin
 * account: from the server's own machine (a loopback address, not forwarded by a proxy) without
 * more, from anywhere else only with the setup code the server prints in its log at startup. Once a
 * user exists the page and the mutation refuse, for good. Headless installs use `npm run user --
 * create` instead.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { forbidden } from '../errors';
import { countUsers } from './users';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True for a request from this machine that no proxy forwarded (a proxy here would make everyone local). */
export function isLocalRequest(remoteAddress: string | null | undefined, headers: Headers | Record<string, unknown>): boolean {
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : (headers[k] as string | undefined));
  if (get('x-forwarded-for') || get('forwarded') || get('x-real-ip')) return false;
  return !!remoteAddress && LOOPBACK.test(remoteAddress);
}

export class FirstAdminSetup {
  /** Printed in the server log; compared in constant time. */
  readonly code = crypto.randomBytes(9).toString('base64url');
  private usersExist = false;

  constructor(private readonly pool: pg.Pool) {}

  /** Whether the first-admin page is still open (cached once false: users are never all removed). */
  async needed(): Promise<boolean> {
    if (this.usersExist) return false;
    this.usersExist = (await countUsers(this.pool)) > 0;
    return !this.usersExist;
  }

  codeMatches(given: string | null | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given.trim());
    const b = Buffer.from(this.code);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  /** Throws unless the first admin may be created by this request now. */
  async authorize(local: boolean, code: string | null | undefined): Promise<void> {
    if (!(await this.needed())) throw forbidden('The dashboard has users already; the first-admin page is closed. Ask an admin for an account.');
    if (!local && !this.codeMatches(code)) {
      throw forbidden('Creating the first admin from another machine needs the setup code printed in the server log (or run `npm run user -- create --role admin …` on the server).');
    }
  }

  markDone() {
    this.usersExist = true;
  }
}
