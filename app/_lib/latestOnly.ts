/**
 * Wraps an async fetch so that only the answer to the newest call is delivered: an older call that
 * answers late (a poll sent before the run finished, answering after the fetch that followed the
 * finish) is dropped instead of overwriting newer data. Failures are dropped too; the caller's next
 * poll or event tries again.
 */
export function latestOnly<T>(fetch: () => Promise<T>, deliver: (value: T) => void): () => Promise<void> {
  let newest = 0;
  return async () => {
    const call = ++newest;
    try {
      const value = await fetch();
      if (call === newest) deliver(value);
    } catch {
      /* the next poll or event tries again */
    }
  };
}
