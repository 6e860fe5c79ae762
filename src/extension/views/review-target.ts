// Which pair (and sentence) a command acts on, and opening the review panel on it.
import * as vscode from 'vscode';
import type { PairResult, ScoreResults } from '../../engine/results';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { escapeIcons } from './markdown-text';
import { layoutReport, ReportIndex, sentenceAt, type ReportLayout } from './report-match';

const indexes = new WeakMap<ScoreResults, ReportIndex>();

/** The report-file index of the session's current results (rebuilt when results are replaced). */
export function reportIndex(session: ReviewSession): ReportIndex {
  let index = indexes.get(session.scoreResults);
  if (!index) {
    index = new ReportIndex(session.folder, session.pairs);
    indexes.set(session.scoreResults, index);
  }
  return index;
}

export interface ReportDocument {
  pair: PairResult;
  layout: ReportLayout;
}

/** The scored pair whose report `document` is, with its sentence ranges in the text as it is now. */
export function reportDocument(session: ReviewSession | undefined, document: vscode.TextDocument): ReportDocument | undefined {
  if (!session || document.uri.scheme !== 'file') return undefined;
  const pair = reportIndex(session).pairFor(document.uri.fsPath);
  return pair ? { pair, layout: layoutReport(pair, document.getText()) } : undefined;
}

/** The report editor in front, when it shows a scored pair: the pair and the sentence at the cursor. */
export function activeReport(session: ReviewSession): { pair: PairResult; sentence: number | null } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const found = reportDocument(session, editor.document);
  if (!found) return undefined;
  const at = sentenceAt(found.layout, editor.document.offsetAt(editor.selection.active));
  return { pair: found.pair, sentence: at?.index ?? null };
}

/**
 * The pair a command acts on: the report in the active editor (the user is looking at it), else
 * the session's selection (e.g. from the panel, which leaves no active text editor), else asked.
 */
export async function currentPair(session: ReviewSession, placeHolder: string): Promise<PairResult | undefined> {
  const inEditor = activeReport(session);
  if (inEditor) return inEditor.pair;
  const selected = session.selected ? session.pair(session.selected.pairId) : undefined;
  return selected ?? pickPair(session, placeHolder);
}

export async function pickPair(session: ReviewSession, placeHolder: string): Promise<PairResult | undefined> {
  const items = session.pairs.map((pair) => ({
    // Quick pick labels render `$(icon)`: dataset text is escaped.
    label: `#${pair.rank} ${escapeIcons(pair.id)}`,
    description: `suspicion ${pair.suspicion.toFixed(2)}${session.flagsFor(pair.id).length ? ' · ⚑ flagged' : ''}`,
    detail: escapeIcons(pair.reportText.replace(/\s+/g, ' ').trim().slice(0, 120)),
    pair,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.pair;
}

/** The session, or a message with a "Score pairs" button when nothing is scored yet. */
export function sessionOrExplain(sessions: SessionManager): ReviewSession | undefined {
  if (sessions.current) return sessions.current;
  void vscode.window.showInformationMessage('radalign: nothing scored yet.', 'Score pairs').then((picked) => {
    if (picked) void vscode.commands.executeCommand('radalign.scorePairs');
  });
  return undefined;
}

/** Opens (or reveals) the review panel; it follows the session's selection by itself. */
export async function openReview(log: vscode.LogOutputChannel): Promise<void> {
  try {
    await vscode.commands.executeCommand('radalign.openReview');
  } catch (e) {
    log.warn(`could not open the review panel: ${(e as Error).message}`);
  }
}
