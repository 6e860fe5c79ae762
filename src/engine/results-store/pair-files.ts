// The three files that hold scored pairs: JSON lines (one stored pair each), the heatmap values
// (float32, little-endian, in pair and sentence order) and the embeddings (per pair, the study
// embedding then the report embedding, float32). Written as a stream, read a record at a time by
// byte offset, so neither side ever holds every pair.
import type { FileHandle } from 'node:fs/promises';
import type { StoreLocation } from './location';
import { heatmapValueCount, parseStoredPair, type StoredPair } from './stored-pair';
import { parseStoredPairV2 } from './store-v2';

/**
 * How records are read: 'trusted', written by this process moments ago (a run's own part), parsed
 * without the schema check that everything from a folder or a shard directory gets ('checked');
 * 'v2', records of a radalign-results/2 store, checked and renamed (store-v2.ts).
 */
export type RecordReading = 'trusted' | 'checked' | 'v2';

export interface PairFileNames {
  pairs: string;
  heatmaps: string;
  embeddings: string;
}

export interface PairFileSizes {
  /** Pairs written. */
  count: number;
  /** Bytes of each file. */
  pairsBytes: number;
  heatmapsBytes: number;
  embeddingsBytes: number;
}

/** Where one record lies in the pairs file. */
export interface RecordSpan {
  offset: number;
  length: number;
}

const FLUSH_BYTES = 4 << 20;

/** Appends to a new file through one buffer, so thousands of small records cost few system calls. */
class AppendFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(private readonly handle: FileHandle) {}

  async append(data: Buffer): Promise<number> {
    const at = this.bytes;
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.bytes += data.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    return at;
  }

  async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(chunk);
  }

  async close(sync: boolean): Promise<void> {
    try {
      await this.flush();
      if (sync) await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }
}

