// The one writer of `<dataset>/.radalign/review.jsonl`: a reviewer's flags, hours of expert work.
//
// Every change is a read–merge–write of the whole (small, sorted) file under the review file's
// lock (store/generation-lock.ts), so any number of writers — windows, the CLI, scripts, on one
// machine or a shared folder — lose nothing: each one merges what is on disk now, including
// another writer's change a millisecond old or a git pull's. The write is atomic (temporary file,
// fsync, rename; store/radalign-folder.ts) and never goes through a link, so after `kill -9` at
// any instant the file is the old or the new one. A change resolves only once it is on disk.
// Lines that cannot be read are never silently dropped: they are kept aside before a rewrite.
// Guarantees and their reasons: docs/review-file.md.
import { join } from 'node:path';
import { type LockOptions, withLock } from '../store/generation-lock';
import { radalignFolder, RADALIGN_DIR, readRadalignFile, removeAbandonedTemps, writeRadalignFile } from '../store/radalign-folder';
import { mergeEntries, parseReview, serializeReview } from './review-format';
import { entryKey, type ReviewEntry } from './types';

const REVIEW_NAME = 'review.jsonl';
export const REVIEW_FILE = join(RADALIGN_DIR, REVIEW_NAME);

export interface ReviewLoad {
  entries: ReviewEntry[];
  /** Problems found in the file on disk, for the user to see. */
  problems: string[];
}

/** A change as a caller makes it; the store stamps the time (unless given) and the revision. */
export type ReviewChange = Omit<ReviewEntry, 'at' | 'rev'> & { at?: string };

export class ReviewStore {
  readonly path: string;
  private entries: ReviewEntry[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly datasetRoot: string,
    private readonly lockOptions: LockOptions = {},
  ) {
    this.path = join(datasetRoot, REVIEW_FILE);
  }

  /**
   * Reads the file (missing file = no flags) and merges it into what this store holds; removes
   * temporary files that crashed writers left (best effort: a read-only folder keeps them).
   */
  async load(): Promise<ReviewLoad> {
    return this.serial(async () => {
      const dir = await radalignFolder(this.datasetRoot, false);
      if (dir !== undefined) await removeAbandonedTemps(dir, REVIEW_NAME);
      const disk = await this.readDisk();
      this.entries = mergeEntries(this.entries, disk.entries);
      return { entries: this.current(), problems: disk.problems };
    });
  }

  /** Current flags (unflagged targets left out). */
  current(): ReviewEntry[] {
    return this.entries.filter((e) => e.reason !== null);
  }

  /** Flag or, with `reason: null`, unflag a pair or sentence; resolves with the stored entry once it is on disk. */
  async record(change: ReviewChange): Promise<ReviewEntry> {
    return this.serial(async () => {
      const dir = await radalignFolder(this.datasetRoot, true);
      return withLock(
        dir,
        REVIEW_NAME,
        async (lock) => {
          await removeAbandonedTemps(dir, REVIEW_NAME);
          const disk = await this.readDisk();
          const known = mergeEntries(this.entries, disk.entries);
          const previous = known.find((e) => entryKey(e) === entryKey(change));
          const entry: ReviewEntry = { ...change, at: change.at ?? new Date().toISOString(), rev: (previous?.rev ?? 0) + 1 };
          const merged = mergeEntries(known, [entry]);
          if (disk.problems.length) await writeRadalignFile(this.datasetRoot, `${REVIEW_NAME}.unreadable-${Date.now()}`, disk.text);
          await writeRadalignFile(this.datasetRoot, REVIEW_NAME, serializeReview(merged), { beforeCommit: () => lock.assertHeld() });
          this.entries = merged;
          return entry;
        },
        this.lockOptions,
      );
    });
  }

  /** The stored entry for a target, flagged or not. */
  get(pair: string, sentence: number | null): ReviewEntry | undefined {
    const k = entryKey({ pair, sentence });
    return this.entries.find((e) => entryKey(e) === k);
  }

  private async readDisk(): Promise<{ entries: ReviewEntry[]; problems: string[]; text: string }> {
    const text = (await readRadalignFile(this.datasetRoot, REVIEW_NAME)) ?? '';
    const parsed = parseReview(text);
    return { entries: parsed.entries, problems: parsed.problems.map((p) => `${this.path}:${p.line}: ${p.problem}`), text };
  }

  /** Runs this store's changes one after another (the lock orders them against other stores). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }
}
