// Code lenses at the top of an open report of a scored pair: its rank, suspicion and standing
// (my verdict, or what the reviewers said), "Open review", "Flag pair…" (my verdict mismatched),
// Aligned / Unsure, and the flags whose sentence is no longer in the report (orphaned: listed here,
// never drawn on another sentence); or, when the file changed since scoring, an offer to rescore.
// Reads the report's pair only.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FLAG_REASON_LABELS } from '../../engine/review/types';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { escapeIcons } from './markdown-text';
import { reviewText } from './pair-rows';
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
    const review = session.review.get(pair.id);
    const mine = session.review.verdictOf(pair.id, session.reviewer);
    const standing = reviewText(review);
    const node = { pairId: pair.id, sentence: null };
    const target = [{ pairId: pair.id }];
    const lenses = [
      new vscode.CodeLens(top, {
        title: `radalign: rank ${formatCount(pair.rank)} of ${formatCount(session.count)} · suspicion ${pair.suspicion.toFixed(2)}${standing ? ` · ${escapeIcons(standing)}` : ''}`,
        tooltip: `score ${pair.score.toFixed(4)}; hover a sentence for its score`,
        command: 'radalign.openPair',
        arguments: [node],
      }),
      new vscode.CodeLens(top, { title: 'Open review', command: 'radalign.openPair', arguments: [node] }),
      new vscode.CodeLens(top, {
        title: mine?.verdict === 'mismatched' ? 'Change flag…' : 'Flag pair…',
        command: 'radalign.flagPair',
        arguments: target,
      }),
    ];
    if (mine?.verdict !== 'aligned')
      lenses.push(
        new vscode.CodeLens(top, {
          title: 'Aligned',
          tooltip: `Mark aligned (as ${session.reviewer})`,
          command: 'radalign.markAligned',
          arguments: target,
        }),
      );
    if (mine?.verdict !== 'unsure')
      lenses.push(
        new vscode.CodeLens(top, {
          title: 'Unsure',
          tooltip: `Mark unsure (as ${session.reviewer})`,
          command: 'radalign.markUnsure',
          arguments: target,
        }),
      );
    const { orphaned } = session.anchoredFlags(pair);
    if (orphaned.length) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: `⚑ ${orphaned.length} flag${orphaned.length === 1 ? '' : 's'} on sentences no longer in the report`,
          tooltip: orphaned
            .map(
              (f) =>
                `“${f.sentenceText ?? `sentence ${f.sentence + 1}`}”: ${f.reason ? FLAG_REASON_LABELS[f.reason] : ''}${f.note ? ` — ${f.note}` : ''} (${f.reviewer})`,
            )
            .join('\n'),
          command: 'radalign.openPair',
          arguments: [node],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.sessionEvents?.dispose();
    this.subscription.dispose();
    this.changed.dispose();
  }

  private follow(session: ReviewSession | undefined): void {
    this.sessionEvents?.dispose();
    const fire = () => this.changed.fire();
    this.sessionEvents = session
      ? vscode.Disposable.from(session.onDidChangeResults(fire), session.onDidChangeReview(fire))
      : undefined;
    fire();
  }
}
