// Builds the `state` message the webview renders from the review session: vscode-free, so the
// exact content the panel receives is unit-tested.
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

export function buildPanelState(session: ReviewSession | undefined, target: StateTarget, imageRef: ImageRefFor): PanelState {
  const base = { mode: target.mode, keymap: [...DEFAULT_KEYMAP], reasons: REASONS };
  if (!session) {
    return { ...base, pair: null, sentence: null, total: 0, unreviewed: 0, modelName: '', notice: 'Nothing scored yet: run "radalign: Score pairs" on a dataset folder.' };
  }
  const flagged = new Set(session.flags.map((f) => f.pair));
  const counts = { total: session.pairs.length, unreviewed: session.pairs.filter((p) => !flagged.has(p.id)).length, modelName: session.scoreResults.model.name };
  const pair = target.pairId === undefined ? undefined : session.pair(target.pairId);
  if (!pair) {
    const notice = target.pairId === undefined ? 'No pair selected.' : `Pair ${target.pairId} is not in the current results.`;
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
