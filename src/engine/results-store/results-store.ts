// A ranked results store: the scored pairs of one run, readable a page at a time in rank order.
//
// Files (`<g>` = this generation's tag, `<host>-<pid>-<random>`):
//   results.json               summary: format radalign-results/4, model, run, counts, file names and sizes
//   results.<g>.pairs.jsonl    one stored pair per line, in discovery order (stored-pair.ts)
//   results.<g>.heatmaps.bin   heatmap values, float32
//   results.<g>.embeddings.bin study and report embeddings, float32 (ranking again, incremental runs)
//   results.<g>.index.json     [id, offset, length, suspicion, cosine, inputKey, reportFile, reportRow, images] per pair, rank order
//   results.<g>.ranking.bin    counts and best matches per pair, for the next run's update (ranking-file.ts)
//   results.<g>.skipped.jsonl  one { path, reason } per line
// The data files are written first under new names; writing the summary (atomically) makes them
// current, so a reader sees the old generation or the new one, never a mix, and a crash leaves the
// old one. Generations no summary names are removed once their writer is gone. A store of the
// previous version (radalign-results/2) is read, renamed on read (store-v2.ts).
import { randomBytes } from 'node:crypto';
import type { Skipped } from '../types';
import type { ModelSummary, PairResult, RunSummary } from '../results-schema';
import { isOwnerGone, ownerTag, parseOwner } from '../store/owner';
import type { StoreLocation } from './location';
import { PairFilesReader, PairFilesWriter, type RecordSpan } from './pair-files';
import {
  type IndexEntry,
  INDEX_FORMAT,
  parseJsonFile,
  STORE_FORMAT,
  StoreIndexSchema,
  STORE_FORMAT_V2,
  type StoreSummary,
  StoreSummarySchema,
} from './store-schema';
import { parseIndexV1 } from './store-v2';
import { toPairResult, type StoredPair } from './stored-pair';
import { decodeRanking, encodeRankingRow } from './ranking-file';
import type { PreviousRanking, RankCounts } from '../ranking';
import * as v from 'valibot';
import { SkippedSchema, describeIssue } from '../results-schema';

export const SUMMARY_NAME = 'results.json';
/** Best-matching other reports listed (and kept for the next run) per pair. */
export const BEST_COUNT = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh generation tag: this process, and random bits so two runs of one process differ. */
export function newGeneration(): string {
  return `${ownerTag()}-${randomBytes(4).toString('hex')}`;
}

function fileNames(prefix: string, generation: string) {
  return {
    pairs: `${prefix}.${generation}.pairs.jsonl`,
    heatmaps: `${prefix}.${generation}.heatmaps.bin`,
    embeddings: `${prefix}.${generation}.embeddings.bin`,
    index: `${prefix}.${generation}.index.json`,
    skippedList: `${prefix}.${generation}.skipped.jsonl`,
    ranking: `${prefix}.${generation}.ranking.bin`,
  };
}

/** Writes a store, pairs in any order with their ranks; nothing is visible to readers until `commit`. */
export class StoreWriter {
  /** Index entries by rank − 1. */
  private readonly entries: IndexEntry[] = [];
  private added = 0;
  private readonly ranking: Buffer[] = [];

  private constructor(
    private readonly location: StoreLocation,
    readonly generation: string,
    private readonly pairs: PairFilesWriter,
  ) {}

  static async create(location: StoreLocation, dim: number): Promise<StoreWriter> {
    const generation = newGeneration();
    const names = fileNames('results', generation);
    return new StoreWriter(location, generation, await PairFilesWriter.create(location, names, dim));
  }

