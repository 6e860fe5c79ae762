// The one writer of `<dataset>/.radalign/review.jsonl`: reviewers' verdicts, flags and
// adjudications, hours of expert work.
//
// Every change is a read–merge–write of the whole (sorted) file under the review file's lock
// (store/generation-lock.ts), so any number of writers — windows, the CLI, scripts, on one
// machine or a shared folder — lose nothing: each one merges what is on disk now, including
// another writer's change a millisecond old or a git pull's. The write is atomic (temporary file,
// fsync, rename; store/radalign-folder.ts) and never goes through a link, so after `kill -9` at
// any instant the file is the old or the new one. A change resolves only once it is on disk.
// Lines that cannot be read are never silently dropped: they are kept aside before a rewrite, and
// a file in a newer format is never written over. Guarantees and their reasons: docs/review-file.md.
import { join } from 'node:path';
import { type LockOptions, withLock } from '../store/generation-lock';
import {
  radalignFolder,
  RADALIGN_DIR,
  readRadalignFile,
  removeAbandonedTemps,
  writeRadalignFile,
} from '../store/radalign-folder';
import { checkEntry, mergeEntries, parseReview, serializeReview } from './review-format';
import { entryKey, isLive, type ReviewChange, type ReviewEntry, type ReviewTargetKey } from './types';

const REVIEW_NAME = 'review.jsonl';
export const REVIEW_FILE = join(RADALIGN_DIR, REVIEW_NAME);

export interface ReviewLoad {
  /** Live entries (cleared verdicts and unflags left out), sorted. */
  entries: ReviewEntry[];
  /** Problems found in the file on disk, for the user to see. */
  problems: string[];
}

export class ReviewStore {
  readonly path: string;
  private entries: ReviewEntry[] = [];
  /**
   * The file as this store last read or wrote it, and what it holds: when the file still reads the
   * same, it is not parsed again (a change to a file of 50,000 entries would otherwise parse and
   * validate all of them each time), and merging it with what the store holds is nothing to do.
   */
  private lastDisk: { text: string; entries: ReviewEntry[] } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly datasetRoot: string,
    private readonly lockOptions: LockOptions = {},
  ) {
    this.path = join(datasetRoot, REVIEW_FILE);
  }

  /**
   * Reads the file (missing file = nothing reviewed) and merges it into what this store holds;
   * removes temporary files that crashed writers left (best effort: a read-only folder keeps them).
   */
  async load(): Promise<ReviewLoad> {
    return this.serial(async () => {
      const dir = await radalignFolder(this.datasetRoot, false);
      if (dir !== undefined) await removeAbandonedTemps(dir, REVIEW_NAME);
      const disk = await this.readDisk();
      this.entries = this.mergeKnown(disk.entries);
      return { entries: this.current(), problems: disk.problems };
    });
  }

  /** Live entries: verdicts, adjudications and flags in force. */
  current(): ReviewEntry[] {
    return this.entries.filter(isLive);
  }

  /**
   * Records a verdict, adjudication or flag — or, with `verdict: null` / `reason: null`, clears it;
   * resolves with the stored entry once it is on disk.
   */
  async record(change: ReviewChange): Promise<ReviewEntry> {
    const draft = { ...change, at: change.at ?? new Date().toISOString(), rev: 0 } as ReviewEntry;
    const checked = checkEntry(draft as unknown as Record<string, unknown>);
    if (typeof checked === 'string') throw new Error(`${this.path}: not recorded: ${checked}`);
    return this.serial(async () => {
      const dir = await radalignFolder(this.datasetRoot, true);
      return withLock(
        dir,
        REVIEW_NAME,
        async (lock) => {
          await removeAbandonedTemps(dir, REVIEW_NAME);
          const disk = await this.readDisk();
          if (disk.newerFormat !== undefined) {
            throw new Error(
              `${this.path} is in format ${JSON.stringify(disk.newerFormat)}, written by a newer radalign; nothing was written (update radalign)`,
            );
          }
          const known = this.mergeKnown(disk.entries);
          const key = entryKey(draft);
          const previous = known.find((e) => entryKey(e) === key);
          const entry = { ...draft, rev: (previous?.rev ?? 0) + 1 } as ReviewEntry;
          const merged = mergeEntries(known, [entry]);
          if (disk.problems.length)
            await writeRadalignFile(this.datasetRoot, `${REVIEW_NAME}.unreadable-${Date.now()}`, disk.text);
          const text = serializeReview(merged);
          await writeRadalignFile(this.datasetRoot, REVIEW_NAME, text, { beforeCommit: () => lock.assertHeld() });
          this.entries = merged;
          this.lastDisk = { text, entries: merged };
          return entry;
        },
        this.lockOptions,
      );
    });
  }

  /** The latest stored entry for a target, in force or cleared. */
  find(target: ReviewTargetKey): ReviewEntry | undefined {
    const k = entryKey(target);
    return this.entries.find((e) => entryKey(e) === k);
  }

  private async readDisk(): Promise<{
    entries: ReviewEntry[];
    problems: string[];
    text: string;
    newerFormat?: string;
  }> {
    const text = (await readRadalignFile(this.datasetRoot, REVIEW_NAME)) ?? '';
    if (this.lastDisk?.text === text) return { entries: this.lastDisk.entries, problems: [], text };
    const parsed = parseReview(text);
    if (!parsed.problems.length && parsed.newerFormat === undefined) this.lastDisk = { text, entries: parsed.entries };
    return {
      entries: parsed.entries,
      problems: parsed.problems.map((p) => `${this.path}:${p.line}: ${p.problem}`),
      text,
      newerFormat: parsed.newerFormat,
    };
  }

  /** What this store holds merged with the file's entries (nothing to merge when they are the ones it holds). */
  private mergeKnown(disk: ReviewEntry[]): ReviewEntry[] {
    return disk === this.entries ? this.entries : mergeEntries(this.entries, disk);
  }

  /** Runs this store's changes one after another (the lock orders them against other stores). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }
}