function floats(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export class PairFilesWriter {
  private count = 0;
  private heatmapValues = 0;

  private constructor(
    private readonly location: StoreLocation,
    readonly names: PairFileNames,
    private readonly dim: number,
    private readonly files: { pairs: AppendFile; heatmaps: AppendFile; embeddings: AppendFile },
  ) {}

  /** Creates the three files (exclusively: each name must be new). */
  static async create(location: StoreLocation, names: PairFileNames, dim: number): Promise<PairFilesWriter> {
    const opened: FileHandle[] = [];
    try {
      for (const name of [names.pairs, names.heatmaps, names.embeddings]) opened.push(await location.create(name));
    } catch (e) {
      await Promise.all(opened.map((h) => h.close()));
      await Promise.all([names.pairs, names.heatmaps, names.embeddings].map((n) => location.remove(n)));
      throw e;
    }
    const [pairs, heatmaps, embeddings] = opened.map((h) => new AppendFile(h));
    return new PairFilesWriter(location, names, dim, { pairs, heatmaps, embeddings });
  }

  /** Appends one pair; `row` and `heatmapAt` are assigned here. Returns where its line lies. */
  async add(
    pair: Omit<StoredPair, 'row' | 'heatmapAt'>,
    values: Float32Array,
    study: Float32Array,
    report: Float32Array,
  ): Promise<RecordSpan> {
    if (study.length !== this.dim || report.length !== this.dim)
      throw new Error(`pair ${pair.id}: embeddings of ${study.length}/${report.length} values, expected ${this.dim}`);
    if (values.length !== heatmapValueCount(pair))
      throw new Error(`pair ${pair.id}: ${values.length} heatmap values for maps of ${heatmapValueCount(pair)}`);
    const stored: StoredPair = { ...pair, row: this.count, heatmapAt: this.heatmapValues };
    const line = Buffer.from(JSON.stringify(stored) + '\n', 'utf8');
    const offset = await this.files.pairs.append(line);
    if (values.length) await this.files.heatmaps.append(Buffer.from(floats(values)));
    await this.files.embeddings.append(Buffer.concat([floats(study), floats(report)]));
    this.count++;
    this.heatmapValues += values.length;
    return { offset, length: line.length - 1 };
  }

  /** Flushes and makes the files durable. */
  async close(): Promise<PairFileSizes> {
    await Promise.all([
      this.files.pairs.close(true),
      this.files.heatmaps.close(true),
      this.files.embeddings.close(true),
    ]);
    return {
      count: this.count,
      pairsBytes: this.files.pairs.bytes,
      heatmapsBytes: this.files.heatmaps.bytes,
      embeddingsBytes: this.files.embeddings.bytes,
    };
  }

  /** Closes and removes the files (a run that failed or was cancelled). */
  async abort(): Promise<void> {
    await Promise.allSettled([
      this.files.pairs.close(false),
      this.files.heatmaps.close(false),
      this.files.embeddings.close(false),
    ]);
    await Promise.all(
      [this.names.pairs, this.names.heatmaps, this.names.embeddings].map((n) => this.location.remove(n)),
    );
  }
}

export class PairFilesReader {
  private constructor(
    private readonly location: StoreLocation,
    readonly names: PairFileNames,
    private readonly dim: number,
    private readonly sizes: PairFileSizes,
    private readonly handles: { pairs: FileHandle; heatmaps: FileHandle; embeddings: FileHandle },
    private readonly reading: RecordReading,
  ) {}

  /** Opens the files and checks their sizes against what their writer recorded; records are read as `reading` says. */
  static async open(
    location: StoreLocation,
    names: PairFileNames,
    dim: number,
    sizes: PairFileSizes,
    reading: RecordReading = 'checked',
  ): Promise<PairFilesReader> {
    const opened: FileHandle[] = [];
    try {
      for (const [name, bytes] of [
        [names.pairs, sizes.pairsBytes],
        [names.heatmaps, sizes.heatmapsBytes],
        [names.embeddings, sizes.embeddingsBytes],
      ] as const) {
        const handle = await location.open(name);
        if (!handle) throw new Error(`${location.dir}/${name}: missing`);
        opened.push(handle);
        const actual = (await handle.stat()).size;
        if (actual !== bytes)
          throw new Error(
            `${location.dir}/${name}: ${actual} bytes, but its writer wrote ${bytes} (cut short or changed since)`,
          );
      }
    } catch (e) {
      await Promise.all(opened.map((h) => h.close()));
      throw e;
    }
    if (sizes.embeddingsBytes !== sizes.count * 2 * dim * 4)
      throw new Error(
        `${location.dir}/${names.embeddings}: ${sizes.embeddingsBytes} bytes for ${sizes.count} pairs of ${dim}-value embeddings`,
      );
    const [pairs, heatmaps, embeddings] = opened;
    return new PairFilesReader(location, names, dim, sizes, { pairs, heatmaps, embeddings }, reading);
  }

  get count(): number {
    return this.sizes.count;
  }

  /** The record at `span`, validated. */
  async record(span: RecordSpan): Promise<StoredPair> {
    const where = `${this.location.dir}/${this.names.pairs} at byte ${span.offset}`;
    if (span.offset < 0 || span.length < 0 || span.offset + span.length > this.sizes.pairsBytes)
      throw new Error(`${where}: record lies outside the file`);
    const buf = Buffer.alloc(span.length);
    const { bytesRead } = await this.handles.pairs.read(buf, 0, span.length, span.offset);
    if (bytesRead !== span.length) throw new Error(`${where}: file ended early`);
    return this.parse(buf.toString('utf8'), where);
  }

  /** Every record in file order, with where it lies; the file is read in chunks by position (the handle stays open). */
  async *records(): AsyncGenerator<{ pair: StoredPair; span: RecordSpan }> {
    let line = 0;
    for await (const { offset, bytes } of lines(this.handles.pairs, this.sizes.pairsBytes)) {
      line++;
      const where = `${this.location.dir}/${this.names.pairs}, line ${line}`;
      yield { pair: this.parse(bytes.toString('utf8'), where), span: { offset, length: bytes.length } };
    }
    if (line !== this.sizes.count)
      throw new Error(
        `${this.location.dir}/${this.names.pairs}: ${line} lines, but its writer wrote ${this.sizes.count}`,
      );
  }

  /** The pair's heatmap values, in sentence order. */
  async heatmapValues(pair: StoredPair): Promise<Float32Array> {
    const n = heatmapValueCount(pair);
    const out = new Float32Array(n);
    if (!n) return out;
    const bytes = Buffer.from(out.buffer);
    const at = pair.heatmapAt * 4;
    if (at + bytes.length > this.sizes.heatmapsBytes)
      throw new Error(`${this.location.dir}/${this.names.heatmaps}: pair "${pair.id}" points past the end of the file`);
    const { bytesRead } = await this.handles.heatmaps.read(bytes, 0, bytes.length, at);
    if (bytesRead !== bytes.length) throw new Error(`${this.location.dir}/${this.names.heatmaps}: file ended early`);
    return out;
  }

  /** The study and report embeddings of record `row`. */
  async embeddingRow(row: number): Promise<{ study: Float32Array; report: Float32Array }> {
    const dim = this.dim;
    const both = new Float32Array(2 * dim);
    const bytes = Buffer.from(both.buffer);
    const { bytesRead } = await this.handles.embeddings.read(bytes, 0, bytes.length, row * 2 * dim * 4);
    if (bytesRead !== bytes.length) throw new Error(`${this.location.dir}/${this.names.embeddings}: no row ${row}`);
    return { study: both.slice(0, dim), report: both.slice(dim) };
  }

  /** All embeddings, packed: row r of `study` and `report` belongs to the record with `row` r. */
  async embeddings(): Promise<{ study: Float32Array; report: Float32Array }> {
    const { count } = this.sizes;
    const dim = this.dim;
    const study = new Float32Array(count * dim);
    const report = new Float32Array(count * dim);
    const rowsPerRead = Math.max(1, Math.floor((8 << 20) / (2 * dim * 4)));
    const buf = new Float32Array(rowsPerRead * 2 * dim);
    for (let r0 = 0; r0 < count; r0 += rowsPerRead) {
      const rows = Math.min(rowsPerRead, count - r0);
      const bytes = Buffer.from(buf.buffer, 0, rows * 2 * dim * 4);
      const { bytesRead } = await this.handles.embeddings.read(bytes, 0, bytes.length, r0 * 2 * dim * 4);
      if (bytesRead !== bytes.length)
        throw new Error(`${this.location.dir}/${this.names.embeddings}: file ended early`);
      for (let r = 0; r < rows; r++) {
        study.set(buf.subarray(r * 2 * dim, r * 2 * dim + dim), (r0 + r) * dim);
        report.set(buf.subarray(r * 2 * dim + dim, (r + 1) * 2 * dim), (r0 + r) * dim);
      }
    }
    return { study, report };
  }

  async close(): Promise<void> {
    await Promise.all([this.handles.pairs.close(), this.handles.heatmaps.close(), this.handles.embeddings.close()]);
  }

  private parse(text: string, where: string): StoredPair {
    if (this.reading === 'trusted') return JSON.parse(text) as StoredPair;
    return this.checked(this.reading === 'v2' ? parseStoredPairV2(text, where) : parseStoredPair(text, where), where);
  }

  private checked(pair: StoredPair, where: string): StoredPair {
    if (pair.row >= this.sizes.count)
      throw new Error(`${where}: row ${pair.row} but the embeddings file holds ${this.sizes.count}`);
    if ((pair.heatmapAt + heatmapValueCount(pair)) * 4 > this.sizes.heatmapsBytes)
      throw new Error(`${where}: heatmapAt ${pair.heatmapAt} points past the end of the heatmaps file`);
    return pair;
  }
}

const READ_CHUNK = 1 << 20;

/** The newline-separated lines of the first `size` bytes of a file, with their byte offsets. */
async function* lines(handle: FileHandle, size: number): AsyncGenerator<{ offset: number; bytes: Buffer }> {
  let carry = Buffer.alloc(0);
  let carryAt = 0;
  for (let pos = 0; pos < size;) {
    const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - pos));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) throw new Error(`file ended at byte ${pos}, before ${size}`);
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      yield { offset: carryAt + start, bytes: data.subarray(start, nl) };
      start = nl + 1;
    }
    carryAt += start;
    carry = Buffer.from(data.subarray(start));
    pos += bytesRead;
  }
  if (carry.length) yield { offset: carryAt, bytes: carry };
}
