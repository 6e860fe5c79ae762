// The "Pairs" view: pairs in rank order with suspicion and review state (each reviewer's verdict
// where they disagree, adjudications marked), their sentences and flags below; a text filter and
// review filters (awaiting my verdict, mismatched, unsure, disagreed, flagged), since TreeView has no
// filter box of its own; the view's description shows the review's progress. A dataset may
// hold 227,000 pairs: the view lists the top of the ranking a page at a time ("Show 200 more…"),
// rows come from the results' index, and a pair's record is read only when its sentences are
// expanded or its tooltip is shown.
import * as vscode from 'vscode';
import { l10n } from '../l10n';
import { disposeAll, followSession } from '../lifecycle';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import {
  filterMessage,
  isFiltering,
  matchCount,
  matchingRanks,
  matchPosition,
  NO_FILTER,
  PAGE_SIZE,
  pairRow,
  pairRows,
  sentenceRows,
  showMoreLabel,
  type Matches,
  type PairFilter,
  type PairRow,
} from './pair-rows';
import { formatCount, progressText } from './status-text';

/** A pair or sentence element; also the argument tree menus pass to commands such as radalign.flagPair. */
export interface PairNode {
  pairId: string;
  /** null for the pair itself. */
  sentence: number | null;
}

/** The row after the last pair shown, when more match. */
export interface ShowMoreNode {
  showMore: true;
}

export type PairsTreeNode = PairNode | ShowMoreNode;

export const PAIRS_VIEW_ID = 'radalign.pairs';
/** Run by the "Show more" row (not in the command palette). */
export const SHOW_MORE_COMMAND = 'radalign.showMorePairs';

const SHOW_MORE: ShowMoreNode = { showMore: true };

function isShowMore(node: PairsTreeNode): node is ShowMoreNode {
  return 'showMore' in node;
}

export class PairsTreeProvider implements vscode.TreeDataProvider<PairsTreeNode>, vscode.Disposable {
  private filterState: PairFilter = NO_FILTER;
  /** Matching pairs shown: grows a page at a time; back to one page when the filter or results change. */
  private limit = PAGE_SIZE;
  private nodes = new Map<string, PairNode>();
  private rowsById = new Map<string, PairRow>();
  /** The matches of the current filter, kept until the session, its results, its review (or reviewer, or assignment) or the filter change. */
  private matchCache:
    | {
        session: ReviewSession;
        results: unknown;
        review: unknown;
        reviewer: string;
        assignment: unknown;
        filter: PairFilter;
        matches: Matches;
      }
    | undefined;
  /** What the page limit and the nodes belong to. */
  private pagedFor: { session: ReviewSession | undefined; results: unknown } = {
    session: undefined,
    results: undefined,
  };
  private readonly changed = new vscode.EventEmitter<PairsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly filterChanged = new vscode.EventEmitter<PairFilter>();
  readonly onDidChangeFilter = this.filterChanged.event;

  constructor(private readonly sessions: SessionManager) {}

  get filter(): PairFilter {
    return this.filterState;
  }

