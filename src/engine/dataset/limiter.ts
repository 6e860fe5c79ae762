// Bounds how many filesystem calls run at once, so walking a 200k-file tree neither
// runs one call at a time nor opens thousands of handles (EMFILE).

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  let active = 0;
  // FIFO of waiters read from `head`: Array#shift is O(n) on the 100k-long queues a MIMIC walk builds.
  let waiting: Array<() => void> = [];
  let head = 0;
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < max) active++;
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    else await new Promise<void>((resume) => waiting.push(resume));
    try {
      return await task();
    } finally {
      if (head < waiting.length) {
        const next = waiting[head++];
        if (head > 1024 && head * 2 > waiting.length) {
          waiting = waiting.slice(head);
          head = 0;
        }
        next();
      } else active--;
    }
  };
}
