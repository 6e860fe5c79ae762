// The words for flag reasons and verdicts, in the display language: the host sends them with every
// state (src/extension/review-labels.ts makes them), the panel looks them up here. Before the first
// state, and for an id the state lacks, the engine's English label.
import { FLAG_REASON_LABELS, VERDICT_LABELS, type FlagReason, type Verdict } from '../../src/engine/review/types';
import type { PanelState } from '../../src/protocol/review-panel-protocol';

let reasons = new Map<FlagReason, string>();
let verdicts = new Map<Verdict, string>();

/** Takes the labels of the state about to be rendered. */
export function useLabels(state: Pick<PanelState, 'reasons' | 'verdicts'>): void {
  reasons = new Map(state.reasons.map((r) => [r.id, r.label]));
  verdicts = new Map(state.verdicts.map((v) => [v.id, v.label]));
}

export function reasonLabel(reason: FlagReason): string {
  return reasons.get(reason) ?? FLAG_REASON_LABELS[reason];
}

export function verdictLabel(verdict: Verdict): string {
  return verdicts.get(verdict) ?? VERDICT_LABELS[verdict];
}
