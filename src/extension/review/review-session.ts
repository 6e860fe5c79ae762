// The state of reviewing one scored dataset: its results in rank order, which pair and sentence
// are selected, and the reviewer's flags (persisted by the engine's ReviewStore).
// Free of `vscode`: the panel, the tree view, commands and decorations all observe this one
// object, so they never disagree about what is selected or flagged.
import type { PairResult, ScoreResults } from '../../engine/results';
import { ReviewStore, type FlagReason, type ReviewEntry } from '../../engine/review';
import { Emitter } from './emitter';

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
  private byId = new Map<string, PairResult>();
  private ranked: PairResult[] = [];
  private selection: Selection | undefined;
  private flagList: ReviewEntry[] = [];

  private readonly resultsChanged = new Emitter<ScoreResults>();
  private readonly flagsChanged = new Emitter<ReviewEntry[]>();
  private readonly selectionChanged = new Emitter<Selection | undefined>();
  readonly onDidChangeResults = this.resultsChanged.event;
  readonly onDidChangeFlags = this.flagsChanged.event;
  readonly onDidChangeSelection = this.selectionChanged.event;

  /** Problems found in the review file when it was last read, for the user to see. */
  reviewFileProblems: string[] = [];

  constructor(
    readonly folder: string,
    private results: ScoreResults,
    private readonly store: ReviewStore = new ReviewStore(folder),
  ) {
    this.index(results);
  }

  /** Reads the review file; call once after construction and whenever it changes on disk. */
  async loadFlags(): Promise<ReviewEntry[]> {
    const loaded = await this.store.load();
    this.reviewFileProblems = loaded.problems;
    this.flagList = loaded.entries;
    this.flagsChanged.fire(this.flagList);
    return this.flagList;
  }

  get scoreResults(): ScoreResults {
    return this.results;
  }

  /** Pairs, most suspicious first. */
  get pairs(): readonly PairResult[] {
    return this.ranked;
  }

  get reviewFile(): string {
    return this.store.path;
  }

  pair(id: string): PairResult | undefined {
    return this.byId.get(id);
  }

  /** Replaces the results (after rescoring); keeps the selection when its pair still exists. */
  setResults(results: ScoreResults): void {
    this.results = results;
    this.index(results);
    this.resultsChanged.fire(results);
    if (this.selection && !this.byId.has(this.selection.pairId)) this.select(undefined);
  }

  get selected(): Selection | undefined {
    return this.selection;
  }

  select(pairId: string | undefined, sentence: number | null = null): void {
    if (pairId !== undefined && !this.byId.has(pairId)) throw new Error(`no pair with id ${pairId} in ${this.folder}`);
    const next = pairId === undefined ? undefined : { pairId, sentence: this.clampSentence(pairId, sentence) };
    if (next?.pairId === this.selection?.pairId && next?.sentence === this.selection?.sentence) return;
    this.selection = next;
    this.selectionChanged.fire(next);
  }

  /** Moves `delta` places in rank order (1 = the next, less suspicious pair); stops at the ends. Returns the new pair. */
  move(delta: number): PairResult | undefined {
    if (!this.ranked.length) return undefined;
    const at = this.selection ? this.ranked.findIndex((p) => p.id === this.selection!.pairId) : -1;
    const to = at < 0 ? (delta >= 0 ? 0 : this.ranked.length - 1) : Math.min(this.ranked.length - 1, Math.max(0, at + delta));
    this.select(this.ranked[to].id, null);
    return this.ranked[to];
  }

  /** Moves to the next (or previous) pair in rank order that has no flag yet. */
  moveToUnreviewed(direction: 1 | -1): PairResult | undefined {
    const at = this.selection ? this.ranked.findIndex((p) => p.id === this.selection!.pairId) : direction > 0 ? -1 : this.ranked.length;
    for (let i = at + direction; i >= 0 && i < this.ranked.length; i += direction) {
      if (!this.flagsFor(this.ranked[i].id).length) {
        this.select(this.ranked[i].id, null);
        return this.ranked[i];
      }
    }
    return undefined;
  }

  /** Selects the next sentence of the selected pair (wrapping); `delta` -1 goes back. */
  cycleSentence(delta: 1 | -1): void {
    if (!this.selection) return;
    const n = this.byId.get(this.selection.pairId)!.sentences.length;
    if (!n) return;
    const cur = this.selection.sentence;
    const next = cur === null ? (delta > 0 ? 0 : n - 1) : (cur + delta + n) % n;
    this.select(this.selection.pairId, next);
  }

  /** Current flags (unflagged targets left out), sorted by pair then sentence. */
  get flags(): readonly ReviewEntry[] {
    return this.flagList;
  }

  flagsFor(pairId: string): ReviewEntry[] {
    return this.flagList.filter((f) => f.pair === pairId);
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
    const pair = this.byId.get(target.pairId);
    if (!pair) throw new Error(`no pair with id ${target.pairId} in ${this.folder}`);
    const sentenceText = target.sentence === null ? undefined : pair.sentences[target.sentence]?.text;
    if (target.sentence !== null && sentenceText === undefined) throw new Error(`pair ${target.pairId} has no sentence ${target.sentence}`);
    await this.store.record({
      pair: target.pairId,
      sentence: target.sentence,
      ...(sentenceText !== undefined ? { sentenceText } : {}),
      reason,
      note,
      reviewer,
      model: this.results.model.id,
    });
    this.flagList = this.store.current();
    this.flagsChanged.fire(this.flagList);
  }

  private index(results: ScoreResults): void {
    this.ranked = [...results.pairs].sort((a, b) => a.rank - b.rank);
    this.byId = new Map(this.ranked.map((p) => [p.id, p]));
  }

  private clampSentence(pairId: string, sentence: number | null): number | null {
    if (sentence === null) return null;
    const n = this.byId.get(pairId)!.sentences.length;
    return sentence >= 0 && sentence < n ? sentence : null;
  }
}
