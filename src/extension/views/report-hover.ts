// Hover on a sentence of an open report: its score and where it stands in the dataset, section,
// negation/context notes, a heatmap thumbnail, its flag, and links to show or flag it. The
// markdown itself is built (and escaped) in hover-markdown.ts.
import * as vscode from 'vscode';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { HOVER_COMMANDS, sentenceHoverMarkdown } from './hover-markdown';
import { sentenceAt } from './report-match';
import { reportDocument } from './review-target';
import { SentenceGrades } from './sentence-grades';

export class ReportHoverProvider implements vscode.HoverProvider {
  private cached: { results: unknown; grades: SentenceGrades } | undefined;

  constructor(private readonly sessions: SessionManager) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.sessions.current;
    const found = reportDocument(session, document);
    if (!session || !found) return undefined;
    const at = sentenceAt(found.layout, document.offsetAt(position));
    if (!at) return undefined;
    const range = new vscode.Range(document.positionAt(at.start), document.positionAt(at.end));
    const flag = session.flagsFor(found.pair.id).find((f) => f.sentence === at.index);
    const text = sentenceHoverMarkdown({ pair: found.pair, index: at.index, below: this.grades(session).percentile(at.sentence.score), flag });
    const md = new vscode.MarkdownString(text, true);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    return new vscode.Hover(md, range);
  }

  private grades(session: ReviewSession): SentenceGrades {
    if (this.cached?.results !== session.scoreResults) this.cached = { results: session.scoreResults, grades: new SentenceGrades(session.pairs) };
    return this.cached.grades;
  }
}
