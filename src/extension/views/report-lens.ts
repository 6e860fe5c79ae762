// Code lenses at the top of an open report of a scored pair: its rank, suspicion and standing
// (my verdict, or what the reviewers said), "Open review", "Flag pair…" (my verdict mismatched),
// Aligned / Unsure, and the flags whose sentence is no longer in the report (orphaned: listed here,
// never drawn on another sentence); or, when the file changed since scoring, an offer to rescore.
// Reads the report's pair only.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { l10n } from '../l10n';
import { disposeAll, followSession, type Disposable } from '../lifecycle';
import type { SessionManager } from '../review/session-manager';
import { escapeIcons } from './markdown-text';
import { reviewText } from './pair-rows';
import { formatCount } from './status-text';
import { reportDocument } from './review-target';
import { reasonLabel } from '../review-labels';

export class ReportLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly following: Disposable;

  constructor(private readonly sessions: SessionManager) {
    const fire = () => this.changed.fire();
    this.following = followSession(sessions, (session) => {
      fire();
      return session && disposeAll(session.onDidChangeResults(fire), session.onDidChangeReview(fire));
    });
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
          title: l10n.t(
            'radalign: report changed since scoring — rescore {0}',
            escapeIcons(path.basename(session.folder)),
          ),
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
        title: `${l10n.t(
          'radalign: rank {0} of {1} · suspicion {2}',
          formatCount(pair.rank),
          formatCount(session.count),
          pair.suspicion.toFixed(2),
        )}${standing ? ` · ${escapeIcons(standing)}` : ''}`,
        tooltip: l10n.t('score {0}; hover a sentence for its score', pair.cosine.toFixed(4)),
        command: 'radalign.openPair',
        arguments: [node],
      }),
      new vscode.CodeLens(top, { title: l10n.t('Open review'), command: 'radalign.openPair', arguments: [node] }),
      new vscode.CodeLens(top, {
        title: mine?.verdict === 'mismatched' ? l10n.t('Change flag…') : l10n.t('Flag pair…'),
        command: 'radalign.flagPair',
        arguments: target,
      }),
    ];
    const quick = [
      {
        verdict: 'aligned',
        title: l10n.t('Aligned'),
        tooltip: l10n.t('Mark aligned (as {0})', session.reviewer),
        command: 'radalign.markAligned',
      },
      {
        verdict: 'unsure',
        title: l10n.t('Unsure'),
        tooltip: l10n.t('Mark unsure (as {0})', session.reviewer),
        command: 'radalign.markUnsure',
      },
    ] as const;
    for (const q of quick) {
      if (mine?.verdict !== q.verdict)
        lenses.push(
          new vscode.CodeLens(top, { title: q.title, tooltip: q.tooltip, command: q.command, arguments: target }),
        );
    }
    const { orphaned } = session.anchoredFlags(pair);
    if (orphaned.length) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: `⚑ ${
            orphaned.length === 1
              ? l10n.t('1 flag on sentences no longer in the report')
              : l10n.t('{0} flags on sentences no longer in the report', orphaned.length)
          }`,
          tooltip: orphaned
            .map(
              (f) =>
                `“${f.sentenceText ?? l10n.t('sentence {0}', f.sentence + 1)}”: ${f.reason ? reasonLabel(f.reason) : ''}${f.note ? ` — ${f.note}` : ''} (${f.reviewer})`,
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
    this.following.dispose();
    this.changed.dispose();
  }
}
