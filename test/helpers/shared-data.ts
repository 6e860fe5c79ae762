// Locates ../shared/ (present in CI, absent on a user's clone) so tests that need it can skip visibly.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './fixture-models';

/** Absolute path of the shared folder beside the repository, or null when it is not there. */
export function sharedDir(): string | null {
  const candidates = [process.env.RADALIGN_SHARED, resolve(repoRoot, '../shared'), resolve(process.cwd(), '../shared')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

/** Skips the calling mocha suite/test with a visible reason when ../shared/<sub> is missing. */
export function requireShared(ctx: Mocha.Context, sub: string): string {
  const root = sharedDir();
  const path = root ? resolve(root, sub) : null;
  if (!path || !existsSync(path)) {
    console.log(`      (skipped: needs ../shared/${sub}, which this clone does not have)`);
    ctx.skip();
  }
  return path!;
}
