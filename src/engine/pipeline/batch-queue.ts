// A queue that hands items to a consumer in batches: decoding overlaps inference, memory stays bounded.
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
