/**
 * Waiting for the event a test depends on, never for a fixed time. A graphql-ws server gives no signal
 * that it has registered a subscription, so a test that must not miss the first event proves the
 * subscription live first: it makes a probe event happen, again whenever one may have been missed,
 * until the subscription delivers one.
 */

const tick = () => new Promise((r) => setTimeout(r, 20));

/**
 * Runs `probe` (an action whose event the subscription should deliver) until `delivered()` is true,
 * repeating the probe when `retryMs` passes without delivery; fails after `timeoutMs`.
 */
export async function untilDelivered(probe: () => Promise<unknown>, delivered: () => boolean, { retryMs = 1000, timeoutMs = 30_000 } = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await probe();
    const retryAt = Date.now() + retryMs;
    while (Date.now() < retryAt) {
      if (delivered()) return;
      await tick();
    }
  }
  throw new Error(`the subscription delivered no probe event within ${timeoutMs / 1000} s`);
}
