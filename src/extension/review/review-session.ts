// The state of reviewing one scored dataset: its saved results (the index in memory: ids, ranks,
// scores, file names; a pair's sentences and heatmaps read on demand through a small cache), which
// pair and sentence are selected, who is reviewing, every reviewer's verdicts and sentence flags
// and the adjudications (persisted by the engine's ReviewStore), and the assignment of pairs to
// reviewers. Works on ranks and ids only, so 227,000 pairs cost an index, not 227,000 records in
// memory. Free of `vscode`: the panel, the tree view, the status bar, commands and decorations all
// observe this one object, so they never disagree about what is selected, reviewed or flagged.
import { describeError } from '../../engine/describe-error';
import type { ModelSummary, PairResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';
import { anchorFlags, type AnchoredFlags } from '../../engine/review/anchor';
import { readAssignment, writeAssignment, assignPairs, type Assignment } from '../../engine/review/assignment';
import { reviewSummary, type ReviewSummary } from '../../engine/review/progress';
import { ReviewIndex } from '../../engine/review/review-index';
import { ReviewStore } from '../../engine/review/review-store';
import { defaultReviewerName } from '../../engine/review/reviewer';
import {
  isLive,
  type FlagEntry,
  type FlagReason,
  type ReviewChange,
  type ReviewEntry,
  type Verdict,
} from '../../engine/review/types';
import type { SavedResults } from '../../engine/store/results-file';
import { l10n } from '../l10n';
import { messages } from '../messages';
import { Emitter } from './emitter';
import { awaitsVerdict, shareRanks } from './my-share';
import { PairCache } from './pair-cache';

export interface Selection {
  pairId: string;
  /** Selected sentence index, or null when none is. */
  sentence: number | null;
}

/** A sentence of a pair; `sentence: null` is the whole pair (today's "pair flag": a mismatched verdict). */
export interface FlagTarget {
  pairId: string;
  sentence: number | null;
}

export interface VerdictOptions {
  /** Why the pair is mismatched (only with 'mismatched'). */
  reason?: FlagReason | null;
  note?: string;
  /** With 'mismatched': the pair whose report belongs to these images (one of the pair's best reports). */
  useReportOf?: string;
}

export interface SessionOptions {
  store?: ReviewStore;
  /** Who records verdicts and flags until setReviewer says otherwise (default: the OS user). */
  reviewer?: string;
}

export class ReviewSession {
  private saved: SavedResults;
  private rankedIds: readonly string[] | undefined;
  private details: PairCache;
  private selection: Selection | undefined;
  private who: string;
  private entryList: ReviewEntry[] = [];
  private index = new ReviewIndex([]);
  private assigned: Assignment | undefined;
  private summary: ReviewSummary | undefined;
  /** My share's ranks in the current results, kept until results, assignment or reviewer change. */
  private share: { ranks: readonly number[] | undefined } | undefined;
  /** My share as a set, for isMine. */
  private shareIds: { of: readonly string[]; set: ReadonlySet<string> } | undefined;
  private readonly store: ReviewStore;

  private readonly resultsChanged = new Emitter<SavedResults>();
  private readonly reviewChanged = new Emitter<ReviewIndex>();
  private readonly selectionChanged = new Emitter<Selection | undefined>();
  readonly onDidChangeResults = this.resultsChanged.event;
  /** After any verdict, flag, adjudication, assignment or reviewer change (made here or read from disk). */
  readonly onDidChangeReview = this.reviewChanged.event;
  readonly onDidChangeSelection = this.selectionChanged.event;

  /** Problems found in the review file and the assignment file when last read, for the user to see. */
  problems: string[] = [];

  /** `results` stay open while the session uses them; whoever opened them closes them (SessionManager). */
  constructor(
    readonly folder: string,
    results: SavedResults,
    options: SessionOptions = {},
  ) {
    this.saved = results;
    this.details = this.cacheFor(results);
    this.store = options.store ?? new ReviewStore(folder);
    this.who = options.reviewer?.trim() || defaultReviewerName();
  }

  /**
   * Reads the review file and the assignment; call once after construction and whenever either
   * changes on disk. A damaged assignment is reported in `problems` and the one read before kept.
   * Returns the live entries.
   */
  async load(): Promise<readonly ReviewEntry[]> {
    const [loaded, assignment] = await Promise.all([
      this.store.load(),
      readAssignment(this.folder).then(
        (a) => ({ a }),
        (e: unknown) => ({ problem: describeError(e) }),
      ),
    ]);
    this.problems = [...loaded.problems, ...('problem' in assignment ? [assignment.problem] : [])];
    if ('a' in assignment) this.setAssignmentQuietly(assignment.a);
    this.setEntries(loaded.entries);
    return this.entryList;
  }

  /** Who records verdicts and flags made through this session. */
  get reviewer(): string {
    return this.who;
  }

  setReviewer(name: string): void {
    const next = name.trim();
    if (!next) throw new Error(l10n.t('the reviewer name is empty'));
    if (next === this.who) return;
    this.who = next;
    this.share = undefined;
    this.reviewChanged.fire(this.index);
  }

  /** The saved results under review (changes identity when they are replaced). */
  get results(): SavedResults {
    return this.saved;
  }

  get model(): ModelSummary {
    return this.saved.model;
  }

  /** Pairs scored. */
  get count(): number {
    return this.saved.count;
  }

  /** The pair at `rank` (1 = most suspicious) or with `id`, from the index: no pair is read. */
  entry(at: number | string): RankedEntry | undefined {
    return this.saved.entry(at);
  }

  has(pairId: string): boolean {
    return this.saved.entry(pairId) !== undefined;
  }

  /** Ids, most suspicious first. */
  ids(): readonly string[] {
    return (this.rankedIds ??= this.saved.ids());
  }

  /** The pair's full record (sentences, heatmaps, best reports), read from disk unless looked at recently. */
  pairDetails(pairId: string): Promise<PairResult | undefined> {
    return this.details.get(pairId);
  }

  /** The pair's full record when it is in the cache already (no read). */
  cachedDetails(pairId: string): PairResult | undefined {
    return this.details.peek(pairId);
  }

  get reviewFile(): string {
    return this.store.path;
  }

  /** Replaces the results (after rescoring); keeps the selection when its pair still exists. */
  setResults(results: SavedResults): void {
    this.saved = results;
    this.rankedIds = undefined;
    this.summary = undefined;
    this.share = undefined;
    this.details = this.cacheFor(results);
    this.resultsChanged.fire(results);
    if (this.selection && !this.has(this.selection.pairId)) this.select(undefined);
    else if (this.selection?.sentence != null) this.checkSentence(this.selection);
  }

  get selected(): Selection | undefined {
    return this.selection;
  }

  /**
   * Selects a pair (and sentence). A sentence the pair does not have becomes null: at once when
   * the pair's record is cached, else as soon as it has been read.
   */
  select(pairId: string | undefined, sentence: number | null = null): void {
    if (pairId !== undefined && !this.has(pairId)) throw new Error(messages.noPairWithId(pairId, this.folder));
    const next = pairId === undefined ? undefined : { pairId, sentence: this.clampCached(pairId, sentence) };
    if (next?.pairId === this.selection?.pairId && next?.sentence === this.selection?.sentence) return;
    this.selection = next;
    this.selectionChanged.fire(next);
    if (next && next.sentence !== null && !this.cachedDetails(next.pairId)) this.checkSentence(next);
  }

  /** Moves `delta` places in rank order (1 = the next, less suspicious pair); stops at the ends. Returns the new pair. */
  move(delta: number): RankedEntry | undefined {
    const n = this.count;
    if (!n) return undefined;
    const at = this.selectedRank();
    const to = at === undefined ? (delta >= 0 ? 1 : n) : Math.min(n, Math.max(1, at + delta));
    const entry = this.entry(to)!;
    this.select(entry.id, null);
    return entry;
  }

  /**
   * Moves to the next (or previous) pair in rank order that awaits my verdict (none of mine, not
   * adjudicated): within my share when the assignment names me, else over all pairs. Stops at the
   * ends (undefined: none left that way).
   */
  moveToAwaitingMyVerdict(direction: 1 | -1): RankedEntry | undefined {
    const n = this.count;
    const at = this.selectedRank() ?? (direction > 0 ? 0 : n + 1);
    const ranks = this.myShareRanks();
    const found = (rank: number) => {
      const entry = this.entry(rank)!;
      if (!awaitsVerdict(this.index, this.who, entry.id)) return undefined;
      this.select(entry.id, null);
      return entry;
    };
    if (!ranks) {
      for (let rank = at + direction; rank >= 1 && rank <= n; rank += direction) {
        const entry = found(rank);
        if (entry) return entry;
      }
      return undefined;
    }
    // First share position past `at` in the direction of travel (ranks are sorted).
    let lo = 0;
    let hi = ranks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (direction > 0 ? ranks[mid]! <= at : ranks[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    for (let k = direction > 0 ? lo : lo - 1; k >= 0 && k < ranks.length; k += direction) {
      const entry = found(ranks[k]!);
      if (entry) return entry;
    }
    return undefined;
  }

  /** Selects the next sentence of the selected pair (wrapping); `delta` -1 goes back. */
  async cycleSentence(delta: 1 | -1): Promise<void> {
    const from = this.selection;
    if (!from) return;
    const n = (await this.pairDetails(from.pairId))?.sentences.length ?? 0;
    if (!n || this.selection !== from) return; // nothing to cycle, or moved on meanwhile
    const next = from.sentence === null ? (delta > 0 ? 0 : n - 1) : (from.sentence + delta + n) % n;
    this.select(from.pairId, next);
  }

  /** Every reviewer's live verdicts, flags and the adjudications, grouped by pair. */
  get review(): ReviewIndex {
    return this.index;
  }

  /** Live entries (cleared verdicts and unflags left out), sorted as in the file. */
  get entries(): readonly ReviewEntry[] {
    return this.entryList;
  }

  /** Live sentence flags on the pair, of every reviewer. */
  flagsFor(pairId: string): FlagEntry[] {
    return this.index.get(pairId)?.flags ?? [];
  }

  /** The pair's live flags placed on its sentences by their text; those whose sentence is gone are orphaned. */
  anchoredFlags(pair: PairResult): AnchoredFlags<FlagEntry> {
    return anchorFlags(this.flagsFor(pair.id), pair.sentences);
  }

  /** Counts, agreement and disagreements over the pairs of these results; computed once per change. */
  progress(): ReviewSummary {
    return (this.summary ??= reviewSummary(this.index, this.ids(), this.assigned));
  }

  get assignment(): Assignment | undefined {
    return this.assigned;
  }

  /** My share (ids in rank order of when it was made) when the assignment names me, else undefined. */
  myShare(): readonly string[] | undefined {
    return this.assigned?.shares[this.who];
  }

  /** Whether the pair is mine to judge: in my share, or any pair when the assignment does not name me. */
  isMine(pairId: string): boolean {
    const share = this.myShare();
    return !share || this.shareSet(share).has(pairId);
  }

  /** Whether the pair awaits my verdict (mine to judge, no verdict of mine, not adjudicated). */
  awaitsMyVerdict(pairId: string): boolean {
    return this.isMine(pairId) && awaitsVerdict(this.index, this.who, pairId);
  }

  /** Splits these results' pairs among `reviewers` (see assignPairs), writes the assignment and uses it. */
  async assign(reviewers: readonly string[], overlap: number): Promise<{ assignment: Assignment; path: string }> {
    const assignment = assignPairs(this.ids(), reviewers, overlap);
    const path = await writeAssignment(this.folder, assignment);
    this.setAssignmentQuietly(assignment);
    this.summary = undefined;
    this.reviewChanged.fire(this.index);
    return { assignment, path };
  }

  /** Records my verdict on a pair (null clears it); written to the review file before resolving. */
  async verdict(pairId: string, verdict: Verdict | null, opts: VerdictOptions = {}): Promise<void> {
    await this.judge('verdict', pairId, verdict, opts);
  }

  /** Records the verdict that settles the pair, whatever its reviewers said (null clears it). */
  async adjudicate(pairId: string, verdict: Verdict | null, opts: VerdictOptions = {}): Promise<void> {
    await this.judge('adjudication', pairId, verdict, opts);
  }

  /**
   * Flags a sentence as mine, keeping its text and offsets so the flag follows it. A target with
   * `sentence: null` is today's pair flag: my verdict "mismatched" with that reason and note.
   */
  async flag(target: FlagTarget, reason: FlagReason, note: string): Promise<void> {
    if (target.sentence === null) return this.verdict(target.pairId, 'mismatched', { reason, note });
    const { pair, sentence } = await this.sentenceOf(target);
    // My flag on this sentence made when its text differed (the report was edited) is replaced, not doubled.
    const mine = this.myFlagsOn(pair, target.sentence).filter((f) => f.sentenceText !== sentence.text);
    for (const old of mine) await this.store.record(unflagChange(old, this.saved.model.id));
    await this.store.record({
      kind: 'flag',
      pair: pair.id,
      reviewer: this.who,
      sentence: target.sentence,
      sentenceText: sentence.text,
      start: sentence.start,
      end: sentence.end,
      reason,
      note,
      model: this.saved.model.id,
    });
    this.setEntries(this.store.current());
  }

  /** Removes my flags on the sentence; `sentence: null` clears my verdict on the pair. */
  async unflag(target: FlagTarget): Promise<void> {
    if (target.sentence === null) return this.verdict(target.pairId, null);
    const { pair } = await this.sentenceOf(target);
    const mine = this.myFlagsOn(pair, target.sentence);
    if (!mine.length) return;
    for (const f of mine) await this.store.record(unflagChange(f, this.saved.model.id));
    this.setEntries(this.store.current());
  }

  /** Removes one flag of mine as stored, e.g. an orphaned one (its sentence is gone from the report). */
  async removeFlag(flag: FlagEntry): Promise<void> {
    if (flag.reviewer !== this.who)
      throw new Error(
        l10n.t(
          "the flag on pair {0} is {1}'s; only they can remove it (you review as {2})",
          flag.pair,
          flag.reviewer,
          this.who,
        ),
      );
    await this.store.record(unflagChange(flag, this.saved.model.id));
    this.setEntries(this.store.current());
  }

  dispose(): void {
    this.resultsChanged.dispose();
    this.reviewChanged.dispose();
    this.selectionChanged.dispose();
  }

  private async judge(
    kind: 'verdict' | 'adjudication',
    pairId: string,
    verdict: Verdict | null,
    opts: VerdictOptions,
  ): Promise<void> {
    if (!this.has(pairId)) throw new Error(messages.noPairWithId(pairId, this.folder));
    if (verdict !== 'mismatched' && opts.reason != null)
      throw new Error(
        verdict === null
          ? l10n.t('a reason is given with a mismatched verdict only (got a cleared verdict for pair {0})', pairId)
          : l10n.t('a reason is given with a mismatched verdict only (got {0} for pair {1})', verdict, pairId),
      );
    if (verdict !== 'mismatched' && opts.useReportOf !== undefined)
      throw new Error(l10n.t("'useReportOf' goes with a mismatched verdict only (pair {0})", pairId));
    if (opts.useReportOf !== undefined && (opts.useReportOf === pairId || !this.has(opts.useReportOf))) {
      throw new Error(
        l10n.t(
          "'useReportOf' must name another pair of these results (got {0} for pair {1})",
          JSON.stringify(opts.useReportOf),
          pairId,
        ),
      );
    }
    if (verdict === null) {
      const current = this.store.find(
        kind === 'verdict' ? { kind, pair: pairId, reviewer: this.who } : { kind, pair: pairId },
      );
      if (!current || !isLive(current)) return; // nothing to clear
    }
    await this.store.record({
      kind,
      pair: pairId,
      reviewer: this.who,
      verdict,
      reason: verdict === 'mismatched' ? (opts.reason ?? null) : null,
      note: verdict === null ? '' : (opts.note ?? '').trim(),
      model: this.saved.model.id,
      ...(opts.useReportOf !== undefined ? { useReportOf: opts.useReportOf } : {}),
    } as ReviewChange);
    this.setEntries(this.store.current());
  }

  private async sentenceOf(
    target: FlagTarget,
  ): Promise<{ pair: PairResult; sentence: PairResult['sentences'][number] }> {
    if (!this.has(target.pairId)) throw new Error(messages.noPairWithId(target.pairId, this.folder));
    const pair = await this.pairDetails(target.pairId);
    const sentence = pair?.sentences[target.sentence!];
    if (!pair || !sentence) throw new Error(messages.pairHasNoSentence(target.pairId, target.sentence!));
    return { pair, sentence };
  }

  private myFlagsOn(pair: PairResult, sentence: number): FlagEntry[] {
    return this.anchoredFlags(pair)
      .anchored.filter((a) => a.sentence === sentence && a.flag.reviewer === this.who)
      .map((a) => a.flag);
  }

  private setEntries(entries: ReviewEntry[]): void {
    this.entryList = entries;
    this.index = new ReviewIndex(entries);
    this.summary = undefined;
    this.reviewChanged.fire(this.index);
  }

  private setAssignmentQuietly(assignment: Assignment | undefined): void {
    this.assigned = assignment;
    this.share = undefined;
    this.shareIds = undefined;
    this.summary = undefined;
  }

  private shareSet(share: readonly string[]): ReadonlySet<string> {
    if (this.shareIds?.of !== share) this.shareIds = { of: share, set: new Set(share) };
    return this.shareIds.set;
  }

  /** Ranks (in these results) of my share, sorted; undefined when the assignment does not name me. */
  private myShareRanks(): readonly number[] | undefined {
    if (!this.share) {
      const share = this.myShare();
      this.share = { ranks: share && shareRanks(share, this) };
    }
    return this.share.ranks;
  }

  private cacheFor(results: SavedResults): PairCache {
    return new PairCache((id) => results.pair(id));
  }

  private selectedRank(): number | undefined {
    return this.selection ? this.entry(this.selection.pairId)?.rank : undefined;
  }

  private clampCached(pairId: string, sentence: number | null): number | null {
    if (sentence === null) return null;
    const pair = this.cachedDetails(pairId);
    if (!pair) return sentence >= 0 ? sentence : null;
    return sentence >= 0 && sentence < pair.sentences.length ? sentence : null;
  }

  /** Reads the selected pair and drops a sentence it does not have (if the selection is still that). */
  private checkSentence(sel: Selection): void {
    this.pairDetails(sel.pairId).then(
      (pair) => {
        if (this.selection !== sel || sel.sentence === null) return;
        if (!pair || sel.sentence >= pair.sentences.length) this.select(sel.pairId, null);
      },
      () => {}, // a pair that cannot be read: the views that show it say why
    );
  }
}

/** The change that removes a stored flag: the same target (reviewer, text or index), reason null. */
function unflagChange(f: FlagEntry, model: string): ReviewChange {
  return {
    kind: 'flag',
    pair: f.pair,
    reviewer: f.reviewer,
    sentence: f.sentence,
    ...(f.sentenceText !== undefined ? { sentenceText: f.sentenceText } : {}),
    ...(f.start !== undefined ? { start: f.start } : {}),
    ...(f.end !== undefined ? { end: f.end } : {}),
    reason: null,
    note: '',
    model,
  };
}
