// What a CLI command ends with: an exit code and the text for each stream. Commands return it
// instead of printing, so their contract (exit 0 once done, 2 with a message) is one place.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeError } from '../engine/describe-error';

export interface CliOutcome {
  code: number;
  stdout?: string;
  stderr?: string;
}

/** Exit 2 with the problem on stderr: a message, or anything caught (described as describeError does). */
export function cliFailure(problem: unknown): CliOutcome {
  const message = typeof problem === 'string' ? problem : describeError(problem);
  return { code: 2, stderr: `radalign: ${message}\n` };
}

/** For commands that print as they go: writes the failure as cliFailure would and returns its exit code. */
export function printFailure(problem: unknown): number {
  const outcome = cliFailure(problem);
  process.stderr.write(outcome.stderr!);
  return outcome.code;
}

/** The dataset folder resolved, or the failure to print when it is not a folder. */
export async function datasetFolder(folder: string): Promise<string | CliOutcome> {
  const root = resolve(folder);
  const info = await stat(root).catch(() => null);
  return info?.isDirectory() ? root : cliFailure(`dataset folder not found: ${root}`);
}
