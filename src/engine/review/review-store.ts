// The one writer of `<dataset>/.radalign/review.jsonl`.
//
// Every change is written at once (atomically: temporary file, fsync, rename), after merging with
// what is on disk now, so another window's or a git pull's changes are kept and a crash loses at
// most the change being made. Lines that cannot be read are never silently dropped: the file is
// copied aside before it is rewritten.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { mergeEntries, parseReview, serializeReview } from './review-format';
import { entryKey, type ReviewEntry } from './types';

export const REVIEW_FILE = join('.radalign', 'review.jsonl');

export interface ReviewLoad {
  entries: ReviewEntry[];
  /** Problems found in the file on disk, for the user to see. */
  problems: string[];
}

export class ReviewStore {
  readonly path: string;
  private entries: ReviewEntry[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly datasetRoot: string) {
    this.path = join(datasetRoot, REVIEW_FILE);
  }

  /** Reads the file (missing file = no flags) and merges it into what this store holds. */
  async load(): Promise<ReviewLoad> {
    return this.serial(async () => {
      const disk = await this.readDisk();
      this.entries = mergeEntries(this.entries, disk.entries);
      return { entries: this.current(), problems: disk.problems };
    });
  }

  /** Current flags (unflagged targets left out). */
  current(): ReviewEntry[] {
    return this.entries.filter((e) => e.reason !== null);
  }

  /** Flag or, with `reason: null`, unflag a pair or sentence; written to disk before resolving. */
  async record(change: Omit<ReviewEntry, 'at'> & { at?: string }): Promise<ReviewEntry[]> {
    return this.serial(async () => {
      const entry: ReviewEntry = { ...change, at: change.at ?? new Date().toISOString() };
      const disk = await this.readDisk();
      const merged = mergeEntries(mergeEntries(this.entries, disk.entries), [entry]);
      if (disk.problems.length) await copyFile(this.path, `${this.path}.unreadable-${Date.now()}`);
      await mkdir(join(this.datasetRoot, '.radalign'), { recursive: true });
      await writeFileAtomic(this.path, serializeReview(merged), { fsync: true });
      this.entries = merged;
      return this.current();
    });
  }

  /** The stored entry for a target, flagged or not. */
  get(pair: string, sentence: number | null): ReviewEntry | undefined {
    const k = entryKey({ pair, sentence });
    return this.entries.find((e) => entryKey(e) === k);
  }

  private async readDisk(): Promise<{ entries: ReviewEntry[]; problems: string[] }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
      throw new Error(`${this.path}: cannot read the review file: ${(e as Error).message}`);
    }
    const parsed = parseReview(text);
    return { entries: parsed.entries, problems: parsed.problems.map((p) => `${this.path}:${p.line}: ${p.problem}`) };
  }

  /** Runs changes one after another so two quick flags cannot interleave their read–merge–write. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }
}
