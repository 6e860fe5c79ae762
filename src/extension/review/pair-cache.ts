// The full records (sentences, heatmaps, best reports) of the pairs looked at recently, so moving
// back and forth, a pair's sentences in the tree and the hover over its open report do not read it
// from disk again. Bounded: a dataset may hold 227,000 pairs, and a reviewer looks at a few at a
// time. Concurrent asks for one pair share one read. Free of `vscode`.
import type { PairResult } from '../../engine/results';

/** Pairs kept; each is a few kB to a few hundred kB (heatmap values). */
export const PAIR_CACHE_SIZE = 256;

interface Slot {
  read: Promise<PairResult | undefined>;
  /** Set once the read has succeeded. */
  value?: PairResult;
}

export class PairCache {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly read: (id: string) => Promise<PairResult | undefined>,
    readonly capacity = PAIR_CACHE_SIZE,
  ) {}

  /** The pair, from the cache or read now; a failed read is not kept (the next ask tries again). */
  get(id: string): Promise<PairResult | undefined> {
    const hit = this.slots.get(id);
    if (hit) {
      this.slots.delete(id);
      this.slots.set(id, hit);
      return hit.read;
    }
    const slot: Slot = { read: Promise.resolve(undefined) };
    slot.read = this.read(id).then(
      (value) => {
        slot.value = value;
        return value;
      },
      (e: unknown) => {
        if (this.slots.get(id) === slot) this.slots.delete(id);
        throw e;
      },
    );
    this.slots.set(id, slot);
    for (const oldest of this.slots.keys()) {
      if (this.slots.size <= this.capacity) break;
      this.slots.delete(oldest);
    }
    return slot.read;
  }

  /** The pair when it has been read already, without reading or reordering. */
  peek(id: string): PairResult | undefined {
    return this.slots.get(id)?.value;
  }

  get size(): number {
    return this.slots.size;
  }
}
