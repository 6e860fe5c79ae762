// Which files a piece of the engine opens: for tests that prove a file is not read (again).
import type * as fsp from 'node:fs/promises';

/**
 * Counts opens of paths under `dir` through fs/promises, the way the engine opens image files (the
 * bundle calls the module's `open` property at call time, so replacing it sees every call).
 */
export function countOpens(dir: string): { count: () => number; paths: string[]; restore: () => void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to wrap its `open`
  const promises = require('node:fs/promises') as { open: typeof fsp.open };
  const original = promises.open;
  const paths: string[] = [];
  promises.open = ((path: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => {
    if (String(path).startsWith(dir)) paths.push(String(path));
    return (original as (...a: unknown[]) => ReturnType<typeof fsp.open>)(path, ...rest);
  }) as typeof fsp.open;
  return { count: () => paths.length, paths, restore: () => void (promises.open = original) };
}
