// Notification text for a model download: file, MB done/total, transfer rate; and the percent to
// add to the bar since the last report.
import { formatMB } from './catalogue-choices';
import type { DownloadProgress } from './download';

export class DownloadProgressText {
  private readonly startedAt: number;
  private reported = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  update(p: DownloadProgress): { message: string; increment: number } {
    const seconds = (this.now() - this.startedAt) / 1000;
    const parts = [p.file, `${formatMB(p.done)} / ${formatMB(p.total)}`];
    // The rate counts only bytes received now, not those resumed from an earlier run.
    if (seconds >= 0.5 && p.received > 0) parts.push(`${formatMB(p.received / seconds)}/s`);
    const percent = p.total > 0 ? (100 * p.done) / p.total : 0;
    const increment = Math.max(0, percent - this.reported);
    this.reported += increment;
    return { message: parts.join(' · '), increment };
  }
}
