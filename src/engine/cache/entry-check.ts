// Checks a decoded cache entry before anyone uses it. The checksum only proves the file is what
// was written; it cannot tell whether what was written fits the caller (a model of another width
// under the same key, an older writer without the metadata, NaN from a broken run). So a caller
// says what it needs (EntryShape) and anything else is a miss, never a crash or a silent bad score.
import type { CacheEntry } from './embedding-cache';

/** What a caller needs from an entry; the cache rejects (as a miss) anything else. */
export interface EntryShape<Meta> {
  /** The problem with the metadata (naming the field), or null when it has everything used. */
  meta(meta: unknown): string | null;
  /** Given valid metadata: each array's exact length, in order, with what it is for messages. */
  arrays(meta: Meta): { length: number; what: string }[];
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/**
 * Why `entry` cannot be used, or null. Non-finite values are refused for every entry; the rest
 * only with a shape (callers that pass none get the integrity checks alone).
 */
export function entryProblem<Meta>(entry: CacheEntry<unknown>, shape?: EntryShape<Meta>): string | null {
  for (let i = 0; i < entry.arrays.length; i++) {
    const at = firstNonFinite(entry.arrays[i]);
    if (at >= 0) return `array ${i} has a non-finite value (${entry.arrays[i][at]}) at index ${at}`;
  }
  if (!shape) return null;
  const metaProblem = shape.meta(entry.meta);
  if (metaProblem) return `metadata: ${metaProblem}`;
  const want = shape.arrays(entry.meta as Meta);
  if (entry.arrays.length !== want.length)
    return `has ${entry.arrays.length} arrays, expected ${want.length} (${want.map((w) => w.what).join(', ') || 'none'})`;
  for (let i = 0; i < want.length; i++) {
    if (entry.arrays[i].length !== want[i].length)
      return `array ${i} (${want[i].what}) has ${entry.arrays[i].length} values, expected ${want[i].length}`;
  }
  return null;
}
