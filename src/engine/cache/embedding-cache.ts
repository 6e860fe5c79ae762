// Content-addressed on-disk store for embeddings.
//
// An entry is a small JSON header plus float32 arrays, sealed with a sha256 of everything before
// it. A truncated, corrupt or foreign file fails the check and is treated as a miss (and removed),
// never trusted; so is an intact entry with NaN/Infinity, or one that does not have the shape the
// caller passes in (entry-check.ts). Writes go to a temporary file renamed into place, so a crash
// leaves either the old entry or none.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EntryShape, entryProblem, firstNonFinite } from './entry-check';

const MAGIC = Buffer.from('RAEMB001', 'ascii');
const CHECKSUM_BYTES = 32;

export interface CacheEntry<Meta> {
  meta: Meta;
  arrays: Float32Array[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries found but failing the integrity or shape check (then recomputed; also counted in misses). */
  corrupt: number;
  writes: number;
}

/** sha256 hex of the parts, joined unambiguously. */
export function hashKey(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    h.update(String(b.length)).update(':').update(b);
  }
  return h.digest('hex');
}

export function encodeEntry<Meta>(entry: CacheEntry<Meta>): Buffer {
  const meta = Buffer.from(JSON.stringify(entry.meta), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32LE(meta.length);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(entry.arrays.length);
  const parts: Buffer[] = [MAGIC, head, meta, count];
  for (const a of entry.arrays) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(a.length);
    parts.push(len, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Parses an entry, or returns null when it is truncated, altered or not an entry at all. */
export function decodeEntry<Meta>(file: Buffer): CacheEntry<Meta> | null {
  const r = readEntry<Meta>(file);
  return 'entry' in r ? r.entry : null;
}

/** Parses an entry, or says why the bytes are not one (integrity only; see entry-check.ts for use). */
export function readEntry<Meta>(file: Buffer): { entry: CacheEntry<Meta> } | { problem: string } {
  if (file.length < MAGIC.length + 8 + CHECKSUM_BYTES)
    return { problem: `only ${file.length} bytes, too short for an entry` };
  const body = file.subarray(0, file.length - CHECKSUM_BYTES);
  const sum = file.subarray(file.length - CHECKSUM_BYTES);
  if (!MAGIC.equals(body.subarray(0, MAGIC.length))) return { problem: 'not a radalign cache entry (wrong magic)' };
  if (!createHash('sha256').update(body).digest().equals(sum))
    return { problem: 'sha256 checksum does not match the contents' };
  try {
    let at = MAGIC.length;
    const metaLen = body.readUInt32LE(at);
    at += 4;
    const meta = JSON.parse(body.subarray(at, at + metaLen).toString('utf8')) as Meta;
    at += metaLen;
    const count = body.readUInt32LE(at);
    at += 4;
    const arrays: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const len = body.readUInt32LE(at);
      at += 4;
      const bytes = body.subarray(at, at + len * 4);
      if (bytes.length !== len * 4) return { problem: `array ${i} is cut short` };
      // Copy: the file buffer's offset need not be 4-byte aligned.
      arrays.push(new Float32Array(new Uint8Array(bytes).buffer));
      at += len * 4;
    }
    return at === body.length ? { entry: { meta, arrays } } : { problem: 'bytes after the last array' };
  } catch (e) {
    return { problem: `unreadable layout (${(e as Error).message})` };
  }
}

/** How many rejected-entry reasons a cache keeps (for diagnostics; the count is in stats.corrupt). */
const KEEP_REJECTIONS = 20;

export class EmbeddingCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0 };
  /** Why writing stopped (unwritable folder, full disk): the run goes on uncached. */
  writeError: string | null = null;
  /** `<entry file>: <problem>` for the first entries rejected on read (at most KEEP_REJECTIONS). */
  readonly rejected: string[] = [];

  /** `dir` null disables the cache (every lookup misses, nothing is written). */
  constructor(readonly dir: string | null) {}

  /** The file holding `key`'s entry. */
  pathOf(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key}.emb`);
  }

  /**
   * The entry for `key`, or null (a miss). With `shape`, an entry that lacks what the caller needs
   * (metadata fields, array count and lengths) is a miss too; so is one with NaN or Infinity. A
   * rejected entry is counted in `stats.corrupt`, its reason kept in `rejected`, and removed.
   */
  async get<Meta>(key: string, shape?: EntryShape<Meta>): Promise<CacheEntry<Meta> | null> {
    if (!this.dir) {
      this.stats.misses++;
      return null;
    }
    const path = this.pathOf(key);
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch {
      this.stats.misses++;
      return null;
    }
    const read = readEntry<Meta>(file);
    const problem = 'problem' in read ? read.problem : entryProblem(read.entry, shape);
    if (problem === null && 'entry' in read) {
      this.stats.hits++;
      return read.entry;
    }
    this.stats.corrupt++;
    this.stats.misses++;
    if (this.rejected.length < KEEP_REJECTIONS) this.rejected.push(`${path}: ${problem}`);
    await rm(path, { force: true }).catch(() => {});
    return null;
  }

  /** Stores `entry`; one with NaN or Infinity is not written (it would only be rejected on read). */
  async put<Meta>(key: string, entry: CacheEntry<Meta>): Promise<void> {
    if (!this.dir || this.writeError) return;
    if (entry.arrays.some((a) => firstNonFinite(a) >= 0)) return;
    const path = this.pathOf(key);
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
      await writeFile(tmp, encodeEntry(entry));
      await rename(tmp, path);
      this.stats.writes++;
    } catch (e) {
      this.writeError = `cache not written to ${this.dir}: ${(e as Error).message}`;
      await rm(tmp, { force: true }).catch(() => {});
    }
  }
}
