// Who made a change, when nobody said: the configured name, else the git user of the dataset's
// repository (what a team already uses to tell its members apart), else the OS user name — the
// same chain in the extension and the CLI, so one person's verdicts carry one name.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

/** Bound on asking git: a hung credential helper or network folder must not stall a review. */
const GIT_TIMEOUT_MS = 3000;

export function defaultReviewerName(): string {
  try {
    return userInfo().username || 'reviewer';
  } catch {
    return 'reviewer'; // no passwd entry (some containers)
  }
}

/** `configured` (trimmed) when set, else `git config user.name` in `folder`, else the OS user. */
export async function resolveReviewerName(folder: string, configured?: string): Promise<string> {
  const set = configured?.trim();
  if (set) return set;
  return (await gitUserName(folder)) ?? defaultReviewerName();
}

/** `git config user.name` run in `folder`, or undefined (no git, no name, too slow). */
export function gitUserName(folder: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['config', 'user.name'],
      { cwd: folder, timeout: GIT_TIMEOUT_MS, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout) => {
        const name = error ? '' : String(stdout).trim();
        resolve(name || undefined);
      },
    );
  });
}
