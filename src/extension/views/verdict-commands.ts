// Mark aligned / mismatched / unsure, Clear verdict, and Adjudicate pair: the session's reviewer's
// verdict on the current pair (or the one named), written to the review file before the command
// resolves. Mismatched asks for a reason, a note, and whether one of the reports that fit the
// images best belongs to them (export-clean then re-pairs). After a verdict on the pair being
// reviewed, `radalign.advanceAfterVerdict` moves on to the next pair awaiting mine. Every command
// resolves to a typed outcome; VerdictArgs skips the pickers.
import * as vscode from 'vscode';
import type { PairResult } from '../../engine/results';
import { FLAG_REASONS, type FlagReason, type Verdict } from '../../engine/review/types';
import { fail, nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { messages } from '../messages';
import type { ReviewSession } from '../review/review-session';
import { advanceAfterVerdict } from '../settings';
import {
  adjudicationChoices,
  bestReportChoices,
  parseVerdictArgs,
  verdictsInWords,
  type VerdictArgs,
} from './verdict-choices';
import { escapeIcons } from './markdown-text';
import { currentPair } from './review-target';
import { reasonLabel } from '../review-labels';

export type VerdictOutcome =
  | {
      status: 'recorded';
      kind: 'verdict' | 'adjudication';
      pairId: string;
      reviewer: string;
      /** null: cleared. */
      verdict: Verdict | null;
      reason: FlagReason | null;
      note: string;
      useReportOf?: string;
      /** The pair selected next (advanceAfterVerdict), if it moved. */
      next?: string;
    }
  | { status: 'cancelled' }
  | Failed;

export function registerVerdictCommands(deps: ExtensionDeps): vscode.Disposable[] {
  const command = (name: string, run: (session: ReviewSession, args: VerdictArgs) => Promise<VerdictOutcome>) =>
    vscode.commands.registerCommand(name, async (arg?: unknown): Promise<VerdictOutcome> => {
      const session = sessionOrExplain(deps.sessions);
      if (!session) return nothingScored();
      const args = parseVerdictArgs(arg);
      if ('error' in args) return fail(deps.log, `${name}: ${args.error}`);
      try {
        return await run(session, args);
      } catch (e) {
        return fail(deps.log, e);
      }
    });
  return [
    command('radalign.markAligned', (s, a) => simpleVerdict(s, a, 'aligned')),
    command('radalign.markUnsure', (s, a) => simpleVerdict(s, a, 'unsure')),
    command('radalign.markMismatched', markMismatched),
    command('radalign.clearVerdict', (s, a) => simpleVerdict(s, a, null)),
    command('radalign.adjudicatePair', adjudicate),
  ];
}

/** The pair named, else the current one (report in front, else the selection, else asked). */
async function targetPair(
  session: ReviewSession,
  args: VerdictArgs,
  placeHolder: string,
): Promise<PairResult | undefined> {
  if (args.pairId === undefined) return currentPair(session, placeHolder);
  const pair = await session.pairDetails(args.pairId);
  if (!pair) throw new Error(messages.noPairWithId(args.pairId, session.folder));
  return pair;
}

async function simpleVerdict(
  session: ReviewSession,
  args: VerdictArgs,
  verdict: 'aligned' | 'unsure' | null,
): Promise<VerdictOutcome> {
  const pair = await targetPair(
    session,
    args,
    verdict === 'aligned'
      ? l10n.t('Which pair is aligned?')
      : verdict === 'unsure'
        ? l10n.t('Which pair is unsure?')
        : l10n.t('Clear your verdict on which pair?'),
  );
  if (!pair) return { status: 'cancelled' };
  const note = verdict ? (args.note ?? '') : '';
  await session.verdict(pair.id, verdict, { note });
  return recorded(
    session,
    'verdict',
    pair.id,
    verdict,
    null,
    note,
    undefined,
    verdict !== null && args.pairId === undefined,
  );
}

async function markMismatched(session: ReviewSession, args: VerdictArgs): Promise<VerdictOutcome> {
  const pair = await targetPair(session, args, l10n.t('Which pair is mismatched?'));
  if (!pair) return { status: 'cancelled' };
  const current = session.review.verdictOf(pair.id, session.reviewer);
  const asked =
    args.reason !== undefined
      ? { reason: args.reason, note: args.note ?? '', useReportOf: args.useReportOf ?? undefined }
      : await askMismatch(session, pair, l10n.t('Mark pair {0} mismatched', escapeIcons(pair.id)), current);
  if (!asked) return { status: 'cancelled' };
  await session.verdict(pair.id, 'mismatched', asked);
  return recorded(
    session,
    'verdict',
    pair.id,
    'mismatched',
    asked.reason,
    asked.note,
    asked.useReportOf,
    args.pairId === undefined,
  );
}

async function adjudicate(session: ReviewSession, args: VerdictArgs): Promise<VerdictOutcome> {
  const pair = await targetPair(session, args, l10n.t('Which pair to adjudicate?'));
  if (!pair) return { status: 'cancelled' };
  const review = session.review.get(pair.id);
  let verdict: Verdict | null;
  let opts: { reason: FlagReason | null; note: string; useReportOf?: string };
  if (args.verdict !== undefined) {
    verdict = args.verdict;
    opts =
      verdict === 'mismatched'
        ? { reason: args.reason ?? null, note: args.note ?? '', useReportOf: args.useReportOf ?? undefined }
        : { reason: null, note: verdict ? (args.note ?? '') : '' };
  } else {
    const title = escapeIcons(l10n.t('Adjudicate {0}: {1}', pair.id, verdictsInWords(review)));
    const choice = await vscode.window.showQuickPick(adjudicationChoices(review), {
      title,
      placeHolder: l10n.t('The verdict that settles this pair'),
    });
    if (!choice) return { status: 'cancelled' };
    verdict = choice.verdict;
    if (verdict === 'mismatched') {
      const asked = await askMismatch(session, pair, title, review?.adjudication);
      if (!asked) return { status: 'cancelled' };
      opts = asked;
    } else if (verdict !== null) {
      const note = await vscode.window.showInputBox({
        title,
        prompt: l10n.t('Note (optional): why this verdict settles the pair'),
        value: review?.adjudication?.note ?? '',
      });
      if (note === undefined) return { status: 'cancelled' };
      opts = { reason: null, note: note.trim() };
    } else opts = { reason: null, note: '' };
  }
  await session.adjudicate(pair.id, verdict, opts);
  return recorded(session, 'adjudication', pair.id, verdict, opts.reason, opts.note, opts.useReportOf, false);
}

/** Reason (or none), note, and the report that belongs to the images (when the pair has best reports). */
async function askMismatch(
  session: ReviewSession,
  pair: PairResult,
  title: string,
  current: { verdict: Verdict | null; reason: FlagReason | null; note: string; useReportOf?: string } | undefined,
): Promise<{ reason: FlagReason | null; note: string; useReportOf?: string } | undefined> {
  const was = current?.verdict === 'mismatched' ? current : undefined;
  const reasons = [
    {
      label: l10n.t('No reason given'),
      description: was && was.reason === null ? l10n.t('current') : undefined,
      reason: null as FlagReason | null,
    },
    ...FLAG_REASONS.map((reason) => ({
      label: reasonLabel(reason),
      description: reason === was?.reason ? `${reason} · ${l10n.t('current')}` : reason,
      reason,
    })),
  ];
  const picked = await vscode.window.showQuickPick(reasons, {
    title,
    placeHolder: l10n.t('Why does this pair not match?'),
  });
  if (!picked) return undefined;
  const note = await vscode.window.showInputBox({
    title,
    prompt: messages.notePrompt(),
    value: was?.note ?? '',
  });
  if (note === undefined) return undefined;
  const choices = bestReportChoices(pair, (id) => session.entry(id), was?.useReportOf);
  let useReportOf: string | undefined;
  if (choices.length > 1) {
    const report = await vscode.window.showQuickPick(choices, {
      title,
      placeHolder: l10n.t('Does one of these reports belong to these images? (a clean export then pairs them)'),
      matchOnDetail: true,
    });
    if (!report) return undefined;
    useReportOf = report.pairId;
  }
  return { reason: picked.reason, note: note.trim(), ...(useReportOf !== undefined ? { useReportOf } : {}) };
}

/** The outcome; after a verdict on the pair under review, moves on when radalign.advanceAfterVerdict says so. */
function recorded(
  session: ReviewSession,
  kind: 'verdict' | 'adjudication',
  pairId: string,
  verdict: Verdict | null,
  reason: FlagReason | null,
  note: string,
  useReportOf: string | undefined,
  mayAdvance: boolean,
): VerdictOutcome {
  let next: string | undefined;
  if (mayAdvance && advanceAfterVerdict()) {
    if (session.selected?.pairId !== pairId) session.select(pairId);
    next = session.moveToAwaitingMyVerdict(1)?.id;
  }
  return {
    status: 'recorded',
    kind,
    pairId,
    reviewer: session.reviewer,
    verdict,
    reason,
    note: note.trim(),
    ...(useReportOf !== undefined ? { useReportOf } : {}),
    ...(next !== undefined ? { next } : {}),
  };
}