  set filter(filter: PairFilter) {
    this.filterState = filter;
    this.limit = PAGE_SIZE;
    this.filterChanged.fire(filter);
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Shows another page of matching pairs; returns the ids now shown. */
  showMore(): string[] {
    this.limit += PAGE_SIZE;
    this.refresh();
    return this.visibleRows().map((r) => r.entry.id);
  }

  /** The pair rows shown now, filter applied, most suspicious first (one page, or more after "Show more"). */
  visibleRows(): PairRow[] {
    const session = this.currentSession();
    if (!session) return [];
    return pairRows(session, session, this.matches(session), this.limit);
  }

  /** Pairs that pass the filter (shown or not). */
  matchingCount(): number {
    const session = this.currentSession();
    return session ? matchCount(this.matches(session), session) : 0;
  }

  message(): string | undefined {
    const total = this.currentSession()?.count ?? 0;
    return filterMessage(this.filterState, this.matchingCount(), total);
  }

  getChildren(element?: PairsTreeNode): PairsTreeNode[] | Promise<PairsTreeNode[]> {
    const session = this.currentSession();
    if (!session || (element && isShowMore(element))) return [];
    if (!element) {
      const rows = this.visibleRows();
      this.rowsById = new Map(rows.map((r) => [r.entry.id, r]));
      const nodes: PairsTreeNode[] = rows.map((r) => this.node(r.entry.id, null));
      return rows.length < this.matchingCount() ? [...nodes, SHOW_MORE] : nodes;
    }
    if (element.sentence !== null) return [];
    return session.pairDetails(element.pairId).then(
      (pair) => (pair ? pair.sentences.map((_, i) => this.node(pair.id, i)) : []),
      () => [], // unreadable: the panel says why when the pair is opened
    );
  }

  getParent(element: PairsTreeNode): PairsTreeNode | undefined {
    return isShowMore(element) || element.sentence === null ? undefined : this.node(element.pairId, null);
  }

  getTreeItem(element: PairsTreeNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    if (isShowMore(element)) return this.showMoreItem();
    const session = this.currentSession();
    const entry = session?.entry(element.pairId);
    if (!session || !entry) return new vscode.TreeItem(element.pairId);
    return element.sentence === null ? this.pairItem(session, element) : this.sentenceItem(session, element);
  }

  /** A pair's tooltip is filled in when it is hovered: with its record, read then. */
  async resolveTreeItem(item: vscode.TreeItem, element: PairsTreeNode): Promise<vscode.TreeItem> {
    const session = this.currentSession();
    if (isShowMore(element) || element.sentence !== null || !session || item.tooltip !== undefined) return item;
    const entry = session.entry(element.pairId);
    if (!entry) return item;
    const details = await session.pairDetails(entry.id).catch(() => undefined);
    const row = pairRow(entry, session.review.get(entry.id), details);
    const orphaned = details ? session.anchoredFlags(details).orphaned : [];
    item.tooltip = [
      row.tooltip,
      ...orphaned.map(
        (f) =>
          `⚑ ${l10n.t('orphaned (its sentence is no longer in the report): “{0}” — {1} ({2})', f.sentenceText ?? '', String(f.reason), f.reviewer)}`,
      ),
    ].join('\n');
    return item;
  }

  /** The stable element for a target (reveal() needs the same object the tree was given). */
  node(pairId: string, sentence: number | null): PairNode {
    this.currentSession(); // forget nodes of replaced results
    const key = `${pairId}\u0000${sentence ?? 'pair'}`;
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = { pairId, sentence }));
    return n;
  }

  isShown(pairId: string): boolean {
    const session = this.currentSession();
    const rank = session?.entry(pairId)?.rank;
    if (!session || rank === undefined) return false;
    const at = matchPosition(this.matches(session), rank, session);
    return at >= 0 && at < this.limit;
  }

  /**
   * Makes the pair's row shown when it is on the next page (moving down the ranking one pair at a
   * time extends the list); returns whether it is shown. A pair further down is not: the list
   * would grow by thousands of rows.
   */
  showIfNear(pairId: string): boolean {
    const session = this.currentSession();
    const rank = session?.entry(pairId)?.rank;
    if (!session || rank === undefined) return false;
    const at = matchPosition(this.matches(session), rank, session);
    if (at < 0 || at >= this.limit + PAGE_SIZE) return false;
    if (at >= this.limit) {
      this.limit += PAGE_SIZE;
      this.refresh();
    }
    return true;
  }

  dispose(): void {
    this.changed.dispose();
    this.filterChanged.dispose();
  }

  /** The session, after resetting the page and nodes if its results were replaced. */
  private currentSession(): ReviewSession | undefined {
    const session = this.sessions.current;
    if (this.pagedFor.session !== session || this.pagedFor.results !== session?.results) {
      this.pagedFor = { session, results: session?.results };
      this.limit = PAGE_SIZE;
      this.nodes = new Map();
      this.rowsById = new Map();
    }
    return session;
  }

  private matches(session: ReviewSession): Matches {
    const c = this.matchCache;
    const key = {
      session,
      results: session.results,
      review: session.review,
      reviewer: session.reviewer,
      assignment: session.assignment,
      filter: this.filterState,
    };
    if (c && (Object.keys(key) as (keyof typeof key)[]).every((k) => c[k] === key[k])) return c.matches;
    const matches = matchingRanks(session, session, this.filterState);
    this.matchCache = { ...key, matches };
    return matches;
  }

  private pairItem(session: ReviewSession, element: PairNode): vscode.TreeItem {
    const cached = this.rowsById.get(element.pairId);
    const row =
      cached && cached.review === session.review.get(element.pairId)
        ? cached
        : pairRow(session.entry(element.pairId)!, session.review.get(element.pairId));
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `pair:${element.pairId}`;
    item.description = row.description;
    // tooltip: left for resolveTreeItem, which reads the pair (only the hovered one)
    item.iconPath = outcomeIcon(row);
    item.contextValue = pairContext(row);
    item.command = { command: 'radalign.openPair', title: l10n.t('Open in review'), arguments: [element] };
    return item;
  }

  private async sentenceItem(session: ReviewSession, element: PairNode): Promise<vscode.TreeItem> {
    const pair = await session.pairDetails(element.pairId).catch(() => undefined);
    const row = pair && sentenceRows(pair, session.anchoredFlags(pair))[element.sentence!];
    if (!row) return new vscode.TreeItem(l10n.t('sentence {0}', element.sentence! + 1));
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `sentence:${element.pairId}:${element.sentence}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = row.flags.length
      ? new vscode.ThemeIcon('flag', new vscode.ThemeColor('list.warningForeground'))
      : undefined;
    item.contextValue = row.flags.some((f) => f.reviewer === session.reviewer)
      ? 'radalign.sentence.flagged'
      : 'radalign.sentence';
    item.command = { command: 'radalign.openPair', title: l10n.t('Open in review'), arguments: [element] };
    return item;
  }

  private showMoreItem(): vscode.TreeItem {
    const shown = Math.min(this.limit, this.matchingCount());
    const item = new vscode.TreeItem(showMoreLabel(shown, this.matchingCount()), vscode.TreeItemCollapsibleState.None);
    item.id = 'show-more';
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'radalign.showMore';
    item.command = { command: SHOW_MORE_COMMAND, title: l10n.t('Show more pairs') };
    return item;
  }
}

/** The registered view and what keeps it in step; disposing it disposes both. */
export interface PairsView extends vscode.Disposable {
  readonly view: vscode.TreeView<PairsTreeNode>;
}

/** Creates the view and keeps it, its message and its context keys in step with the session. */
export function createPairsView(sessions: SessionManager, provider: PairsTreeProvider): PairsView {
  const view = vscode.window.createTreeView<PairsTreeNode>(PAIRS_VIEW_ID, {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  const update = () => {
    const session = sessions.current;
    view.message = provider.message();
    view.description = session ? viewDescription(session) : undefined;
    void vscode.commands.executeCommand('setContext', 'radalign.hasResults', !!session?.count);
    void vscode.commands.executeCommand('setContext', 'radalign.pairs.filtered', isFiltering(provider.filter));
    void vscode.commands.executeCommand('setContext', 'radalign.pairs.flaggedOnly', provider.filter.show === 'flagged');
    void vscode.commands.executeCommand('setContext', 'radalign.pairs.show', provider.filter.show);
    provider.refresh();
  };
  // Follow a selection made elsewhere (panel, navigation commands, code lens) when the view is open.
  const reveal = () => {
    const sel = sessions.current?.selected;
    if (!view.visible || !sel || !provider.showIfNear(sel.pairId)) return;
    view.reveal(provider.node(sel.pairId, sel.sentence), { select: true, focus: false }).then(undefined, () => {});
  };

  const subscriptions = vscode.Disposable.from(
    view,
    followSession(sessions, (session) => {
      update();
      return (
        session &&
        disposeAll(
          session.onDidChangeResults(update),
          session.onDidChangeReview(update),
          session.onDidChangeSelection(reveal),
        )
      );
    }),
    provider.onDidChangeFilter(update),
  );
  return { view, dispose: () => subscriptions.dispose() };
}

/** "3,000 pairs" until the review starts (a verdict, or an assignment), then its progress: "12 / 40 reviewed · mine 5 / 14". */
function viewDescription(session: ReviewSession): string {
  const progress = session.progress();
  return progress.reviewed || session.assignment
    ? progressText(progress, session.reviewer)
    : l10n.t('{0} pairs', formatCount(session.count));
}

/** The pair's icon by its standing: aligned, mismatched, unsure, disagreed, adjudicated; flagged sentences; nothing yet. */
function outcomeIcon(row: PairRow): vscode.ThemeIcon {
  const icon = (id: string, color?: string) =>
    new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
  if (row.adjudicated) return icon('law', row.outcome === 'mismatched' ? 'list.errorForeground' : undefined);
  switch (row.outcome) {
    case 'aligned':
      return icon('pass', 'testing.iconPassed');
    case 'mismatched':
      return icon('flag', 'list.errorForeground');
    case 'unsure':
      return icon('question', 'list.warningForeground');
    case 'disagreed':
      return icon('git-compare', 'list.warningForeground');
    default:
      return row.flags.length ? icon('flag', 'list.warningForeground') : icon('circle-outline');
  }
}

/** `radalign.pair[.reviewed][.disagreed]`: what the row's context menu offers (package.json menus). */
function pairContext(row: PairRow): string {
  return [
    'radalign.pair',
    row.review?.verdicts.length || row.adjudicated ? '.reviewed' : '',
    row.disagreed ? '.disagreed' : '',
  ].join('');
}
