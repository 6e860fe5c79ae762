// Turns the engine's progress events into notification text: pairs done/total, rate and ETA.
import type { ScoreProgress } from '../engine/pipeline/score-dataset';
import { l10n } from './l10n';

export interface ProgressUpdate {
  message: string;
  /** Percent to add to the notification's bar since the previous update. */
  increment: number;
}

function phaseText(phase: Exclude<ScoreProgress['phase'], 'scoring'>): string {
  switch (phase) {
    case 'discovering':
      return l10n.t('finding pairs…');
    case 'loading-model':
      return l10n.t('loading the model…');
    case 'ranking':
      return l10n.t('ranking…');
    case 'done':
      return l10n.t('done');
  }
}

export class ProgressText {
  private startedAt: number | undefined;
  private reportedPercent = 0;

  constructor(private readonly now: () => number = Date.now) {}

  update(p: ScoreProgress): ProgressUpdate {
    if (p.phase !== 'scoring')
      return { message: phaseText(p.phase), increment: p.phase === 'done' ? this.advanceTo(100) : 0 };
    // The rate counts from the first scoring event: discovery and model loading are not pairs.
    this.startedAt ??= this.now();
    const seconds = (this.now() - this.startedAt) / 1000;
    const rate = seconds > 0 && p.done > 0 ? p.done / seconds : undefined;
    const parts = [l10n.t('{0}/{1} pairs', p.done, p.total)];
    if (rate !== undefined) {
      parts.push(l10n.t('{0} pairs/s', rate < 10 ? rate.toFixed(1) : Math.round(rate)));
      parts.push(l10n.t('ETA {0}', formatDuration((p.total - p.done) / rate)));
    }
    return { message: parts.join(' · '), increment: this.advanceTo(p.total > 0 ? (100 * p.done) / p.total : 0) };
  }

  private advanceTo(percent: number): number {
    const increment = Math.max(0, percent - this.reportedPercent);
    this.reportedPercent += increment;
    return increment;
  }
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
