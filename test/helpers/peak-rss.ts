// Peak resident memory of one piece of work, for the image-limit tests: a decoder that allocates
// for a huge header before refusing it shows up here even though it frees everything afterwards.
// On Linux the kernel's own high-water mark (VmHWM) is reset before the work and read after it, so
// the peak inside synchronous code counts; elsewhere RSS is sampled, a lower bound of the peak.
import { readFileSync, writeFileSync } from 'node:fs';

export interface PeakRss {
  /** Resident set when the work started, MB. */
  beforeMB: number;
  /** Highest resident set while it ran, MB. */
  peakMB: number;
  /** Resident set when it ended, MB. */
  afterMB: number;
  method: 'VmHWM' | 'sampled rss';
}

const MB = 1024 * 1024;

function procStatus(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
    return match ? (Number(match[1]) * 1024) / MB : null;
  } catch {
    return null;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current resident set (Linux ≥ 4.0). */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return procStatus('VmHWM') !== null;
  } catch {
    return false;
  }
}

/** Runs `work` and reports the peak resident memory while it ran; `work`'s rejection is returned, not thrown. */
export async function measurePeakRss<T>(work: () => Promise<T>): Promise<PeakRss & { outcome: T | Error }> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssMB = (): number => process.memoryUsage().rss / MB;
  const kernel = resetHighWaterMark();
  const beforeMB = kernel ? procStatus('VmRSS')! : rssMB();
  let sampled = beforeMB;
  const timer = kernel ? null : setInterval(() => (sampled = Math.max(sampled, rssMB())), 5);
  let outcome: T | Error;
  try {
    outcome = await work();
  } catch (e) {
    outcome = e instanceof Error ? e : new Error(String(e));
  } finally {
    if (timer) clearInterval(timer);
  }
  const afterMB = rssMB();
  const peakMB = kernel ? procStatus('VmHWM')! : Math.max(sampled, afterMB);
  return { beforeMB, peakMB, afterMB, method: kernel ? 'VmHWM' : 'sampled rss', outcome };
}

/** "peak +12 MB over 180 MB (VmHWM)" */
export function describePeak(p: PeakRss): string {
  return `peak +${Math.round(p.peakMB - p.beforeMB)} MB over ${Math.round(p.beforeMB)} MB (${p.method}), after +${Math.round(p.afterMB - p.beforeMB)} MB`;
}
