// Bounded concurrency for the engine, one way: a limiter (p-limit) lets at most `max` tasks run at
// once and starts the others in arrival order as slots free up (filesystem calls while walking a
// 200k-file tree, image decodes by route); `mapLimit` runs a function over a list with at most
// `limit` items in flight, pulling the next item as one finishes (so a long list never becomes a
// queue of pending promises).
import pLimit from 'p-limit';

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `max` (a whole number ≥ 1) tasks at once; the others wait in arrival order. */
export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number ≥ 1 (got ${max})`);
  const limit = pLimit(max);
  return (task) => limit(task);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
}
