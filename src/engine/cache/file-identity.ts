// Recognises an unchanged image file from its status alone, so a warm run finds each image's cache
// entry without reading and hashing the file again.
//
// One file in the embedding cache folder (never in the dataset folder) maps each absolute path,
// with the file's device, inode, size, modification and status-change times (nanoseconds), to the
// sha256 of its content when it was last read. When every field still matches, that hash is used
// unread; when anything differs the file is read and hashed as before. A wrong hash can only cost a
// miss, never a wrong embedding, as long as matching fields mean the same bytes; two cases where
// they would not, and what is done about them:
//   - Content replaced and the modification time set back (`cp -p`, `rsync -t`, `touch -r`, tar):
//     setting a time changes the status-change time (ctime), which no user can set, and ctime is
//     part of the key. The cost: chmod, chown or a new hard link also changes ctime, so such a
//     file is read and hashed once more (never a wrong result), as git does with core.trustctime.
//   - A write within the same timestamp tick as our read ("racy" files, as in git): a file whose
//     mtime or ctime is within RACY_MARGIN_MS of the moment its status was taken is not recorded,
//     so it is hashed again next run. The margin covers coarse clocks (1 s HFS+, 2 s FAT, ~4 ms
//     Linux jiffies). Left uncovered: a remote file system whose clock runs behind ours by more
//     than the margin while the file is rewritten, in the same tick, right after we read it.
//
// Format ('RAFID001'): magic, record size (u32), record count (u32), fixed records, then a sha256
// of everything before it. A record: sha256 of the path (32 bytes), dev, ino, size (u64), mtimeNs,
// ctimeNs (i64), content sha256 (32 bytes), the day it was last used (u32), 4 bytes reserved.
// Fixed records keep a 400,000-image index at 45 MB, loaded in well under a second without a
// JSON parse. The index is loaded once, changed in memory, and written by flush(): merged with
// what is on disk at that moment (another process may have flushed since; our records win), to a
// temporary file renamed into place. A file that fails any check is ignored (`problem` says why)
// and replaced at the next flush.
import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FILE_IDENTITY_NAME = 'file-identity-v1.bin';
const MAGIC = Buffer.from('RAFID001', 'ascii');
const HEADER_BYTES = MAGIC.length + 8;
const SEAL_BYTES = 32;
export const RECORD_BYTES = 112;
const R = { path: 0, dev: 32, ino: 40, size: 48, mtime: 56, ctime: 64, hash: 72, day: 104 } as const;

/** Files modified this close (ms) to the moment their status was taken are not recorded (see above). */
export const RACY_MARGIN_MS = 3000;
/** Records not used for this many days are dropped at the next flush. */
export const MAX_AGE_DAYS = 180;
/** Most records kept (the most recently used): ~112 MB. */
export const MAX_RECORDS = 1_000_000;

const DAY_MS = 86_400_000;

