// Process ids for the tests of abandoned locks and temporary files.
import { spawnSync } from 'node:child_process';

/** A process id that was running a moment ago and is not any more. */
export function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}