  /**
   * Appends a pair (its ranking fields set; the next store row), with its ranking's counts (best
   * matches as store rows) and the key of its report text, which the next run's update starts from.
   */
  async add(
    pair: Omit<StoredPair, 'row' | 'heatmapAt'>,
    values: Float32Array,
    study: Float32Array,
    report: Float32Array,
    counts: RankCounts,
    textKey: string,
  ): Promise<void> {
    const rank = pair.rank;
    if (rank === undefined || rank < 1 || this.entries[rank - 1] !== undefined)
      throw new Error(`pair ${pair.id}: rank ${rank} is missing or already taken`);
    this.ranking.push(encodeRankingRow(counts, textKey, BEST_COUNT));
    const span = await this.pairs.add(pair, values, study, report);
    this.entries[rank - 1] = [
      pair.id,
      span.offset,
      span.length,
      pair.suspicion ?? 0,
      pair.cosine,
      pair.inputKey,
      pair.reportFile,
      pair.reportRow,
      pair.images,
    ];
    this.added++;
  }

  /** Writes the index and the skipped list, then the summary that makes this generation current. Returns the summary file. */
  async commit(fields: {
    model: ModelSummary;
    run: RunSummary;
    skipped: Skipped[];
    settingsKey: string;
  }): Promise<string> {
    const names = fileNames('results', this.generation);
    if (this.entries.length !== this.added)
      throw new Error(`ranks 1 to ${this.entries.length} given to ${this.added} pairs: some rank is missing`);
    const sizes = await this.pairs.close();
    const index = JSON.stringify({ format: INDEX_FORMAT, pairs: this.entries });
    const skipped = fields.skipped.map((s) => JSON.stringify({ path: s.path, reason: s.reason }) + '\n').join('');
    await this.location.commit(names.index, index);
    await this.location.commit(names.skippedList, skipped);
    const ranking = await this.location.create(names.ranking);
    const rankingBytes = this.ranking.reduce((n, b) => n + b.length, 0);
    try {
      await ranking.writeFile(Buffer.concat(this.ranking, rankingBytes));
      await ranking.sync();
    } finally {
      await ranking.close();
    }
    const summary: StoreSummary = {
      format: STORE_FORMAT,
      model: fields.model,
      run: fields.run,
      pairs: this.entries.length,
      skipped: fields.skipped.length,
      generation: this.generation,
      files: {
        ...names,
        ...sizes,
        indexBytes: Buffer.byteLength(index),
        skippedBytes: Buffer.byteLength(skipped),
        rankingBytes,
      },
      bestCount: BEST_COUNT,
      settingsKey: fields.settingsKey,
    };
    const file = await this.location.commit(SUMMARY_NAME, JSON.stringify(summary, null, 1) + '\n');
    await removeStaleGenerations(this.location, this.generation);
    return file;
  }

  async abort(): Promise<void> {
    await this.pairs.abort();
    const names = fileNames('results', this.generation);
    await Promise.all([
      this.location.remove(names.index),
      this.location.remove(names.skippedList),
      this.location.remove(names.ranking),
    ]);
  }
}

/**
 * Removes data files (`results.<g>.*`, `part.<g>.*`) of generations other than `current` whose
 * writer is gone: its process ended on this machine, or the file is a day old (another machine),
 * or it is this process, which has written `current` since. Another writer still running keeps its
 * files, so two runs at once never delete each other's.
 */
export async function removeStaleGenerations(location: StoreLocation, current: string | undefined): Promise<void> {
  // The generation the summary names is never stale, whoever wrote it (readers may open it any time).
  const named = await namedGeneration(location);
  for (const name of await location.list()) {
    const data =
      /^(?:results|part)\.([^.]+)\.(?:pairs\.jsonl|heatmaps\.bin|embeddings\.bin|index\.json|skipped\.jsonl|ranking\.bin)$/.exec(
        name,
      );
    // Temporary files of small files being committed (`results.json.tmp-<host>-<pid>-<random>`).
    const temp = /^(?:results|part)\..*\.tmp-(.+)$/.exec(name);
    const owner = data?.[1] ?? temp?.[1];
    if (owner === undefined || owner === current || owner === named) continue;
    const mtime = await location.modifiedMs(name);
    if (mtime === undefined) continue;
    // This process's own older generations are superseded: it is not writing them any more.
    const mine = data !== null && owner.startsWith(`${ownerTag()}-`) && current !== undefined;
    if (mine || (data && parseOwner(owner) === undefined) || isOwnerGone(owner, mtime, DAY_MS))
      await location.remove(name);
  }
}