/** The fields of a file's status that identify its content. */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function stampOf(stat: BigIntStats): FileStamp {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

/** A record to write: the stamp and content hash (hex), or null to forget the path. */
type Update = { stamp: FileStamp; hash: string; day: number } | { forget: true };

export interface FileIdentityOptions {
  racyMarginMs?: number;
  /** Clock for the racy check and record ages (tests). */
  now?: () => number;
}

export class FileIdentityIndex {
  readonly file: string;
  /** Why the index on disk was not used (absent is not a problem), or null. */
  problem: string | null = null;
  /** Why the last flush did not write the index, or null. */
  writeError: string | null = null;

  private base: { buf: Buffer; at: Map<string, number> } = { buf: Buffer.alloc(0), at: new Map() };
  private readonly updates = new Map<string, Update>();
  private loaded: Promise<void> | null = null;
  private readonly racyMarginMs: number;
  private readonly now: () => number;

  /** @param dir the embedding cache folder (EmbeddingCache.dir). */
  constructor(
    readonly dir: string,
    options: FileIdentityOptions = {},
  ) {
    this.file = join(dir, FILE_IDENTITY_NAME);
    this.racyMarginMs = options.racyMarginMs ?? RACY_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  /** Reads the index once (later calls wait for the same read). */
  load(): Promise<void> {
    this.loaded ??= readIndex(this.file).then((read) => {
      if ('problem' in read) {
        this.problem = read.problem;
        return;
      }
      if (read.index) this.base = read.index;
    });
    return this.loaded;
  }

  /** Records known (on disk when loaded, plus this run's). */
  get size(): number {
    let n = this.base.at.size;
    for (const [key, u] of this.updates) {
      const known = this.base.at.has(key);
      if ('forget' in u) n -= known ? 1 : 0;
      else n += known ? 0 : 1;
    }
    return n;
  }

  /** Changes not yet flushed. */
  get dirty(): boolean {
    return this.updates.size > 0;
  }

  /** The content hash (hex) recorded for `path` when its stamp still matches, else null. Call load() first. */
  lookup(path: string, stamp: FileStamp): string | null {
    const key = pathKey(path);
    const update = this.updates.get(key);
    if (update) return 'forget' in update || !sameStamp(update.stamp, stamp) ? null : update.hash;
    const at = this.base.at.get(key);
    if (at === undefined) return null;
    const buf = this.base.buf;
    const recorded = readStamp(buf, at);
    if (!sameStamp(recorded, stamp)) return null;
    const hash = buf.toString('hex', at + R.hash, at + R.hash + 32);
    // Mark it used today (rewritten at most once a day per record).
    const today = this.today();
    if (buf.readUInt32LE(at + R.day) < today) this.updates.set(key, { stamp: recorded, hash, day: today });
    return hash;
  }

  /**
   * Records that `path`, with status `stamp` taken at `statTakenMs`, holds content `hash` (hex).
   * Returns false, forgetting the path, when the file was modified too recently to trust its times.
   */
  record(path: string, stamp: FileStamp, hash: string, statTakenMs: number): boolean {
    const key = pathKey(path);
    const newest = stamp.mtimeNs > stamp.ctimeNs ? stamp.mtimeNs : stamp.ctimeNs;
    if (newest >= BigInt(Math.floor(statTakenMs - this.racyMarginMs)) * 1_000_000n) {
      if (this.base.at.has(key) || this.updates.has(key)) this.updates.set(key, { forget: true });
      return false;
    }
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a sha256 hex digest: ${hash}`);
    this.updates.set(key, { stamp, hash, day: this.today() });
    return true;
  }

  /** Forgets `path` (its content was found to differ from what its stamp promised). */
  forget(path: string): void {
    this.updates.set(pathKey(path), { forget: true });
  }

  /**
   * Writes the index when anything changed: what is on disk now, with this run's records over it,
   * records unused for MAX_AGE_DAYS dropped and at most MAX_RECORDS kept. Never throws: a failure
   * is kept in `writeError` (the run only loses the shortcut next time).
   */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    await this.load();
    const onDisk = await readIndex(this.file);
    const current =
      'index' in onDisk && onDisk.index ? onDisk.index : { buf: Buffer.alloc(0), at: new Map<string, number>() };
    const oldest = this.today() - MAX_AGE_DAYS;

    // Each kept record: where its bytes are (disk buffer offset) or its update, with its day.
    const kept: { key: string; day: number; from: number | Update }[] = [];
    for (const [key, at] of current.at) {
      if (this.updates.has(key)) continue;
      const day = current.buf.readUInt32LE(at + R.day);
      if (day >= oldest) kept.push({ key, day, from: at });
    }
    for (const [key, u] of this.updates) if (!('forget' in u)) kept.push({ key, day: u.day, from: u });
    if (kept.length > MAX_RECORDS) {
      kept.sort((a, b) => b.day - a.day);
      kept.length = MAX_RECORDS;
    }

    const buf = Buffer.alloc(HEADER_BYTES + kept.length * RECORD_BYTES + SEAL_BYTES);
    MAGIC.copy(buf, 0);
    buf.writeUInt32LE(RECORD_BYTES, MAGIC.length);
    buf.writeUInt32LE(kept.length, MAGIC.length + 4);
    const at = new Map<string, number>();
    kept.forEach((k, i) => {
      const off = HEADER_BYTES + i * RECORD_BYTES;
      if (typeof k.from === 'number') current.buf.copy(buf, off, k.from, k.from + RECORD_BYTES);
      else if (!('forget' in k.from)) writeRecord(buf, off, k.key, k.from.stamp, k.from.hash, k.from.day);
      at.set(k.key, off);
    });
    const body = buf.subarray(0, buf.length - SEAL_BYTES);
    createHash('sha256').update(body).digest().copy(buf, body.length);

    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, buf);
      await rename(tmp, this.file);
      this.writeError = null;
    } catch (e) {
      this.writeError = `file identity index not written to ${this.file}: ${(e as Error).message}`;
      await rm(tmp, { force: true }).catch(() => {});
      return;
    }
    this.base = { buf, at };
    this.updates.clear();
  }

  private today(): number {
    return Math.floor(this.now() / DAY_MS);
  }
}

/** A path's key in the index: the sha256 of the absolute path (so records have a fixed size). */
export function pathKey(path: string): string {
  return createHash('sha256').update(path, 'utf8').digest().toString('latin1');
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

function readStamp(buf: Buffer, at: number): FileStamp {
  return {
    dev: buf.readBigUInt64LE(at + R.dev),
    ino: buf.readBigUInt64LE(at + R.ino),
    size: buf.readBigUInt64LE(at + R.size),
    mtimeNs: buf.readBigInt64LE(at + R.mtime),
    ctimeNs: buf.readBigInt64LE(at + R.ctime),
  };
}

function writeRecord(buf: Buffer, at: number, key: string, stamp: FileStamp, hash: string, day: number): void {
  buf.write(key, at + R.path, 32, 'latin1');
  buf.writeBigUInt64LE(BigInt.asUintN(64, stamp.dev), at + R.dev);
  buf.writeBigUInt64LE(BigInt.asUintN(64, stamp.ino), at + R.ino);
  buf.writeBigUInt64LE(BigInt.asUintN(64, stamp.size), at + R.size);
  buf.writeBigInt64LE(BigInt.asIntN(64, stamp.mtimeNs), at + R.mtime);
  buf.writeBigInt64LE(BigInt.asIntN(64, stamp.ctimeNs), at + R.ctime);
  buf.write(hash, at + R.hash, 32, 'hex');
  buf.writeUInt32LE(day, at + R.day);
}

/** The index in `file`: null when there is none, or why it cannot be used. */
async function readIndex(
  file: string,
): Promise<{ index: { buf: Buffer; at: Map<string, number> } | null } | { problem: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { index: null } : { problem: `${file}: cannot read (${(e as Error).message})` };
  }
  const problem = indexProblem(buf);
  if (problem) return { problem: `${file}: ${problem}; ignored, rebuilt at the next flush` };
  const count = buf.readUInt32LE(MAGIC.length + 4);
  const at = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const off = HEADER_BYTES + i * RECORD_BYTES;
    at.set(buf.toString('latin1', off, off + 32), off);
  }
  return { index: { buf, at } };
}

/** Why `buf` is not an index: the layout is checked before the seal, so a foreign file costs no hash. */
export function indexProblem(buf: Buffer): string | null {
  if (buf.length < HEADER_BYTES + SEAL_BYTES) return `only ${buf.length} bytes, too short for an index`;
  if (!MAGIC.equals(buf.subarray(0, MAGIC.length))) return 'not a radalign file identity index (wrong magic)';
  const recordBytes = buf.readUInt32LE(MAGIC.length);
  if (recordBytes !== RECORD_BYTES) return `records of ${recordBytes} bytes where ${RECORD_BYTES} are expected`;
  const count = buf.readUInt32LE(MAGIC.length + 4);
  const expected = HEADER_BYTES + count * RECORD_BYTES + SEAL_BYTES;
  if (buf.length !== expected) return `${buf.length} bytes where ${count} records need ${expected}`;
  const body = buf.subarray(0, buf.length - SEAL_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(body.length)))
    return 'sha256 checksum does not match the contents';
  return null;
}
