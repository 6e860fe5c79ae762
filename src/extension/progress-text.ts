// Turns the engine's progress events into notification text: pairs done/total, rate and ETA.
import type { ScoreProgress } from '../engine';

export interface ProgressUpdate {
  message: string;
  /** Percent to add to the notification's bar since the previous update. */
  increment: number;
}

const PHASE_TEXT: Record<Exclude<ScoreProgress['phase'], 'scoring'>, string> = {
  discovering: 'finding pairs…',
  'loading-model': 'loading the model…',
  ranking: 'ranking…',
  done: 'done',
};

export class ProgressText {
  private startedAt: number | undefined;
  private reportedPercent = 0;

  constructor(private readonly now: () => number = Date.now) {}

  update(p: ScoreProgress): ProgressUpdate {
    if (p.phase !== 'scoring')
      return { message: PHASE_TEXT[p.phase], increment: p.phase === 'done' ? this.advanceTo(100) : 0 };
    // The rate counts from the first scoring event: discovery and model loading are not pairs.
    this.startedAt ??= this.now();
    const seconds = (this.now() - this.startedAt) / 1000;
    const rate = seconds > 0 && p.done > 0 ? p.done / seconds : undefined;
    const parts = [`${p.done}/${p.total} pairs`];
    if (rate !== undefined) {
      parts.push(`${rate < 10 ? rate.toFixed(1) : Math.round(rate)} pairs/s`);
      parts.push(`ETA ${formatDuration((p.total - p.done) / rate)}`);
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
