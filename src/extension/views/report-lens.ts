// Code lenses at the top of an open report of a scored pair: its rank and suspicion, "Open
// review", "Flag pair…"; or, when the file changed since scoring, an offer to rescore. Reads the
// report's pair only.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FLAG_REASON_LABELS } from '../../engine/review';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { escapeIcons } from './markdown-text';
import { formatCount } from './status-text';
import { reportDocument } from './review-target';

export class ReportLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private sessionEvents: vscode.Disposable | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly sessions: SessionManager) {
    this.subscription = sessions.onDidChangeSession((s) => this.follow(s));
    this.follow(sessions.current);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const session = this.sessions.current;
    const found = await reportDocument(session, document).catch(() => undefined);
    if (!session || !found) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const { pair, layout } = found;
    if (layout.status === 'changed') {
      return [
        new vscode.CodeLens(top, {
          title: `radalign: report changed since scoring — rescore ${escapeIcons(path.basename(session.folder))}`,
          command: 'radalign.scorePairs',
          arguments: [vscode.Uri.file(session.folder)],
        }),
      ];
    }
    const flag = session.flagsFor(pair.id).find((f) => f.sentence === null);
    const node = { pairId: pair.id, sentence: null };
    return [
      new vscode.CodeLens(top, {
        title: `radalign: rank ${formatCount(pair.rank)} of ${formatCount(session.count)} · suspicion ${pair.suspicion.toFixed(2)}${flag ? ` · ⚑ ${FLAG_REASON_LABELS[flag.reason!]}` : ''}`,
        tooltip: `score ${pair.score.toFixed(4)}; hover a sentence for its score`,
        command: 'radalign.openPair',
        arguments: [node],
      }),
      new vscode.CodeLens(top, { title: 'Open review', command: 'radalign.openPair', arguments: [node] }),
      new vscode.CodeLens(top, { title: flag ? 'Change flag…' : 'Flag pair…', command: 'radalign.flagPair', arguments: [{ pairId: pair.id }] }),
    ];
  }

  dispose(): void {
    this.sessionEvents?.dispose();
    this.subscription.dispose();
    this.changed.dispose();
  }

  private follow(session: ReviewSession | undefined): void {
    this.sessionEvents?.dispose();
    const fire = () => this.changed.fire();
    this.sessionEvents = session ? vscode.Disposable.from(session.onDidChangeResults(fire), session.onDidChangeFlags(fire)) : undefined;
    fire();
  }
}