/** The generation the current summary names, read loosely (a damaged summary protects nothing). */
async function namedGeneration(location: StoreLocation): Promise<string | undefined> {
  const handle = await location.open(SUMMARY_NAME).catch(() => undefined);
  if (!handle) return undefined;
  const text = await handle.readFile('utf8').finally(() => handle.close());
  return /"generation"\s*:\s*"([A-Za-z0-9_-]+)"/.exec(text)?.[1];
}

/** The pair a rank-order index entry describes. */
export interface RankedEntry {
  id: string;
  /** 1 = most suspicious. */
  rank: number;
  suspicion: number;
  /** The pair's cosine (PairResult.cosine). */
  cosine: number;
  inputKey: string;
  /** Report file, or else the manifest row that gives the text inline (exactly one is null), as in PairResult. */
  reportFile: string | null;
  reportRow: string | null;
  /** Image paths, relative to the dataset folder. */
  images: string[];
}

/** A store opened for reading: the summary and index in memory, pairs read on demand. */
export class StoredResults {
  private readonly byId = new Map<string, number>();

  private constructor(
    private readonly location: StoreLocation,
    readonly summary: StoreSummary,
    private readonly index: IndexEntry[],
    private readonly files: PairFilesReader,
  ) {
    index.forEach((e, k) => {
      if (this.byId.has(e[0]))
        throw new Error(`${location.dir}/${summary.files.index}: pair id "${e[0]}" appears twice`);
      this.byId.set(e[0], k);
    });
  }

  /** Opens the store in `location`; undefined when it has no results.json. */
  static async open(location: StoreLocation): Promise<StoredResults | undefined> {
    const handle = await location.open(SUMMARY_NAME);
    if (!handle) return undefined;
    const text = await handle.readFile('utf8').finally(() => handle.close());
    return StoredResults.fromSummary(location, text);
  }

  /** Opens the store the summary text names (already read from `location`'s results.json). */
  static async fromSummary(location: StoreLocation, summaryText: string): Promise<StoredResults> {
    const where = `${location.dir}/${SUMMARY_NAME}`;
    const summary = parseJsonFile(StoreSummarySchema, summaryText, where);
    const { files } = summary;
    const indexText = await readWhole(location, files.index, files.indexBytes);
    const v2 = summary.format === STORE_FORMAT_V2;
    const indexFile = `${location.dir}/${files.index}`;
    const index = (v2 ? parseIndexV1(indexText, indexFile) : parseJsonFile(StoreIndexSchema, indexText, indexFile))
      .pairs;
    if (index.length !== summary.pairs || files.count !== summary.pairs) {
      throw new Error(
        `${where}: pairs says ${summary.pairs}, the index holds ${index.length} and the pairs file ${files.count}`,
      );
    }
    const reader = await PairFilesReader.open(location, files, summary.model.embedDim, files, v2 ? 'v2' : 'checked');
    return new StoredResults(location, summary, index, reader);
  }

  get count(): number {
    return this.index.length;
  }

  get model(): ModelSummary {
    return this.summary.model;
  }

  get run(): RunSummary {
    return this.summary.run;
  }

  /** The pair at `rank` (1-based) or with `id`, from the index alone. */
  entry(at: number | string): RankedEntry | undefined {
    const k = typeof at === 'number' ? at - 1 : this.byId.get(at);
    const e = k === undefined ? undefined : this.index[k];
    return (
      e && {
        id: e[0],
        rank: k! + 1,
        suspicion: e[3],
        cosine: e[4],
        inputKey: e[5],
        reportFile: e[6],
        reportRow: e[7],
        images: e[8],
      }
    );
  }

  /** Ids in rank order. */
  ids(): string[] {
    return this.index.map((e) => e[0]);
  }

