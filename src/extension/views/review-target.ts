// Which pair (and sentence) a command acts on, and opening the review panel on it. Report files
// are matched to pairs through the results' index (report files); only the matched pair is read.
import * as vscode from 'vscode';
import type { PairResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';
import type { SavedResults } from '../../engine/store/results-file';
import type { ReviewSession } from '../review/review-session';
import { describeError } from '../../engine/describe-error';
import { l10n } from '../l10n';
import { escapeIcons } from './markdown-text';
import { PAGE_SIZE } from './pair-rows';
import { reportName } from '../../engine/report-origin';
import { layoutReport, ReportIndex, sentenceAt, type ReportLayout } from './report-match';

const indexes = new WeakMap<SavedResults, ReportIndex>();

/** The report-file index of the session's current results (built on first use, again when results are replaced). */
export function reportIndex(session: ReviewSession): ReportIndex {
  let index = indexes.get(session.results);
  if (!index) {
    index = new ReportIndex(session.folder, entries(session));
    indexes.set(session.results, index);
  }
  return index;
}

function* entries(session: ReviewSession): Generator<RankedEntry> {
  for (let rank = 1; rank <= session.count; rank++) yield session.entry(rank)!;
}

export interface ReportDocument {
  pair: PairResult;
  layout: ReportLayout;
}

/** The scored pair whose report `document` is (read from disk unless cached), with its sentence ranges in the text as it is now. */
export async function reportDocument(
  session: ReviewSession | undefined,
  document: vscode.TextDocument,
): Promise<ReportDocument | undefined> {
  if (!session || document.uri.scheme !== 'file') return undefined;
  const id = reportIndex(session).pairIdFor(document.uri.fsPath);
  if (id === undefined) return undefined;
  const pair = await session.pairDetails(id);
  return pair ? { pair, layout: layoutReport(pair, document.getText()) } : undefined;
}

/** The report editor in front, when it shows a scored pair: the pair and the sentence at the cursor. */
export async function activeReport(
  session: ReviewSession,
): Promise<{ pair: PairResult; sentence: number | null } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const found = await reportDocument(session, editor.document);
  if (!found) return undefined;
  const at = sentenceAt(found.layout, editor.document.offsetAt(editor.selection.active));
  return { pair: found.pair, sentence: at?.index ?? null };
}

/**
 * The pair a command acts on: the report in the active editor (the user is looking at it), else
 * the session's selection (e.g. from the panel, which leaves no active text editor), else asked.
 */
export async function currentPair(session: ReviewSession, placeHolder: string): Promise<PairResult | undefined> {
  const inEditor = await activeReport(session);
  if (inEditor) return inEditor.pair;
  const selected = session.selected ? await session.pairDetails(session.selected.pairId) : undefined;
  if (selected) return selected;
  const picked = await pickPair(session, placeHolder);
  return picked === undefined ? undefined : session.pairDetails(picked);
}

/**
 * Asks for a pair: the most suspicious ones first; typing searches every pair's id and report
 * path in the index (the quick pick's own filter would need every pair as an item). Returns its id.
 */
export function pickPair(session: ReviewSession, placeHolder: string): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { id: string };
  const item = (e: RankedEntry): Item => ({
    // Quick pick labels render `$(icon)`: dataset text is escaped.
    label: `#${e.rank} ${escapeIcons(e.id)}`,
    description: pickDescription(session, e),
    detail: escapeIcons(reportName(e)),
    id: e.id,
  });
  const search = (text: string): Item[] => {
    const needle = text.trim().toLowerCase();
    const out: Item[] = [];
    for (let rank = 1; rank <= session.count && out.length < PAGE_SIZE; rank++) {
      const e = session.entry(rank)!;
      if (!needle || e.id.toLowerCase().includes(needle) || reportName(e).toLowerCase().includes(needle))
        out.push(item(e));
    }
    return out;
  };
  const pick = vscode.window.createQuickPick<Item>();
  pick.placeholder = l10n.t('{0} (type to search ids and report paths)', placeHolder);
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = search('');
  return new Promise((resolve) => {
    let chosen: string | undefined;
    pick.onDidChangeValue((text) => (pick.items = search(text)));
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.id;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/** "suspicion 0.93 · mismatched", or "· ⚑ flagged" for sentence flags without a verdict. */
function pickDescription(session: ReviewSession, e: RankedEntry): string {
  const suspicion = l10n.t('suspicion {0}', e.suspicion.toFixed(2));
  const outcome = session.review.outcome(e.id);
  if (outcome !== 'unreviewed') return `${suspicion} · ${outcome}`;
  return session.flagsFor(e.id).length ? `${suspicion} · ${l10n.t('⚑ flagged')}` : suspicion;
}

/** Opens (or reveals) the review panel; it follows the session's selection by itself. */
export async function openReview(log: vscode.LogOutputChannel): Promise<void> {
  try {
    await vscode.commands.executeCommand('radalign.openReview');
  } catch (e) {
    log.warn(`could not open the review panel: ${describeError(e)}`);
  }
}
