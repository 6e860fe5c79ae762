// Content-addressed on-disk store for embeddings.
//
// An entry is a small JSON header plus float32 arrays, sealed with a sha256 of everything before
// it. A truncated, corrupt or foreign file fails the check and is treated as a miss (and removed),
// never trusted. Writes go to a temporary file renamed into place, so a crash leaves either the
// old entry or none.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MAGIC = Buffer.from('RAEMB001', 'ascii');
const CHECKSUM_BYTES = 32;

export interface CacheEntry<Meta> {
  meta: Meta;
  arrays: Float32Array[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries found but failing the integrity check (then recomputed). */
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
  if (file.length < MAGIC.length + 8 + CHECKSUM_BYTES) return null;
  const body = file.subarray(0, file.length - CHECKSUM_BYTES);
  const sum = file.subarray(file.length - CHECKSUM_BYTES);
  if (!MAGIC.equals(body.subarray(0, MAGIC.length))) return null;
  if (!createHash('sha256').update(body).digest().equals(sum)) return null;
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
      if (bytes.length !== len * 4) return null;
      // Copy: the file buffer's offset need not be 4-byte aligned.
      arrays.push(new Float32Array(new Uint8Array(bytes).buffer));
      at += len * 4;
    }
    return at === body.length ? { meta, arrays } : null;
  } catch {
    return null;
  }
}

export class EmbeddingCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0 };
  /** Why writing stopped (unwritable folder, full disk): the run goes on uncached. */
  writeError: string | null = null;

  /** `dir` null disables the cache (every lookup misses, nothing is written). */
  constructor(readonly dir: string | null) {}

  private pathOf(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key}.emb`);
  }

  async get<Meta>(key: string): Promise<CacheEntry<Meta> | null> {
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
    const entry = decodeEntry<Meta>(file);
    if (!entry) {
      this.stats.corrupt++;
      this.stats.misses++;
      await rm(path, { force: true });
      return null;
    }
    this.stats.hits++;
    return entry;
  }

  async put<Meta>(key: string, entry: CacheEntry<Meta>): Promise<void> {
    if (!this.dir || this.writeError) return;
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