  /** The stored record of `id` (heatmap values not read). */
  async stored(id: string): Promise<StoredPair | undefined> {
    const k = this.byId.get(id);
    if (k === undefined) return undefined;
    const pair = await this.files.record(this.span(k));
    if (pair.id !== id || pair.rank !== k + 1)
      throw new Error(
        `${this.location.dir}/${this.summary.files.pairs}: the index says pair "${id}" ranked ${k + 1}, the record holds "${pair.id}" ranked ${pair.rank}`,
      );
    return pair;
  }

  /** One pair in the results-file form, or undefined when no pair has that id. */
  async pair(id: string): Promise<PairResult | undefined> {
    const stored = await this.stored(id);
    return (
      stored &&
      toPairResult(stored, await this.files.heatmapValues(stored), `${this.location.dir}/${this.summary.files.pairs}`)
    );
  }

  /** Up to `count` pairs from rank `from` (1-based), in rank order. */
  async page(from: number, count: number): Promise<PairResult[]> {
    const out: PairResult[] = [];
    for (let k = Math.max(0, from - 1); k < Math.min(this.index.length, from - 1 + count); k++)
      out.push((await this.pair(this.index[k][0]))!);
    return out;
  }

  /** Every pair in rank order. */
  async *all(): AsyncGenerator<PairResult> {
    for (const entry of this.index) yield (await this.pair(entry[0]))!;
  }

  /** Stored records with their heatmap values and embeddings, for a later run that reuses unchanged pairs. */
  async reusable(
    id: string,
  ): Promise<{ pair: StoredPair; values: Float32Array; study: Float32Array; report: Float32Array } | undefined> {
    const pair = await this.stored(id);
    if (!pair) return undefined;
    const [values, emb] = await Promise.all([this.files.heatmapValues(pair), this.files.embeddingRow(pair.row)]);
    return { pair, values, ...emb };
  }

  /**
   * This store's ranking, for the next run to update (ranking/update-ranking.ts): counts and best
   * matches (as rows), report-text keys and embeddings per row; undefined for a store without it.
   */
  async previousRanking(): Promise<PreviousRanking | undefined> {
    const { ranking, rankingBytes } = this.summary.files;
    if (ranking === undefined || rankingBytes === undefined || this.summary.bestCount !== BEST_COUNT) return undefined;
    const handle = await this.location.open(ranking);
    if (!handle) throw new Error(`${this.location.dir}/${ranking}: missing (named by ${SUMMARY_NAME})`);
    const buf = await handle.readFile().finally(() => handle.close());
    if (buf.length !== rankingBytes)
      throw new Error(`${this.location.dir}/${ranking}: ${buf.length} bytes, but its writer wrote ${rankingBytes}`);
    const { counts, keys } = decodeRanking(buf, this.count, BEST_COUNT, `${this.location.dir}/${ranking}`);
    const { study, report } = await this.files.embeddings();
    return { counts, keys, images: study, reports: report };
  }

  async skipped(): Promise<Skipped[]> {
    const { skippedList, skippedBytes } = this.summary.files;
    const text = await readWhole(this.location, skippedList, skippedBytes);
    return text
      .split('\n')
      .filter((l) => l)
      .map((line, i) => {
        const where = `${this.location.dir}/${skippedList}, line ${i + 1}`;
        const parsed = v.safeParse(SkippedSchema, safeJson(line, where));
        if (!parsed.success) throw new Error(`${where}: ${describeIssue(parsed.issues[0])}`);
        return parsed.output;
      });
  }

  async close(): Promise<void> {
    await this.files.close();
  }

  private span(k: number): RecordSpan {
    return { offset: this.index[k][1], length: this.index[k][2] };
  }
}

function safeJson(line: string, where: string): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/** A whole small file, checked against the size its writer recorded. */
async function readWhole(location: StoreLocation, name: string, bytes: number): Promise<string> {
  const handle = await location.open(name);
  if (!handle) throw new Error(`${location.dir}/${name}: missing (named by ${SUMMARY_NAME})`);
  try {
    const size = (await handle.stat()).size;
    if (size !== bytes) throw new Error(`${location.dir}/${name}: ${size} bytes, but its writer wrote ${bytes}`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
