// The built CLI (`bin/radalign.js`, over dist/), run as a user runs it: a child process from the
// repository root, output as text. The CLI tests share it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './fixture-models';

export const CLI_PATH = join(repoRoot, 'bin', 'radalign.js');

/** A function that runs `radalign <args>`; `env` (read at each call) is added to the environment. */
export function cliRunner(env: () => NodeJS.ProcessEnv = () => ({})) {
  return (...args: string[]) =>
    spawnSync(process.execPath, [CLI_PATH, ...args], {
      encoding: 'utf8',
      cwd: repoRoot,
      env: { ...process.env, ...env() },
    });
}
