// Builds the `state` message the webview renders from the review session and the shown pair's
// record (read by the caller, from disk or the session's cache): vscode-free, so the exact content
// the panel receives is unit-tested. Counts come from the index and the flags: no pair is read.
import { FLAG_REASONS, FLAG_REASON_LABELS } from '../../engine/review/types';
import type { PairResult } from '../../engine/results';
import type { FlagView, ImageRef, PairView, PanelState } from '../../protocol/review-panel-protocol';
import type { ReviewSession } from '../review/review-session';
import { DEFAULT_KEYMAP } from './keymap';

export interface StateTarget {
  mode: 'follow' | 'pinned';
  /** The pair to show: the session's selection ('follow') or the pinned pair. */
  pairId: string | undefined;
  sentence: number | null;
}

/** How each image reaches the webview (a URL or pixels on request); decided by the caller. */
export type ImageRefFor = (pair: PairResult, index: number) => ImageRef;

const REASONS = FLAG_REASONS.map((id) => ({ id, label: FLAG_REASON_LABELS[id] }));

/** The target pair's record: read (undefined when the results have no such pair), or why it could not be. */
export type ShownPair = { pair: PairResult | undefined } | { problem: string };

export function buildPanelState(session: ReviewSession | undefined, target: StateTarget, shown: ShownPair, imageRef: ImageRefFor): PanelState {
  const base = { mode: target.mode, keymap: [...DEFAULT_KEYMAP], reasons: REASONS };
  if (!session) {
    return { ...base, pair: null, sentence: null, total: 0, unreviewed: 0, modelName: '', notice: 'Nothing scored yet: run "radalign: Score pairs" on a dataset folder.' };
  }
  const counts = { total: session.count, unreviewed: session.count - session.flaggedPairCount(), modelName: session.model.name };
  const pair = target.pairId === undefined || !('pair' in shown) ? undefined : shown.pair;
  if (!pair) {
    const notice =
      target.pairId === undefined ? 'No pair selected.' : 'problem' in shown ? `Pair ${target.pairId} could not be read: ${shown.problem}` : `Pair ${target.pairId} is not in the current results.`;
    return { ...base, ...counts, pair: null, sentence: null, notice };
  }
  const sentence = target.sentence !== null && target.sentence < pair.sentences.length ? target.sentence : null;
  return { ...base, ...counts, pair: pairView(session, pair, imageRef), sentence };
}

function pairView(session: ReviewSession, pair: PairResult, imageRef: ImageRefFor): PairView {
  const flags: FlagView[] = session.flagsFor(pair.id).flatMap((f) =>
    f.reason === null ? [] : [{ sentence: f.sentence, reason: f.reason, note: f.note, reviewer: f.reviewer, at: f.at }],
  );
  return {
    id: pair.id,
    reportName: pair.report,
    reportText: pair.reportText,
    images: pair.images.map((_, i) => imageRef(pair, i)),
    score: pair.score,
    suspicion: pair.suspicion,
    rank: pair.rank,
    reportRank: pair.reportRank,
    imageRank: pair.imageRank,
    bestReports: pair.bestReports.map((b) => ({ id: b.id, score: b.score })),
    sentences: pair.sentences.map((s) => ({
      text: s.text,
      section: s.section,
      start: s.start,
      end: s.end,
      score: s.score,
      imageScore: s.imageScore,
      consistency: s.consistency,
      negated: s.negated,
      uncertain: s.uncertain,
      describesImage: s.describesImage,
      ...(s.heatmap ? { heatmap: { ...s.heatmap, values: [...s.heatmap.values], box: [...s.heatmap.box] as [number, number, number, number] } } : {}),
    })),
    flags,
  };
}
