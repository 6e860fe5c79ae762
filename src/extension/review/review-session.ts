// The state of reviewing one scored dataset: its saved results (the index in memory: ids, ranks,
// scores, file names; a pair's sentences and heatmaps read on demand through a small cache), which
// pair and sentence are selected, and the reviewer's flags (persisted by the engine's ReviewStore).
// Works on ranks and ids only, so 227,000 pairs cost an index, not 227,000 records in memory.
// Free of `vscode`: the panel, the tree view, commands and decorations all observe this one
// object, so they never disagree about what is selected or flagged.
import type { ModelSummary, PairResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';
import { ReviewStore, type FlagReason, type ReviewEntry } from '../../engine/review';
import type { SavedResults } from '../../engine/store/results-file';
import { Emitter } from './emitter';
import { PairCache } from './pair-cache';

export interface Selection {
  pairId: string;
  /** Selected sentence index, or null when none is. */
  sentence: number | null;
}

export interface FlagTarget {
  pairId: string;
  /** Sentence index, or null for the whole pair. */
  sentence: number | null;
}

export class ReviewSession {
  private saved: SavedResults;
  private rankedIds: readonly string[] | undefined;
  private details: PairCache;
  private selection: Selection | undefined;
  private flagList: ReviewEntry[] = [];
  private flagsByPair = new Map<string, ReviewEntry[]>();

  private readonly resultsChanged = new Emitter<SavedResults>();
  private readonly flagsChanged = new Emitter<ReviewEntry[]>();
  private readonly selectionChanged = new Emitter<Selection | undefined>();
  readonly onDidChangeResults = this.resultsChanged.event;
  readonly onDidChangeFlags = this.flagsChanged.event;
  readonly onDidChangeSelection = this.selectionChanged.event;

  /** Problems found in the review file when it was last read, for the user to see. */
  reviewFileProblems: string[] = [];

  /** `results` stay open while the session uses them; whoever opened them closes them (ResultsStore). */
  constructor(
    readonly folder: string,
    results: SavedResults,
    private readonly store: ReviewStore = new ReviewStore(folder),
  ) {
    this.saved = results;
    this.details = this.cacheFor(results);
  }

  /** Reads the review file; call once after construction and whenever it changes on disk. */
  async loadFlags(): Promise<ReviewEntry[]> {
    const loaded = await this.store.load();
    this.reviewFileProblems = loaded.problems;
    this.setFlags(loaded.entries);
    return this.flagList;
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
    if (pairId !== undefined && !this.has(pairId)) throw new Error(`no pair with id ${pairId} in ${this.folder}`);
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

  /** Moves to the next (or previous) pair in rank order that has no flag yet. */
  moveToUnreviewed(direction: 1 | -1): RankedEntry | undefined {
    const n = this.count;
    const at = this.selectedRank() ?? (direction > 0 ? 0 : n + 1);
    for (let rank = at + direction; rank >= 1 && rank <= n; rank += direction) {
      const entry = this.entry(rank)!;
      if (!this.flagsByPair.has(entry.id)) {
        this.select(entry.id, null);
        return entry;
      }
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

  /** Current flags (unflagged targets left out), sorted by pair then sentence. */
  get flags(): readonly ReviewEntry[] {
    return this.flagList;
  }

  flagsFor(pairId: string): ReviewEntry[] {
    return this.flagsByPair.get(pairId) ?? [];
  }

  /** Ids of the pairs with any flag (pair or sentence), whether or not they are in the results. */
  flaggedPairIds(): IterableIterator<string> {
    return this.flagsByPair.keys();
  }

  /** Pairs of these results with any flag. */
  flaggedPairCount(): number {
    let n = 0;
    for (const id of this.flagsByPair.keys()) if (this.has(id)) n++;
    return n;
  }

  /** Flags a pair or sentence; written to the review file before resolving. */
  async flag(target: FlagTarget, reason: FlagReason, note: string, reviewer: string): Promise<void> {
    await this.write(target, reason, note, reviewer);
  }

  async unflag(target: FlagTarget, reviewer: string): Promise<void> {
    await this.write(target, null, '', reviewer);
  }

  dispose(): void {
    this.resultsChanged.dispose();
    this.flagsChanged.dispose();
    this.selectionChanged.dispose();
  }

  private async write(target: FlagTarget, reason: FlagReason | null, note: string, reviewer: string): Promise<void> {
    if (!this.has(target.pairId)) throw new Error(`no pair with id ${target.pairId} in ${this.folder}`);
    let sentenceText: string | undefined;
    if (target.sentence !== null) {
      const pair = await this.pairDetails(target.pairId);
      sentenceText = pair?.sentences[target.sentence]?.text;
      if (sentenceText === undefined) throw new Error(`pair ${target.pairId} has no sentence ${target.sentence}`);
    }
    await this.store.record({
      pair: target.pairId,
      sentence: target.sentence,
      ...(sentenceText !== undefined ? { sentenceText } : {}),
      reason,
      note,
      reviewer,
      model: this.saved.model.id,
    });
    this.setFlags(this.store.current());
  }

  private setFlags(entries: ReviewEntry[]): void {
    this.flagList = entries;
    const byPair = new Map<string, ReviewEntry[]>();
    for (const f of entries) {
      if (f.reason === null) continue;
      const list = byPair.get(f.pair);
      if (list) list.push(f);
      else byPair.set(f.pair, [f]);
    }
    this.flagsByPair = byPair;
    this.flagsChanged.fire(this.flagList);
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
