// Runs an async function over items with at most `limit` in flight.
export async function mapLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

/** At most `count` holders at once; the others wait in arrival order. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`slot count must be a whole number ≥ 1 (got ${count})`);
    this.free = count;
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/**
 * Collects items into batches of `batchSize` and runs `run` on one batch at a time while more items
 * arrive (decoding overlaps inference). `push` waits while `maxWaiting` items are queued, so memory
 * stays bounded when `run` is the slower side. A failed run fails every later push and `finish`.
 */
export class BatchQueue<T> {
  private readonly queued: T[] = [];
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private draining = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly batchSize: number,
    private readonly maxWaiting: number,
    private readonly run: (batch: T[]) => Promise<void>,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batch size must be a whole number ≥ 1 (got ${batchSize})`);
    if (!(maxWaiting >= batchSize))
      throw new RangeError(`maxWaiting (${maxWaiting}) must be at least the batch size (${batchSize})`);
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  async push(item: T): Promise<void> {
    while (!this.failure && this.queued.length >= this.maxWaiting)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure) throw this.failure.error;
    this.queued.push(item);
    this.pump();
  }

  /** Runs what is left (a last, shorter batch) and waits for every run; rethrows a run's failure. */
  async finish(): Promise<void> {
    this.draining = true;
    this.pump();
    while (this.running) await this.running;
    if (this.failure) throw this.failure.error;
  }

  private pump(): void {
    if (this.running || this.failure) return;
    if (this.queued.length === 0 || (this.queued.length < this.batchSize && !this.draining)) return;
    const batch = this.queued.splice(0, this.batchSize);
    this.wake();
    this.running = this.run(batch).then(
      () => {
        this.running = null;
        this.pump();
      },
      (error: unknown) => {
        this.running = null;
        this.failure = { error };
        this.wake();
      },
    );
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
