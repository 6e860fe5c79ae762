// The "Pairs" view: pairs in rank order with suspicion and flag state, their sentences below;
// a text filter and a "flagged only" toggle (TreeView has no filter box of its own).
import * as vscode from 'vscode';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { filterMessage, isFiltering, NO_FILTER, pairRows, sentenceRows, type PairFilter, type PairRow } from './pair-rows';

/** A tree element; also the argument tree menus pass to commands such as radalign.flagPair. */
export interface PairNode {
  pairId: string;
  /** null for the pair itself. */
  sentence: number | null;
}

export const PAIRS_VIEW_ID = 'radalign.pairs';

export class PairsTreeProvider implements vscode.TreeDataProvider<PairNode>, vscode.Disposable {
  private filterState: PairFilter = NO_FILTER;
  private readonly nodes = new Map<string, PairNode>();
  private rowsById = new Map<string, PairRow>();
  private readonly changed = new vscode.EventEmitter<PairNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly filterChanged = new vscode.EventEmitter<PairFilter>();
  readonly onDidChangeFilter = this.filterChanged.event;

  constructor(private readonly sessions: SessionManager) {}

  get filter(): PairFilter {
    return this.filterState;
  }

  set filter(filter: PairFilter) {
    this.filterState = filter;
    this.filterChanged.fire(filter);
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The pair rows shown now, filter applied, most suspicious first. */
  visibleRows(): PairRow[] {
    const session = this.sessions.current;
    if (!session) return [];
    return pairRows(session.pairs, session.flags, this.filterState);
  }

  message(): string | undefined {
    const total = this.sessions.current?.pairs.length ?? 0;
    return filterMessage(this.filterState, this.visibleRows().length, total);
  }

  getChildren(element?: PairNode): PairNode[] {
    const session = this.sessions.current;
    if (!session) return [];
    if (!element) {
      const rows = this.visibleRows();
      this.rowsById = new Map(rows.map((r) => [r.pair.id, r]));
      return rows.map((r) => this.node(r.pair.id, null));
    }
    if (element.sentence !== null) return [];
    const pair = session.pair(element.pairId);
    return pair ? pair.sentences.map((_, i) => this.node(pair.id, i)) : [];
  }

  getParent(element: PairNode): PairNode | undefined {
    return element.sentence === null ? undefined : this.node(element.pairId, null);
  }

  getTreeItem(element: PairNode): vscode.TreeItem {
    const session = this.sessions.current;
    const pair = session?.pair(element.pairId);
    if (!session || !pair) return new vscode.TreeItem(element.pairId);
    return element.sentence === null ? this.pairItem(session, element) : this.sentenceItem(session, element);
  }

  /** The stable element for a target (reveal() needs the same object the tree was given). */
  node(pairId: string, sentence: number | null): PairNode {
    const key = `${pairId}\u0000${sentence ?? 'pair'}`;
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = { pairId, sentence }));
    return n;
  }

  isShown(pairId: string): boolean {
    return this.visibleRows().some((r) => r.pair.id === pairId);
  }

  dispose(): void {
    this.changed.dispose();
    this.filterChanged.dispose();
  }

  private pairItem(session: ReviewSession, element: PairNode): vscode.TreeItem {
    const row = this.rowsById.get(element.pairId) ?? pairRows([session.pair(element.pairId)!], session.flags, NO_FILTER)[0];
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `pair:${element.pairId}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = row.flags.length ? new vscode.ThemeIcon('flag', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('circle-outline');
    item.contextValue = row.pairFlag ? 'radalign.pair.flagged' : 'radalign.pair';
    item.command = { command: 'radalign.openPair', title: 'Open in review', arguments: [element] };
    return item;
  }

  private sentenceItem(session: ReviewSession, element: PairNode): vscode.TreeItem {
    const pair = session.pair(element.pairId)!;
    const row = sentenceRows(pair, session.flags)[element.sentence!];
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `sentence:${element.pairId}:${element.sentence}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = row.flag ? new vscode.ThemeIcon('flag', new vscode.ThemeColor('list.warningForeground')) : undefined;
    item.contextValue = row.flag ? 'radalign.sentence.flagged' : 'radalign.sentence';
    item.command = { command: 'radalign.openPair', title: 'Open in review', arguments: [element] };
    return item;
  }
}

/** Creates the view and keeps it, its message and its context keys in step with the session. */
export function createPairsView(sessions: SessionManager, provider: PairsTreeProvider): vscode.Disposable {
  const view = vscode.window.createTreeView(PAIRS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const update = () => {
    const session = sessions.current;
    view.message = provider.message();
    view.description = session ? `${session.pairs.length} pairs` : undefined;
    void vscode.commands.executeCommand('setContext', 'radalign.hasResults', !!session?.pairs.length);
    void vscode.commands.executeCommand('setContext', 'radalign.pairs.filtered', isFiltering(provider.filter));
    void vscode.commands.executeCommand('setContext', 'radalign.pairs.flaggedOnly', provider.filter.flaggedOnly);
    provider.refresh();
  };
  // Follow a selection made elsewhere (panel, navigation commands, code lens) when the view is open.
  const reveal = () => {
    const sel = sessions.current?.selected;
    if (!view.visible || !sel || !provider.isShown(sel.pairId)) return;
    view.reveal(provider.node(sel.pairId, sel.sentence), { select: true, focus: false }).then(undefined, () => {});
  };

  let sessionEvents: vscode.Disposable | undefined;
  const follow = (session: ReviewSession | undefined) => {
    sessionEvents?.dispose();
    sessionEvents = session
      ? vscode.Disposable.from(session.onDidChangeResults(update), session.onDidChangeFlags(update), session.onDidChangeSelection(reveal))
      : undefined;
    update();
  };
  follow(sessions.current);

  return vscode.Disposable.from(view, sessions.onDidChangeSession(follow), provider.onDidChangeFilter(update), { dispose: () => sessionEvents?.dispose() });
}
