// Where embeddings are cached by default: a per-user cache folder, never inside the dataset
// (datasets may be read-only, shared, or under version control). Keys are content hashes, so
// one cache serves every dataset and model safely.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.RADALIGN_CACHE_DIR) return env.RADALIGN_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'radalign', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'radalign');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'radalign');
}
