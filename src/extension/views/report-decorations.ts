// Tints each sentence of an open report by its evidence (dataset-relative grade, theme colours from
// package.json `contributes.colors`), marks the session's selected sentence and the flagged ones
// (flags placed by their text: anchoredFlags; a flag whose sentence is gone is never drawn on
// another one, the code lens lists it), with who flagged them, and says so once
// when the file no longer matches what was scored instead of drawing wrong ranges. Reads only the
// pair of each open report (and, once per results, the sample the grades come from).
import * as vscode from 'vscode';
import { l10n } from '../l10n';
import { disposeAll, followSession } from '../lifecycle';
import type { SessionManager } from '../review/session-manager';
import { reportDocument } from './review-target';
import { GRADES, gradesFor, sentenceStyle, type Grade, type SentenceStyle } from './sentence-grades';

/** Theme colour per grade; grade 2 (the middle fifth) is left untinted. */
const GRADE_COLORS: Partial<Record<Grade, string>> = {
  0: 'radalign.sentenceLowestScoreBackground',
  1: 'radalign.sentenceLowScoreBackground',
  3: 'radalign.sentenceHighScoreBackground',
  4: 'radalign.sentenceHighestScoreBackground',
};

export class ReportDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  private readonly selectedType = vscode.window.createTextEditorDecorationType({
    borderWidth: '1px',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('focusBorder'),
    borderRadius: '2px',
  });
  private readonly flaggedType = vscode.window.createTextEditorDecorationType({
    borderWidth: '0 0 2px 0',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    after: { color: new vscode.ThemeColor('editorWarning.foreground'), margin: '0 0 0 0.5em' },
  });
  private readonly changedType = vscode.window.createTextEditorDecorationType({
    after: {
      contentText: `  ${l10n.t('radalign: report changed since scoring — rescore to see sentence scores')}`,
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
    },
  });
  /** Per editor, the latest decorate call: an older one that finishes later is dropped. */
  private readonly runs = new WeakMap<vscode.TextEditor, number>();
  private runSeq = 0;
  private readonly subscriptions: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly sessions: SessionManager) {
    for (const grade of GRADES)
      for (const style of ['finding', 'negated', 'context'] as const)
        this.types.set(key(style, grade), decorationType(style, grade));
    const refresh = () => this.refreshAll();
    this.subscriptions.push(
      followSession(sessions, (session) => {
        refresh();
        return (
          session &&
          disposeAll(
            session.onDidChangeResults(refresh),
            session.onDidChangeSelection(refresh),
            session.onDidChangeReview(refresh),
          )
        );
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      // Typing can make a report match again or stop matching; coalesce keystrokes.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) return;
        clearTimeout(this.pending);
        this.pending = setTimeout(() => this.refreshAll(), 150);
      }),
    );
  }

  /** Re-decorates every visible editor. */
  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) void this.decorate(editor);
  }

  /** Re-decorates every visible editor and resolves once each is done (integration tests). */
  async refreshed(): Promise<void> {
    await Promise.all(vscode.window.visibleTextEditors.map((e) => this.decorate(e)));
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.subscriptions) d.dispose();
    for (const t of this.types.values()) t.dispose();
    this.selectedType.dispose();
    this.flaggedType.dispose();
    this.changedType.dispose();
  }

  private async decorate(editor: vscode.TextEditor): Promise<void> {
    const run = ++this.runSeq;
    this.runs.set(editor, run);
    const session = this.sessions.current;
    const byType = new Map<vscode.TextEditorDecorationType, vscode.DecorationOptions[]>();
    const add = (type: vscode.TextEditorDecorationType, option: vscode.DecorationOptions) =>
      byType.set(type, [...(byType.get(type) ?? []), option]);
    try {
      const found = await reportDocument(session, editor.document);
      if (session && found?.layout.status === 'changed') {
        const line = editor.document.lineAt(0).range;
        add(this.changedType, { range: new vscode.Range(line.end, line.end) });
      } else if (session && found?.layout.status === 'match') {
        const grades = await gradesFor(session.results);
        const selected = session.selected?.pairId === found.pair.id ? session.selected.sentence : null;
        const flagged = new Map<number, string[]>();
        for (const a of session.anchoredFlags(found.pair).anchored)
          flagged.set(a.sentence, [...(flagged.get(a.sentence) ?? []), a.flag.reviewer]);
        for (const s of found.layout.sentences) {
          const range = new vscode.Range(editor.document.positionAt(s.start), editor.document.positionAt(s.end));
          add(this.types.get(key(sentenceStyle(s.sentence), grades.grade(s.sentence.evidence)))!, { range });
          if (s.index === selected) add(this.selectedType, { range });
          const who = flagged.get(s.index);
          if (who)
            add(this.flaggedType, {
              range,
              renderOptions: { after: { contentText: `⚑ ${[...new Set(who)].join(', ')}` } },
            });
        }
      }
    } catch {
      // The pair could not be read (the results were replaced meanwhile, a damaged file): no tint.
      byType.clear();
    }
    if (this.runs.get(editor) !== run) return; // a newer call decorates this editor
    // Every type is set, empty ones included, so stale decorations disappear.
    for (const type of [...this.types.values(), this.selectedType, this.flaggedType, this.changedType])
      editor.setDecorations(type, byType.get(type) ?? []);
  }
}

function key(style: SentenceStyle, grade: Grade): string {
  return `${style}:${grade}`;
}

/**
 * Findings: background tint. Negated findings: a dotted underline in the tint (low evidence on
 * "No effusion." is expected). Context (history, indication): faded, untinted.
 */
function decorationType(style: SentenceStyle, grade: Grade): vscode.TextEditorDecorationType {
  const color = GRADE_COLORS[grade] ? new vscode.ThemeColor(GRADE_COLORS[grade]!) : undefined;
  const ruler =
    grade === 0 && style === 'finding'
      ? { overviewRulerColor: color, overviewRulerLane: vscode.OverviewRulerLane.Right }
      : {};
  if (style === 'context') return vscode.window.createTextEditorDecorationType({ opacity: '0.7', fontStyle: 'italic' });
  if (style === 'negated') {
    return vscode.window.createTextEditorDecorationType(
      color ? { borderWidth: '0 0 2px 0', borderStyle: 'dotted', borderColor: color } : {},
    );
  }
  return vscode.window.createTextEditorDecorationType({ backgroundColor: color, borderRadius: '2px', ...ruler });
}
