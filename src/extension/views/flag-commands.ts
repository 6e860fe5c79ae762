// "Flag sentence…" and "Flag pair…": pick a reason (or Unflag), add a note, record it through the
// session (which writes the review file) as the session's reviewer. A sentence flag is mine on that
// sentence; "Flag pair…" is today's name for my verdict "mismatched" with that reason (Unflag
// clears my verdict). See FlagArgs for the argument that skips the pickers.
import * as vscode from 'vscode';
import type { FlagReason } from '../../engine/review/types';
import { fail, nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { messages } from '../messages';
import type { ReviewSession } from '../review/review-session';
import { parseFlagArgs, reasonChoices, targetTitle, type FlagArgs } from './flag-choices';
import { escapeIcons } from './markdown-text';
import { activeReport, currentPair } from './review-target';

export type FlagOutcome =
  | { status: 'flagged'; pairId: string; sentence: number | null; reason: FlagReason; note: string }
  | { status: 'unflagged'; pairId: string; sentence: number | null }
  | { status: 'cancelled' }
  | Failed;

export function registerFlagCommands(deps: ExtensionDeps): vscode.Disposable[] {
  const run =
    (mode: 'pair' | 'sentence') =>
    async (arg?: unknown): Promise<FlagOutcome> => {
      const session = sessionOrExplain(deps.sessions);
      if (!session) return nothingScored();
      const args = parseFlagArgs(arg);
      if ('error' in args)
        return fail(deps.log, `radalign.flag${mode === 'pair' ? 'Pair' : 'Sentence'}: ${args.error}`);
      try {
        return await flag(session, mode, args);
      } catch (e) {
        return fail(deps.log, e);
      }
    };
  return [
    vscode.commands.registerCommand('radalign.flagPair', run('pair')),
    vscode.commands.registerCommand('radalign.flagSentence', run('sentence')),
  ];
}

async function flag(session: ReviewSession, mode: 'pair' | 'sentence', args: FlagArgs): Promise<FlagOutcome> {
  const pair =
    args.pairId !== undefined
      ? await session.pairDetails(args.pairId)
      : await currentPair(
          session,
          mode === 'pair' ? l10n.t('Which pair to flag?') : l10n.t('Which pair has the sentence?'),
        );
  if (!pair) {
    if (args.pairId !== undefined) throw new Error(messages.noPairWithId(args.pairId, session.folder));
    return { status: 'cancelled' };
  }
  let sentence = args.sentence ?? null;
  if (mode === 'sentence' && args.sentence === undefined) {
    const picked = await sentenceToFlag(session, pair.id);
    if (picked === undefined) return { status: 'cancelled' };
    sentence = picked;
  }
  if (sentence !== null && !pair.sentences[sentence])
    throw new Error(messages.pairHasNoSentence(pair.id, sentence + 1));
  // Sentence flags select their sentence, so the panel and the tree show what is being flagged.
  if (sentence !== null || session.selected?.pairId !== pair.id) session.select(pair.id, sentence);

  const target = { pairId: pair.id, sentence };
  // Mine only: a flag or verdict is its reviewer's, and Unflag removes mine.
  const current =
    sentence === null
      ? (() => {
          const v = session.review.verdictOf(pair.id, session.reviewer);
          return v?.verdict === 'mismatched' ? v : undefined;
        })()
      : session
          .anchoredFlags(pair)
          .anchored.find((a) => a.sentence === sentence && a.flag.reviewer === session.reviewer)?.flag;
  const title = targetTitle(pair.id, sentence, sentence === null ? undefined : pair.sentences[sentence].text);

  let reason: FlagReason | null;
  let note: string;
  if (args.reason !== undefined) {
    reason = args.reason;
    note = args.note ?? '';
  } else {
    const choice = await vscode.window.showQuickPick(reasonChoices(current), {
      title,
      placeHolder: l10n.t('Why does this not match?'),
    });
    if (!choice) return { status: 'cancelled' };
    reason = choice.reason;
    if (reason !== null) {
      const typed = await vscode.window.showInputBox({
        title,
        prompt: messages.notePrompt(),
        value: current?.note ?? '',
      });
      if (typed === undefined) return { status: 'cancelled' };
      note = typed.trim();
    } else note = '';
  }

  if (reason === null) {
    if (current) await session.unflag(target);
    return { status: 'unflagged', ...target };
  }
  await session.flag(target, reason, note);
  return { status: 'flagged', ...target, reason, note };
}

/** The sentence at the cursor of the pair's report, else the selected one, else asked. */
async function sentenceToFlag(session: ReviewSession, pairId: string): Promise<number | undefined> {
  const inEditor = await activeReport(session);
  if (inEditor?.pair.id === pairId && inEditor.sentence !== null) return inEditor.sentence;
  if (session.selected?.pairId === pairId && session.selected.sentence !== null) return session.selected.sentence;
  const pair = (await session.pairDetails(pairId))!;
  const picked = await vscode.window.showQuickPick(
    pair.sentences.map((s, index) => ({
      label: escapeIcons(s.text.replace(/\s+/g, ' ').trim()),
      description: `${s.section} · ${l10n.t('score {0}', s.evidence.toFixed(3))}`,
      index,
    })),
    { placeHolder: l10n.t('Which sentence of {0}?', pairId), matchOnDescription: true },
  );
  return picked?.index;
}
