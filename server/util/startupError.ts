/**
 * A problem with the setup the user can fix (a bad DATA_DIR, a checkout PostgreSQL cannot reach, a
 * port in use), as opposed to a bug. Entry points print its message as one line and exit 1, without a
 * stack trace: the message itself says what is wrong and what to do.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

export function isStartupError(err: unknown): err is StartupError {
  return err instanceof StartupError;
}
