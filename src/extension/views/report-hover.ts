// Hover on a sentence of an open report: its score and where it stands in the dataset, section,
// negation/context notes, a heatmap thumbnail, its flag, and links to show or flag it.
import * as vscode from 'vscode';
import type { PairResult } from '../../engine/results';
import { FLAG_REASON_LABELS } from '../../engine/review';
import type { ReviewSession } from '../review/review-session';
import type { SessionManager } from '../review/session-manager';
import { heatmapDataUri } from './heatmap-thumbnail';
import { sentenceAt, type SentenceRange } from './report-match';
import { reportDocument } from './review-target';
import { SentenceGrades, scoreBar } from './sentence-grades';

const HOVER_COMMANDS = ['radalign.showSentence', 'radalign.flagSentence'];

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
    return new vscode.Hover(this.markdown(session, found.pair, at), range);
  }

  private markdown(session: ReviewSession, pair: PairResult, at: SentenceRange): vscode.MarkdownString {
    const s = at.sentence;
    const below = this.grades(session).percentile(s.score);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    md.appendMarkdown(`**radalign** · sentence ${at.index + 1} of ${pair.sentences.length} · ${s.section}\n\n`);
    md.appendMarkdown(`score **${s.score.toFixed(3)}** \`${scoreBar(below)}\` higher than ${Math.round(below * 100)}% of this dataset's sentences\n\n`);
    if (!s.describesImage) md.appendMarkdown(`_Context (history, indication…): does not describe the image; its score is not evidence either way._\n\n`);
    else if (s.negated) md.appendMarkdown(`_Negated finding: a low score is expected and is not by itself a mismatch._\n\n`);
    if (s.uncertain) md.appendMarkdown(`_Hedged ("possible", "cannot exclude")._\n\n`);
    if (s.heatmap) {
      const image = pair.images[s.heatmap.imageIndex] ?? '';
      md.appendMarkdown(`![heatmap of sentence ${at.index + 1}](${heatmapDataUri(s.heatmap)})\n\n`);
      md.appendMarkdown(`_${s.heatmap.kind} heatmap over ${escape(image)} (bright = closer match)_\n\n`);
    }
    const flag = session.flagsFor(pair.id).find((f) => f.sentence === at.index);
    if (flag) md.appendMarkdown(`$(flag) **${FLAG_REASON_LABELS[flag.reason!]}**${flag.note ? ` — ${escape(flag.note)}` : ''} (${escape(flag.reviewer)})\n\n`);
    const args = encodeURIComponent(JSON.stringify([{ pairId: pair.id, sentence: at.index }]));
    md.appendMarkdown(`[Show heatmap](command:radalign.showSentence?${args}) · [${flag ? 'Change flag…' : 'Flag sentence…'}](command:radalign.flagSentence?${args})`);
    return md;
  }

  private grades(session: ReviewSession): SentenceGrades {
    if (this.cached?.results !== session.scoreResults) this.cached = { results: session.scoreResults, grades: new SentenceGrades(session.pairs) };
    return this.cached.grades;
  }
}

/** Text from reports and notes must not be read as markdown or links. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
