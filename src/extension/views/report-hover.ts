// Hover on a sentence of an open report: its evidence ("score") and where it stands in the dataset, section,
// negation/context notes, a heatmap thumbnail, the flags anchored on it by their text (each
// reviewer's), and links to show or flag it. The
// markdown itself is built (and escaped) in hover-markdown.ts. Reads the report's pair only.
import * as vscode from 'vscode';
import type { SessionManager } from '../review/session-manager';
import { HOVER_COMMANDS, sentenceHoverMarkdown } from './hover-markdown';
import { sentenceAt } from './report-match';
import { reportDocument } from './review-target';
import { gradesFor } from './sentence-grades';

export class ReportHoverProvider implements vscode.HoverProvider {
  constructor(private readonly sessions: SessionManager) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const session = this.sessions.current;
    const found = await reportDocument(session, document).catch(() => undefined);
    if (!session || !found) return undefined;
    const at = sentenceAt(found.layout, document.offsetAt(position));
    if (!at) return undefined;
    const range = new vscode.Range(document.positionAt(at.start), document.positionAt(at.end));
    const flags = session
      .anchoredFlags(found.pair)
      .anchored.filter((a) => a.sentence === at.index)
      .map((a) => a.flag);
    const grades = await gradesFor(session.results);
    const text = sentenceHoverMarkdown({
      pair: found.pair,
      index: at.index,
      below: grades.percentile(at.sentence.evidence),
      flags,
      reviewer: session.reviewer,
    });
    const md = new vscode.MarkdownString(text, true);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    return new vscode.Hover(md, range);
  }
}
