// A progress bar with rate and ETA on a terminal; a few plain lines otherwise (logs, CI).
import cliProgress from 'cli-progress';
import type { ScoreProgress } from '../engine';

export interface ProgressReporter {
  update: (p: ScoreProgress) => void;
  stop: () => void;
}

export function createProgressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  if (!stream.isTTY) {
    let lastPhase = '';
    return {
      update: (p) => {
        if (p.phase !== lastPhase && p.phase !== 'done')
          stream.write(`radalign: ${p.phase}${p.total ? ` (${p.total} pairs)` : ''}…\n`);
        lastPhase = p.phase;
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} pairs | {rate} pairs/s | ETA {eta_formatted} | {phase}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let t0 = Date.now();
  return {
    update: (p) => {
      if (p.phase === 'scoring' && !started) {
        bar.start(p.total, 0, { rate: '–', phase: 'scoring' });
        started = true;
        t0 = Date.now();
      }
      if (!started || (p.done === 0 && p.phase === 'scoring')) return;
      const secs = (Date.now() - t0) / 1000;
      bar.update(p.done, { rate: secs > 0 ? (p.done / secs).toFixed(1) : '–', phase: p.phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
