// Builds the `state` message the webview renders from the review session and the shown pair's
// record (read by the caller, from disk or the session's cache): vscode-free, so the exact content
// the panel receives is unit-tested. Verdicts, adjudication and outcome come from the session's
// ReviewIndex (the one view of "reviewed / disagreed / mismatched"); sentence flags from the
// session's anchoring, so a flag follows its sentence's text or is listed as orphaned, never moved.
// Counts come from the session's progress summary: no pair is read for them.
import type { FlagEntry, VerdictEntry, AdjudicationEntry } from '../../engine/review/types';
import type { PairResult } from '../../engine/results';
import type {
  AdjudicationView,
  FlagView,
  ImageRef,
  OrphanedFlagView,
  PairView,
  PanelState,
  ProgressView,
} from '../../protocol/review-panel-protocol';
import type { ReviewSession } from '../review/review-session';
import { l10n } from '../l10n';
import { messages } from '../messages';
import { defaultKeymap } from './keymap';
import { reasonLabels, verdictLabels } from '../review-labels';

export interface StateTarget {
  mode: 'follow' | 'pinned';
  /** The pair to show: the session's selection ('follow') or the pinned pair. */
  pairId: string | undefined;
  sentence: number | null;
}

/** How each image reaches the webview (a URL or pixels on request); decided by the caller. */
export type ImageRefFor = (pair: PairResult, index: number) => ImageRef;

/** What the state is built from: the session's members the panel reads. */
export type PanelSession = Pick<
  ReviewSession,
  'count' | 'model' | 'reviewer' | 'review' | 'progress' | 'anchoredFlags' | 'assignment'
>;

const NO_PROGRESS: ProgressView = { reviewed: 0, total: 0, mine: 0, share: null, disagreed: 0 };

/** The target pair's record: read (undefined when the results have no such pair), or why it could not be. */
export type ShownPair = { pair: PairResult | undefined } | { problem: string };

export function buildPanelState(
  session: PanelSession | undefined,
  target: StateTarget,
  shown: ShownPair,
  imageRef: ImageRefFor,
): PanelState {
  const base = { mode: target.mode, keymap: defaultKeymap(), reasons: reasonLabels(), verdicts: verdictLabels() };
  if (!session) {
    return {
      ...base,
      pair: null,
      sentence: null,
      total: 0,
      reviewer: '',
      progress: NO_PROGRESS,
      modelName: '',
      notice: messages.nothingScored(),
    };
  }
  const counts = {
    total: session.count,
    reviewer: session.reviewer,
    progress: progressView(session),
    modelName: session.model.name,
  };
  const pair = target.pairId === undefined || !('pair' in shown) ? undefined : shown.pair;
  if (!pair) {
    const notice =
      target.pairId === undefined
        ? l10n.t('No pair selected.')
        : 'problem' in shown
          ? l10n.t('Pair {0} could not be read: {1}', target.pairId, shown.problem)
          : l10n.t('Pair {0} is not in the current results.', target.pairId);
    return { ...base, ...counts, pair: null, sentence: null, notice };
  }
  const sentence = target.sentence !== null && target.sentence < pair.sentences.length ? target.sentence : null;
  return { ...base, ...counts, pair: pairView(session, pair, imageRef), sentence };
}

function progressView(session: PanelSession): ProgressView {
  const summary = session.progress();
  const me = session.reviewer;
  const mine = summary.reviewers[me];
  const share = session.assignment?.shares[me];
  return {
    reviewed: summary.reviewed,
    total: summary.total,
    mine: mine?.reviewed ?? 0,
    share: share ? { reviewed: mine?.assignedReviewed ?? 0, assigned: mine?.assigned ?? share.length } : null,
    disagreed: summary.disagreed.length,
  };
}

function pairView(session: PanelSession, pair: PairResult, imageRef: ImageRefFor): PairView {
  const me = session.reviewer;
  const review = session.review.get(pair.id);
  const { anchored, orphaned } = session.anchoredFlags(pair);
  const flags: FlagView[] = anchored
    .filter(({ flag }) => flag.reason !== null)
    .map(({ flag, sentence }) => ({
      sentence,
      reason: flag.reason!,
      note: flag.note,
      reviewer: flag.reviewer,
      at: flag.at,
      mine: flag.reviewer === me,
    }))
    .sort((a, b) => a.sentence - b.sentence || compare(a.reviewer, b.reviewer));
  const orphanedFlags: OrphanedFlagView[] = orphaned
    .filter((f): f is FlagEntry & { reason: NonNullable<FlagEntry['reason']> } => f.reason !== null)
    .map((f) => ({
      text: f.sentenceText ?? null,
      sentence: f.sentence,
      reason: f.reason,
      note: f.note,
      reviewer: f.reviewer,
      at: f.at,
      mine: f.reviewer === me,
    }))
    .sort((a, b) => a.sentence - b.sentence || compare(a.reviewer, b.reviewer));
  return {
    id: pair.id,
    reportFile: pair.reportFile,
    reportRow: pair.reportRow,
    reportText: pair.reportText,
    images: pair.images.map((_, i) => imageRef(pair, i)),
    cosine: pair.cosine,
    suspicion: pair.suspicion,
    rank: pair.rank,
    reportRank: pair.reportRank,
    imageRank: pair.imageRank,
    bestReports: pair.bestReports,
    // The results' own sentences: the panel's view of a sentence is the results' (see the protocol).
    sentences: pair.sentences,
    verdicts: (review?.verdicts ?? []).flatMap((v) => {
      const view = judgement(v);
      return view ? [{ ...view, mine: v.reviewer === me }] : [];
    }),
    adjudication: (review?.adjudication && judgement(review.adjudication)) ?? null,
    outcome: review?.outcome ?? 'unreviewed',
    disagreed: review?.disagreed ?? false,
    flags,
    orphanedFlags,
  };
}

/** A live verdict or adjudication as the panel shows it (a reason only on a mismatched one). */
function judgement(e: VerdictEntry | AdjudicationEntry): AdjudicationView | undefined {
  if (e.verdict === null) return undefined;
  const mismatched = e.verdict === 'mismatched';
  return {
    reviewer: e.reviewer,
    verdict: e.verdict,
    reason: mismatched ? e.reason : null,
    note: e.note,
    at: e.at,
    ...(mismatched && e.useReportOf !== undefined ? { useReportOf: e.useReportOf } : {}),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
